-- First start of the MySQL container: the schemas and the grants CAP Server needs. The user
-- and its password come from the environment (MYSQL_USER / MYSQL_PASSWORD in capserver.env,
-- created by the image); Flyway then creates and migrates the tables.
CREATE DATABASE IF NOT EXISTS pacs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
CREATE DATABASE IF NOT EXISTS xpacs CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;
