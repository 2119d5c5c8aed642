-- Storage Commitment (PS3.4 Annex J): each accepted N-ACTION-RQ until its N-EVENT-REPORT-RQ
-- has been answered by the requester, or has expired. Written before the N-ACTION-RSP is sent,
-- so a request survives a restart of the node. state CHECK: instances not yet verified;
-- REPORT: outcome known (outcome), report still to deliver. owner/lease_until: the node working
-- on the row now (two nodes share the table).
CREATE TABLE stgcmt_pending (
    pk              BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    transaction_uid VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    requester_aet   VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    called_aet      VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    remote          VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    state           VARCHAR(16) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    num_requested   INT NOT NULL,
    num_failed      INT,
    requested       LONGBLOB NOT NULL,
    outcome         LONGBLOB,
    attempts        INT NOT NULL DEFAULT 0,
    next_attempt    DATETIME(3) NOT NULL,
    owner           VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin,
    lease_until     DATETIME(3),
    last_error      VARCHAR(1000),
    created_time    DATETIME(3) NOT NULL,
    updated_time    DATETIME(3) NOT NULL,
    KEY ix_stgcmt_pending_next_attempt (next_attempt),
    KEY ix_stgcmt_pending_transaction_uid (transaction_uid)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
