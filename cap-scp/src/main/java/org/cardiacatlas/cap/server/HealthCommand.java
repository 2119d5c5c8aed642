package org.cardiacatlas.cap.server;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.common.EmbeddedDatabase;
import org.cardiacatlas.cap.scp.EchoScu;

/**
 * {@code capserver health}: exit 0 when the node can do its work, 1 otherwise, one line per
 * check. The database (a query on the PACS schema, as the node's user), the archive folder
 * (a file made and removed) and C-ECHO on the DICOM port; the Docker HEALTHCHECK runs it.
 * Never starts anything itself.
 */
final class HealthCommand {

    private HealthCommand() {
    }

    static int run(CapConfig config, PrintStream out) {
        boolean ok = true;
        ok &= check(out, "database", () -> database(config));
        ok &= check(out, "archive folder", () -> archive(config.storageDir()));
        ok &= check(out, "C-ECHO", () -> {
            int status = EchoScu.echo("127.0.0.1", config.port(), config.aet(), "HEALTHCHECK");
            if (status != 0) {
                throw new IllegalStateException(String.format("status 0x%04X", status));
            }
            return "port " + config.port() + " answers";
        });
        out.println(ok ? "healthy" : "UNHEALTHY");
        return ok ? 0 : 1;
    }

    interface Check {
        String run() throws Exception;
    }

    private static boolean check(PrintStream out, String what, Check c) {
        try {
            out.println("ok    " + what + ": " + c.run());
            return true;
        } catch (Exception e) {
            out.println("FAIL  " + what + ": " + Database.rootMessage(e));
            return false;
        }
    }

    private static String database(CapConfig config) throws Exception {
        String url = config.get(CapConfig.Option.DB_URL).trim();
        String user = config.get(CapConfig.Option.DB_USER);
        String password = config.get(CapConfig.Option.DB_PASSWORD);
        if (url.isEmpty()) {
            url = "jdbc:mysql://127.0.0.1:" + config.integer(CapConfig.Option.EMBEDDED_DB_PORT) + "/";
            user = EmbeddedDatabase.NODE_USER;
            password = EmbeddedDatabase.credentialsOf(config.dataDir().resolve("db")).nodePassword();
        }
        String sep = url.contains("?") ? "&" : "?";
        try (Connection c = DriverManager.getConnection(url + sep
                + "connectTimeout=5000&socketTimeout=5000&sslMode=PREFERRED&allowPublicKeyRetrieval=true", user, password);
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT COUNT(*) FROM " + config.pacsSchema() + ".filesystem")) {
            rs.next();
            return "schema " + config.pacsSchema() + " answers";
        }
    }

    private static String archive(Path root) throws Exception {
        Path probe = Files.createTempFile(root, ".health-", ".tmp");
        Files.delete(probe);
        return root + " writable";
    }
}
