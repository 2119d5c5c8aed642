-- Accounts of the HTTP side (DICOMweb, web app) and the `capserver user` command (issue 13;
-- the web app, issue 14, manages the same rows). Passwords and API tokens are stored hashed:
-- bcrypt for passwords, SHA-256 for tokens (32 random bytes: no dictionary to guard against).
CREATE TABLE cap_user (
    pk            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    username      VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    password_hash VARCHAR(100) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- admin | curator | researcher
    user_role     VARCHAR(16) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- comma-separated CAP ID prefixes the user may see; empty: all cohorts
    cohorts       VARCHAR(1000) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL DEFAULT '',
    created_time  DATETIME(3) NOT NULL,
    updated_time  DATETIME(3) NOT NULL,
    UNIQUE KEY uk_cap_user_username (username)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;

CREATE TABLE cap_api_token (
    pk            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    user_fk       BIGINT NOT NULL,
    -- hex SHA-256 of the token; the token itself is shown once and never stored
    token_hash    CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    label         VARCHAR(200) CHARACTER SET utf8mb4 NOT NULL DEFAULT '',
    created_time  DATETIME(3) NOT NULL,
    last_used     DATETIME(3),
    revoked_time  DATETIME(3),
    UNIQUE KEY uk_cap_api_token_hash (token_hash),
    KEY fk_cap_api_token_user (user_fk),
    CONSTRAINT fk_cap_api_token_user FOREIGN KEY (user_fk) REFERENCES cap_user (pk) ON DELETE CASCADE
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
