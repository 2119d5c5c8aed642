package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The README's commands as a new user runs them (issue 11): the node as its own process on its
 * embedded database, in a folder named {@code data} like the checkout's, and the commands of the
 * README taken from its own text: "Try it" (echoscu, generate, storescu, the bundled mariadb
 * client), the XPACS import session with conf/samples, {@code ae}, {@code log} with its filters,
 * {@code ls} (checked against findscu) and {@code delete}. Commands run as processes where what
 * is checked is the process (the caller's folder, what goes to which log), else in this JVM.
 */
class CommandsTest {

    private static final Path README = Path.of("..", "README.md").toAbsolutePath().normalize();
    private static final Path SAMPLES = Path.of("..", "conf", "samples").toAbsolutePath().normalize();
    private static final Path CONFIG = Path.of("..", "conf", "capserver.properties").toAbsolutePath().normalize();

    @Test
    void theReadmeCommandsDoWhatItSays() throws Exception {
        String readme = Files.readString(README, StandardCharsets.UTF_8);
        Path home = Files.createTempDirectory("capserver-commands-");
        Path data = home.resolve("data");
        int port = TestDatabase.freePort();
        int dbPort = TestDatabase.freePort();
        Path console = home.resolve("node.log");
        List<Process> peers = new ArrayList<>();
        Process node = new ProcessBuilder(Cli.serverProcess("serve", "--port", String.valueOf(port), "--data-dir", "data",
                "--embedded-db-port", String.valueOf(dbPort), "--config", CONFIG.toString()))
                .directory(home.toFile()).redirectErrorStream(true).redirectOutput(console.toFile()).start();
        try {
            ProcessLifecycleTest.awaitStart(node, console, 1);
            Path nodeLog = data.resolve("logs").resolve("capserver.log");
            assertTrue(Files.readString(nodeLog).matches("(?s).*schema pacs at version \\d+ \\(\\d+ migrations applied\\).*"),
                    Files.readString(nodeLog));

            // --- "Try it", line by line from the README (ports and /tmp/cap replaced, fewer images) ---
            List<String> tryIt = block(readme, "## Try it");
            assertEquals(5, tryIt.size(), tryIt.toString());
            assertEquals("bin/capserver serve &", tryIt.get(0));
            String echo = tryIt.get(1).replace("11112", String.valueOf(port));
            assertTrue(shell(home, echo).ok(), echo);
            // generate, as bin/capserver runs it: in the caller's folder, with --config appended
            String generate = tryIt.get(2);
            assertTrue(generate.startsWith("bin/capserver generate --out /tmp/cap "), generate);
            List<String> genArgs = new ArrayList<>(Arrays.asList(generate.substring("bin/capserver ".length())
                    .replace("/tmp/cap", "gen").replace("--images 20", "--images 2").split(" ")));
            genArgs.addAll(List.of("--config", CONFIG.toString()));
            Result gen = process(home, genArgs);
            assertEquals(0, gen.rc, gen.out);
            assertTrue(gen.out.contains("24 files, 4 studies"), gen.out);
            assertFalse(Files.exists(home.resolve("data").resolve("gen")), "relative to the caller's folder");
            assertTrue(Files.isDirectory(home.resolve("gen").resolve("SYN0000101")));
            String store = tryIt.get(3).replace("11112", String.valueOf(port)).replace("/tmp/cap", "gen");
            assertTrue(store.startsWith("TCP_NODELAY=1 storescu "), store);
            assertTrue(shell(home, store).ok(), store);
            String mariadb = tryIt.get(4);
            assertTrue(mariadb.startsWith("data/db/base/bin/mariadb --defaults-extra-file=data/db/client.cnf"), mariadb);
            Dcmtk.Result rows = shell(home, mariadb);
            assertTrue(rows.ok(), rows.output());
            assertEquals(4, rows.output().lines().filter(l -> l.matches("2\\.25\\.\\d+\\s+3\\s+6")).count(), rows.output());

            // --- a command as its own process, from the caller's folder: the node's database, its
            //     own console, the real schema version at DEBUG only ---
            int schemaLines = ProcessLifecycleTest.count(nodeLog, "schema pacs at version");
            long nodeLogLines = Files.readAllLines(nodeLog).size();
            Result status = process(home, List.of("status", "--data-dir", "data"));
            assertEquals(0, status.rc, status.out);
            assertTrue(status.out.contains("studies    4") && status.out.contains("instances  24"), status.out);
            assertFalse(status.out.contains("version null"), status.out);
            assertFalse(status.out.contains("schema pacs"), "DEBUG for commands: " + status.out);
            assertFalse(status.out.contains("starting its embedded database"), "joined the node's: " + status.out);
            assertEquals(schemaLines, ProcessLifecycleTest.count(nodeLog, "schema pacs at version"));
            assertEquals(nodeLogLines, countNodeLinesNotOfAssociations(nodeLog, nodeLogLines),
                    "the command wrote nothing into the node's capserver.log");
            // a folder that holds no archive: said, and nothing made there
            Path empty = Files.createDirectories(home.resolve("elsewhere"));
            Result none = process(empty, List.of("status"));
            assertEquals(1, none.rc, none.out);
            assertTrue(none.out.contains("no archive in " + empty.resolve("data")), none.out);
            try (Stream<Path> s = Files.list(empty)) {
                assertEquals(0, s.count(), "nothing created in the caller's folder");
            }

            String[] at = {"--data-dir", data.toString()};

            // --- ls: the same matches as C-FIND ---
            Object[] ls = cli(at, "ls");
            assertEquals(0, ls[0], (String) ls[1]);
            assertTrue(((String) ls[1]).contains("(4 matches)"), (String) ls[1]);
            Object[] mr = cli(at, "ls", "series", "Modality=MR", "--json");
            assertEquals(12, ((String) mr[1]).lines().count(), (String) mr[1]);
            Set<String> lsStudies = new HashSet<>();
            for (String line : ((String) cli(at, "ls", "studies", "PatientID=SYN00001*", "--json")[1]).lines().toList()) {
                lsStudies.add((String) new ObjectMapper().readValue(line, Map.class).get("StudyInstanceUID"));
            }
            Findscu.Answer f = Findscu.find(port, Findscu.STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientID=SYN00001*",
                    "StudyInstanceUID");
            assertTrue(f.success(), f.output());
            assertEquals(new HashSet<>(f.values(TagFromName.StudyInstanceUID)), lsStudies);
            assertEquals(2, lsStudies.size());
            assertEquals(2, cli(at, "ls", "NoSuchKeyword=1")[0]);

            // --- XPACS: the README's import session with conf/samples ---
            List<String> imports = block(readme, "## XPACS", "bin/capserver xpacs import patients conf/samples");
            assertEquals(7, imports.size(), imports.toString());
            for (String line : imports) {
                String cmd = line.replaceAll("\\s+#.*$", "").substring("bin/capserver ".length())
                        .replace("conf/samples", SAMPLES.toString());
                Object[] r = cli(at, cmd.split(" "));
                assertEquals(0, r[0], line + ": " + r[1]);
                if (cmd.startsWith("xpacs import")) {
                    Matcher m = Pattern.compile("imported (\\d+) ").matcher((String) r[1]);
                    assertTrue(m.find(), (String) r[1]);
                    assertTrue(line.contains("imported " + m.group(1) + " "), line + " vs " + r[1]);
                }
            }
            String history = (String) cli(at, "xpacs", "history", "SYN00001")[1];
            assertTrue(history.contains("file: echo-report.txt") && history.contains("Referral visit"), history);

            // --- C-MOVE destinations and the SENT records naming them ---
            Path inbox = Files.createDirectories(home.resolve("inbox"));
            int destPort = TestDatabase.freePort();
            ProcessBuilder scp = new ProcessBuilder("storescp", "-aet", "VIEWER1", "-od", inbox.toString(),
                    String.valueOf(destPort)).redirectErrorStream(true).redirectOutput(home.resolve("storescp.log").toFile());
            scp.environment().put("TCP_NODELAY", "1");
            peers.add(scp.start());
            String aeAdd = readme.lines().filter(l -> l.startsWith("bin/capserver ae add VIEWER1")).findFirst().orElseThrow();
            Object[] add = cli(at, "ae", "add", "VIEWER1", "127.0.0.1", String.valueOf(destPort), "reading room");
            assertTrue(aeAdd.contains("\"reading room\""), aeAdd);
            assertEquals(0, add[0], (String) add[1]);
            assertTrue(((String) cli(at, "ae", "list")[1]).contains("VIEWER1"));
            BadInputTest.waitForLong(() -> (int) cli(at, "ae", "echo", "VIEWER1")[0] == 0, 15);
            String moved = lsStudies.iterator().next();
            Dcmtk.Result mv = Dcmtk.run(List.of("movescu", "-S", "-aec", "CAPSCP", "-aet", "MOVESCU", "-aem", "VIEWER1",
                    "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + moved, "127.0.0.1", String.valueOf(port)));
            assertTrue(mv.ok(), mv.output());
            BadInputTest.waitForLong(() -> ((String) cli(at, "log", "--destination", "VIEWER1", "--op", "SENT", "--json")[1])
                    .lines().count() == 6, 15);
            for (String line : ((String) cli(at, "log", "--destination", "VIEWER1", "--json")[1]).lines().toList()) {
                Map<?, ?> e = new ObjectMapper().readValue(line, Map.class);
                assertEquals("SENT", e.get("op"));
                assertEquals("VIEWER1", e.get("destination"));
                assertEquals(moved, e.get("study"));
            }
            assertTrue(((String) cli(at, "log", "--op", "SENT")[1]).contains("to VIEWER1"));

            // --- log: the AE title filters cannot collide with --aet ---
            assertEquals(24, ((String) cli(at, "log", "--calling-aet", "STORESCU", "--op", "C-STORE", "--json")[1])
                    .lines().count());
            assertEquals(0, ((String) cli(at, "log", "--called-aet", "NOBODY", "--json")[1]).lines().count());
            assertTrue(((String) cli(at, "log", "--called-aet", "CAPSCP", "--json")[1]).lines().count() > 24);
            assertEquals(2, cli(at, "log", "--aet", "STORESCU")[0], "--aet is the node's AE title, not a filter");

            // --- delete ---
            deletes(at, home, readme, port);
        } finally {
            peers.forEach(Process::destroy);
            node.destroy();
            node.waitFor(60, TimeUnit.SECONDS);
            ProcessLifecycleTest.deleteTree(home);
        }
    }

    private static void deletes(String[] at, Path home, String readme, int port) throws Exception {
        Path data = home.resolve("data");
        assertTrue(readme.contains("bin/capserver delete series 1.2.3.4 --dry-run"));
        Map<?, ?> series = firstJson(cli(at, "ls", "series", "PatientID=SYN0000102", "--json"));
        String seriesUid = (String) series.get("SeriesInstanceUID");
        String studyUid = (String) series.get("StudyInstanceUID");
        long files = archiveFiles(data);
        assertEquals(24, files);

        Object[] dry = cli(at, "delete", "series", seriesUid, "--dry-run");
        assertEquals(0, dry[0], (String) dry[1]);
        assertTrue(((String) dry[1]).contains("would delete series " + seriesUid + " of study " + studyUid
                + " (patient SYN0000102): 2 instances, 2 files"), (String) dry[1]);
        assertEquals(files, archiveFiles(data));
        assertEquals("3", firstJson(cli(at, "ls", "studies", "StudyInstanceUID=" + studyUid, "--json"))
                .get("NumberOfStudyRelatedSeries"));

        Object[] one = cli(at, "delete", "series", seriesUid);
        assertEquals(0, one[0], (String) one[1]);
        Map<?, ?> study = firstJson(cli(at, "ls", "studies", "StudyInstanceUID=" + studyUid, "--json"));
        assertEquals("2", study.get("NumberOfStudyRelatedSeries"));
        assertEquals("4", study.get("NumberOfStudyRelatedInstances"));
        assertEquals("MR", study.get("ModalitiesInStudy"));
        assertEquals(files - 2, archiveFiles(data));
        assertEquals(0, ((String) cli(at, "ls", "images", "SeriesInstanceUID=" + seriesUid, "--json")[1]).lines().count());
        Findscu.Answer gone = Findscu.find(port, Findscu.STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                "SeriesInstanceUID=" + seriesUid);
        assertTrue(gone.success() && gone.answers().isEmpty(), gone.output());

        // the first session has a heart model and a baseline (conf/samples): refused without --with-xpacs-data
        String withResearch = "2.25.134548058787981412108719457331829614461";
        Object[] refused = cli(at, "delete", "study", withResearch);
        assertEquals(1, refused[0]);
        assertEquals(files - 2, archiveFiles(data));
        Object[] forced = cli(at, "delete", "study", withResearch, "--with-xpacs-data");
        assertEquals(0, forced[0], (String) forced[1]);
        assertTrue(((String) forced[1]).contains("1 heart models, 1 baseline diagnoses"), (String) forced[1]);
        assertEquals(files - 8, archiveFiles(data));
        assertFalse(Files.exists(studyFolder(data, withResearch)), "its folder went with its files");

        // as its own process (conf/logback-command.xml): its DELETE record goes to the node's audit.log
        Result patient = process(home, List.of("delete", "patient", "SYN0000102", "--data-dir", "data"));
        assertEquals(0, patient.rc(), patient.out());
        assertTrue(patient.out().contains("patients left without studies removed"), patient.out());
        assertEquals(files - 12, archiveFiles(data));
        String patients = (String) cli(at, "ls", "patients")[1];
        assertFalse(patients.contains("SYN00001"), patients);
        assertTrue(patients.contains("(2 matches)"), patients);
        // XPACS: the studies' events left the chain, which stays valid; the notes and file stay
        assertEquals(0, cli(at, "xpacs", "check")[0]);
        String history = (String) cli(at, "xpacs", "history", "SYN00001")[1];
        assertFalse(history.contains(" study "), history);
        assertTrue(history.contains("file: echo-report.txt"), history);
        Object[] unknown = cli(at, "delete", "study", "1.2.3.4");
        assertEquals(1, unknown[0]);
        List<String> audit = ((String) cli(at, "log", "--op", "DELETE", "--json")[1]).lines().toList();
        assertEquals(1, audit.size(), audit.toString());
        Map<?, ?> record = new ObjectMapper().readValue(audit.get(0), Map.class);
        assertEquals("0000", record.get("status"));
        assertEquals("SYN0000102", record.get("patient"));
        assertEquals(studyUid, record.get("study"));
        assertTrue(String.valueOf(record.get("user")).startsWith("capserver delete"), audit.get(0));
        assertTrue(String.valueOf(record.get("detail")).startsWith("study, 4 instances, 4 files"), audit.get(0));
        // rows and files in step: nothing orphaned, nothing missing
        Object[] verify = cli(at, "verify", "--min-age", "0");
        assertEquals(0, verify[0], (String) verify[1]);
    }

    private static Path studyFolder(Path data, String studyUid) throws IOException {
        try (Stream<Path> s = Files.walk(data.resolve("archive"), 3)) {
            return s.filter(p -> p.getFileName().toString().equals(studyUid)).findFirst()
                    .orElse(data.resolve("archive").resolve("none").resolve(studyUid));
        }
    }

    private static Map<?, ?> firstJson(Object[] r) throws IOException {
        assertEquals(0, r[0], (String) r[1]);
        String first = ((String) r[1]).lines().findFirst().orElseThrow(() -> new AssertionError("no match"));
        return new ObjectMapper().readValue(first, Map.class);
    }

    private static long archiveFiles(Path data) throws IOException {
        try (Stream<Path> s = Files.walk(data.resolve("archive"))) {
            return s.filter(Files::isRegularFile).filter(p -> p.toString().endsWith(".dcm")).count();
        }
    }

    /** Lines of the node's log after the first n that are not an association's (a command would add others). */
    private static long countNodeLinesNotOfAssociations(Path log, long n) throws IOException {
        List<String> lines = Files.readAllLines(log);
        return n + lines.stream().skip(n).filter(l -> !l.contains("[A")).count();
    }

    private static Object[] cli(String[] at, String... args) {
        String[] all = Arrays.copyOf(args, args.length + at.length);
        System.arraycopy(at, 0, all, args.length, at.length);
        return Cli.run(all);
    }

    record Result(int rc, String out) {
    }

    /** bin/capserver's java command with these arguments, run in {@code dir}: exit code, stdout and stderr. */
    private static Result process(Path dir, List<String> args) throws Exception {
        Process p = new ProcessBuilder(Cli.serverProcess(args.toArray(new String[0]))).directory(dir.toFile())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(180, TimeUnit.SECONDS));
        return new Result(p.exitValue(), out);
    }

    private static Dcmtk.Result shell(Path dir, String line) throws Exception {
        ProcessBuilder pb = new ProcessBuilder("bash", "-c", line).directory(dir.toFile()).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(300, TimeUnit.SECONDS));
        return new Dcmtk.Result(p.exitValue(), out);
    }

    /** The lines of the first ```sh block after a heading (and, if given, the block starting with {@code first}). */
    static List<String> block(String readme, String heading, String... first) {
        int from = readme.indexOf(heading);
        assertTrue(from >= 0, heading);
        while (true) {
            int start = readme.indexOf("```sh\n", from);
            assertTrue(start >= 0, "no sh block after " + heading);
            int end = readme.indexOf("```", start + 6);
            List<String> lines = readme.substring(start + 6, end).lines().filter(l -> !l.isBlank()).toList();
            if (first.length == 0 || (!lines.isEmpty() && lines.get(0).startsWith(first[0]))) {
                return lines;
            }
            from = end + 3;
        }
    }
}
