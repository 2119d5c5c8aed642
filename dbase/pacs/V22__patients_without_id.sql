-- Patients without Patient ID (issue 11): one patient per distinct (empty ID, name, birth date),
-- not one row for all of them whose name the last store overwrote. pat_noid_key is '' for every
-- patient with an ID, and a hash of the name's three component groups and the birth date for
-- those without, so the unique key tells them apart (a hash: the name columns themselves would
-- make the key longer than InnoDB's 3072 bytes). PatientMapper.selectByIdAndIssuer computes the
-- same expression from the incoming values.
ALTER TABLE patient
    ADD COLUMN pat_noid_key CHAR(64) CHARACTER SET ascii COLLATE ascii_bin
        GENERATED ALWAYS AS (IF(pat_id = '', SHA2(CONCAT_WS(CHAR(31 USING utf8mb4), COALESCE(pat_name, ''),
            COALESCE(pat_i_name, ''), COALESCE(pat_p_name, ''), COALESCE(pat_birthdate, '')), 256), '')) STORED;

ALTER TABLE patient
    ADD UNIQUE KEY uk_patient_id_noid (pat_id, pat_id_issuer_key, pat_noid_key),
    DROP KEY uk_patient_id;
