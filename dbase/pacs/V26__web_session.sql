-- The web app's login sessions (issue 14): in the database, so that they survive a restart of
-- the node and every node on the database accepts them (two nodes behind one proxy). The cookie
-- holds 32 random bytes; only their hex SHA-256 is stored, never the cookie value itself. The
-- session names the account by its user name only: role and cohorts are read at every request.
CREATE TABLE web_session (
    pk            BIGINT NOT NULL AUTO_INCREMENT PRIMARY KEY,
    -- hex SHA-256 of the cookie's value
    session_hash  CHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    username      VARCHAR(64) CHARACTER SET utf8mb4 COLLATE utf8mb4_bin NOT NULL,
    -- the session's CSRF token, sent with every change made with the cookie
    csrf_token    VARCHAR(64) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    -- UTC
    created_time  DATETIME(3) NOT NULL,
    last_seen     DATETIME(3) NOT NULL,
    -- the earlier of last_seen + idle time and created_time + absolute time
    expiry_time   DATETIME(3) NOT NULL,
    UNIQUE KEY uk_web_session_hash (session_hash),
    KEY ix_web_session_username (username),
    KEY ix_web_session_expiry (expiry_time)
) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4 COLLATE=utf8mb4_unicode_ci;
