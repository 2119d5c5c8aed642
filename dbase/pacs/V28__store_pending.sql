-- PACS schema, version 28 (issue 16): an instance whose index rows were committed while its
-- folder was still being forced to disk. A new instance of a known series commits its rows once
-- its file is forced and linked, and in parallel with the folder's fsync: the store's transaction
-- writes a row here, and the node removes it once the folder is durable, before it answers
-- success. A row left behind by a crash is healed at the node's next start (or by any node when
-- it is an hour old): the file is at its place, so its folder is forced and the row goes; or the
-- folder lost it, so the instance's rows are removed. Keyed by the node (host:port) and a number
-- of that node, so two nodes on one database never touch each other's rows while both run.
CREATE TABLE store_pending (
    node         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    token        BIGINT NOT NULL,
    files_fk     BIGINT NOT NULL,
    created_time DATETIME(3) NOT NULL,
    PRIMARY KEY (node, token),
    KEY ix_store_pending_created_time (created_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
