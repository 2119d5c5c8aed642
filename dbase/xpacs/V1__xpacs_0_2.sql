-- XPACS schema 0.2: the non-DICOM data of CAP (patients, their event history,
-- clinical notes, auxiliary files, heart models, baseline diagnoses). Table and
-- column names follow the contract /work/shared/xpacs-schema.md. Runs on MySQL 8
-- and MariaDB 10.6+. Keys are fixed as the contract asks: PATIENT_INFO's primary
-- key is id alone and BASELINE_DIAGNOSIS.id is AUTO_INCREMENT.

CREATE TABLE `CLINICAL_NOTE` (
    `id`        INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `Age`       VARCHAR(64),
    `Weight`    VARCHAR(64),
    `Height`    VARCHAR(64),
    `Diagnosis` VARCHAR(255),
    `Procedure` VARCHAR(255),
    `Notes`     VARCHAR(2500)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `AUX_FILE` (
    `id`         INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `URI`        VARCHAR(255),
    `Filename`   VARCHAR(255),
    `Descriptor` VARCHAR(255)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `STUDY_PACS` (
    `id`                    INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `PACS_StudyInstanceUID` VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    `PACS_PatientID`        VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    UNIQUE KEY `uk_study_pacs_study_iuid` (`PACS_StudyInstanceUID`),
    KEY `ix_study_pacs_patient_id` (`PACS_PatientID`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- PATIENT_INFO and PATIENT_HISTORY reference each other: both are created first,
-- the PATIENT_INFO -> PATIENT_HISTORY constraint is added afterwards.
CREATE TABLE `PATIENT_INFO` (
    `id`               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `PatientID`        VARCHAR(8) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    `Cohort`           VARCHAR(256),
    `Gender`           VARCHAR(2),
    `first_history_id` INT NULL,
    UNIQUE KEY `uk_patient_info_patient_id` (`PatientID`),
    KEY `ix_patient_info_first_history_id` (`first_history_id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

-- PATIENT_INFO_id is not in the 0.2 diagram. It is added so that a patient's
-- events can be found (and locked) directly, without walking the chain from
-- first_history_id, e.g. to find the insertion point by (EventDate, id).
CREATE TABLE `PATIENT_HISTORY` (
    `id`               INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `PATIENT_INFO_id`  INT NOT NULL,
    `EventDate`        DATETIME NOT NULL,
    `Next_id`          INT NULL,
    `Prev_id`          INT NULL,
    `STUDY_PACS_id`    INT NULL,
    `CLINICAL_NOTE_id` INT NULL,
    `AUX_FILE_id`      INT NULL,
    KEY `ix_patient_history_patient_event` (`PATIENT_INFO_id`, `EventDate`, `id`),
    KEY `ix_patient_history_patient_info_id` (`PATIENT_INFO_id`),
    KEY `ix_patient_history_next_id` (`Next_id`),
    KEY `ix_patient_history_prev_id` (`Prev_id`),
    KEY `ix_patient_history_study_pacs_id` (`STUDY_PACS_id`),
    KEY `ix_patient_history_clinical_note_id` (`CLINICAL_NOTE_id`),
    KEY `ix_patient_history_aux_file_id` (`AUX_FILE_id`),
    CONSTRAINT `fk_patient_history_patient_info` FOREIGN KEY (`PATIENT_INFO_id`) REFERENCES `PATIENT_INFO` (`id`),
    CONSTRAINT `fk_patient_history_next` FOREIGN KEY (`Next_id`) REFERENCES `PATIENT_HISTORY` (`id`) ON DELETE SET NULL,
    CONSTRAINT `fk_patient_history_prev` FOREIGN KEY (`Prev_id`) REFERENCES `PATIENT_HISTORY` (`id`) ON DELETE SET NULL,
    CONSTRAINT `fk_patient_history_study_pacs` FOREIGN KEY (`STUDY_PACS_id`) REFERENCES `STUDY_PACS` (`id`),
    CONSTRAINT `fk_patient_history_clinical_note` FOREIGN KEY (`CLINICAL_NOTE_id`) REFERENCES `CLINICAL_NOTE` (`id`),
    CONSTRAINT `fk_patient_history_aux_file` FOREIGN KEY (`AUX_FILE_id`) REFERENCES `AUX_FILE` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

ALTER TABLE `PATIENT_INFO`
    ADD CONSTRAINT `fk_patient_info_first_history` FOREIGN KEY (`first_history_id`)
        REFERENCES `PATIENT_HISTORY` (`id`) ON DELETE SET NULL;

CREATE TABLE `CAP_MODEL` (
    `id`            INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `Name`          VARCHAR(255),
    `Type`          VARCHAR(255),
    `Format`        VARCHAR(255),
    `Comment`       VARCHAR(2500),
    `ModelData`     LONGBLOB,
    `XMLData`       LONGBLOB,
    `STUDY_PACS_id` INT NOT NULL,
    KEY `ix_cap_model_study_pacs_id` (`STUDY_PACS_id`),
    CONSTRAINT `fk_cap_model_study_pacs` FOREIGN KEY (`STUDY_PACS_id`) REFERENCES `STUDY_PACS` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE `BASELINE_DIAGNOSIS` (
    `id`                    INT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    `STUDY_PACS_id`         INT NOT NULL,
    `Ethnicity`             VARCHAR(64),
    `Height`                VARCHAR(64),
    `Weight`                VARCHAR(64),
    `SBP`                   VARCHAR(64),
    `DBP`                   VARCHAR(64),
    `HeartRate`             VARCHAR(64),
    `HistoryOfHypertension` VARCHAR(16),
    `HistoryOfDiabetes`     VARCHAR(16),
    `HistoryOfAlcohol`      VARCHAR(16),
    `HistoryOfSmoking`      VARCHAR(16),
    KEY `ix_baseline_diagnosis_study_pacs_id` (`STUDY_PACS_id`),
    CONSTRAINT `fk_baseline_diagnosis_study_pacs` FOREIGN KEY (`STUDY_PACS_id`) REFERENCES `STUDY_PACS` (`id`)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
