package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.codec.CodecSamples;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * {@code --store-compression}: the server as its own process compresses what it stored; it is
 * killed (SIGKILL, its database left running) in the middle of the pass, and every files row
 * must still point at a whole file with its MD5, size and syntax, decoding to the original
 * pixels. Restarted, it finishes the pass: files shrink, a C-GET returns the original pixels,
 * {@code capserver status} reports the bytes saved.
 */
class StoreCompressionTest {
    private static final String JPEG_LS = "1.2.840.10008.1.2.4.80";

    @Test
    void compressionShrinksFilesSurvivesAKillAndKeepsThePixels() throws Exception {
        Path dir = Files.createTempDirectory("capserver-compress-");
        int port = TestDatabase.freePort();
        int dbPort = TestDatabase.freePort();
        Path log = dir.resolve("console.log");
        ProcessBuilder pb = new ProcessBuilder(Cli.serverProcess("serve", "--port", String.valueOf(port), "--data-dir",
                dir.toString(), "--embedded-db-port", String.valueOf(dbPort), "--store-compression", "jpeg-ls-lossless"))
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()));
        Process p = pb.start();
        List<ProcessHandle> database = new ArrayList<>();
        try {
            ProcessLifecycleTest.awaitStart(p, log, 1);
            // root of the embedded database has a generated password since issue 10 (client.cnf)
            String jdbc = "jdbc:mysql://127.0.0.1:" + dbPort + "/?sslMode=DISABLED&allowPublicKeyRetrieval=true&user=root"
                    + "&password=" + ProcessLifecycleTest.rootPassword(dir);
            SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("CMP").seriesPerStudy(2).imagesPerSeries(80)
                    .seed(1205).build().generate(dir.resolve("gen"));
            Map<String, Path> originals = new HashMap<>();
            long originalBytes = 0;
            for (Path f : g.files()) {
                originals.put(CStoreTest.sopOf(f), f);
            }
            // a multiframe image and one stored compressed already (left as it is)
            Map<String, Path> extra = CodecSamples.originals(dir.resolve("extra"), "CMQ", 1206);
            List<CodecSamples.Sample> encoded = CodecSamples.encoded(dir.resolve("extra"), extra);
            Path multi = extra.get("multiframe");
            Path j2k = encoded.stream().filter(s -> s.name().equals("j2k-lossless")).findFirst().get().file();
            originals.put(CStoreTest.sopOf(multi), multi);
            List<String> send = new ArrayList<>(CStoreTest.paths(g.files()));
            send.add(multi.toString());
            assertTrue(Dcmtk.storescu(port, List.of(), send).ok());
            assertTrue(Dcmtk.storescu(port, CStoreTest.proposeOnly(dir, "1.2.840.10008.1.2.4.90"), List.of(j2k.toString())).ok());
            for (Path f : originals.values()) {
                originalBytes += Files.size(f);
            }

            // kill the node in the middle of the pass; its embedded database stays up to be read
            BadInputTest.waitForLong(() -> count(jdbc, "SELECT COUNT(*) FROM pacs.store_compression") >= 20, 120);
            database.addAll(p.toHandle().descendants().toList());
            p.destroyForcibly();
            assertTrue(p.waitFor(30, TimeUnit.SECONDS));
            int compressedAtKill = count(jdbc, "SELECT COUNT(*) FROM pacs.store_compression");
            assertTrue(compressedAtKill < originals.size(), "killed during the pass, not after: " + compressedAtKill);
            checkEveryFile(jdbc, originals, false);
            for (ProcessHandle h : database) {
                h.destroy();
            }
            for (ProcessHandle h : database) {
                h.onExit().get(60, TimeUnit.SECONDS);
            }

            // restarted, it finishes the pass
            p = pb.start();
            ProcessLifecycleTest.awaitStart(p, log, 2);
            BadInputTest.waitForLong(() -> count(jdbc,
                    "SELECT COUNT(*) FROM pacs.files WHERE file_tsuid <> '" + JPEG_LS + "'") == 1, 180);
            long total = checkEveryFile(jdbc, originals, true);
            assertTrue(total < originalBytes * 0.8, "files shrink: " + originalBytes + " -> " + total);

            // status says how much was saved
            Object[] st = Cli.run("status", "--data-dir", dir.toString(), "--embedded-db-port", String.valueOf(dbPort));
            assertEquals(0, st[0], (String) st[1]);
            String status = (String) st[1];
            assertTrue(status.contains("store compression\n  files      " + originals.size()), status);
            long saved = Long.parseLong(status.replaceAll("(?s).*store compression\n  files +\\d+\n  saved +(\\d+).*", "$1"));
            assertTrue(saved > originalBytes * 0.2, status);

            // a C-GET in uncompressed syntaxes returns the original pixels
            Path got = dir.resolve("got");
            Files.createDirectories(got);
            Dcmtk.Result r = Dcmtk.run(List.of("getscu", "-S", "-aec", "CAPSCP", "-aet", "GETSCU", "-od", got.toString(),
                    "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + g.studies().get(0).studyInstanceUid(),
                    "127.0.0.1", String.valueOf(port)));
            List<Path> back;
            try (Stream<Path> s = Files.list(got)) {
                back = s.toList();
            }
            assertEquals(160, back.size(), r.output());
            for (Path b : back) {
                assertEquals("1.2.840.10008.1.2.1", CodecSamples.transferSyntaxOf(b));
                assertTrue(java.util.Arrays.equals(CodecSamples.nativePixels(originals.get(CStoreTest.sopOf(b))),
                        CodecSamples.nativePixels(b)), b.toString());
            }
        } finally {
            if (p.isAlive()) {
                p.destroy();
                p.waitFor(60, TimeUnit.SECONDS);
            }
            for (ProcessHandle h : database) {
                h.destroy();
            }
            ProcessLifecycleTest.deleteTree(dir);
        }
    }

    static int count(String jdbc, String sql) {
        try (Connection c = DriverManager.getConnection(jdbc);
                ResultSet rs = c.createStatement().executeQuery(sql)) {
            rs.next();
            return rs.getInt(1);
        } catch (Exception e) {
            return -1;
        }
    }

    /**
     * Every files row names a whole file: its size, MD5 and syntax as recorded, the original
     * pixels; compressed ones have their store_compression row. Returns the bytes of all files.
     */
    static long checkEveryFile(String jdbc, Map<String, Path> originals, boolean allCompressed) throws Exception {
        Codec codec = new Codec();
        long total = 0;
        int rows = 0;
        try (Connection c = DriverManager.getConnection(jdbc);
                ResultSet rs = c.createStatement().executeQuery("SELECT i.sop_iuid, f.filepath, fs.dirpath, f.file_size, "
                        + "f.file_md5, f.file_tsuid, sc.new_md5 FROM pacs.instance i JOIN pacs.files f ON f.instance_fk = i.pk "
                        + "JOIN pacs.filesystem fs ON fs.pk = f.filesystem_fk "
                        + "LEFT JOIN pacs.store_compression sc ON sc.files_fk = f.pk")) {
            while (rs.next()) {
                rows++;
                Path file = Path.of(rs.getString(3)).resolve(rs.getString(2));
                String sop = rs.getString(1);
                assertTrue(Files.isRegularFile(file), "file of " + sop);
                assertEquals(rs.getLong(4), Files.size(file), "size of " + sop);
                assertEquals(rs.getString(5), ServerFixture.md5(file), "MD5 of " + sop);
                assertEquals(rs.getString(6), CodecSamples.transferSyntaxOf(file), "syntax of " + sop);
                total += Files.size(file);
                Path original = originals.get(sop);
                if (original == null) {
                    // the one stored as JPEG 2000: left as it came
                    assertEquals("1.2.840.10008.1.2.4.90", rs.getString(6));
                    continue;
                }
                if (JPEG_LS.equals(rs.getString(6))) {
                    assertEquals(rs.getString(5), rs.getString(7), "store_compression row of " + sop);
                } else {
                    assertTrue(!allCompressed, sop + " not compressed");
                }
                assertTrue(codec.samePixels(original, file), "pixels of " + sop);
            }
        }
        assertEquals(originals.size() + 1, rows);
        return total;
    }
}
