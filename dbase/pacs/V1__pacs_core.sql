-- PACS schema, version 1: the core of the dcm4chee 2.18 archive schema (DICOM
-- information model, storage, AE registry). Table and column names follow the
-- contract /work/shared/pacs-schema.md. Runs on MySQL 8 and MariaDB 10.6+.
-- Strings are VARCHAR(250) as in the 2.18 MySQL DDL: identifiers, UIDs, codes and
-- DICOM date strings compare binary (utf8mb4_bin), names and descriptions use the
-- table default utf8mb4_unicode_ci.

CREATE TABLE patient (
    pk                BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    merge_fk          BIGINT,
    pat_id            VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_id_issuer     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    -- pat_id_issuer is nullable and a UNIQUE index lets several NULLs through, so
    -- (pat_id, pat_id_issuer) alone would not stop duplicate patients under
    -- concurrent stores. The unique key uses this NULL-free copy instead.
    -- (No NOT NULL here: MariaDB rejects it on generated columns.)
    pat_id_issuer_key VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
                      GENERATED ALWAYS AS (COALESCE(pat_id_issuer, '')) STORED,
    pat_name          VARCHAR(250),
    pat_i_name        VARCHAR(250),
    pat_p_name        VARCHAR(250),
    pat_fn_sx         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_gn_sx         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_birthdate     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_sex           VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_custom1       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_custom2       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_custom3       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_attrs         LONGBLOB,
    created_time      DATETIME(3) NULL,
    updated_time      DATETIME(3) NULL,
    UNIQUE KEY uk_patient_id (pat_id, pat_id_issuer_key),
    KEY ix_patient_pat_id_issuer (pat_id, pat_id_issuer),
    KEY ix_patient_merge_fk (merge_fk),
    KEY ix_patient_pat_name (pat_name),
    KEY ix_patient_pat_fn_sx (pat_fn_sx),
    KEY ix_patient_pat_gn_sx (pat_gn_sx),
    KEY ix_patient_pat_birthdate (pat_birthdate),
    KEY ix_patient_pat_sex (pat_sex),
    CONSTRAINT fk_patient_merge FOREIGN KEY (merge_fk) REFERENCES patient (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE other_pid (
    pk            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    pat_id        VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    pat_id_issuer VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    KEY ix_other_pid_pat_id (pat_id, pat_id_issuer)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE rel_pat_other_pid (
    patient_fk   BIGINT NOT NULL,
    other_pid_fk BIGINT NOT NULL,
    PRIMARY KEY (patient_fk, other_pid_fk),
    KEY ix_rel_pat_other_pid_patient_fk (patient_fk),
    KEY ix_rel_pat_other_pid_other_pid_fk (other_pid_fk),
    CONSTRAINT fk_rel_pat_other_pid_patient FOREIGN KEY (patient_fk) REFERENCES patient (pk),
    CONSTRAINT fk_rel_pat_other_pid_other_pid FOREIGN KEY (other_pid_fk) REFERENCES other_pid (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE issuer (
    pk              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    entity_id       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    entity_uid      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    entity_uid_type VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE code (
    pk              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    code_value      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    code_designator VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    code_version    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    code_meaning    VARCHAR(250)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE study (
    pk              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    patient_fk      BIGINT,
    study_iuid      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    study_id        VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    study_datetime  DATETIME NULL,
    accession_no    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    accno_issuer_fk BIGINT,
    ref_physician   VARCHAR(250),
    ref_phys_i_name VARCHAR(250),
    ref_phys_p_name VARCHAR(250),
    ref_phys_fn_sx  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    ref_phys_gn_sx  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    study_desc      VARCHAR(250),
    study_custom1   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    study_custom2   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    study_custom3   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    study_status    INT NOT NULL DEFAULT 0,
    study_status_id VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    mods_in_study   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    cuids_in_study  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    num_series      INT NOT NULL DEFAULT 0,
    num_instances   INT NOT NULL DEFAULT 0,
    ext_retr_aet    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    retrieve_aets   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    fileset_iuid    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    fileset_id      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    availability    INT NOT NULL DEFAULT 0,
    checked_time    DATETIME NULL,
    study_attrs     LONGBLOB,
    created_time    DATETIME(3) NULL,
    updated_time    DATETIME(3) NULL,
    UNIQUE KEY uk_study_iuid (study_iuid),
    KEY ix_study_patient_fk (patient_fk),
    KEY ix_study_accno_issuer_fk (accno_issuer_fk),
    KEY ix_study_datetime (study_datetime),
    KEY ix_study_accession_no (accession_no),
    KEY ix_study_study_id (study_id),
    KEY ix_study_ref_physician (ref_physician),
    CONSTRAINT fk_study_patient FOREIGN KEY (patient_fk) REFERENCES patient (pk),
    CONSTRAINT fk_study_accno_issuer FOREIGN KEY (accno_issuer_fk) REFERENCES issuer (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE rel_study_pcode (
    study_fk BIGINT NOT NULL,
    pcode_fk BIGINT NOT NULL,
    PRIMARY KEY (study_fk, pcode_fk),
    KEY ix_rel_study_pcode_study_fk (study_fk),
    KEY ix_rel_study_pcode_pcode_fk (pcode_fk),
    CONSTRAINT fk_rel_study_pcode_study FOREIGN KEY (study_fk) REFERENCES study (pk),
    CONSTRAINT fk_rel_study_pcode_pcode FOREIGN KEY (pcode_fk) REFERENCES code (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- mpps_fk (series) and media_fk (instance) point at 2.18 tables that are out of
-- scope (MPPS, media), so they are indexed but carry no FOREIGN KEY constraint.
CREATE TABLE series (
    pk               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    study_fk         BIGINT,
    mpps_fk          BIGINT,
    inst_code_fk     BIGINT,
    series_iuid      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    series_no        VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    modality         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    body_part        VARCHAR(250),
    laterality       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    series_desc      VARCHAR(250),
    institution      VARCHAR(250),
    department       VARCHAR(250),
    station_name     VARCHAR(250),
    src_aet          VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    perf_physician   VARCHAR(250),
    perf_phys_i_name VARCHAR(250),
    perf_phys_p_name VARCHAR(250),
    perf_phys_fn_sx  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    perf_phys_gn_sx  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pps_start        DATETIME NULL,
    pps_iuid         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    series_custom1   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    series_custom2   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    series_custom3   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    num_instances    INT NOT NULL DEFAULT 0,
    ext_retr_aet     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    retrieve_aets    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    fileset_iuid     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    fileset_id       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    availability     INT NOT NULL DEFAULT 0,
    series_status    INT NOT NULL DEFAULT 0,
    series_attrs     LONGBLOB,
    created_time     DATETIME(3) NULL,
    updated_time     DATETIME(3) NULL,
    UNIQUE KEY uk_series_iuid (series_iuid),
    KEY ix_series_study_fk (study_fk),
    KEY ix_series_mpps_fk (mpps_fk),
    KEY ix_series_inst_code_fk (inst_code_fk),
    KEY ix_series_modality (modality),
    KEY ix_series_series_no (series_no),
    KEY ix_series_src_aet (src_aet),
    KEY ix_series_pps_start (pps_start),
    CONSTRAINT fk_series_study FOREIGN KEY (study_fk) REFERENCES study (pk),
    CONSTRAINT fk_series_inst_code FOREIGN KEY (inst_code_fk) REFERENCES code (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE series_req (
    pk              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    series_fk       BIGINT,
    accno_issuer_fk BIGINT,
    accession_no    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    study_iuid      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    req_proc_id     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    sps_id          VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    req_service     VARCHAR(250),
    req_physician   VARCHAR(250),
    req_phys_i_name VARCHAR(250),
    req_phys_p_name VARCHAR(250),
    req_phys_fn_sx  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    req_phys_gn_sx  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    KEY ix_series_req_series_fk (series_fk),
    KEY ix_series_req_accno_issuer_fk (accno_issuer_fk),
    CONSTRAINT fk_series_req_series FOREIGN KEY (series_fk) REFERENCES series (pk),
    CONSTRAINT fk_series_req_accno_issuer FOREIGN KEY (accno_issuer_fk) REFERENCES issuer (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE instance (
    pk               BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    series_fk        BIGINT,
    srcode_fk        BIGINT,
    media_fk         BIGINT,
    sop_iuid         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    sop_cuid         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    inst_no          VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    content_datetime DATETIME NULL,
    sr_complete      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    sr_verified      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    inst_custom1     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    inst_custom2     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    inst_custom3     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    ext_retr_aet     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    retrieve_aets    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    availability     INT NOT NULL DEFAULT 0,
    inst_status      INT NOT NULL DEFAULT 0,
    all_attrs        BOOLEAN NOT NULL DEFAULT FALSE,
    commitment       BOOLEAN NOT NULL DEFAULT FALSE,
    archived         BOOLEAN NOT NULL DEFAULT FALSE,
    inst_attrs       LONGBLOB,
    created_time     DATETIME(3) NULL,
    updated_time     DATETIME(3) NULL,
    UNIQUE KEY uk_instance_sop_iuid (sop_iuid),
    KEY ix_instance_series_fk (series_fk),
    KEY ix_instance_srcode_fk (srcode_fk),
    KEY ix_instance_media_fk (media_fk),
    KEY ix_instance_inst_no (inst_no),
    KEY ix_instance_sop_cuid (sop_cuid),
    CONSTRAINT fk_instance_series FOREIGN KEY (series_fk) REFERENCES series (pk),
    CONSTRAINT fk_instance_srcode FOREIGN KEY (srcode_fk) REFERENCES code (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE filesystem (
    pk           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    next_fk      BIGINT,
    dirpath      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    fs_group_id  VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    retrieve_aet VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    availability INT NOT NULL DEFAULT 0,
    fs_status    INT NOT NULL DEFAULT 0,
    user_info    VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    UNIQUE KEY uk_filesystem_dirpath (dirpath),
    KEY ix_filesystem_next_fk (next_fk),
    CONSTRAINT fk_filesystem_next FOREIGN KEY (next_fk) REFERENCES filesystem (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE files (
    pk             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    instance_fk    BIGINT,
    filesystem_fk  BIGINT,
    filepath       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    file_tsuid     VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    file_md5       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    file_size      BIGINT,
    file_status    INT NOT NULL DEFAULT 0,
    md5_check_time DATETIME NULL,
    created_time   DATETIME(3) NULL,
    KEY ix_files_instance_fk (instance_fk),
    KEY ix_files_filesystem_fk (filesystem_fk),
    CONSTRAINT fk_files_instance FOREIGN KEY (instance_fk) REFERENCES instance (pk) ON DELETE CASCADE,
    CONSTRAINT fk_files_filesystem FOREIGN KEY (filesystem_fk) REFERENCES filesystem (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE study_on_fs (
    pk             BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    study_fk       BIGINT,
    filesystem_fk  BIGINT,
    access_time    DATETIME NULL,
    mark_to_delete BOOLEAN NOT NULL DEFAULT FALSE,
    KEY ix_study_on_fs_study_fk (study_fk),
    KEY ix_study_on_fs_filesystem_fk (filesystem_fk),
    CONSTRAINT fk_study_on_fs_study FOREIGN KEY (study_fk) REFERENCES study (pk),
    CONSTRAINT fk_study_on_fs_filesystem FOREIGN KEY (filesystem_fk) REFERENCES filesystem (pk)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE ae (
    pk            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    aet           VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    hostname      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    port          INT,
    cipher_suites VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    pat_id_issuer VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    acc_no_issuer VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    user_id       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    passwd        VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    fs_group_id   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    ae_group      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    ae_desc       VARCHAR(250),
    wado_url      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    station_name  VARCHAR(250),
    institution   VARCHAR(250),
    department    VARCHAR(250),
    installed     BOOLEAN NOT NULL DEFAULT TRUE,
    vendor_data   LONGBLOB,
    UNIQUE KEY uk_ae_aet (aet)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
