package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.cardiacatlas.cap.tools.SyntheticStudies.StudyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** C-ECHO and C-STORE through DCMTK against the real server: rows, files, sizes and MD5s. */
class CStoreTest {

    static ServerFixture server;
    static Path gen = Path.of("target", "it", "gen").toAbsolutePath();

    @BeforeAll
    static void start() {
        server = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static SyntheticStudies.Generated generate(String name, SyntheticStudies.Builder b) throws Exception {
        Path dir = gen.resolve(name);
        return b.build().generate(dir);
    }

    public static List<String> paths(List<Path> files) {
        List<String> s = new ArrayList<>();
        for (Path p : files) {
            s.add(p.toString());
        }
        return s;
    }

    @Test
    void echoIsAnswered() {
        Dcmtk.Result r = Dcmtk.echoscu(server.port());
        assertTrue(r.ok(), r.output());
    }

    @Test
    void storesStudiesAsFilesAndRows() throws Exception {
        SyntheticStudies.Generated g = generate("basic", SyntheticStudies.builder().prefix("BAS").patients(2)
                .sessionsPerPatient(2).seriesPerStudy(2).imagesPerSeries(3).seed(101));
        Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), paths(g.files()));
        assertTrue(r.ok(), r.output());
        assertEquals(24, r.output().split("Received Store Response \\(Success\\)", -1).length - 1, r.output());

        for (StudyInfo s : g.studies()) {
            List<Map<String, Object>> study = server.rows(
                    "SELECT st.*, p.pat_id, p.pat_name, p.pat_fn_sx, p.pat_birthdate, p.pat_sex, p.pat_attrs "
                            + "FROM {pacs}.study st JOIN {pacs}.patient p ON p.pk = st.patient_fk WHERE st.study_iuid = ?",
                    s.studyInstanceUid());
            assertEquals(1, study.size());
            Map<String, Object> st = study.get(0);
            assertEquals(s.patientId(), st.get("pat_id"));
            assertEquals("Synthetic^Patient" + Integer.parseInt(s.patientId().substring(3, 8)), st.get("pat_name"));
            assertEquals("S533", st.get("pat_fn_sx")); // Synthetic: the vowel keeps both t codes
            assertEquals(2, ((Number) st.get("num_series")).intValue());
            assertEquals(6, ((Number) st.get("num_instances")).intValue());
            assertEquals("MR", st.get("mods_in_study"));
            assertEquals(SyntheticStudies.MR_IMAGE_STORAGE, st.get("cuids_in_study"));
            assertEquals("CAPSCP", st.get("retrieve_aets"));
            assertEquals(SyntheticStudies.STUDY_DESCRIPTION, st.get("study_desc"));
            assertEquals(s.accessionNumber(), st.get("accession_no"));
            assertNotNull(st.get("study_datetime"));
            assertNotNull(st.get("created_time"));
            AttributeList patAttrs = decode((byte[]) st.get("pat_attrs"));
            assertEquals(s.patientId(), Attribute.getSingleStringValueOrEmptyString(patAttrs, TagFromName.PatientID));
            AttributeList studyAttrs = decode((byte[]) st.get("study_attrs"));
            assertEquals(s.studyInstanceUid(),
                    Attribute.getSingleStringValueOrEmptyString(studyAttrs, TagFromName.StudyInstanceUID));

            List<Map<String, Object>> series = server.rows(
                    "SELECT se.* FROM {pacs}.series se JOIN {pacs}.study st ON st.pk = se.study_fk WHERE st.study_iuid = ?",
                    s.studyInstanceUid());
            assertEquals(2, series.size());
            for (Map<String, Object> se : series) {
                assertTrue(s.seriesInstanceUids().contains(se.get("series_iuid")));
                assertEquals("MR", se.get("modality"));
                assertEquals("STORESCU", se.get("src_aet"));
                assertEquals("CAPSCP", se.get("retrieve_aets"));
                assertEquals(3, ((Number) se.get("num_instances")).intValue());
                assertEquals("HEART", se.get("body_part"));
            }
        }
        // every instance has one file, on disk, with the recorded size, MD5 and transfer syntax
        List<Map<String, Object>> files = server.rows(
                "SELECT i.sop_iuid, i.sop_cuid, i.inst_no, i.inst_attrs, f.filepath, f.file_size, f.file_md5, f.file_tsuid, fs.dirpath "
                        + "FROM {pacs}.instance i JOIN {pacs}.files f ON f.instance_fk = i.pk "
                        + "JOIN {pacs}.filesystem fs ON fs.pk = f.filesystem_fk "
                        + "JOIN {pacs}.series se ON se.pk = i.series_fk JOIN {pacs}.study st ON st.pk = se.study_fk "
                        + "WHERE st.study_iuid LIKE ? OR st.study_iuid IN (?, ?, ?, ?)",
                "none", g.studies().get(0).studyInstanceUid(), g.studies().get(1).studyInstanceUid(),
                g.studies().get(2).studyInstanceUid(), g.studies().get(3).studyInstanceUid());
        assertEquals(24, files.size());
        for (Map<String, Object> f : files) {
            Path p = Path.of((String) f.get("dirpath")).resolve((String) f.get("filepath"));
            assertTrue(Files.isRegularFile(p), p.toString());
            assertEquals(Files.size(p), ((Number) f.get("file_size")).longValue());
            assertEquals(ServerFixture.md5(p), f.get("file_md5"));
            assertEquals("1.2.840.10008.1.2.1", f.get("file_tsuid"));
            assertEquals(SyntheticStudies.MR_IMAGE_STORAGE, f.get("sop_cuid"));
            assertNotNull(f.get("inst_no"));
            assertFalse(((String) f.get("filepath")).contains(".."));
            AttributeList stored = new AttributeList();
            stored.read(p.toFile());
            assertEquals(f.get("sop_iuid"), Attribute.getSingleStringValueOrEmptyString(stored, TagFromName.SOPInstanceUID));
            AttributeList inst = decode((byte[]) f.get("inst_attrs"));
            assertEquals(f.get("sop_iuid"), Attribute.getSingleStringValueOrEmptyString(inst, TagFromName.SOPInstanceUID));
            assertTrue(inst.get(TagFromName.PixelData) == null, "no bulk data in the index");
        }
        assertEquals(0, server.incomingFiles());
    }

    @Test
    void storedFileHasTheSentDataSet() throws Exception {
        SyntheticStudies.Generated g = generate("same", SyntheticStudies.builder().prefix("SAM").seed(102));
        Path sent = g.files().get(0);
        assertTrue(Dcmtk.storescu(server.port(), List.of(), paths(g.files())).ok());
        Map<String, Object> f = fileOf(g.studies().get(0).studyInstanceUid());
        Path stored = Path.of((String) f.get("dirpath")).resolve((String) f.get("filepath"));
        AttributeList a = new AttributeList();
        a.read(sent.toFile());
        AttributeList b = new AttributeList();
        b.read(stored.toFile());
        a.removeGroupLengthAttributes();
        b.removeGroupLengthAttributes();
        a.removeMetaInformationHeaderAttributes();
        b.removeMetaInformationHeaderAttributes();
        assertEquals(a.toString(), b.toString());
        assertTrue(java.util.Arrays.equals(a.get(TagFromName.PixelData).getShortValues(),
                b.get(TagFromName.PixelData).getShortValues()));
    }

    @Test
    void sameInstanceTwiceWithSameContentChangesNothing() throws Exception {
        SyntheticStudies.Generated g = generate("twice", SyntheticStudies.builder().prefix("TWI").imagesPerSeries(2).seed(103));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), paths(g.files())).ok());
        String study = g.studies().get(0).studyInstanceUid();
        List<Map<String, Object>> before = server.rows(
                "SELECT i.pk, i.updated_time, f.pk AS fpk, f.filepath, f.file_md5, st.num_instances, st.updated_time AS st_up "
                        + "FROM {pacs}.instance i JOIN {pacs}.files f ON f.instance_fk = i.pk JOIN {pacs}.series se ON se.pk = i.series_fk "
                        + "JOIN {pacs}.study st ON st.pk = se.study_fk WHERE st.study_iuid = ? ORDER BY i.pk", study);
        long archived = server.archiveFiles();
        Dcmtk.Result again = Dcmtk.storescu(server.port(), List.of(), paths(g.files()));
        assertTrue(again.ok(), again.output());
        assertEquals(2, again.output().split("Received Store Response \\(Success\\)", -1).length - 1);
        List<Map<String, Object>> after = server.rows(
                "SELECT i.pk, i.updated_time, f.pk AS fpk, f.filepath, f.file_md5, st.num_instances, st.updated_time AS st_up "
                        + "FROM {pacs}.instance i JOIN {pacs}.files f ON f.instance_fk = i.pk JOIN {pacs}.series se ON se.pk = i.series_fk "
                        + "JOIN {pacs}.study st ON st.pk = se.study_fk WHERE st.study_iuid = ? ORDER BY i.pk", study);
        assertEquals(before, after);
        assertEquals(archived, server.archiveFiles());
        assertEquals(0, server.incomingFiles());
    }

    @Test
    void sameInstanceWithOtherContentReplacesTheFile() throws Exception {
        // same seed, other image size: same UIDs, different pixel data
        SyntheticStudies.Generated first = generate("replace-a", SyntheticStudies.builder().prefix("REP").seed(104));
        SyntheticStudies.Generated second = generate("replace-b", SyntheticStudies.builder().prefix("REP").seed(104)
                .rows(128).columns(128));
        String study = first.studies().get(0).studyInstanceUid();
        assertEquals(study, second.studies().get(0).studyInstanceUid());
        assertTrue(Dcmtk.storescu(server.port(), List.of(), paths(first.files())).ok());
        Map<String, Object> old = fileOf(study);
        Path oldPath = Path.of((String) old.get("dirpath")).resolve((String) old.get("filepath"));
        assertTrue(Files.exists(oldPath));
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), paths(second.files()));
            assertTrue(r.ok(), r.output());
            assertEquals(1, log.matching("WARN", "sent again with different content").size(), log.lines().toString());
        }
        Map<String, Object> now = fileOf(study);
        Path newPath = Path.of((String) now.get("dirpath")).resolve((String) now.get("filepath"));
        assertEquals(old.get("pk"), now.get("pk"), "one instance row stays");
        assertNotEquals(old.get("file_md5"), now.get("file_md5"));
        assertEquals(ServerFixture.md5(newPath), now.get("file_md5"));
        assertEquals(Files.size(newPath), ((Number) now.get("file_size")).longValue());
        assertFalse(Files.exists(oldPath), "the replaced file is removed");
        assertEquals(1L, ((Number) server.rows("SELECT num_instances FROM {pacs}.study WHERE study_iuid = ?", study)
                .get(0).get("num_instances")).longValue());
        assertEquals(0, server.incomingFiles());
    }

    @Test
    void everyTransferSyntaxIsStoredAsSent() throws Exception {
        SyntheticStudies.Generated g = generate("ts", SyntheticStudies.builder().prefix("TSX").imagesPerSeries(10).seed(105));
        Path src = gen.resolve("ts-conv");
        Files.createDirectories(src);
        List<String[]> cases = List.of(
                new String[] {"dcmconv", "+ti", "1.2.840.10008.1.2"},
                new String[] {"dcmconv", "+te", "1.2.840.10008.1.2.1"},
                new String[] {"dcmconv", "+tb", "1.2.840.10008.1.2.2"},
                new String[] {"dcmconv", "+td", "1.2.840.10008.1.2.1.99"},
                new String[] {"dcmcjpeg", "+ee", "1.2.840.10008.1.2.4.51"},
                new String[] {"dcmcjpeg", "+el", "1.2.840.10008.1.2.4.57"},
                new String[] {"dcmcjpeg", "+e1", "1.2.840.10008.1.2.4.70"},
                new String[] {"dcmcjpls", "+el", "1.2.840.10008.1.2.4.80"},
                new String[] {"dcmcjpls", "+en", "1.2.840.10008.1.2.4.81"},
                new String[] {"dcmcrle", "", "1.2.840.10008.1.2.5"});
        for (int i = 0; i < cases.size(); i++) {
            String[] c = cases.get(i);
            Path in = g.files().get(i);
            Path out = src.resolve(i + ".dcm");
            List<String> cmd = new ArrayList<>(List.of(c[0]));
            if (!c[1].isEmpty()) {
                cmd.add(c[1]);
            }
            cmd.addAll(List.of(in.toString(), out.toString()));
            Dcmtk.Result conv = Dcmtk.run(cmd);
            assertTrue(conv.ok(), conv.output());
            Dcmtk.Result r = Dcmtk.storescu(server.port(), proposeOnly(src, c[2]), List.of(out.toString()));
            assertTrue(r.ok() && r.output().contains("Received Store Response (Success)"), c[2] + ": " + r.output());
            String sop = sopOf(out);
            Map<String, Object> f = server.rows("SELECT f.file_tsuid, f.filepath, f.file_md5, fs.dirpath FROM {pacs}.files f "
                    + "JOIN {pacs}.instance i ON i.pk = f.instance_fk JOIN {pacs}.filesystem fs ON fs.pk = f.filesystem_fk "
                    + "WHERE i.sop_iuid = ?", sop).get(0);
            assertEquals(c[2], f.get("file_tsuid"), c[0] + " " + c[1]);
            Path stored = Path.of((String) f.get("dirpath")).resolve((String) f.get("filepath"));
            assertEquals(ServerFixture.md5(stored), f.get("file_md5"));
            Dcmtk.Result dump = Dcmtk.run(List.of("dcmdump", "-M", "+L", stored.toString()));
            assertTrue(dump.ok() && dump.output().contains(c[2].equals("1.2.840.10008.1.2") ? "LittleEndianImplicit" : "TransferSyntaxUID"),
                    dump.output());
        }
        // JPEG baseline needs 8-bit data
        Path eight = src.resolve("8bit.dcm");
        SyntheticStudies.Generated g8 = generate("ts8", SyntheticStudies.builder().prefix("TSE").seed(106));
        Dcmtk.Result b = Dcmtk.run(List.of("dcmcjpeg", "+eb", "+un", "+sm", g8.files().get(0).toString(), eight.toString()));
        if (!b.ok()) {
            b = Dcmtk.run(List.of("dcmcjpeg", "+eb", g8.files().get(0).toString(), eight.toString()));
        }
        assertTrue(b.ok(), b.output());
        Dcmtk.Result r = Dcmtk.storescu(server.port(), proposeOnly(src, "1.2.840.10008.1.2.4.50"),
                List.of(eight.toString()));
        assertTrue(r.ok() && r.output().contains("Received Store Response (Success)"), r.output());
        assertEquals("1.2.840.10008.1.2.4.50", server.rows("SELECT f.file_tsuid FROM {pacs}.files f JOIN {pacs}.instance i "
                + "ON i.pk = f.instance_fk WHERE i.sop_iuid = ?", sopOf(eight)).get(0).get("file_tsuid"));
    }

    @Test
    void concurrentAssociationsOnOneStudyGiveOneRowEachAndExactCounts() throws Exception {
        SyntheticStudies.Generated g = generate("conc", SyntheticStudies.builder().prefix("CON").seriesPerStudy(4)
                .imagesPerSeries(10).seed(107));
        List<Path> files = g.files();
        ExecutorService pool = Executors.newFixedThreadPool(6);
        List<Future<Dcmtk.Result>> results = new ArrayList<>();
        for (int k = 0; k < 6; k++) {
            // each association sends an overlapping slice: every file goes at least once, some several times
            List<Path> slice = new ArrayList<>();
            for (int i = 0; i < files.size(); i++) {
                if (i % 6 == k || i % 5 == k) {
                    slice.add(files.get(i));
                }
            }
            results.add(pool.submit(() -> Dcmtk.storescu(server.port(), List.of(), paths(slice))));
        }
        for (Future<Dcmtk.Result> f : results) {
            Dcmtk.Result r = f.get();
            assertTrue(r.ok(), r.output());
        }
        pool.shutdown();
        String study = g.studies().get(0).studyInstanceUid();
        assertEquals(1, server.rows("SELECT pk FROM {pacs}.patient WHERE pat_id = ?", g.studies().get(0).patientId()).size());
        Map<String, Object> st = server.rows("SELECT * FROM {pacs}.study WHERE study_iuid = ?", study).get(0);
        assertEquals(4, ((Number) st.get("num_series")).intValue());
        assertEquals(40, ((Number) st.get("num_instances")).intValue());
        List<Map<String, Object>> series = server.rows("SELECT se.num_instances, "
                + "(SELECT COUNT(*) FROM {pacs}.instance i WHERE i.series_fk = se.pk) AS actual "
                + "FROM {pacs}.series se WHERE se.study_fk = ?", st.get("pk"));
        assertEquals(4, series.size());
        for (Map<String, Object> se : series) {
            assertEquals(10, ((Number) se.get("num_instances")).intValue());
            assertEquals(10, ((Number) se.get("actual")).intValue());
        }
        assertEquals(40, server.rows("SELECT f.pk FROM {pacs}.files f JOIN {pacs}.instance i ON i.pk = f.instance_fk "
                + "JOIN {pacs}.series se ON se.pk = i.series_fk WHERE se.study_fk = ?", st.get("pk")).size());
        assertEquals(0, server.incomingFiles());
    }

    @Test
    void storesAfterItsTemporaryFolderWasRemoved() throws Exception {
        // another node's start removes a temporary folder that has been empty and idle for an hour
        try (java.util.stream.Stream<Path> own = Files.list(server.storage.resolve(".incoming"))) {
            for (Path dir : own.toList()) {
                ProcessLifecycleTest.deleteTree(dir);
            }
        }
        SyntheticStudies.Generated g = generate("refolder", SyntheticStudies.builder().prefix("RFD").patients(1).sessionsPerPatient(1).seriesPerStudy(1).imagesPerSeries(2)
                .seed(107));
        Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), paths(g.files()));
        assertTrue(r.ok(), r.output());
        assertEquals(2, r.output().split("Received Store Response \\(Success\\)", -1).length - 1, r.output());
        assertEquals(0, server.incomingFiles());
    }

    /** storescu options that propose MR Image Storage with exactly this transfer syntax. */
    static List<String> proposeOnly(Path dir, String ts) throws Exception {
        Path cfg = dir.resolve("propose-" + ts + ".cfg");
        Files.writeString(cfg, "[[TransferSyntaxes]]\n[TS]\nTransferSyntax1 = " + ts + "\n"
                + "[[PresentationContexts]]\n[PC]\nPresentationContext1 = " + SyntheticStudies.MR_IMAGE_STORAGE + "\\TS\n"
                + "[[Profiles]]\n[P]\nPresentationContexts = PC\n");
        return List.of("-xf", cfg.toString(), "P");
    }

    Map<String, Object> fileOf(String study) {
        return server.rows("SELECT i.pk, f.filepath, f.file_md5, f.file_size, fs.dirpath FROM {pacs}.instance i "
                + "JOIN {pacs}.files f ON f.instance_fk = i.pk JOIN {pacs}.filesystem fs ON fs.pk = f.filesystem_fk "
                + "JOIN {pacs}.series se ON se.pk = i.series_fk JOIN {pacs}.study st ON st.pk = se.study_fk "
                + "WHERE st.study_iuid = ?", study).get(0);
    }

    static String sopOf(Path file) throws Exception {
        AttributeList a = new AttributeList();
        a.read(file.toString(), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SOPInstanceUID);
    }

    static AttributeList decode(byte[] blob) throws Exception {
        AttributeList a = new AttributeList();
        a.read(new DicomInputStream(new ByteArrayInputStream(blob), "1.2.840.10008.1.2.1", false));
        return a;
    }
}
