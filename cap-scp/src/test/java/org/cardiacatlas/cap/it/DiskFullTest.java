package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * Issue 10: the node as deployed with its data folder (archive and logs) on a small file system
 * that fills up. Every refused store is a whole JSON line of the audit log, and the node stores
 * again once there is room. Needs root to mount a tmpfs; the database is the suite's.
 */
class DiskFullTest {

    static int sh(String... command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(30, TimeUnit.SECONDS) ? p.exitValue() : -1;
        } catch (IOException | InterruptedException e) {
            return -1;
        }
    }

    @Test
    void everyFailureOfAFullDiskIsAWholeAuditLine() throws Exception {
        Path mnt = Files.createTempDirectory("capserver-full-");
        assumeTrue(sh("mount", "-t", "tmpfs", "-o", "size=12m", "tmpfs", mnt.toString()) == 0,
                "needs root to mount a small tmpfs");
        Path console = Files.createTempFile("capserver-full-", ".log");
        int port = TestDatabase.freePort();
        int n = TestDatabase.freePort();
        ProcessBuilder pb = new ProcessBuilder(Cli.serverProcess("serve", "--port", String.valueOf(port), "--data-dir",
                mnt.toString(), "--db-url", TestDatabase.url(), "--db-user", TestDatabase.user(), "--pacs-schema",
                "pacs_full" + n, "--xpacs-schema", "xpacs_full" + n))
                .redirectErrorStream(true).redirectOutput(console.toFile());
        pb.environment().put("CAPSERVER_DB_PASSWORD", TestDatabase.password());
        Process p = pb.start();
        try {
            ProcessLifecycleTest.awaitStart(p, console, 1);
            // the node listens before its first start has written the admin's password: the
            // disk fills only after that, or the node fails to start (seen once in CI)
            BadInputTest.waitForLong(() -> ProcessLifecycleTest.contains(console, "no account existed"), 30);
            List<Path> files = SyntheticStudies.builder().prefix("FUL").seriesPerStudy(2).imagesPerSeries(20).seed(1201)
                    .build().writeTo(Files.createTempDirectory("capserver-full-gen-"));
            try (OutputStream out = Files.newOutputStream(mnt.resolve("filler"))) {
                byte[] block = new byte[4096];
                while (true) {
                    out.write(block);
                }
            } catch (IOException full) {
                // the file system is full now
            }
            Dcmtk.Result r = Dcmtk.storescu(port, List.of(), files.stream().map(Path::toString).toList());
            int acknowledged = EmbeddedNodeHardeningTest.countSuccess(r.output());
            // a few may fit in what the disk had left; most are refused
            assertTrue(acknowledged < files.size() / 2, r.output());
            Path audit = mnt.resolve("logs").resolve("audit.log");
            BadInputTest.waitForLong(() -> ProcessLifecycleTest.count(audit, "\"op\":\"ASSOCIATION\"") >= 1, 30);
            ObjectMapper json = new ObjectMapper();
            int failures = 0;
            int successes = 0;
            for (String line : Files.readAllLines(audit, StandardCharsets.UTF_8)) {
                @SuppressWarnings("unchecked")
                Map<String, Object> e = json.readValue(line, Map.class); // throws on a half line
                if ("C-STORE".equals(e.get("op")) && !"0000".equals(e.get("status"))) {
                    failures++;
                } else if ("C-STORE".equals(e.get("op"))) {
                    successes++;
                }
            }
            assertEquals(files.size() - acknowledged, failures, "one audit record per refused store");
            assertEquals(acknowledged, successes);
            System.out.println("DiskFullTest: " + files.size() + " sent to a full disk, " + acknowledged
                    + " fitted, " + failures + " refused, each a whole audit line");
            byte[] raw = Files.readAllBytes(audit);
            assertEquals('\n', raw[raw.length - 1]);
            assertTrue(Files.readString(console).contains("the disk is full; its reserve of"), Files.readString(console));

            // room again: the node stores as before
            Files.delete(mnt.resolve("filler"));
            Dcmtk.Result again = Dcmtk.storescu(port, List.of(), files.stream().map(Path::toString).toList());
            assertEquals(files.size(), EmbeddedNodeHardeningTest.countSuccess(again.output()), again.output());
        } finally {
            p.destroy();
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            sh("umount", mnt.toString());
        }
    }
}
