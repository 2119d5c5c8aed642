-- PACS schema, version 2: indexes for C-FIND. A person name key without component groups
-- matches any of the three groups (alphabetic, ideographic, phonetic), so each group column
-- has an index and the OR of the three can be an index merge rather than a scan.
CREATE INDEX ix_patient_pat_i_name ON patient (pat_i_name);
CREATE INDEX ix_patient_pat_p_name ON patient (pat_p_name);
CREATE INDEX ix_study_ref_phys_i_name ON study (ref_phys_i_name);
CREATE INDEX ix_study_ref_phys_p_name ON study (ref_phys_p_name);
