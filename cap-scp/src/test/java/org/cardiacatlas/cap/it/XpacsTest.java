package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.cardiacatlas.cap.tools.SyntheticStudies.StudyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** XPACS kept in step with real C-STOREs, and the xpacs commands, through the command line. */
class XpacsTest {

    static ServerFixture server;
    static Path gen = Path.of("target", "it", "gen-xpacs").toAbsolutePath();

    @BeforeAll
    static void start() {
        server = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static List<Map<String, Object>> x(ServerFixture f, String sql, Object... params) {
        return f.rows(sql.replace("{xpacs}", f.options.get(Option.XPACS_SCHEMA)), params);
    }

    /** The patient's events, walked from first_history_id along Next_id. */
    static List<Map<String, Object>> chain(ServerFixture f, String patient8) {
        Map<String, Object> p = x(f, "SELECT id, first_history_id FROM {xpacs}.PATIENT_INFO WHERE PatientID = ?", patient8)
                .get(0);
        List<Map<String, Object>> out = new ArrayList<>();
        Object at = p.get("first_history_id");
        Object prev = null;
        while (at != null) {
            Map<String, Object> e = x(f, "SELECT h.*, sp.PACS_StudyInstanceUID, sp.PACS_PatientID FROM {xpacs}.PATIENT_HISTORY h "
                    + "LEFT JOIN {xpacs}.STUDY_PACS sp ON sp.id = h.STUDY_PACS_id WHERE h.id = ?", at).get(0);
            assertEquals(prev, e.get("Prev_id"), "Prev_id of " + at);
            assertEquals(p.get("id"), e.get("PATIENT_INFO_id"));
            out.add(e);
            prev = at;
            at = e.get("Next_id");
            assertTrue(out.size() < 1000, "no loop");
        }
        for (int i = 1; i < out.size(); i++) {
            java.time.LocalDateTime a = (java.time.LocalDateTime) out.get(i - 1).get("EventDate");
            java.time.LocalDateTime b = (java.time.LocalDateTime) out.get(i).get("EventDate");
            assertTrue(a.isBefore(b) || (a.equals(b)
                    && ((Number) out.get(i - 1).get("id")).intValue() < ((Number) out.get(i).get("id")).intValue()),
                    "chain in (EventDate, id) order");
        }
        assertEquals(((Number) x(f, "SELECT COUNT(*) AS n FROM {xpacs}.PATIENT_HISTORY WHERE PATIENT_INFO_id = ?",
                p.get("id")).get(0).get("n")).intValue(), out.size(), "every event in the chain");
        return out;
    }

    static List<String> paths(List<Path> files) {
        List<String> s = new ArrayList<>();
        files.forEach(p -> s.add(p.toString()));
        return s;
    }

    /** Runs bin/capserver's entry point in this JVM against a fixture's database; returns exit code and output. */
    static Object[] cli(ServerFixture f, String... args) {
        List<String> a = new ArrayList<>();
        for (Map.Entry<Option, String> o : f.options.entrySet()) {
            a.add("--" + o.getKey().key() + "=" + o.getValue());
        }
        // given after the fixture's options, so that a test's own options win
        a.addAll(List.of(args));
        return Cli.run(a.toArray(new String[0]));
    }

    @Test
    void sessionsOfOnePatientFormOneChainInDateOrder() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("XPA").sessionsPerPatient(3)
                .imagesPerSeries(2).seed(501).build().generate(gen.resolve("XPA"));
        // the last session first, then the first, then the middle one
        for (int session : new int[] {2, 0, 1}) {
            String uid = g.studies().get(session).studyInstanceUid();
            List<String> files = new ArrayList<>();
            for (Path p : g.files()) {
                if (p.toString().contains(g.studies().get(session).patientId())) {
                    files.add(p.toString());
                }
            }
            assertTrue(Dcmtk.storescu(server.port(), List.of(), files).ok(), uid);
        }
        assertEquals(1, x(server, "SELECT id FROM {xpacs}.PATIENT_INFO WHERE PatientID = 'XPA00001'").size());
        List<Map<String, Object>> events = chain(server, "XPA00001");
        assertEquals(3, events.size());
        for (int i = 0; i < 3; i++) {
            StudyInfo s = g.studies().get(i);
            assertEquals(s.studyInstanceUid(), events.get(i).get("PACS_StudyInstanceUID"));
            assertEquals(s.patientId(), events.get(i).get("PACS_PatientID"));
            assertEquals(s.studyDate(), ((java.time.LocalDateTime) events.get(i).get("EventDate")).toLocalDate());
        }
        // the same study again, and more of it, adds nothing to XPACS
        assertTrue(Dcmtk.storescu(server.port(), List.of(), paths(g.files())).ok());
        assertEquals(3, chain(server, "XPA00001").size());
        assertEquals(3, x(server, "SELECT id FROM {xpacs}.STUDY_PACS WHERE PACS_PatientID LIKE 'XPA00001%'").size());
    }

    @Test
    void patientIdThatIsNoCapIdIsArchivedButNotSynchronized() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("NCI").seed(502).build().generate(gen.resolve("NCI"));
        Path f = g.files().get(0);
        Path changed = gen.resolve("NCI-changed.dcm");
        Files.copy(f, changed, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        assertTrue(Dcmtk.run(List.of("dcmodify", "-nb", "-m", "PatientID=MRN-12345", changed.toString())).ok());
        String study = g.studies().get(0).studyInstanceUid();
        try (LogCapture log = new LogCapture()) {
            assertTrue(Dcmtk.storescu(server.port(), List.of(), List.of(changed.toString())).ok());
            List<String> warn = log.matching("WARN", "not synchronized to XPACS");
            assertEquals(1, warn.size(), log.lines().toString());
            assertTrue(warn.get(0).contains(study) && warn.get(0).contains("MRN-12345"), warn.get(0));
        }
        assertEquals(1, server.rows("SELECT pk FROM {pacs}.study WHERE study_iuid = ?", study).size());
        assertTrue(x(server, "SELECT id FROM {xpacs}.STUDY_PACS WHERE PACS_StudyInstanceUID = ?", study).isEmpty());
    }

    @Test
    void correctedPatientIdMovesTheStudyAndItsEvent() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("XPB").sessionsPerPatient(2)
                .imagesPerSeries(2).seed(503).build().generate(gen.resolve("XPB"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), paths(g.files())).ok());
        assertEquals(2, chain(server, "XPB00001").size());
        StudyInfo second = g.studies().get(1);
        List<String> corrected = new ArrayList<>();
        for (Path p : g.files()) {
            if (p.toString().contains(second.patientId())) {
                Path c = gen.resolve("XPB-fixed").resolve(p.getFileName());
                Files.createDirectories(c.getParent());
                Files.copy(p, c, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                assertTrue(Dcmtk.run(List.of("dcmodify", "-nb", "-m", "PatientID=XPC0000101", c.toString())).ok());
                corrected.add(c.toString());
            }
        }
        try (LogCapture log = new LogCapture()) {
            assertTrue(Dcmtk.storescu(server.port(), List.of(), corrected).ok());
            assertEquals(1, log.matching("WARN", "arrived under Patient ID 'XPC0000101'").size(), log.lines().toString());
        }
        assertEquals("XPC0000101", server.rows("SELECT p.pat_id FROM {pacs}.study st JOIN {pacs}.patient p "
                + "ON p.pk = st.patient_fk WHERE st.study_iuid = ?", second.studyInstanceUid()).get(0).get("pat_id"));
        List<Map<String, Object>> moved = chain(server, "XPC00001");
        assertEquals(1, moved.size());
        assertEquals(second.studyInstanceUid(), moved.get(0).get("PACS_StudyInstanceUID"));
        assertEquals("XPC0000101", moved.get(0).get("PACS_PatientID"));
        List<Map<String, Object>> old = chain(server, "XPB00001");
        assertEquals(1, old.size());
        assertEquals(g.studies().get(0).studyInstanceUid(), old.get(0).get("PACS_StudyInstanceUID"));
        assertEquals(0, server.rows("SELECT st.pk FROM {pacs}.study st JOIN {pacs}.patient p ON p.pk = st.patient_fk "
                + "WHERE p.pat_id = ?", second.patientId()).size());
    }

    @Test
    void concurrentSessionsOfTheSamePatientsKeepEveryChainValid() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("XPD").patients(3).sessionsPerPatient(5)
                .imagesPerSeries(2).seed(504).build().generate(gen.resolve("XPD"));
        List<Path> files = new ArrayList<>(g.files());
        Collections.shuffle(files, new Random(7));
        int n = 6;
        ExecutorService pool = Executors.newFixedThreadPool(n);
        List<Future<Dcmtk.Result>> results = new ArrayList<>();
        for (int k = 0; k < n; k++) {
            List<String> slice = new ArrayList<>();
            for (int i = k; i < files.size(); i += n) {
                slice.add(files.get(i).toString());
            }
            results.add(pool.submit(() -> Dcmtk.storescu(server.port(), List.of(), slice)));
        }
        for (Future<Dcmtk.Result> r : results) {
            assertTrue(r.get().ok(), r.get().output());
        }
        pool.shutdown();
        for (int p = 1; p <= 3; p++) {
            String id8 = SyntheticStudies.capId("XPD", p, 1).substring(0, 8);
            assertEquals(1, x(server, "SELECT id FROM {xpacs}.PATIENT_INFO WHERE PatientID = ?", id8).size());
            assertEquals(5, chain(server, id8).size());
        }
        Object[] check = cli(server, "xpacs", "check");
        assertEquals(0, check[0], (String) check[1]);
        assertTrue(((String) check[1]).contains("0 with a broken history chain"), (String) check[1]);
    }

    @Test
    void syncCatchesUpWithPacsAndChangesNothingTheSecondTime() throws Exception {
        // a server that takes no Patient ID for a CAP ID: PACS only
        try (ServerFixture pacsOnly = ServerFixture.start(Map.of(Option.CAP_ID_PATTERN, "NONE"))) {
            SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("XPE").patients(2).sessionsPerPatient(2)
                    .seed(505).build().generate(gen.resolve("XPE"));
            assertTrue(Dcmtk.storescu(pacsOnly.port(), List.of(), paths(g.files())).ok());
            assertEquals(0, x(pacsOnly, "SELECT id FROM {xpacs}.STUDY_PACS").size());

            String[] cap = {"--cap-id-pattern=[A-Z0-9]{10}"};
            Object[] dry = cli(pacsOnly, concat(new String[] {"xpacs", "sync", "--dry-run"}, cap));
            assertEquals(0, dry[0], (String) dry[1]);
            assertTrue(((String) dry[1]).contains("dry run: 4 changes not made"), (String) dry[1]);
            assertEquals(0, x(pacsOnly, "SELECT id FROM {xpacs}.STUDY_PACS").size(), "a dry run changes nothing");

            Object[] first = cli(pacsOnly, concat(new String[] {"xpacs", "sync"}, cap));
            assertTrue(((String) first[1]).contains("4 changes made"), (String) first[1]);
            assertEquals(4, x(pacsOnly, "SELECT id FROM {xpacs}.STUDY_PACS").size());
            assertEquals(2, chain(pacsOnly, "XPE00001").size());
            assertEquals(2, chain(pacsOnly, "XPE00002").size());
            Object[] second = cli(pacsOnly, concat(new String[] {"xpacs", "sync"}, cap));
            assertTrue(((String) second[1]).contains("nothing to do"), (String) second[1]);

            // a broken chain is reported by check and mended by sync
            Map<String, Object> head = x(pacsOnly, "SELECT first_history_id FROM {xpacs}.PATIENT_INFO WHERE PatientID = 'XPE00002'").get(0);
            x(pacsOnly, "SELECT 1").size();
            try (java.sql.Connection c = pacsOnly.connect()) {
                c.createStatement().executeUpdate("UPDATE " + pacsOnly.options.get(Option.XPACS_SCHEMA)
                        + ".PATIENT_HISTORY SET Next_id = NULL WHERE id = " + head.get("first_history_id"));
            }
            Object[] check = cli(pacsOnly, "xpacs", "check");
            assertEquals(1, check[0]);
            assertTrue(((String) check[1]).startsWith("XPE00002: "), (String) check[1]);
            Object[] mend = cli(pacsOnly, concat(new String[] {"xpacs", "sync"}, cap));
            assertTrue(((String) mend[1]).contains("relinked the history of XPE00002"), (String) mend[1]);
            assertEquals(0, cli(pacsOnly, "xpacs", "check")[0]);
            assertEquals(2, chain(pacsOnly, "XPE00002").size());
        }
    }

    static String[] concat(String[] a, String[] b) {
        String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    @Test
    void importsTakeWholeGoodFilesAndRejectFilesWithBadRowsWhole() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("XPF").sessionsPerPatient(2).seed(506).build()
                .generate(gen.resolve("XPF"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), paths(g.files())).ok());
        Path dir = gen.resolve("XPF-csv");
        Files.createDirectories(dir);
        String s1 = g.studies().get(0).studyInstanceUid();
        String s2 = g.studies().get(1).studyInstanceUid();
        String d1 = g.studies().get(0).studyDate().toString();

        Files.writeString(dir.resolve("patients.csv"), "PatientID,Cohort,Gender\nXPF00001,\"DETERMINE, arm B\",F\n");
        Object[] r = cli(server, "xpacs", "import", "patients", dir.resolve("patients.csv").toString());
        assertEquals(0, r[0], (String) r[1]);
        Map<String, Object> p = x(server, "SELECT * FROM {xpacs}.PATIENT_INFO WHERE PatientID = 'XPF00001'").get(0);
        assertEquals("DETERMINE, arm B", p.get("Cohort"));
        assertEquals("F", p.get("Gender"));

        // one bad row (an impossible date) rejects the whole file
        Files.writeString(dir.resolve("notes-bad.csv"), "PatientID,EventDate,Age,Weight,Height,Diagnosis,Procedure,Notes\n"
                + "XPF0000101,2019-03-01,54,80,175,MI,PCI,first\n"
                + "XPF00001,2019-02-30,54,80,175,MI,PCI,\"two\nlines\"\n");
        long notes = countNotes();
        r = cli(server, "xpacs", "import", "notes", dir.resolve("notes-bad.csv").toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("notes-bad.csv:3: EventDate '2019-02-30' is not a date"), (String) r[1]);
        assertTrue(((String) r[1]).contains("rejected, nothing imported"), (String) r[1]);
        assertEquals(notes, countNotes());

        // good notes become events at their dates: before, between and after the two sessions
        Files.writeString(dir.resolve("notes.csv"), "PatientID,EventDate,Age,Weight,Height,Diagnosis,Procedure,Notes\n"
                + "XPF0000101,2000-01-01,30,70,170,,,\"baseline, \"\"healthy\"\"\"\n"
                + "XPF00001," + g.studies().get(0).studyDate().plusDays(10) + " 08:30,31,72,170,MI,PCI,after first scan\n"
                + "XPF00001,2099-12-31,99,,,,,last\n");
        r = cli(server, "xpacs", "import", "notes", dir.resolve("notes.csv").toString());
        assertEquals(0, r[0], (String) r[1]);
        assertEquals(notes + 3, countNotes());

        // notes of a patient XPACS does not know (a mistyped ID) are refused, not made into a new patient
        Files.writeString(dir.resolve("notes-unknown.csv"), "PatientID,EventDate,Age,Weight,Height,Diagnosis,Procedure,Notes\n"
                + "XPF00001,2001-01-01,31,70,170,,,fine\n"
                + "XPF0009901,2001-01-01,31,70,170,,,typo\n");
        r = cli(server, "xpacs", "import", "notes", dir.resolve("notes-unknown.csv").toString());
        assertEquals(1, r[0], (String) r[1]);
        assertTrue(((String) r[1]).contains("notes-unknown.csv:3: patient XPF00099 is not in XPACS"), (String) r[1]);
        assertEquals(notes + 3, countNotes());
        assertTrue(x(server, "SELECT id FROM {xpacs}.PATIENT_INFO WHERE PatientID = 'XPF00099'").isEmpty());

        Files.writeString(dir.resolve("baseline.csv"), "StudyInstanceUID,Ethnicity,Height,Weight,SBP,DBP,HeartRate,"
                + "HistoryOfHypertension,HistoryOfDiabetes,HistoryOfAlcohol,HistoryOfSmoking\n"
                + s1 + ",Maori,175,80,120,80,60,no,no,yes,no\n");
        assertEquals(0, cli(server, "xpacs", "import", "baseline", dir.resolve("baseline.csv").toString())[0]);
        Files.writeString(dir.resolve("baseline-bad.csv"), "StudyInstanceUID,Ethnicity,Height,Weight,SBP,DBP,HeartRate,"
                + "HistoryOfHypertension,HistoryOfDiabetes,HistoryOfAlcohol,HistoryOfSmoking\n"
                + s2 + ",,,,,,,,,,\n1.2.3.4.999,,,,,,,,,,\n");
        r = cli(server, "xpacs", "import", "baseline", dir.resolve("baseline-bad.csv").toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("baseline-bad.csv:3: study 1.2.3.4.999 is not in XPACS"), (String) r[1]);
        assertEquals(1, x(server, "SELECT b.id FROM {xpacs}.BASELINE_DIAGNOSIS b JOIN {xpacs}.STUDY_PACS sp "
                + "ON sp.id = b.STUDY_PACS_id WHERE sp.PACS_StudyInstanceUID IN (?, ?)", s1, s2).size());

        Path pdf = dir.resolve("echo report.pdf");
        Files.writeString(pdf, "%PDF-1.4 not really");
        Files.writeString(dir.resolve("files.csv"), "PatientID,EventDate,Source,Filename,Descriptor\n"
                + "XPF00001," + d1 + ",echo report.pdf,,echocardiography\n"
                + "XPF00001," + d1 + ",https://example.org/cap/XPF00001/ecg.pdf,ecg.pdf,ECG\n");
        r = cli(server, "xpacs", "import", "files", dir.resolve("files.csv").toString());
        assertEquals(0, r[0], (String) r[1]);
        Map<String, Object> copied = x(server, "SELECT * FROM {xpacs}.AUX_FILE WHERE Descriptor = 'echocardiography'").get(0);
        Path inArchive = Path.of(java.net.URI.create((String) copied.get("URI")));
        assertTrue(inArchive.startsWith(server.storage), inArchive.toString());
        assertEquals("%PDF-1.4 not really", Files.readString(inArchive));

        Path zip = dir.resolve("model.zip");
        try (ZipOutputStream z = new ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new ZipEntry("lv.obj"));
            z.write("v 0 0 0\n".getBytes(StandardCharsets.US_ASCII));
        }
        Files.writeString(dir.resolve("model.xml"), "<model><frames>20</frames></model>");
        Files.writeString(dir.resolve("broken.xml"), "<model><frames>");
        Files.writeString(dir.resolve("models.csv"), "StudyInstanceUID,Name,Type,Format,Comment,ModelFile,XmlFile\n"
                + s1 + ",LV finite element,FE,CIM 6.0,fitted,model.zip,model.xml\n");
        Files.writeString(dir.resolve("models-bad.csv"), "StudyInstanceUID,Name,Type,Format,Comment,ModelFile,XmlFile\n"
                + s2 + ",LV,FE,CIM,,model.xml,broken.xml\n");
        r = cli(server, "xpacs", "import", "models", dir.resolve("models-bad.csv").toString());
        assertEquals(1, r[0]);
        assertTrue(((String) r[1]).contains("ModelFile is not a ZIP file"), (String) r[1]);
        assertTrue(((String) r[1]).contains("XmlFile is not well-formed XML"), (String) r[1]);
        assertEquals(0, cli(server, "xpacs", "import", "models", dir.resolve("models.csv").toString())[0]);
        Map<String, Object> model = x(server, "SELECT m.* FROM {xpacs}.CAP_MODEL m JOIN {xpacs}.STUDY_PACS sp "
                + "ON sp.id = m.STUDY_PACS_id WHERE sp.PACS_StudyInstanceUID = ?", s1).get(0);
        assertTrue(java.util.Arrays.equals(Files.readAllBytes(zip), (byte[]) model.get("ModelData")));
        assertEquals("LV finite element", model.get("Name"));

        // the timeline, in chain order: the 2000 note, the two files (midnight of the first
        // scan's day), the first study, the note ten days later, the second study, the last note
        List<Map<String, Object>> events = chain(server, "XPF00001");
        assertEquals(7, events.size());
        String[] kinds = new String[7];
        for (int i = 0; i < 7; i++) {
            Map<String, Object> e = events.get(i);
            kinds[i] = e.get("CLINICAL_NOTE_id") != null ? "note" : e.get("AUX_FILE_id") != null ? "file"
                    : String.valueOf(e.get("PACS_StudyInstanceUID"));
        }
        assertEquals(List.of("note", "file", "file", s1, "note", s2, "note"), List.of(kinds));
        Object[] h = cli(server, "xpacs", "history", "XPF00001");
        assertEquals(0, h[0], (String) h[1]);
        String text = (String) h[1];
        assertTrue(text.contains("cohort DETERMINE, arm B"), text);
        int iNote = text.indexOf("baseline, \"healthy\"");
        int iStudy1 = text.indexOf("study " + s1 + " (XPF0000101, ");
        int iFile = text.indexOf("echocardiography");
        int iStudy2 = text.indexOf("study " + s2);
        int iLast = text.indexOf("notes last");
        assertTrue(iNote >= 0 && iNote < iStudy1 && iStudy1 < iStudy2 && iStudy2 < iLast && iFile > 0, text);
        assertTrue(text.contains(", MR, 1 instances)"), text);
        assertFalse(text.contains("!"), text);
        assertEquals(1, cli(server, "xpacs", "history", "NOSUCH01")[0]);
    }

    long countNotes() {
        return ((Number) x(server, "SELECT COUNT(*) AS n FROM {xpacs}.CLINICAL_NOTE").get(0).get("n")).longValue();
    }
}
