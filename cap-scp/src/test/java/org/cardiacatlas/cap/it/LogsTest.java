package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/**
 * What an administrator reads after a night of failed sends: the human-readable log and the
 * audit log written by the server as deployed (conf/logback.xml), and what capserver log and
 * capserver status make of them.
 */
class LogsTest {

    @Test
    void everyAssociationAndFailureIsLoggedAndCanBeFound() throws Exception {
        Path dir = Files.createTempDirectory("capserver-logs-");
        int port = TestDatabase.freePort();
        int dbPort = TestDatabase.freePort();
        Path console = dir.resolve("console.log");
        Process p = new ProcessBuilder(Cli.serverProcess("serve", "--port", String.valueOf(port), "--data-dir",
                dir.toString(), "--embedded-db-port", String.valueOf(dbPort), "--db-password", "pa55word-never-logged"))
                .redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            ProcessLifecycleTest.awaitStart(p, console, 1);
            SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("LOG").imagesPerSeries(2).seed(701).build()
                    .generate(dir.resolve("gen"));
            String study = g.studies().get(0).studyInstanceUid();
            String patient = g.studies().get(0).patientId();

            // a refused AE, an aborted association, a rejected data set, a good store
            assertFalse(Dcmtk.run(List.of("echoscu", "-aec", "NOTUS", "-aet", "NIGHTSCANNER", "127.0.0.1",
                    String.valueOf(port))).ok());
            AttributeList a = new AttributeList();
            a.read(g.files().get(0).toFile());
            String abortedSop = "1.2.826.0.1.3680043.8.498.7001";
            try (RawScuAbort abort = new RawScuAbort(port)) {
                abort.go(a, abortedSop);
            }
            a.remove(TagFromName.StudyInstanceUID);
            Path noStudy = dir.resolve("no-study.dcm");
            a.write(noStudy.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
            String badSop = a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
            assertFalse(Dcmtk.storescu(port, List.of(), List.of(noStudy.toString())).output().contains("(Success)"));
            List<String> good = new ArrayList<>();
            g.files().forEach(f -> good.add(f.toString()));
            assertTrue(Dcmtk.storescu(port, List.of(), good).ok());

            Path logs = dir.resolve("logs");
            BadInputTest.waitForLong(() -> ProcessLifecycleTest.count(logs.resolve("audit.log"), "\"op\":\"ASSOCIATION\"") >= 3, 30);
            String human = Files.readString(logs.resolve("capserver.log"), StandardCharsets.UTF_8);
            assertTrue(human.matches("(?s).*WARN  \\[A\\d+ NIGHTSCANNER->NOTUS 127\\.0\\.0\\.1:\\d+\\] AssociationHandler - "
                    + "association rejected: called AE title 'NOTUS' is not ours.*"), human);
            assertTrue(human.matches("(?s).*\\[A\\d+ ABORTSCU->CAPSCP [^\\]]+\\] AssociationHandler - association aborted.*"), human);
            assertTrue(human.contains("C-STORE " + badSop + " failed: status 0xC000 (missing Study Instance UID)"), human);
            assertTrue(human.matches("(?s).*\\[A\\d+ STORESCU->CAPSCP [^\\]]+\\] AssociationHandler - association released: "
                    + "stored 2 \\(\\d+ bytes\\), failures 0, queries 0 \\(0 matches\\), retrieves 0 \\(0 sub-operations\\), "
                    + "echoes 0, \\d+ ms.*"), human);
            assertFalse(human.contains("Synthetic^Patient"), "no patient names in the human-readable log");
            assertFalse(human.contains("pa55word-never-logged"), "no credentials");
            assertFalse(Files.readString(console).contains("pa55word-never-logged"));

            List<Map<String, Object>> audit = new ArrayList<>();
            ObjectMapper json = new ObjectMapper();
            for (String line : Files.readAllLines(logs.resolve("audit.log"))) {
                audit.add(json.readValue(line, Map.class));
            }
            assertTrue(audit.stream().anyMatch(e -> "ASSOCIATE".equals(e.get("op")) && "rejected".equals(e.get("status"))
                    && "NIGHTSCANNER".equals(e.get("calling")) && "called AE title not recognized".equals(e.get("detail"))));
            assertTrue(audit.stream().anyMatch(e -> "ASSOCIATION".equals(e.get("op")) && "aborted".equals(e.get("status"))
                    && "ABORTSCU".equals(e.get("calling"))));
            assertTrue(audit.stream().anyMatch(e -> "C-STORE".equals(e.get("op")) && "C000".equals(e.get("status"))
                    && badSop.equals(e.get("sop")) && String.valueOf(e.get("detail")).contains("missing Study Instance UID")));
            List<Map<String, Object>> stored = audit.stream().filter(e -> "C-STORE".equals(e.get("op"))
                    && "0000".equals(e.get("status"))).toList();
            assertEquals(2, stored.size());
            for (Map<String, Object> e : stored) {
                assertEquals(patient, e.get("patient"));
                assertEquals(study, e.get("study"));
                assertEquals("STORESCU", e.get("calling"));
                assertEquals("CAPSCP", e.get("called"));
                assertTrue(String.valueOf(e.get("remote")).startsWith("127.0.0.1:"));
                assertTrue(((Number) e.get("bytes")).longValue() > 100_000);
                assertTrue(g.studies().get(0).seriesInstanceUids().contains(e.get("series")));
            }
            assertFalse(Files.readString(logs.resolve("audit.log")).contains("Synthetic^Patient"));

            // an older, rolled and compressed file is read too, first
            try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(logs.resolve("audit.2020-01-01.0.log.gz")))) {
                o.write(("{\"time\":\"2020-01-01T10:00:00Z\",\"op\":\"C-STORE\",\"status\":\"A700\",\"calling\":\"OLDSCANNER\","
                        + "\"called\":\"CAPSCP\",\"remote\":\"10.0.0.9:4000\",\"patient\":\"OLD0000101\",\"detail\":\"disk full\"}\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            String[] base = {"--data-dir=" + dir, "--embedded-db-port=" + dbPort};
            Object[] failures = run(concat(new String[] {"log", "--failures"}, base));
            assertEquals(0, failures[0]);
            String f = (String) failures[1];
            List<String> rows = f.lines().skip(1).toList();
            assertEquals(4, rows.size(), f);
            assertTrue(rows.get(0).contains("OLDSCANNER->CAPSCP") && rows.get(0).contains("A700"), f);
            assertTrue(f.contains("NIGHTSCANNER->NOTUS") && f.contains("rejected"), f);
            assertTrue(f.contains("ABORTSCU->CAPSCP") && f.contains("aborted"), f);
            assertTrue(f.contains("C000") && f.contains(badSop), f);

            String byPatient = (String) run(concat(new String[] {"log", "--json", "--patient", patient}, base))[1];
            assertEquals(2, byPatient.lines().count(), byPatient);
            String byStudyAndOp = (String) run(concat(new String[] {"log", "--json", "--study", study, "--op", "c-store",
                    "--calling-aet", "STORESCU", "--from", "2021-01-01"}, base))[1];
            assertEquals(2, byStudyAndOp.lines().count(), byStudyAndOp);
            assertEquals(1, run(concat(new String[] {"log", "--json", "--to", "2020-01-01"}, base))[1].toString().lines().count());
            assertEquals(0, run(concat(new String[] {"log", "--json", "--from", "2999-01-01T00:00:00Z"}, base))[1].toString()
                    .lines().count());
            assertEquals(2, run(concat(new String[] {"log", "--bogus"}, base))[0]);

            Object[] status = run(concat(new String[] {"status"}, base));
            assertEquals(0, status[0], (String) status[1]);
            String st = (String) status[1];
            assertTrue(st.contains("instances  2"), st);
            assertTrue(st.contains("studies    1"), st);
            assertTrue(st.contains("pending    0 (in step with PACS)"), st);
            assertTrue(st.matches("(?s).*associations  3 \\(1 aborted\\), 1 refused.*"), st);
            assertTrue(st.matches("(?s).*stores        2 \\(\\d.*"), st);
            assertTrue(st.contains("failures      2"), st);

            // --follow prints what happens next
            ByteArrayOutputStream followed = new ByteArrayOutputStream();
            Thread follower = new Thread(() -> {
                PrintStream ps = new PrintStream(followed, true, StandardCharsets.UTF_8);
                try {
                    org.cardiacatlas.cap.server.LogFollow.run(dir.resolve("logs"), List.of("--follow", "--op", "C-ECHO"), ps);
                } catch (Exception ignored) {
                    // interrupted at the end of the test
                }
            });
            follower.start();
            Thread.sleep(1000);
            assertTrue(Dcmtk.echoscu(port).ok());
            BadInputTest.waitForLong(() -> followed.toString(StandardCharsets.UTF_8).contains("C-ECHO"), 15);
            follower.interrupt();
            follower.join(5000);
        } finally {
            p.destroy();
            p.waitFor(60, TimeUnit.SECONDS);
            ProcessLifecycleTest.deleteTree(dir);
        }
    }

    static Object[] run(String[] args) {
        return Cli.run(args);
    }

    static String[] concat(String[] a, String[] b) {
        return XpacsTest.concat(a, b);
    }

    /** An association that starts a store and aborts in the middle of its data set. */
    static final class RawScuAbort implements AutoCloseable {
        private final RawScu scu;

        RawScuAbort(int port) throws Exception {
            scu = new RawScu(port, "CAPSCP", "ABORTSCU");
        }

        void go(AttributeList a, String sop) throws Exception {
            byte[] data = BadInputTest.dataSet(a);
            scu.storePartlyThenAbort(a.get(TagFromName.SOPClassUID).getSingleStringValueOrEmptyString(), sop,
                    java.util.Arrays.copyOf(data, data.length / 2));
        }

        @Override
        public void close() {
            // aborted already
        }
    }
}
