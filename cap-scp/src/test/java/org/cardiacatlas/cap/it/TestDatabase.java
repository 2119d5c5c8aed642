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
 * fixture gets schemas of its own on it.
 */
final class TestDatabase {

    private static EmbeddedDatabase db;
    private static String url;

    private TestDatabase() {
    }

    static synchronized String url() {
        if (db == null) {
            int port = freePort();
            db = EmbeddedDatabase.start(Path.of("target", "it", "db-" + port).toAbsolutePath(), port);
            url = db.jdbcUrl();
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        }
        return url;
    }

    static Connection connect() throws SQLException {
        return DriverManager.getConnection(url() + "?sslMode=DISABLED&allowPublicKeyRetrieval=true", "root", "");
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
