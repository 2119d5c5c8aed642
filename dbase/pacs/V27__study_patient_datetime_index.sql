-- PACS schema, version 27 (issue 16): a study search by patient (name, ID or birth date) and
-- study date reaches the studies through the patient's key. With study_datetime beside patient_fk
-- in that index, the date range is tested in the index and only the matching studies' rows are
-- read: at 1,000,000 instances a name prefix and a year went from 5.6 to 2.8 ms in the database
-- (ANALYZE). The index still begins with patient_fk, so it remains the foreign key's index; one
-- ALTER drops and adds it, as both MariaDB and MySQL 8 want for an index a foreign key uses.
ALTER TABLE study DROP INDEX ix_study_patient_fk, ADD INDEX ix_study_patient_fk (patient_fk, study_datetime);
