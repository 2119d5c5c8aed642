package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Stores as DCMTK's storescp and Orthanc take them (issue 11): patients without Patient ID,
 * resends in another encoding, incomplete IODs, undecodable deflated data sets.
 */
class StoreInteropTest {

    static ServerFixture server;
    static Path gen = Path.of("target", "it", "gen-store-interop").toAbsolutePath();

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start();
        Files.createDirectories(gen);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Path one(String prefix, long seed) throws Exception {
        return SyntheticStudies.builder().prefix(prefix).imagesPerSeries(1).seed(seed).build()
                .generate(gen.resolve(prefix)).files().get(0);
    }

    static Path modified(Path in, String name, String... dcmodifyArgs) throws Exception {
        Path out = gen.resolve(name);
        Files.copy(in, out, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        List<String> c = new java.util.ArrayList<>(List.of("dcmodify", "-nb"));
        c.addAll(List.of(dcmodifyArgs));
        c.add(out.toString());
        Dcmtk.Result r = Dcmtk.run(c);
        assertTrue(r.ok(), r.output());
        return out;
    }

    @Test
    void studiesWithoutPatientIdKeepTheirOwnPatients() throws Exception {
        Path a = modified(one("NIA", 1111), "nia.dcm", "-ea", "(0010,0020)", "-m", "PatientName=Nopid^Anna",
                "-m", "PatientBirthDate=19700101");
        Path b = modified(one("NIB", 1112), "nib.dcm", "-ea", "(0010,0020)", "-m", "PatientName=Nopid^Bert",
                "-m", "PatientBirthDate=19800101");
        // same name and birth date as the first: the same patient
        Path c = modified(one("NIC", 1113), "nic.dcm", "-ea", "(0010,0020)", "-m", "PatientName=Nopid^Anna",
                "-m", "PatientBirthDate=19700101");
        for (Path p : List.of(a, b, c)) {
            Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), List.of(p.toString()));
            assertTrue(r.ok() && !r.output().contains("Error"), r.output());
        }
        List<Map<String, Object>> patients = server.rows(
                "SELECT pat_name, pat_birthdate, (SELECT COUNT(*) FROM {pacs}.study st WHERE st.patient_fk = p.pk) n "
                        + "FROM {pacs}.patient p WHERE pat_id = '' ORDER BY pat_name");
        assertEquals(2, patients.size(), patients.toString());
        assertEquals("Nopid^Anna", patients.get(0).get("pat_name"));
        assertEquals(2L, ((Number) patients.get(0).get("n")).longValue());
        assertEquals("Nopid^Bert", patients.get(1).get("pat_name"));
        for (String[] n : new String[][] {{"Nopid^Anna", "2"}, {"Nopid^Bert", "1"}}) {
            Findscu.Answer f = Findscu.find(server.port(), Findscu.STUDY_ROOT, "QueryRetrieveLevel=STUDY",
                    "PatientName=" + n[0], "StudyInstanceUID", "PatientBirthDate");
            assertTrue(f.success(), f.output());
            assertEquals(Integer.parseInt(n[1]), f.answers().size(), n[0] + ": " + f.output());
            assertTrue(f.values(TagFromName.PatientName).stream().allMatch(n[0]::equals), f.output());
        }
    }

    String[] fileOf(String sop) {
        Map<String, Object> r = server.rows("SELECT f.filepath, f.file_md5, f.file_tsuid FROM {pacs}.files f "
                + "JOIN {pacs}.instance i ON i.pk = f.instance_fk WHERE i.sop_iuid = ?", sop).get(0);
        return new String[] {(String) r.get("filepath"), (String) r.get("file_md5"), (String) r.get("file_tsuid")};
    }

    @Test
    void aResendInAnotherTransferSyntaxIsIdentical() throws Exception {
        Path original = one("RTS", 1121);
        String sop = CStoreTest.sopOf(original);
        assertTrue(Dcmtk.storescu(server.port(), List.of(), List.of(original.toString())).ok());
        String[] before = fileOf(sop);
        long files = server.count("files");
        for (String[] form : new String[][] {{"+ti", "1.2.840.10008.1.2"}, {"+tb", "1.2.840.10008.1.2.2"},
            {"+td", "1.2.840.10008.1.2.1.99"}}) {
            Path other = gen.resolve("rts" + form[0].substring(1) + ".dcm");
            assertTrue(Dcmtk.run(List.of("dcmconv", form[0], original.toString(), other.toString())).ok());
            try (LogCapture log = new LogCapture()) {
                Dcmtk.Result r = Dcmtk.storescu(server.port(), CStoreTest.proposeOnly(gen, form[1]),
                        List.of(other.toString()));
                assertTrue(r.ok() && !r.output().contains("Error"), r.output());
                assertEquals(List.of(), log.matching("WARN", ""), form[1]);
                assertEquals(1, log.matching("INFO", "sent again with the same values in transfer syntax " + form[1])
                        .size(), log.lines().toString());
            }
            assertEquals(List.of(before[0], before[1], before[2]), List.of(fileOf(sop)), form[1]);
            assertEquals(files, server.count("files"));
            // the received encoding was not kept beside the archived file
            try (java.util.stream.Stream<Path> s = Files.list(server.storage.resolve(before[0]).getParent())) {
                assertEquals(1, s.count());
            }
        }
        // other values are still different content
        Path changed = modified(original, "rts-changed.dcm", "-i", "ImageComments=changed");
        try (LogCapture log = new LogCapture()) {
            assertTrue(Dcmtk.storescu(server.port(), List.of(), List.of(changed.toString())).ok());
            assertEquals(1, log.matching("WARN", "sent again with different content").size(), log.lines().toString());
        }
    }

    @Test
    void anImageWithoutPixelDataIsStoredWithItsWarnLineAndAuditRecord() throws Exception {
        Path noPixels = modified(one("NPX", 1131), "npx.dcm", "-ea", "(7fe0,0010)", "-ea", "(0008,0050)");
        String sop = CStoreTest.sopOf(noPixels);
        Logger audit = (Logger) LoggerFactory.getLogger("audit");
        ListAppender<ILoggingEvent> records = new ListAppender<>();
        records.start();
        audit.addAppender(records);
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), List.of(noPixels.toString()));
            assertTrue(r.ok() && !r.output().contains("Error"), r.output());
            List<String> warn = log.matching("WARN", "stored with an incomplete IOD: missing");
            assertEquals(1, warn.size(), log.lines().toString());
            assertTrue(warn.get(0).contains("AccessionNumber (type 2)") && warn.get(0).contains("PixelData (type 1)"),
                    warn.get(0));
        } finally {
            audit.detachAppender(records);
        }
        assertEquals(1, server.rows("SELECT pk FROM {pacs}.instance WHERE sop_iuid = ?", sop).size());
        List<String> store = records.list.stream().map(ILoggingEvent::getFormattedMessage)
                .filter(m -> m.contains(sop) && m.contains("C-STORE")).toList();
        assertEquals(1, store.size(), records.list.toString());
        assertTrue(store.get(0).contains("incomplete IOD, missing") && store.get(0).contains("PixelData"), store.get(0));
    }

    @Test
    void aDeflatedDataSetThatCannotBeInflatedSaysSo() throws Exception {
        Path ok = one("DFL", 1141);
        AttributeList a = BadInputTest.read(ok);
        String sop = CStoreTest.sopOf(ok);
        byte[] garbage = new byte[4000];
        new java.util.Random(7).nextBytes(garbage);
        try (LogCapture log = new LogCapture();
                RawScu scu = new RawScu(server.port(), "CAPSCP", "DEFLATER", "1.2.840.10008.1.2.1.99")) {
            int status = scu.store(SOPClass.MRImageStorage, sop, garbage);
            assertEquals(0xC000, status & 0xF000, Integer.toHexString(status));
            assertTrue(scu.lastComment.contains("could not be decoded"), scu.lastComment);
            assertEquals(1, log.matching("WARN", "could not be decoded").size(), log.lines().toString());
        }
        assertEquals(0, server.rows("SELECT pk FROM {pacs}.instance WHERE sop_iuid = ?", sop).size());
        assertTrue(a.get(TagFromName.SOPInstanceUID) != null);
    }
}
