package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CMoveRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.PresentationContext;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.codec.CodecSamples;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** C-MOVE and C-GET with DCMTK movescu and getscu, and DCMTK storescp as the destination. */
class RetrieveTest {

    static ServerFixture server;
    static Path gen = Path.of("target", "it", "gen-retrieve").toAbsolutePath();
    static List<Process> peers = new ArrayList<>();
    static Map<String, Path> inbox = new HashMap<>();
    static SyntheticStudies.Generated study;

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start();
        // DEST takes only uncompressed syntaxes (storescp's default), ANY takes everything
        destination("DEST", List.of());
        destination("ANY", List.of("+xa"));
        // SLOW takes the next C-STORE a second after each: a move to it is still running when the
        // requester cancels, however fast the node sends (pending responses go every 200 ms)
        destination("SLOW", List.of("--sleep-after", "1"));
        Object[] add = XpacsTest.cli(server, "ae", "add", "DOWN", "127.0.0.1", String.valueOf(TestDatabase.freePort()));
        assertEquals(0, add[0], (String) add[1]);
        study = SyntheticStudies.builder().prefix("RET").seriesPerStudy(2).imagesPerSeries(3).seed(801).build()
                .generate(gen.resolve("RET"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(study.files())).ok());
    }

    static void destination(String aet, List<String> options) throws Exception {
        int port = TestDatabase.freePort();
        Path dir = gen.resolve("inbox-" + aet);
        Files.createDirectories(dir);
        List<String> cmd = new ArrayList<>(List.of("storescp", "-aet", aet, "-od", dir.toString()));
        cmd.addAll(options);
        cmd.add(String.valueOf(port));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectOutput(gen.resolve("storescp-" + aet + ".log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        peers.add(pb.start());
        inbox.put(aet, dir);
        Object[] add = XpacsTest.cli(server, "ae", "add", aet, "127.0.0.1", String.valueOf(port), "test", "peer");
        assertEquals(0, add[0], (String) add[1]);
        BadInputTest.waitForLong(() -> (int) XpacsTest.cli(server, "ae", "echo", aet)[0] == 0, 15);
    }

    @AfterAll
    static void stop() {
        peers.forEach(Process::destroy);
        server.close();
    }

    static List<Path> received(String aet) throws Exception {
        try (Stream<Path> s = Files.list(inbox.get(aet))) {
            return s.sorted().toList();
        }
    }

    static void empty(String aet) throws Exception {
        for (Path p : received(aet)) {
            Files.delete(p);
        }
    }

    /** The data set without the Part 10 header and group lengths, for comparing what was sent with what arrived. */
    static String dataSet(Path p) throws Exception {
        AttributeList a = new AttributeList();
        a.read(p.toFile());
        a.removeMetaInformationHeaderAttributes();
        a.removeGroupLengthAttributes();
        StringBuilder sb = new StringBuilder(a.toString());
        Attribute px = a.get(TagFromName.PixelData);
        sb.append(java.util.Arrays.hashCode(px.getShortValues()));
        return sb.toString();
    }

    static short[] pixels(Path p) throws Exception {
        AttributeList a = new AttributeList();
        a.read(p.toFile());
        return a.get(TagFromName.PixelData).getShortValues();
    }

    static Map<String, String> bySop(List<Path> files) throws Exception {
        Map<String, String> m = new HashMap<>();
        for (Path p : files) {
            m.put(CStoreTest.sopOf(p), dataSet(p));
        }
        return m;
    }

    static Dcmtk.Result movescu(String model, String dest, String... keys) {
        List<String> c = new ArrayList<>(List.of("movescu", "-v", model, "-aec", "CAPSCP", "-aet", "MOVESCU", "-aem", dest));
        for (String k : keys) {
            c.addAll(List.of("-k", k));
        }
        c.addAll(List.of("127.0.0.1", String.valueOf(server.port())));
        return Dcmtk.run(c);
    }

    @Test
    void everyLevelOfBothModelsMovesTheRightInstancesUnchanged() throws Exception {
        Map<String, String> sent = bySop(study.files());
        String st = study.studies().get(0).studyInstanceUid();
        String se = study.studies().get(0).seriesInstanceUids().get(1);
        String pid = study.studies().get(0).patientId();

        empty("DEST");
        Dcmtk.Result r = movescu("-S", "DEST", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + st);
        assertTrue(r.output().contains("Received Final Move Response (Success)"), r.output());
        assertEquals(sent, bySop(received("DEST")), "data sets received equal the data sets sent");

        empty("DEST");
        r = movescu("-S", "DEST", "QueryRetrieveLevel=SERIES", "StudyInstanceUID=" + st, "SeriesInstanceUID=" + se);
        assertTrue(r.output().contains("(Success)"), r.output());
        assertEquals(3, received("DEST").size());
        for (Path p : received("DEST")) {
            assertEquals(sent.get(CStoreTest.sopOf(p)), dataSet(p));
        }

        empty("DEST");
        String sop1 = CStoreTest.sopOf(study.files().get(0));
        String sop2 = CStoreTest.sopOf(study.files().get(4));
        r = movescu("-S", "DEST", "QueryRetrieveLevel=IMAGE", "StudyInstanceUID=" + st, "SeriesInstanceUID=",
                "SOPInstanceUID=" + sop1 + "\\" + sop2);
        assertTrue(r.output().contains("(Success)"), r.output());
        assertEquals(java.util.Set.of(sop1, sop2), bySop(received("DEST")).keySet());

        empty("DEST");
        r = movescu("-P", "DEST", "QueryRetrieveLevel=PATIENT", "PatientID=" + pid);
        assertTrue(r.output().contains("(Success)"), r.output());
        assertEquals(sent, bySop(received("DEST")));

        empty("DEST");
        r = movescu("-P", "DEST", "QueryRetrieveLevel=SERIES", "PatientID=" + pid, "StudyInstanceUID=" + st,
                "SeriesInstanceUID=" + se);
        assertTrue(r.output().contains("(Success)"), r.output());
        assertEquals(3, received("DEST").size());

        // the same through C-GET, back on the requester's association
        Path got = gen.resolve("got");
        Files.createDirectories(got);
        Dcmtk.Result g = Dcmtk.run(List.of("getscu", "-v", "-S", "-aec", "CAPSCP", "-aet", "GETSCU", "-od", got.toString(),
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + st, "127.0.0.1", String.valueOf(server.port())));
        assertTrue(g.output().contains("Received C-GET Response (Success)"), g.output());
        try (Stream<Path> s = Files.list(got)) {
            assertEquals(sent, bySop(s.toList()));
        }
        g = Dcmtk.run(List.of("getscu", "-v", "-P", "-aec", "CAPSCP", "-aet", "GETSCU", "-od", got.toString(),
                "-k", "QueryRetrieveLevel=IMAGE", "-k", "PatientID=" + pid, "-k", "StudyInstanceUID=" + st,
                "-k", "SeriesInstanceUID=" + se, "-k", "SOPInstanceUID=" + sop2, "127.0.0.1", String.valueOf(server.port())));
        assertTrue(g.output().contains("(Success)"), g.output());
    }

    @Test
    void unknownDestinationAndBadIdentifiersAreRefused() throws Exception {
        String st = study.studies().get(0).studyInstanceUid();
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = movescu("-S", "NOBODY", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + st);
            assertTrue(r.output().contains("Received Final Move Response (Refused: MoveDestinationUnknown)"), r.output());
            assertEquals(1, log.matching("WARN", "status 0xA801 (move destination unknown: 'NOBODY')").size(),
                    log.lines().toString());
        }
        Dcmtk.Result r = movescu("-S", "DEST", "QueryRetrieveLevel=STUDY");
        assertFalse(r.output().contains("(Success)"), r.output());
        r = movescu("-S", "DEST", "QueryRetrieveLevel=PATIENT");
        assertFalse(r.output().contains("(Success)"), r.output());
        r = movescu("-S", "DEST", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=1.2.3'; DROP TABLE study; --");
        assertFalse(r.output().contains("(Success)"), r.output());
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void compressedInstancesGoAsStoredOrDecompressedWhereACodecAllows() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("RJP").imagesPerSeries(2).seed(802).build()
                .generate(gen.resolve("RJP"));
        Path lossless = gen.resolve("rjp-lossless.dcm");
        Path jpegLs = gen.resolve("rjp-jls.dcm");
        assertTrue(Dcmtk.run(List.of("dcmcjpeg", "+e1", g.files().get(0).toString(), lossless.toString())).ok());
        assertTrue(Dcmtk.run(List.of("dcmcjpls", g.files().get(1).toString(), jpegLs.toString())).ok());
        assertTrue(Dcmtk.storescu(server.port(), CStoreTest.proposeOnly(gen, "1.2.840.10008.1.2.4.70"),
                List.of(lossless.toString())).ok());
        assertTrue(Dcmtk.storescu(server.port(), CStoreTest.proposeOnly(gen, "1.2.840.10008.1.2.4.80"),
                List.of(jpegLs.toString())).ok());
        String st = g.studies().get(0).studyInstanceUid();

        empty("ANY");
        Dcmtk.Result r = movescu("-S", "ANY", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + st);
        assertTrue(r.output().contains("(Success)"), r.output());
        for (Path p : received("ANY")) {
            String ts = Dcmtk.run(List.of("dcmdump", "-M", "+P", "0002,0010", p.toString())).output();
            assertTrue(ts.contains("JPEGLossless") || ts.contains("JPEGLSLossless"), "sent as stored: " + ts);
        }

        empty("DEST");
        r = movescu("-S", "DEST", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + st);
        // a destination that takes only uncompressed data gets both decompressed (JPEG-LS by GDCM)
        assertTrue(r.output().contains("(Success)"), r.output());
        List<Path> got = received("DEST");
        assertEquals(2, got.size());
        for (Path p : got) {
            String ts = Dcmtk.run(List.of("dcmdump", "-M", "+P", "0002,0010", p.toString())).output();
            assertTrue(ts.contains("LittleEndian"), ts);
            Path original = CStoreTest.sopOf(p).equals(CStoreTest.sopOf(g.files().get(0))) ? g.files().get(0)
                    : g.files().get(1);
            assertTrue(java.util.Arrays.equals(pixels(original), pixels(p)), "lossless: the same pixels");
        }
    }

    /** Every stored syntax, stored under SOP Instance UIDs of its own in one study; by SOP Instance UID. */
    static Map<String, CodecSamples.Sample> storeCodecSamples(String prefix, long seed, java.util.function.Predicate<String> which)
            throws Exception {
        Path dir = gen.resolve("codec-" + prefix);
        Map<String, Path> originals = CodecSamples.originals(dir.resolve("orig"), prefix, seed);
        Map<String, CodecSamples.Sample> bySop = new HashMap<>();
        int i = 0;
        for (CodecSamples.Sample s : CodecSamples.encoded(dir, originals)) {
            if (!which.test(s.name())) {
                continue;
            }
            Path f = dir.resolve("send-" + s.name() + ".dcm");
            String sop = CStoreTest.sopOf(s.original()) + "." + (++i);
            // dcmodify changes the UID without touching the (compressed) pixel data, and the meta header with it
            assertTrue(Dcmtk.run(List.of("dcmodify", "-nb", "-m", "(0008,0018)=" + sop, s.file().toString())).ok());
            Files.copy(s.file(), f, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            Dcmtk.Result r = Dcmtk.storescu(server.port(), proposeOnly(dir, s.transferSyntax()), List.of(f.toString()));
            assertTrue(r.ok() && r.output().contains("Received Store Response (Success)"), s.name() + ": " + r.output());
            bySop.put(sop, new CodecSamples.Sample(s.name(), f, s.original(), s.transferSyntax(), s.lossy()));
        }
        return bySop;
    }

    /** storescu proposing one transfer syntax for MR and Enhanced MR (gdcmconv makes multiframe MR Enhanced MR). */
    static List<String> proposeOnly(Path dir, String ts) throws Exception {
        Path cfg = dir.resolve("propose-" + ts + ".cfg");
        Files.writeString(cfg, "[[TransferSyntaxes]]\n[TS]\nTransferSyntax1 = " + ts + "\n"
                + "[[PresentationContexts]]\n[PC]\nPresentationContext1 = " + SyntheticStudies.MR_IMAGE_STORAGE + "\\TS\n"
                + "PresentationContext2 = " + SOPClass.EnhancedMRImageStorage + "\\TS\n"
                + "[[Profiles]]\n[P]\nPresentationContexts = PC\n");
        return List.of("-xf", cfg.toString(), "P");
    }

    static String missing(Map<String, CodecSamples.Sample> stored, List<Path> got) throws Exception {
        Map<String, CodecSamples.Sample> m = new HashMap<>(stored);
        for (Path p : got) {
            m.remove(CStoreTest.sopOf(p));
        }
        StringBuilder b = new StringBuilder("missing:");
        m.forEach((k, v) -> b.append(' ').append(v.name()).append('=').append(k));
        return b.append('\n').toString();
    }

    static String studyOf(Path file) throws Exception {
        AttributeList a = new AttributeList();
        a.read(file.toFile(), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrEmptyString(a, TagFromName.StudyInstanceUID);
    }

    /** The pixels an instance must arrive with: the original's if lossless, else what GDCM decodes of the stored file. */
    static byte[] expectedPixels(CodecSamples.Sample s) throws Exception {
        return CodecSamples.nativePixels(s.lossy() ? CodecSamples.gdcmRaw(s.file(), gen.resolve("ref-" + s.name() + ".dcm"))
                : s.original());
    }

    @Test
    void everyStoredSyntaxReachesAnUncompressedOnlyDestinationWithItsPixels() throws Exception {
        Map<String, CodecSamples.Sample> stored = storeCodecSamples("RTS", 1201, n -> true);
        String study = studyOf(stored.values().iterator().next().file());
        empty("DEST");
        Dcmtk.Result r = movescu("-S", "DEST", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + study);
        assertTrue(r.output().contains("(Success)"), r.output());
        List<Path> got = received("DEST");
        assertEquals(stored.size(), got.size(), missing(stored, got) + r.output());
        for (Path p : got) {
            CodecSamples.Sample s = stored.get(CStoreTest.sopOf(p));
            String ts = CodecSamples.transferSyntaxOf(p);
            // storescp's default: the three uncompressed syntaxes (big endian only as stored)
            assertTrue(ts.equals("1.2.840.10008.1.2.1") || ts.equals("1.2.840.10008.1.2")
                    || ts.equals(s.transferSyntax()) && ts.equals("1.2.840.10008.1.2.2"), s.name() + " came in " + ts);
            assertArrayEquals(expectedPixels(s), CodecSamples.nativePixels(p), s.name() + ": pixels");
        }
    }

    @Test
    void cGetToARequesterThatTakesOnlyJpegLsGetsLosslessJpegLsAndNeverLossy() throws Exception {
        Map<String, CodecSamples.Sample> stored = storeCodecSamples("RJL", 1202,
                n -> Set.of("j2k-lossless", "rle-16bit", "explicit", "rle-multiframe", "j2k-lossy").contains(n));
        String study = studyOf(stored.values().iterator().next().file());
        Path got = gen.resolve("get-jls");
        Files.createDirectories(got);
        try (Stream<Path> old = Files.list(got)) {
            for (Path p : old.toList()) {
                Files.delete(p);
            }
        }
        Dcmtk.Result g = Dcmtk.run(List.of("getscu", "-v", "+v", "-S", "+xt", "-aec", "CAPSCP", "-aet", "GETSCU", "-od",
                got.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study, "127.0.0.1",
                String.valueOf(server.port())));
        List<Path> files;
        try (Stream<Path> s = Files.list(got)) {
            files = s.toList();
        }
        assertEquals(stored.size(), files.size(), missing(stored, files) + g.output());
        for (Path p : files) {
            CodecSamples.Sample s = stored.get(CStoreTest.sopOf(p));
            String ts = CodecSamples.transferSyntaxOf(p);
            // lossy J2K too: losslessly re-encoded, no second loss, and still marked lossy
            assertEquals("1.2.840.10008.1.2.4.80", ts, s.name() + "\n" + g.output());
            if (s.lossy()) {
                AttributeList a = new AttributeList();
                a.read(p.toFile(), TagFromName.PixelData);
                assertEquals("01", Attribute.getSingleStringValueOrNull(a, TagFromName.LossyImageCompression));
            }
            Path raw = CodecSamples.gdcmRaw(p, got.resolve(p.getFileName() + ".raw"));
            assertArrayEquals(expectedPixels(s), CodecSamples.nativePixels(raw), s.name() + ": pixels after JPEG-LS");
        }
    }

    @Test
    void renderCommandWritesAFrameOfEveryStoredSyntaxWithTheGivenWindow() throws Exception {
        Map<String, CodecSamples.Sample> stored = storeCodecSamples("RRN", 1204, n -> Set.of("j2k-lossless", "jpeg-ls-lossless",
                "jpeg-extended-12bit", "rle-multiframe", "j2k-lossless-multiframe", "jpeg-ls-near-lossless").contains(n));
        Path outDir = gen.resolve("render");
        for (Map.Entry<String, CodecSamples.Sample> e : stored.entrySet()) {
            CodecSamples.Sample s = e.getValue();
            int frame = s.name().contains("multiframe") ? 2 : 1;
            Path png = outDir.resolve(s.name() + ".png");
            Object[] r = XpacsTest.cli(server, "render", e.getKey(), "--frame", String.valueOf(frame), "--window", "1500,1000",
                    "--out", png.toString());
            assertEquals(0, r[0], s.name() + ": " + r[1]);
            java.awt.image.BufferedImage img = javax.imageio.ImageIO.read(png.toFile());
            assertEquals(48, img.getWidth());
            assertEquals(64, img.getHeight());
            byte[] px = expectedPixels(s);
            int n = 48 * 64;
            for (int i = 0; i < n; i += 5) {
                int v = (px[2 * ((frame - 1) * n + i)] & 0xff) | (px[2 * ((frame - 1) * n + i) + 1] & 0xff) << 8;
                // PS3.3 C.11.2.1.2.1 with c = 1500, w = 1000 (synthetic images: no rescale)
                double y = v <= 1500 - 0.5 - 499.5 ? 0 : v > 1500 - 0.5 + 499.5 ? 255 : ((v - 1499.5) / 999 + 0.5) * 255;
                int got = img.getRaster().getSample(i % 48, i / 48, 0);
                assertTrue(Math.abs(got - y) <= 1, s.name() + " pixel " + i + " value " + v + ": " + got + " not " + y);
            }
            assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(png)));
        }
        String sop = stored.keySet().iterator().next();
        Path jpg = outDir.resolve("thumb.jpg");
        assertEquals(0, XpacsTest.cli(server, "render", sop, "--size", "32", "--out", jpg.toString())[0]);
        java.awt.image.BufferedImage t = javax.imageio.ImageIO.read(jpg.toFile());
        assertEquals(32, Math.max(t.getWidth(), t.getHeight()));
        assertEquals(1, XpacsTest.cli(server, "render", sop, "--frame", "9", "--out", jpg.toString())[0]);
        assertEquals(1, XpacsTest.cli(server, "render", "1.2.3.999999", "--out", jpg.toString())[0]);
        assertEquals(2, XpacsTest.cli(server, "render", "../../etc/passwd", "--out", jpg.toString())[0]);
        assertEquals(2, XpacsTest.cli(server, "render", sop, "--out", outDir.resolve("x.gif").toString())[0]);
    }

    @Test
    void aRequesterThatTakesOnlyLossyJpegGetsNothingLossyMade() throws Exception {
        Map<String, CodecSamples.Sample> stored = storeCodecSamples("RLY", 1203,
                n -> Set.of("j2k-lossless", "explicit", "j2k-lossy").contains(n));
        String study = studyOf(stored.values().iterator().next().file());
        Path got = gen.resolve("get-lossy");
        Files.createDirectories(got);
        try (LogCapture log = new LogCapture()) {
            // getscu +xy proposes JPEG baseline first for the storage sub-operations, and the server takes it
            Dcmtk.Result g = Dcmtk.run(List.of("getscu", "-v", "+v", "-S", "+xy", "-aec", "CAPSCP", "-aet", "GETSCU", "-od",
                    got.toString(), "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + study, "127.0.0.1",
                    String.valueOf(server.port())));
            try (Stream<Path> s = Files.list(got)) {
                assertEquals(0, s.count(), g.output());
            }
            assertTrue(g.output().contains("Number of Failed Suboperations    : 3"), g.output());
            assertEquals(3, log.matching("WARN", "without loss").size(), log.lines().toString());
        }
    }

    @Test
    void aDestinationThatIsDownFailsTheMoveAndTheServerKeepsServing() throws Exception {
        String st = study.studies().get(0).studyInstanceUid();
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = movescu("-S", "DOWN", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + st);
            assertFalse(r.output().contains("(Success)"), r.output());
            assertTrue(r.output().contains("Received Final Move Response (Refused: OutOfResourcesSubOperations)"), r.output());
            assertEquals(1, log.matching("WARN", "refused or unreachable").size(), log.lines().toString());
        }
        assertEquals(1, XpacsTest.cli(server, "ae", "echo", "DOWN")[0]);
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void aDestinationThatDisappearsMidMoveEndsItWithTheRightCounts() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("RDI").seriesPerStudy(3).imagesPerSeries(100)
                .seed(805).build().generate(gen.resolve("RDI"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        int port = TestDatabase.freePort();
        Path dir = gen.resolve("inbox-DIES");
        if (Files.exists(dir)) {
            ProcessLifecycleTest.deleteTree(dir);
        }
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder("storescp", "-aet", "DIES", "-od", dir.toString(), String.valueOf(port))
                .redirectErrorStream(true).redirectOutput(gen.resolve("storescp-DIES.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        Process dies = pb.start();
        assertEquals(0, XpacsTest.cli(server, "ae", "add", "DIES", "127.0.0.1", String.valueOf(port))[0]);
        BadInputTest.waitForLong(() -> (int) XpacsTest.cli(server, "ae", "echo", "DIES")[0] == 0, 15);
        java.util.concurrent.Future<Dcmtk.Result> move = java.util.concurrent.Executors.newSingleThreadExecutor().submit(
                () -> movescu("-S", "DIES", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + g.studies().get(0).studyInstanceUid()));
        try (LogCapture log = new LogCapture()) {
            BadInputTest.waitForLong(() -> {
                try (Stream<Path> s = Files.list(dir)) {
                    return s.count() >= 20;
                } catch (Exception e) {
                    return false;
                }
            }, 30);
            dies.destroyForcibly();
            Dcmtk.Result r = move.get();
            // some went, the rest failed with the association: a warning, not a success
            assertTrue(r.output().contains("Received Final Move Response (Warning"), r.output());
            assertTrue(log.matching("WARN", "association to the destination lost").size() == 1, log.lines().toString());
        }
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void aMissingOrDamagedFileIsAFailedSubOperation() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("RMI").imagesPerSeries(4).seed(803).build()
                .generate(gen.resolve("RMI"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        String st = g.studies().get(0).studyInstanceUid();
        String missing = CStoreTest.sopOf(g.files().get(1));
        String damaged = CStoreTest.sopOf(g.files().get(2));
        for (String sop : List.of(missing, damaged)) {
            Map<String, Object> f = server.rows("SELECT f.filepath, fs.dirpath FROM {pacs}.files f JOIN {pacs}.instance i "
                    + "ON i.pk = f.instance_fk JOIN {pacs}.filesystem fs ON fs.pk = f.filesystem_fk WHERE i.sop_iuid = ?",
                    sop).get(0);
            Path p = Path.of((String) f.get("dirpath")).resolve((String) f.get("filepath"));
            if (sop.equals(missing)) {
                Files.delete(p);
            } else {
                byte[] b = Files.readAllBytes(p);
                b[b.length - 10] ^= 0x55; // same size, other content
                Files.write(p, b);
            }
        }
        try (ServerFixture checking = server.siblingWith(Map.of(Option.VERIFY_MD5, "true")); LogCapture log = new LogCapture()) {
            empty("DEST");
            List<String> c = new ArrayList<>(List.of("movescu", "-v", "-S", "-aec", "CAPSCP", "-aem", "DEST",
                    "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + st, "127.0.0.1",
                    String.valueOf(checking.port())));
            Dcmtk.Result r = Dcmtk.run(c);
            assertTrue(r.output().contains("Warning"), r.output());
            assertEquals(2, received("DEST").size());
            assertEquals(1, log.matching("WARN", "file missing").size(), log.lines().toString());
            assertEquals(1, log.matching("WARN", "is damaged: MD5").size(), log.lines().toString());
        }
        // without the MD5 check only the missing one fails
        empty("DEST");
        Dcmtk.Result r = movescu("-S", "DEST", "QueryRetrieveLevel=STUDY", "StudyInstanceUID=" + st);
        assertTrue(r.output().contains("Warning"), r.output());
        assertEquals(3, received("DEST").size());
    }

    @Test
    void cancelStopsTheSubOperationsWithTheCountsSoFar() throws Exception {
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("RCA").seriesPerStudy(2).imagesPerSeries(5)
                .seed(804).build().generate(gen.resolve("RCA"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        empty("SLOW");
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        String model = "1.2.840.10008.5.1.4.1.2.2.2";
        pcs.add(new PresentationContext((byte) 1, model, TransferSyntax.ImplicitVRLittleEndian));
        Association a = AssociationFactory.createNewAssociation("127.0.0.1", server.port(), "CAPSCP", "CANCELSCU", pcs,
                null, false);
        AttributeList id = new AttributeList();
        CodeStringAttribute level = new CodeStringAttribute(TagFromName.QueryRetrieveLevel);
        level.addValue("STUDY");
        id.put(level.getTag(), level);
        UniqueIdentifierAttribute uid = new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID);
        uid.addValue(g.studies().get(0).studyInstanceUid());
        id.put(uid.getTag(), uid);
        ByteArrayOutputStream ib = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(ib, null, TransferSyntax.ImplicitVRLittleEndian);
        id.write(d);
        d.flush();
        CMoveRequestCommandMessage move = new CMoveRequestCommandMessage(model, "SLOW");
        a.send((byte) 1, move.getBytes(), ib.toByteArray());
        Responses first = new Responses();
        a.setReceivedDataHandler(first);
        a.waitForCommandPDataPDUs();
        assertEquals(0xFF00, first.getStatus(), "a pending response first");
        a.send((byte) 1, cancel(move.getMessageID()), null);
        int status;
        Responses last;
        do {
            last = new Responses();
            a.setReceivedDataHandler(last);
            a.waitForCommandPDataPDUs();
            status = last.getStatus();
        } while (status == 0xFF00);
        a.release();
        assertEquals(0xFE00, status);
        int completed = last.count(TagFromName.NumberOfCompletedSuboperations);
        int remaining = last.count(TagFromName.NumberOfRemainingSuboperations);
        assertTrue(completed > 0 && remaining > 0 && completed + remaining + last.count(TagFromName.NumberOfFailedSuboperations) == 10,
                "completed " + completed + ", remaining " + remaining);
        BadInputTest.waitForLong(() -> {
            try {
                return received("SLOW").size() == completed;
            } catch (Exception e) {
                return false;
            }
        }, 10);
    }

    static byte[] cancel(int messageId) throws Exception {
        AttributeList c = new AttributeList();
        UnsignedShortAttribute f = new UnsignedShortAttribute(TagFromName.CommandField);
        f.addValue(0x0FFF);
        c.put(f.getTag(), f);
        UnsignedShortAttribute m = new UnsignedShortAttribute(TagFromName.MessageIDBeingRespondedTo);
        m.addValue(messageId);
        c.put(m.getTag(), m);
        UnsignedShortAttribute t = new UnsignedShortAttribute(TagFromName.CommandDataSetType);
        t.addValue(0x0101);
        c.put(t.getTag(), t);
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(body, null, TransferSyntax.ImplicitVRLittleEndian);
        c.write(d);
        d.flush();
        com.pixelmed.dicom.UnsignedLongAttribute gl = new com.pixelmed.dicom.UnsignedLongAttribute(new AttributeTag(0, 0));
        gl.addValue(body.size());
        c.put(gl.getTag(), gl);
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        d = new DicomOutputStream(all, null, TransferSyntax.ImplicitVRLittleEndian);
        c.write(d);
        d.flush();
        return all.toByteArray();
    }

    static final class Responses extends CompositeResponseHandler {
        AttributeList command;

        Responses() {
            allowData = true;
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            command = list;
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, -1);
            success = status == 0;
        }

        int count(AttributeTag t) {
            return Attribute.getSingleIntegerValueOrDefault(command, t, 0);
        }
    }
}
