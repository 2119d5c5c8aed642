-- Studies whose XPACS rows are still to be made or moved, when XPACS is on another database
-- server (xpacs-db-url) and could not be written in the store's own transaction. Written in
-- the PACS transaction of the store; emptied by the server's XPACS catch-up worker.
CREATE TABLE xpacs_pending (
    pk           BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    study_iuid   VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    created_time DATETIME(3) NOT NULL,
    attempts     INT NOT NULL DEFAULT 0,
    last_error   VARCHAR(1000),
    UNIQUE KEY uk_xpacs_pending_study_iuid (study_iuid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
