package org.cardiacatlas.cap.it;

import static org.cardiacatlas.cap.it.Findscu.PATIENT_ROOT;
import static org.cardiacatlas.cap.it.Findscu.STUDY_ROOT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.cardiacatlas.cap.tools.SyntheticStudies.StudyInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * C-FIND through DCMTK's findscu against a server filled by storescu: both models at every
 * level, each kind of matching, computed keys, non-Latin names, cancel, the maximum of
 * matches, and hostile identifiers.
 */
class CFindTest {

    static final String MR = SyntheticStudies.MR_IMAGE_STORAGE;
    static final AttributeTag INSTANCE_AVAILABILITY = new AttributeTag(0x0008, 0x0056);
    static final AttributeTag PATIENT_RELATED_SERIES = new AttributeTag(0x0020, 0x1202);
    static final AttributeTag PATIENT_RELATED_INSTANCES = new AttributeTag(0x0020, 0x1204);
    static final String JAPANESE = "Yamada^Tarou=山田^太郎=やまだ^たろう";
    static final String KOREAN = "Hong^Gildong=洪^吉洞=홍^길동";
    static final int BIG = 600;

    static ServerFixture server;
    static Path gen = Path.of("target", "it", "gen-find").toAbsolutePath();
    static SyntheticStudies.Generated fna;
    static SyntheticStudies.Generated big;
    static SyntheticStudies.Generated seq;
    static Map<String, StudyInfo> named = new java.util.HashMap<>();

    /** A non-Latin name: stored in its character set, and queried with a key in the same set. */
    record Charset1(String prefix, String specificCharacterSet, String name, byte[] nameBytes, String key,
            byte[] keyBytes) {
    }

    static List<Charset1> charsets() {
        return List.of(
                single("GRK", "ISO_IR 126", "ISO-8859-7", "Διονυσιος", "διονυσιος"),
                single("CYR", "ISO_IR 144", "ISO-8859-5", "Иванов^Иван", "иванов*"),
                single("ARB", "ISO_IR 127", "ISO-8859-6", "قباني^لنزار", "قباني^لنزار"),
                single("CHN", "GB18030", "GB18030", "Wang^XiaoDong=王^小东=", "王*"),
                single("UTF", "ISO_IR 192", "UTF-8", "Gómez^José=ゴメス^ホセ", "ゴメス*"),
                // Java's ISO-2022-JP encoder writes what PS3.5 H.3.1 shows
                new Charset1("JPN", "\\ISO 2022 IR 87", JAPANESE, JAPANESE.getBytes(Charset.forName("ISO-2022-JP")),
                        "やまだ*", "やまだ*".getBytes(Charset.forName("ISO-2022-JP"))),
                // PS3.5 I.2: KS X 1001 designated into G1 after every delimiter
                new Charset1("KOR", "\\ISO 2022 IR 149", KOREAN, korean("Hong^Gildong=", "洪", "^", "吉洞", "=", "홍", "^",
                        "길동"), "홍*", korean("", "홍", "*")));
    }

    static Charset1 single(String prefix, String scs, String java, String name, String key) {
        return new Charset1(prefix, scs, name, name.getBytes(Charset.forName(java)), key,
                key.getBytes(Charset.forName(java)));
    }

    /** Alternating ASCII and Korean parts; each Korean part after ESC $ ) C. */
    static byte[] korean(String... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (String p : parts) {
            if (p.chars().allMatch(c -> c < 0x80)) {
                b.writeBytes(p.getBytes(StandardCharsets.US_ASCII));
            } else {
                b.writeBytes(new byte[] {0x1b, '$', ')', 'C'});
                b.writeBytes(p.getBytes(Charset.forName("EUC-KR")));
            }
        }
        return b.toByteArray();
    }

    static SyntheticStudies.Builder tiny(String prefix) {
        return SyntheticStudies.builder().prefix(prefix).rows(8).columns(8).seed(prefix.hashCode());
    }

    static List<String> paths(List<Path> files) {
        return files.stream().map(Path::toString).toList();
    }

    static void dcmtk(String... command) {
        Dcmtk.Result r = Dcmtk.run(List.of(command));
        assertTrue(r.ok(), String.join(" ", command) + ": " + r.output());
    }

    @BeforeAll
    static void fill() throws Exception {
        server = ServerFixture.start();
        List<String> files = new ArrayList<>();
        fna = tiny("FNA").patients(2).sessionsPerPatient(2).seriesPerStudy(2).imagesPerSeries(2).build()
                .generate(gen.resolve("FNA"));
        files.addAll(paths(fna.files()));
        String[][] names = {{"SMI", "Smith^John"}, {"SMY", "Smythe^Jane"}, {"PCT", "Per%cent^Literal"},
            {"PCX", "Perxcent^Other"}, {"USC", "Under_score^Literal"}, {"USX", "UnderXscore^Other"},
            {"QUO", "O'Brien^Pat"}, {"BNG", "Bang!^Escape"}, {"ACC", "Müller^Jürgen"}};
        for (String[] n : names) {
            SyntheticStudies.Generated g = tiny(n[0]).patientName(n[1]).build().generate(gen.resolve(n[0]));
            named.put(n[0], g.studies().get(0));
            files.addAll(paths(g.files()));
        }
        for (Charset1 c : charsets()) {
            boolean iso2022 = c.specificCharacterSet().contains("2022");
            SyntheticStudies.Builder b = tiny(c.prefix());
            if (!iso2022) {
                b.specificCharacterSet(c.specificCharacterSet()).patientName(c.name());
            }
            SyntheticStudies.Generated g = b.build().generate(gen.resolve(c.prefix()));
            if (iso2022) {
                // PixelMed cannot write ISO 2022 code extensions: DCMTK puts the bytes in
                Path bytes = gen.resolve(c.prefix() + ".name");
                Files.write(bytes, even(c.nameBytes()));
                dcmtk("dcmodify", "-nb", "-m", "(0008,0005)=" + c.specificCharacterSet(), "-mf",
                        "(0010,0010)=" + bytes, g.files().get(0).toString());
            }
            named.put(c.prefix(), g.studies().get(0));
            files.addAll(paths(g.files()));
        }
        big = tiny("BIG").imagesPerSeries(BIG).build().generate(gen.resolve("BIG"));
        files.addAll(paths(big.files()));
        seq = tiny("SEQ").seriesPerStudy(2).build().generate(gen.resolve("SEQ"));
        for (int s = 0; s < 2; s++) {
            dcmtk("dcmodify", "-nb", "-i", "(0040,0275)[0].(0040,1001)=RP" + (s + 1),
                    "-i", "(0040,0275)[0].(0040,0009)=SPS" + (s + 1), seq.files().get(s).toString());
        }
        files.addAll(paths(seq.files()));
        Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), files);
        assertTrue(r.ok(), r.output());
        assertEquals(files.size(), r.output().split("Received Store Response \\(Success\\)", -1).length - 1);
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static StudyInfo fna(int i) {
        return fna.studies().get(i);
    }

    @Test
    void studyLevelReturnsStoredAndComputedKeys() {
        StudyInfo s = fna(0);
        Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientID=" + s.patientId(),
                "StudyInstanceUID", "PatientName", "StudyDate", "StudyDescription", "PatientAge", "AccessionNumber",
                "ModalitiesInStudy", "SOPClassesInStudy", "NumberOfStudyRelatedSeries", "NumberOfStudyRelatedInstances",
                "RetrieveAETitle", "(0008,0056)", "AdmittingDiagnosesDescription");
        assertTrue(a.success(), a.output());
        assertEquals(1, a.answers().size(), a.output());
        AttributeList r = a.answers().get(0);
        assertEquals(s.studyInstanceUid(), value(r, TagFromName.StudyInstanceUID));
        assertEquals("STUDY", value(r, TagFromName.QueryRetrieveLevel));
        assertEquals(s.patientName(), value(r, TagFromName.PatientName));
        assertEquals(s.studyDate().format(java.time.format.DateTimeFormatter.BASIC_ISO_DATE), value(r, TagFromName.StudyDate));
        assertEquals(SyntheticStudies.STUDY_DESCRIPTION, value(r, TagFromName.StudyDescription));
        assertEquals(s.accessionNumber(), value(r, TagFromName.AccessionNumber));
        assertTrue(value(r, TagFromName.PatientAge).matches("\\d{3}Y"), "from the study blob");
        assertEquals("MR", value(r, TagFromName.ModalitiesInStudy));
        assertEquals(MR, value(r, TagFromName.SOPClassesInStudy));
        assertEquals("2", value(r, TagFromName.NumberOfStudyRelatedSeries));
        assertEquals("4", value(r, TagFromName.NumberOfStudyRelatedInstances));
        assertEquals("CAPSCP", value(r, TagFromName.RetrieveAETitle));
        assertEquals("ONLINE", value(r, INSTANCE_AVAILABILITY));
        assertEquals("ISO_IR 100", value(r, TagFromName.SpecificCharacterSet));
        assertNotNull(r.get(TagFromName.AdmittingDiagnosesDescription), "a requested key that was not stored");
        assertEquals("", value(r, TagFromName.AdmittingDiagnosesDescription));
    }

    @Test
    void studyRootSeriesAndImageLevels() {
        StudyInfo s = fna(1);
        Findscu.Answer series = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID", "Modality", "SeriesNumber",
                "SeriesDescription", "NumberOfSeriesRelatedInstances", "NumberOfStudyRelatedInstances", "PatientName");
        assertTrue(series.success(), series.output());
        assertEquals(s.seriesInstanceUids().stream().sorted().toList(), series.sorted(TagFromName.SeriesInstanceUID));
        assertEquals(List.of("1", "2"), series.sorted(TagFromName.SeriesNumber));
        assertEquals(List.of("2", "2"), series.values(TagFromName.NumberOfSeriesRelatedInstances));
        assertEquals(List.of("4", "4"), series.values(TagFromName.NumberOfStudyRelatedInstances), "a key of the level above");
        assertEquals(List.of("MR", "MR"), series.values(TagFromName.Modality));
        assertEquals(List.of(s.studyInstanceUid(), s.studyInstanceUid()), series.values(TagFromName.StudyInstanceUID));
        assertEquals(List.of(s.patientName(), s.patientName()), series.values(TagFromName.PatientName));

        String seriesUid = s.seriesInstanceUids().get(1);
        Findscu.Answer images = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=IMAGE",
                "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID=" + seriesUid, "SOPInstanceUID",
                "SOPClassUID", "InstanceNumber", "Rows", "ImageType");
        assertTrue(images.success(), images.output());
        assertEquals(2, images.answers().size());
        assertEquals(List.of("1", "2"), images.sorted(TagFromName.InstanceNumber));
        assertEquals(List.of(MR, MR), images.values(TagFromName.SOPClassUID));
        assertEquals(List.of("8", "8"), images.values(TagFromName.Rows), "from the instance blob");
        assertEquals(List.of(seriesUid, seriesUid), images.values(TagFromName.SeriesInstanceUID));
        assertEquals(4, images.answers().get(0).get(TagFromName.ImageType).getVM(), "all values of a key");
        for (String sop : images.values(TagFromName.SOPInstanceUID)) {
            assertEquals(1, server.rows("SELECT i.pk FROM {pacs}.instance i JOIN {pacs}.series se ON se.pk = i.series_fk "
                    + "WHERE i.sop_iuid = ? AND se.series_iuid = ?", sop, seriesUid).size());
        }
    }

    @Test
    void patientRootAtEveryLevel() {
        StudyInfo s = fna(0);
        Findscu.Answer patients = Findscu.find(server.port(), PATIENT_ROOT, "QueryRetrieveLevel=PATIENT",
                "PatientName=" + s.patientName(), "PatientID=FNA*", "PatientBirthDate", "PatientSex",
                "NumberOfPatientRelatedStudies", "(0020,1202)", "(0020,1204)");
        assertTrue(patients.success(), patients.output());
        // SyntheticStudies gives each session of a patient its own Patient ID
        assertEquals(List.of(fna(0).patientId(), fna(1).patientId()), patients.sorted(TagFromName.PatientID));
        assertEquals(List.of("1", "1"), patients.values(TagFromName.NumberOfPatientRelatedStudies));
        assertEquals(List.of("2", "2"), patients.values(PATIENT_RELATED_SERIES));
        assertEquals(List.of("4", "4"), patients.values(PATIENT_RELATED_INSTANCES));
        assertEquals(List.of("M", "M"), patients.values(TagFromName.PatientSex));

        Findscu.Answer studies = Findscu.find(server.port(), PATIENT_ROOT, "QueryRetrieveLevel=STUDY",
                "PatientID=" + s.patientId(), "StudyInstanceUID", "StudyDate");
        assertTrue(studies.success(), studies.output());
        assertEquals(List.of(s.studyInstanceUid()), studies.values(TagFromName.StudyInstanceUID));

        Findscu.Answer series = Findscu.find(server.port(), PATIENT_ROOT, "QueryRetrieveLevel=SERIES",
                "PatientID=" + s.patientId(), "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID");
        assertEquals(s.seriesInstanceUids().stream().sorted().toList(), series.sorted(TagFromName.SeriesInstanceUID));
        assertEquals(List.of(s.patientId(), s.patientId()), series.values(TagFromName.PatientID));

        Findscu.Answer images = Findscu.find(server.port(), PATIENT_ROOT, "QueryRetrieveLevel=IMAGE",
                "PatientID=" + s.patientId(), "StudyInstanceUID=" + s.studyInstanceUid(),
                "SeriesInstanceUID=" + s.seriesInstanceUids().get(0), "SOPInstanceUID", "InstanceNumber");
        assertTrue(images.success(), images.output());
        assertEquals(2, images.answers().size());

        // the hierarchy holds: another patient's ID finds nothing of this study
        Findscu.Answer other = Findscu.find(server.port(), PATIENT_ROOT, "QueryRetrieveLevel=SERIES",
                "PatientID=" + fna(2).patientId(), "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID");
        assertTrue(other.success(), other.output());
        assertEquals(0, other.answers().size());
    }

    @Test
    void singleValueUniversalAndListOfUids() {
        Findscu.Answer one = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY",
                "AccessionNumber=" + fna(3).accessionNumber(), "StudyInstanceUID", "PatientID");
        assertEquals(List.of(fna(3).studyInstanceUid()), one.values(TagFromName.StudyInstanceUID));
        // single value matching is exact: a prefix of the value matches nothing
        Findscu.Answer prefix = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY",
                "PatientID=" + fna(3).patientId().substring(0, 6), "StudyInstanceUID");
        assertEquals(0, prefix.answers().size());

        Findscu.Answer list = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + fna(0).studyInstanceUid() + "\\" + fna(2).studyInstanceUid() + "\\1.2.3.4",
                "PatientID");
        assertEquals(List.of(fna(0).patientId(), fna(2).patientId()).stream().sorted().toList(),
                list.sorted(TagFromName.PatientID));

        List<String> sops = new ArrayList<>();
        for (Findscu.Answer a : List.of(Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=IMAGE",
                "StudyInstanceUID=" + fna(0).studyInstanceUid(), "SeriesInstanceUID=" + fna(0).seriesInstanceUids().get(0),
                "SOPInstanceUID"))) {
            sops.addAll(a.values(TagFromName.SOPInstanceUID));
        }
        Findscu.Answer sopList = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=IMAGE",
                "StudyInstanceUID=" + fna(0).studyInstanceUid(), "SeriesInstanceUID=" + fna(0).seriesInstanceUids().get(0),
                "SOPInstanceUID=" + sops.get(1));
        assertEquals(List.of(sops.get(1)), sopList.values(TagFromName.SOPInstanceUID));

        // universal: every FNA study, with the empty keys filled in
        Findscu.Answer all = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientID=FNA*",
                "StudyInstanceUID", "StudyDate", "PatientName");
        assertEquals(4, all.answers().size());
        assertFalse(all.values(TagFromName.StudyDate).contains(""));
    }

    @Test
    void wildcardsAreWildAndEverythingElseIsLiteral() {
        assertEquals(List.of("SMI"), prefixes("Sm?th^*"));
        assertEquals(List.of("SMI", "SMY"), prefixes("Sm?th*"));
        assertEquals(List.of("SMI", "SMY"), prefixes("Sm*"));
        assertEquals(List.of("SMY"), prefixes("*mythe*"));
        // %, _ and ! are characters, not patterns, in names and in LIKE
        assertEquals(List.of("PCT"), prefixes("Per%cent*"));
        assertEquals(List.of("USC"), prefixes("Under_score*"));
        assertEquals(List.of("PCT", "PCX"), prefixes("Per?cent*"));
        assertEquals(List.of("BNG"), prefixes("Bang!*"));
        assertEquals(List.of("QUO"), prefixes("O'Brien*"));
        assertEquals(List.of(), prefixes("x' OR '1'='1"));
        assertEquals(List.of(), prefixes("%"));
    }

    /** The Patient ID prefixes of the studies whose patient name matches. */
    static List<String> prefixes(String name) {
        Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientName=" + name,
                "PatientID");
        assertTrue(a.success(), a.output());
        return a.values(TagFromName.PatientID).stream().map(id -> id.substring(0, 3)).sorted().toList();
    }

    @Test
    void personNamesIgnoreCaseAndAccentsUnlessConfigured() throws Exception {
        assertEquals(List.of("SMI"), prefixes("smith*"));
        assertEquals(List.of("SMI"), prefixes("SMITH^JOHN"));
        assertEquals(List.of("ACC"), prefixes("muller*"));
        try (ServerFixture strict = server.sibling(Map.of(Option.CASE_SENSITIVE_NAMES, "true"))) {
            assertEquals(List.of(), prefixesOn(strict, "smith*"));
            assertEquals(List.of("SMI"), prefixesOn(strict, "Smith*"));
            assertEquals(List.of(), prefixesOn(strict, "muller*"));
            Path mueller = queryFile("mueller", "ISO_IR 100", "Müller*".getBytes(StandardCharsets.ISO_8859_1));
            Findscu.Answer a = Findscu.find(strict.port(), STUDY_ROOT, List.of(), mueller);
            assertTrue(a.success(), a.output());
            assertEquals(List.of(named.get("ACC").studyInstanceUid()), a.values(TagFromName.StudyInstanceUID));
        }
    }

    static List<String> prefixesOn(ServerFixture s, String name) {
        Findscu.Answer a = Findscu.find(s.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientName=" + name,
                "PatientID");
        assertTrue(a.success(), a.output());
        return a.values(TagFromName.PatientID).stream().map(id -> id.substring(0, 3)).sorted().toList();
    }

    @Test
    void dateTimeAndBirthDateRanges() {
        // FNA: patient 1 studied 2010-02-10 and 2011-02-10 at 08:17, patient 2 2010-03-19 and 2011-03-19 at 08:34
        assertEquals(2, studies("StudyDate=20100101-20101231").size());
        assertEquals(2, studies("StudyDate=20110101-").size());
        assertEquals(List.of(fna(0).studyInstanceUid()), studies("StudyDate=-20100301"));
        assertEquals(List.of(fna(2).studyInstanceUid()), studies("StudyDate=20100319"));
        assertEquals(List.of(fna(2).studyInstanceUid()), studies("StudyDate=2010.03.19"));
        assertEquals(List.of(), studies("StudyDate=20100320"));
        assertEquals(2, studies("StudyTime=0810-0820").size());
        assertEquals(2, studies("StudyTime=0830-").size());
        assertEquals(4, studies("StudyTime=08").size());
        assertEquals(List.of(fna(0).studyInstanceUid()), studies("StudyDate=20100101-20101231", "StudyTime=-0820"));
        String birth = birthDate(fna(0).studyInstanceUid());
        assertEquals(2, studies("PatientBirthDate=" + birth).size(), "both sessions of the patient");
        assertEquals(4, studies("PatientBirthDate=19000101-20991231").size());
    }

    static String birthDate(String studyUid) {
        Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY",
                "StudyInstanceUID=" + studyUid, "PatientBirthDate");
        return value(a.answers().get(0), TagFromName.PatientBirthDate);
    }

    /** The FNA studies that match these keys. */
    static List<String> studies(String... keys) {
        List<String> k = new ArrayList<>(List.of("QueryRetrieveLevel=STUDY", "PatientID=FNA*", "StudyInstanceUID"));
        k.addAll(List.of(keys));
        Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, k.toArray(String[]::new));
        assertTrue(a.success(), a.output());
        return a.values(TagFromName.StudyInstanceUID);
    }

    @Test
    void modalitiesAndSopClassesInStudy() {
        assertEquals(4, studies("ModalitiesInStudy=MR").size());
        assertEquals(0, studies("ModalitiesInStudy=CT").size());
        assertEquals(4, studies("ModalitiesInStudy=CT\\MR").size());
        assertEquals(4, studies("ModalitiesInStudy=M?").size());
        assertEquals(4, studies("SOPClassesInStudy=" + MR).size());
        assertEquals(0, studies("SOPClassesInStudy=1.2.840.10008.5.1.4.1.1.2").size());
    }

    @Test
    void sequenceMatchingOnRequestAttributes() {
        StudyInfo s = seq.studies().get(0);
        Findscu.Answer one = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID",
                "(0040,0275)[0].(0040,1001)=RP1", "(0040,0275)[0].(0040,0009)");
        assertTrue(one.success(), one.output());
        assertEquals(List.of(s.seriesInstanceUids().get(0)), one.values(TagFromName.SeriesInstanceUID));
        SequenceAttribute rq = (SequenceAttribute) one.answers().get(0).get(TagFromName.RequestAttributesSequence);
        assertEquals(1, rq.getNumberOfItems());
        AttributeList item = rq.getItem(0).getAttributeList();
        assertEquals("RP1", Attribute.getSingleStringValueOrEmptyString(item, TagFromName.RequestedProcedureID));
        assertEquals("SPS1", Attribute.getSingleStringValueOrEmptyString(item, new AttributeTag(0x0040, 0x0009)));
        assertEquals(2, item.size(), "only the keys of the request's item");

        Findscu.Answer both = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID", "(0040,0275)[0].(0040,1001)=RP*");
        assertEquals(2, both.answers().size());
        Findscu.Answer none = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID",
                "(0040,0275)[0].(0040,1001)=RP1", "(0040,0275)[0].(0040,0009)=SPS2");
        assertTrue(none.success(), none.output());
        assertEquals(0, none.answers().size(), "both keys of the item must match one stored item");
    }

    @Test
    void nonLatinNamesComeBackAsSentAndAreFound() throws Exception {
        assertEquals(List.of("Yamada^Tarou", "山田^太郎", "やまだ^たろう"),
                server.rows("SELECT p.pat_name, p.pat_i_name, p.pat_p_name FROM {pacs}.patient p WHERE p.pat_id = ?",
                        named.get("JPN").patientId()).get(0).values().stream().map(Object::toString).toList());
        for (Charset1 c : charsets()) {
            Path query = queryFile(c.prefix(), c.specificCharacterSet(), c.keyBytes());
            Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, List.of(), query);
            assertTrue(a.success(), c.prefix() + ": " + a.output());
            assertEquals(1, a.answers().size(), c.prefix() + " " + c.key() + ": " + a.output());
            AttributeList r = a.answers().get(0);
            assertEquals(named.get(c.prefix()).studyInstanceUid(), value(r, TagFromName.StudyInstanceUID));
            assertEquals(c.name(), value(r, TagFromName.PatientName), c.prefix());
            assertEquals(c.specificCharacterSet(),
                    Attribute.getDelimitedStringValuesOrEmptyString(r, TagFromName.SpecificCharacterSet), c.prefix());
            byte[] file = Files.readAllBytes(a.files().get(0));
            assertTrue(indexOf(file, c.nameBytes()) >= 0, c.prefix() + ": the name's bytes as they were sent");
        }
        // a Latin key finds a name stored in ISO 2022, which comes back in ISO 2022
        Findscu.Answer latin = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientName=yamada*");
        assertEquals(1, latin.answers().size(), latin.output());
        assertEquals(JAPANESE, value(latin.answers().get(0), TagFromName.PatientName));
    }

    /**
     * A STUDY query file whose Patient's Name key has these bytes in the given character set,
     * made with DCMTK alone (findscu -k takes what the JVM's locale makes of a string).
     */
    static Path queryFile(String id, String specificCharacterSet, byte[] name) throws Exception {
        Path dir = gen.resolve("queries");
        Files.createDirectories(dir);
        Path dump = dir.resolve(id + ".txt");
        Files.writeString(dump, "(0008,0052) CS [STUDY]\n(0020,000d) UI []\n(0010,0020) LO []\n");
        Path file = dir.resolve(id + ".dcm");
        dcmtk("dump2dcm", dump.toString(), file.toString());
        Path key = dir.resolve(id + ".key");
        Files.write(key, even(name));
        dcmtk("dcmodify", "-nb", "-i", "(0008,0005)=" + specificCharacterSet, "-if", "(0010,0010)=" + key,
                file.toString());
        return file;
    }

    /** Values have an even length, padded with a space (PS3.5 6.2). */
    static byte[] even(byte[] b) {
        if (b.length % 2 == 0) {
            return b;
        }
        byte[] p = java.util.Arrays.copyOf(b, b.length + 1);
        p[b.length] = ' ';
        return p;
    }

    static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    @Test
    void cancelStopsARunningQuery() throws Exception {
        StudyInfo s = big.studies().get(0);
        try (LogCapture log = new LogCapture()) {
            Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, List.of("--cancel", "3"), null,
                    "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + s.studyInstanceUid(),
                    "SeriesInstanceUID=" + s.seriesInstanceUids().get(0), "SOPInstanceUID");
            assertTrue(a.finalStatus().startsWith("Cancel"), a.finalStatus());
            assertTrue(a.answers().size() >= 3 && a.answers().size() < BIG, "answers: " + a.answers().size());
            assertEquals(1, log.matching("INFO", "C-FIND cancelled by the peer").size(), log.lines().toString());
            assertTrue(log.matching("WARN", "").isEmpty(), log.lines().toString());
        }
        // C-CANCEL-RQ right behind the request: the answer ends before it has begun
        try (RawFind f = new RawFind(server.port())) {
            f.send(RawFind.encode(imageQuery(s)));
            f.cancel();
            RawFind.Responses r = f.responses();
            assertEquals(0xFE00, r.finalStatus());
            assertTrue(r.identifiers().size() < BIG, "answers: " + r.identifiers().size());
            // the association goes on
            f.send(RawFind.encode(imageQuery(s)));
            RawFind.Responses all = f.responses();
            assertEquals(0x0000, all.finalStatus());
            assertEquals(BIG, all.identifiers().size());
            // a C-CANCEL-RQ that comes after the final response has nothing to cancel: no answer
            f.cancel();
            AttributeList one = new AttributeList();
            put(one, TagFromName.QueryRetrieveLevel, "STUDY");
            put(one, TagFromName.PatientID, fna(0).patientId());
            f.send(RawFind.encode(one));
            RawFind.Responses next = f.responses();
            assertEquals(List.of(0xFF00, 0x0000), next.statuses());
        }
    }

    static AttributeList imageQuery(StudyInfo s) throws Exception {
        AttributeList q = new AttributeList();
        put(q, TagFromName.QueryRetrieveLevel, "IMAGE");
        put(q, TagFromName.StudyInstanceUID, s.studyInstanceUid());
        put(q, TagFromName.SeriesInstanceUID, s.seriesInstanceUids().get(0));
        put(q, TagFromName.SOPInstanceUID);
        return q;
    }

    static void put(AttributeList l, AttributeTag t, String... values) throws Exception {
        Attribute a = com.pixelmed.dicom.AttributeFactory.newAttribute(t);
        for (String v : values) {
            a.addValue(v);
        }
        l.put(a);
    }

    @Test
    void aPeerThatGoesAwayMidAnswerEndsOnlyItsAssociation() throws Exception {
        try (LogCapture log = new LogCapture()) {
            RawFind f = new RawFind(server.port());
            f.send(RawFind.encode(imageQuery(big.studies().get(0))));
            // PixelMed's abort then waits seconds for the connection to close: not for the test
            Thread abort = new Thread(() -> {
                try {
                    f.abort();
                } catch (Exception ignored) {
                    // gone either way
                }
            });
            abort.setDaemon(true);
            abort.start();
            Findscu.Answer after = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY",
                    "PatientID=" + fna(0).patientId());
            assertEquals(1, after.answers().size());
            for (int i = 0; i < 100 && log.matching("WARN", "association aborted").isEmpty(); i++) {
                Thread.sleep(50);
            }
            assertEquals(1, log.matching("WARN", "association aborted").size(), log.lines().toString());
            assertEquals(1, log.matching("WARN", "").size(), log.lines().toString());
            assertTrue(log.matching("ERROR", "").isEmpty(), log.lines().toString());
        }
    }

    @Test
    void theMaximumEndsALargerAnswerWithA700() {
        StudyInfo s = big.studies().get(0);
        try (ServerFixture limited = server.sibling(Map.of(Option.MAX_MATCHES, "5"));
                LogCapture log = new LogCapture()) {
            Findscu.Answer a = Findscu.find(limited.port(), STUDY_ROOT, "QueryRetrieveLevel=IMAGE",
                    "StudyInstanceUID=" + s.studyInstanceUid(), "SeriesInstanceUID=" + s.seriesInstanceUids().get(0),
                    "SOPInstanceUID");
            assertTrue(a.finalStatus().contains("OutOfResources"), a.finalStatus());
            assertEquals(5, a.answers().size());
            assertEquals(1, log.matching("WARN", "status 0xA700 (more than 5 matches").size(), log.lines().toString());
            Findscu.Answer four = Findscu.find(limited.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientID=FNA*");
            assertTrue(four.success(), four.output());
            assertEquals(4, four.answers().size());
        }
    }

    @Test
    void bothLittleEndianSyntaxesAndBigEndian() {
        for (String ts : List.of("-xi", "-xe", "-xb")) {
            Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, List.of(ts), null, "QueryRetrieveLevel=STUDY",
                    "PatientID=" + fna(1).patientId(), "StudyInstanceUID", "PatientName", "NumberOfStudyRelatedInstances");
            assertTrue(a.success(), ts + ": " + a.output());
            assertEquals(List.of(fna(1).studyInstanceUid()), a.values(TagFromName.StudyInstanceUID), ts);
            assertEquals(List.of("4"), a.values(TagFromName.NumberOfStudyRelatedInstances), ts);
        }
    }

    @Test
    void hostileIdentifiersGetAClearStatusAndOneWarnLine() throws Exception {
        String study = fna(0).studyInstanceUid();
        long studiesBefore = server.count("study");
        Object[][] refused = {
            {"A900", "no Query/Retrieve Level", new String[] {"PatientID=x"}},
            {"A900", "Query/Retrieve Level 'FOO'", new String[] {"QueryRetrieveLevel=FOO"}},
            {"A900", "Query/Retrieve Level 'PATIENT'", new String[] {"QueryRetrieveLevel=PATIENT"}},
            {"A900", "more than one Query/Retrieve Level", new String[] {"QueryRetrieveLevel=STUDY\\SERIES"}},
            // lenient (the default): a missing Study Instance UID is universal, one with wild cards is refused;
            // the strict reading is ClientInteropTest's
            {"A900", "StudyInstanceUID (0020,000D) with wild cards",
                new String[] {"QueryRetrieveLevel=SERIES", "StudyInstanceUID=1.2*"}},
            {"A900", "SeriesInstanceUID (0020,000E) is a SERIES key, below STUDY",
                new String[] {"QueryRetrieveLevel=STUDY", "SeriesInstanceUID=1.2.3"}},
            {"C000", "not a date in StudyDate", new String[] {"QueryRetrieveLevel=STUDY", "StudyDate=2010"}},
            {"C000", "not a time in StudyTime", new String[] {"QueryRetrieveLevel=STUDY", "StudyTime=2500"}},
            {"C000", "more than 4 '*'", new String[] {"QueryRetrieveLevel=STUDY", "PatientName=*a*b*c*d*e"}},
            {"C000", "Specific Character Set 'ISO_IR 999' not supported",
                new String[] {"QueryRetrieveLevel=STUDY", "SpecificCharacterSet=ISO_IR 999"}},
        };
        for (Object[] c : refused) {
            try (LogCapture log = new LogCapture()) {
                Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, (String[]) c[2]);
                String expected = c[0].equals("A900") ? "DataSetDoesNotMatchSOPClass" : "UnableToProcess";
                assertTrue(a.finalStatus().contains(expected), c[1] + ": " + a.finalStatus());
                assertEquals(0, a.answers().size());
                List<String> warn = log.matching("WARN", "C-FIND failed: status 0x" + c[0] + " (" + c[1]);
                assertEquals(1, warn.size(), c[1] + ": " + log.lines());
                assertEquals(1, log.matching("WARN", "").size(), log.lines().toString());
            }
        }
        try (LogCapture log = new LogCapture()) {
            // a private key cannot be matched: every match comes with the warning status FF01
            Findscu.Answer priv = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", "PatientID=FNA*",
                    "(0019,0010)=ACME");
            assertTrue(priv.success(), priv.output());
            assertEquals(4, priv.answers().size());
            assertEquals(4, priv.warnings());
            assertNotNull(priv.answers().get(0).get(new AttributeTag(0x0019, 0x0010)));
            assertEquals("", value(priv.answers().get(0), new AttributeTag(0x0019, 0x0010)));
            // a key without a column is matched on the blob: nothing has an image comment
            Findscu.Answer comments = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=IMAGE",
                    "StudyInstanceUID=" + study, "SeriesInstanceUID=" + fna(0).seriesInstanceUids().get(0),
                    "ImageComments=anything");
            assertTrue(comments.success(), comments.output());
            assertEquals(0, comments.answers().size());
            Findscu.Answer position = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=IMAGE",
                    "StudyInstanceUID=" + study, "SeriesInstanceUID=" + fna(0).seriesInstanceUids().get(0),
                    "PatientPosition=HFS", "ImageType=ORIGINAL");
            assertEquals(2, position.answers().size(), "matched in memory, any value of a multi-valued attribute");
            // quotes, backslashes and very long values are values, and match nothing
            for (String hostile : List.of("PatientID=' OR 1=1 --", "AccessionNumber=A\\B", "PatientID=%",
                    "StudyDescription=" + "A".repeat(5000), "AccessionNumber=\"; DROP TABLE study; --",
                    "PatientName=Smith\\\\Jones")) {
                Findscu.Answer a = Findscu.find(server.port(), STUDY_ROOT, "QueryRetrieveLevel=STUDY", hostile,
                        "StudyInstanceUID");
                assertTrue(a.success(), hostile + ": " + a.output());
                assertEquals(0, a.answers().size(), hostile);
            }
            assertTrue(log.matching("WARN", "").isEmpty(), log.lines().toString());
            assertTrue(log.matching("ERROR", "").isEmpty(), log.lines().toString());
        }
        assertEquals(studiesBefore, server.count("study"), "tables intact");
    }

    @Test
    void identifiersThatFindscuWouldNotSend() throws Exception {
        try (LogCapture log = new LogCapture(); RawFind f = new RawFind(server.port())) {
            f.send("not a data set at all!".getBytes(StandardCharsets.US_ASCII));
            RawFind.Responses garbage = f.responses();
            assertEquals(0xC000, garbage.finalStatus());
            assertTrue(garbage.errorComment().startsWith("unreadable identifier"), garbage.errorComment());

            // explicit VR lengths are 16 bits: the values are spread over two keys
            AttributeList many = new AttributeList();
            put(many, TagFromName.QueryRetrieveLevel, "STUDY");
            String[] uids = new String[MAX_VALUES / 2];
            for (int i = 0; i < uids.length; i++) {
                uids[i] = "1.2.3." + i;
            }
            put(many, TagFromName.StudyInstanceUID, uids);
            String[] accessions = new String[MAX_VALUES / 2 + 1];
            for (int i = 0; i < accessions.length; i++) {
                accessions[i] = "A" + i;
            }
            put(many, TagFromName.AccessionNumber, accessions);
            f.send(RawFind.encode(many));
            RawFind.Responses tooMany = f.responses();
            assertEquals(0xC000, tooMany.finalStatus());
            assertTrue(tooMany.errorComment().startsWith("more than"), tooMany.errorComment());

            AttributeList list = new AttributeList();
            put(list, TagFromName.QueryRetrieveLevel, "STUDY");
            uids[0] = fna(0).studyInstanceUid();
            put(list, TagFromName.StudyInstanceUID, uids);
            f.send(RawFind.encode(list));
            RawFind.Responses longList = f.responses();
            assertEquals(0x0000, longList.finalStatus());
            assertEquals(1, longList.identifiers().size());
            assertEquals(2, log.matching("WARN", "C-FIND failed").size(), log.lines().toString());
        }
    }

    /** The most values one identifier may hold (FindRequest.MAX_VALUES). */
    static final int MAX_VALUES = 10_000;

    static String value(AttributeList a, AttributeTag t) {
        return Attribute.getDelimitedStringValuesOrEmptyString(a, t).trim();
    }
}
