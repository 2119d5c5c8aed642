package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * What real clients send (issue 11): Orthanc's series query without Study Instance UID and its
 * PATIENT-level C-MOVE in the Study Root model, relational queries, proposals of implicit and
 * explicit VR. A lenient server (the default), and a strict one on the same database.
 */
class ClientInteropTest {

    static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";

    static ServerFixture server;
    static ServerFixture strict;
    static Path gen = Path.of("target", "it", "gen-interop").toAbsolutePath();
    static SyntheticStudies.Generated study;
    static Process storescp;
    static Path inbox;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start();
        strict = server.sibling(Map.of(Option.STRICT_QUERIES, "true"));
        study = SyntheticStudies.builder().prefix("ITO").patients(2).sessionsPerPatient(1).seriesPerStudy(2)
                .imagesPerSeries(2).seed(1101).build().generate(gen.resolve("ITO"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(study.files())).ok());
        int port = TestDatabase.freePort();
        inbox = gen.resolve("inbox");
        Files.createDirectories(inbox);
        ProcessBuilder pb = new ProcessBuilder("storescp", "-aet", "IDEST", "-od", inbox.toString(),
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(gen.resolve("storescp.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        storescp = pb.start();
        Object[] add = XpacsTest.cli(server, "ae", "add", "IDEST", "127.0.0.1", String.valueOf(port));
        assertEquals(0, add[0], (String) add[1]);
        BadInputTest.waitForLong(() -> (int) XpacsTest.cli(server, "ae", "echo", "IDEST")[0] == 0, 15);
    }

    @AfterAll
    static void stop() {
        if (storescp != null) {
            storescp.destroy();
        }
        strict.close();
        server.close();
    }

    List<String> allSeries() {
        List<String> all = new ArrayList<>();
        study.studies().forEach(s -> all.addAll(s.seriesInstanceUids()));
        all.sort(null);
        return all;
    }

    @Test
    void seriesQueryWithoutStudyUidIsServedLenientlyAndRefusedStrictly() {
        // what Orthanc sends for /modalities/{id}/query {"Level":"Series","Query":{"Modality":"MR"}}
        String[] keys = {"QueryRetrieveLevel=SERIES", "Modality=MR", "PatientID=ITO*", "SeriesInstanceUID",
            "StudyInstanceUID=", "NumberOfSeriesRelatedInstances"};
        Findscu.Answer a = Findscu.find(server.port(), Findscu.STUDY_ROOT, keys);
        assertTrue(a.success(), a.output());
        assertEquals(allSeries(), a.sorted(TagFromName.SeriesInstanceUID));
        assertEquals(List.of("2", "2", "2", "2"), a.values(TagFromName.NumberOfSeriesRelatedInstances));
        // every answer names its study, although the query did not
        List<String> studies = study.studies().stream().map(SyntheticStudies.StudyInfo::studyInstanceUid).toList();
        assertTrue(studies.containsAll(a.values(TagFromName.StudyInstanceUID)), a.output());
        // '*' for a UID is universal too
        Findscu.Answer star = Findscu.find(server.port(), Findscu.STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                "StudyInstanceUID=*", "PatientID=ITO*", "SeriesInstanceUID");
        assertEquals(4, star.answers().size(), star.output());
        // Patient Root STUDY level without Patient ID
        Findscu.Answer pr = Findscu.find(server.port(), Findscu.PATIENT_ROOT, "QueryRetrieveLevel=STUDY",
                "PatientName=*", "StudyInstanceUID", "AccessionNumber=" + study.studies().get(1).accessionNumber());
        assertTrue(pr.success(), pr.output());
        assertEquals(List.of(study.studies().get(1).studyInstanceUid()), pr.values(TagFromName.StudyInstanceUID));

        Findscu.Answer refused = Findscu.find(strict.port(), Findscu.STUDY_ROOT, keys);
        assertTrue(refused.finalStatus().contains("DataSetDoesNotMatchSOPClass"), refused.output());
        assertEquals(0, refused.answers().size());
    }

    @Test
    void lenientAnswersAreBoundedByMaxMatches() {
        try (ServerFixture bounded = server.sibling(Map.of(Option.MAX_MATCHES, "3"))) {
            Findscu.Answer a = Findscu.find(bounded.port(), Findscu.STUDY_ROOT, "QueryRetrieveLevel=SERIES",
                    "PatientID=ITO*", "SeriesInstanceUID");
            assertEquals(3, a.answers().size(), a.output());
            assertTrue(a.finalStatus().contains("OutOfResources") || a.finalStatus().contains("a700"), a.output());
        }
    }

    static AttributeList seriesQuery() throws Exception {
        AttributeList q = new AttributeList();
        CodeStringAttribute level = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
        level.addValue("SERIES");
        q.put(level);
        q.put(new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID));
        CodeStringAttribute modality = new CodeStringAttribute(TagFromName.Modality);
        modality.addValue("MR");
        q.put(modality);
        com.pixelmed.dicom.LongStringAttribute pid = new com.pixelmed.dicom.LongStringAttribute(TagFromName.PatientID);
        pid.addValue("ITO*");
        q.put(pid);
        return q;
    }

    static AttributeList nameQuery(String name) throws Exception {
        AttributeList q = new AttributeList();
        CodeStringAttribute level = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
        level.addValue("STUDY");
        q.put(level);
        q.put(new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID));
        com.pixelmed.dicom.PersonNameAttribute pn = new com.pixelmed.dicom.PersonNameAttribute(TagFromName.PatientName);
        pn.addValue(name);
        q.put(pn);
        // this class's studies only
        com.pixelmed.dicom.LongStringAttribute pid = new com.pixelmed.dicom.LongStringAttribute(TagFromName.PatientID);
        pid.addValue("ITO*");
        q.put(pid);
        return q;
    }

    @Test
    void fuzzyNamesWhenNegotiated() throws Exception {
        // the key matches no name literally ...
        try (RawFind plain = new RawFind(server.port())) {
            plain.send(RawFind.encode(nameQuery("synth^patient1")));
            RawFind.Responses r = plain.responses();
            assertEquals(0, r.finalStatus());
            assertEquals(0, r.identifiers().size());
        }
        // ... and, with fuzzy semantic matching of person names negotiated (PS3.4 C.5.1.1.2, third
        // byte), matches by the query unit's rule, as QIDO-RS fuzzymatching=true: prefixes, case folded
        byte[] fuzzy = {0, 0, 1};
        try (RelationalProxy proxy = new RelationalProxy(server.port(), STUDY_ROOT_FIND, fuzzy)) {
            RawFind.Responses r;
            try (RawFind f = new RawFind(proxy.port())) {
                f.send(RawFind.encode(nameQuery("synth^patient1")));
                r = f.responses();
            }
            assertTrue(RelationalProxy.answers(proxy.accept, RelationalProxy.subItem(STUDY_ROOT_FIND, fuzzy)),
                    "the A-ASSOCIATE-AC grants fuzzy matching, and not relational queries");
            assertEquals(0, r.finalStatus(), String.valueOf(r.errorComment()));
            assertEquals(1, r.identifiers().size());
            assertEquals(study.studies().get(0).studyInstanceUid(), com.pixelmed.dicom.Attribute
                    .getSingleStringValueOrEmptyString(r.identifiers().get(0), TagFromName.StudyInstanceUID));
        }
    }

    @Test
    void relationalQueriesWhenNegotiatedEvenOnAStrictServer() throws Exception {
        // without the negotiation the strict server refuses the query
        try (RawFind plain = new RawFind(strict.port())) {
            plain.send(RawFind.encode(seriesQuery()));
            assertEquals(0xA900, plain.responses().finalStatus());
        }
        try (RelationalProxy proxy = new RelationalProxy(strict.port(), STUDY_ROOT_FIND)) {
            RawFind.Responses r;
            try (RawFind relational = new RawFind(proxy.port())) {
                relational.send(RawFind.encode(seriesQuery()));
                r = relational.responses();
            }
            assertTrue(RelationalProxy.grantsRelational(proxy.accept, STUDY_ROOT_FIND),
                    "the A-ASSOCIATE-AC answers the extended negotiation with relational queries supported");
            assertEquals(0, r.finalStatus(), String.valueOf(r.errorComment()));
            List<String> series = new ArrayList<>();
            r.identifiers().forEach(i -> series.add(com.pixelmed.dicom.Attribute.getSingleStringValueOrEmptyString(i,
                    TagFromName.SeriesInstanceUID)));
            series.sort(null);
            assertEquals(allSeries(), series);
        }
    }

    @Test
    void patientLevelMoveInStudyRootWhenLenient() throws Exception {
        SyntheticStudies.StudyInfo s = study.studies().get(0);
        try (Stream<Path> old = Files.list(inbox)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Dcmtk.Result r = Dcmtk.run(List.of("movescu", "-v", "-S", "-aec", "CAPSCP", "-aet", "MOVESCU", "-aem", "IDEST",
                "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=" + s.patientId(), "127.0.0.1",
                String.valueOf(server.port())));
        assertTrue(r.output().contains("Received Final Move Response (Success)"), r.output());
        try (Stream<Path> got = Files.list(inbox)) {
            assertEquals(s.instances(), got.count());
        }
        Dcmtk.Result refused = Dcmtk.run(List.of("movescu", "-v", "-S", "-aec", "CAPSCP", "-aet", "MOVESCU", "-aem",
                "IDEST", "-k", "QueryRetrieveLevel=PATIENT", "-k", "PatientID=" + s.patientId(), "127.0.0.1",
                String.valueOf(strict.port())));
        assertFalse(refused.output().contains("(Success)"), refused.output());
        assertTrue(refused.output().contains("DataSetDoesNotMatchSOPClass"), refused.output());
    }

    /** storescu options proposing MR Image Storage with these transfer syntaxes, in this order, in one context. */
    static List<String> propose(String name, String... ts) throws Exception {
        StringBuilder list = new StringBuilder();
        for (int i = 0; i < ts.length; i++) {
            list.append("TransferSyntax").append(i + 1).append(" = ").append(ts[i]).append("\n");
        }
        Path cfg = gen.resolve("propose-" + name + ".cfg");
        Files.writeString(cfg, "[[TransferSyntaxes]]\n[TS]\n" + list + "[[PresentationContexts]]\n[PC]\n"
                + "PresentationContext1 = " + SyntheticStudies.MR_IMAGE_STORAGE + "\\TS\n"
                + "[[Profiles]]\n[P]\nPresentationContexts = PC\n");
        return List.of("-xf", cfg.toString(), "P");
    }

    String storedSyntax(String sopIuid) {
        return (String) server.rows("SELECT f.file_tsuid FROM {pacs}.files f JOIN {pacs}.instance i "
                + "ON i.pk = f.instance_fk WHERE i.sop_iuid = ?", sopIuid).get(0).get("file_tsuid");
    }

    @Test
    void explicitLittleEndianIsPreferredOverImplicitAndCompressedFirstIsKept() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("ITS").imagesPerSeries(3).seed(1102).build()
                .generate(gen.resolve("ITS"));
        String implicit = "1.2.840.10008.1.2";
        String explicit = "1.2.840.10008.1.2.1";
        String lossless = "1.2.840.10008.1.2.4.70";
        Dcmtk.Result r = Dcmtk.storescu(server.port(), propose("ie", implicit, explicit),
                List.of(g.files().get(0).toString()));
        assertTrue(r.ok(), r.output());
        assertEquals(explicit, storedSyntax(CStoreTest.sopOf(g.files().get(0))), r.output());
        // explicit first stays explicit, and the compressed syntax proposed first is kept
        Path jpeg = gen.resolve("its-lossless.dcm");
        assertTrue(Dcmtk.run(List.of("dcmcjpeg", "+e1", g.files().get(1).toString(), jpeg.toString())).ok());
        r = Dcmtk.storescu(server.port(), propose("je", lossless, implicit, explicit), List.of(jpeg.toString()));
        assertTrue(r.ok(), r.output());
        assertEquals(lossless, storedSyntax(CStoreTest.sopOf(jpeg)), r.output());
    }
}
