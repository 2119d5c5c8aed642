-- Files the store-compression pass (--store-compression) replaced by a lossless compressed
-- copy: what they were and what they became, for `capserver status` (disk saved). Written in
-- the transaction that points the files row at the compressed file; new_md5 tells whether
-- the files row still holds that file (a later store of other content replaces it).
CREATE TABLE store_compression (
    files_fk        BIGINT NOT NULL PRIMARY KEY,
    orig_tsuid      VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    orig_size       BIGINT NOT NULL,
    new_tsuid       VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    new_size        BIGINT NOT NULL,
    new_md5         VARCHAR(250) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    compressed_time DATETIME(3) NOT NULL,
    CONSTRAINT fk_store_compression_files FOREIGN KEY (files_fk) REFERENCES files (pk) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
