package org.cardiacatlas.cap.it;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import org.cardiacatlas.cap.common.EmbeddedDatabase;

/**
 * One embedded MariaDB for the whole test run (starting one takes seconds); every server
 * fixture gets schemas of its own on it. With CAP_TEST_DB_URL (and CAP_TEST_DB_USER,
 * CAP_TEST_DB_PASSWORD) in the environment the suite runs on that external MySQL 8 or MariaDB
 * server instead.
 */
final class TestDatabase {

    private static EmbeddedDatabase db;
    private static String url;

    private TestDatabase() {
    }

    static synchronized String url() {
        String external = System.getenv("CAP_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return external.trim();
        }
        if (db == null) {
            int port = freePort();
            db = EmbeddedDatabase.start(Path.of("target", "it", "db-" + port).toAbsolutePath(), port);
            url = db.jdbcUrl();
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        }
        return url;
    }

    static synchronized String user() {
        String u = System.getenv("CAP_TEST_DB_USER");
        return u == null || u.isBlank() ? "root" : u;
    }

    static synchronized String password() {
        String p = System.getenv("CAP_TEST_DB_PASSWORD");
        if (p != null) {
            return p;
        }
        url();
        // the embedded server's root password, generated at its first start (client.cnf)
        return db == null ? "" : db.rootPassword();
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url() + "?sslMode=DISABLED&allowPublicKeyRetrieval=true", user(), password());
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
