package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Every DICOMweb route through the JDK's HttpClient against the running node. */
class DicomWebTest {

    static WebFixture f;
    static final ObjectMapper JSON = new ObjectMapper();
    static List<SyntheticStudies.StudyInfo> studies;
    static List<Path> files;
    static Path dir;

    @BeforeAll
    static void fill() throws Exception {
        f = WebFixture.shared();
        dir = Files.createTempDirectory(Path.of("target"), "dicomweb");
        SyntheticStudies s = SyntheticStudies.builder().prefix("DWB").patients(2).sessionsPerPatient(1)
                .seriesPerStudy(2).imagesPerSeries(3).rows(32).columns(24).seed(11).build();
        studies = s.studies();
        files = s.writeTo(dir.resolve("in"));
        f.storescu(files);
        if (f.node.accounts().principal("curator1").isEmpty()) {
            f.node.accounts().add("curator1", Role.CURATOR, List.of(), "curator-pass-1", "test");
            f.node.accounts().add("reader1", Role.RESEARCHER, List.of(), "reader-pass-1", "test");
        }
    }

    static String curator() {
        return WebFixture.basic("curator1", "curator-pass-1");
    }

    // ---- QIDO-RS ----

    @Test
    void qidoMatchesAsCFind() throws Exception {
        // the same keys through C-FIND (findscu) and QIDO-RS give the same studies
        for (String[] keys : new String[][] {{"PatientID", "DWB*"}, {"PatientName", "Synthetic^Patient1*"},
                {"StudyDate", studies.get(0).studyDate().toString().replace("-", "") + "-"}}) {
            Set<String> byFind = findscu(keys[0], keys[1]);
            HttpResponse<byte[]> r = f.get("/dicom-web/studies?" + keys[0] + "=" + keys[1].replace("^", "%5E")
                    + (keys[0].equals("PatientID") ? "" : "&PatientID=DWB*"), f.admin(), "application/dicom+json");
            assertEquals(200, r.statusCode(), new String(r.body()));
            Set<String> byQido = new TreeSet<>();
            for (JsonNode n : JSON.readTree(r.body())) {
                byQido.add(n.path("0020000D").path("Value").get(0).asText());
                assertTrue(n.path("00081190").path("Value").get(0).asText().startsWith("http://127.0.0.1:"));
                assertEquals(6, n.path("00201208").path("Value").get(0).asInt());
            }
            assertTrue(!byQido.isEmpty());
            assertEquals(byFind, byQido, String.join("=", keys));
        }
    }

    @Test
    void qidoLevelsIncludefieldLimitOffset() throws Exception {
        String study = studies.get(0).studyInstanceUid();
        JsonNode series = json(f.get("/dicom-web/studies/" + study + "/series", f.admin(), null));
        assertEquals(2, series.size());
        assertEquals("MR", series.get(0).path("00080060").path("Value").get(0).asText());
        JsonNode inst = json(f.get("/dicom-web/studies/" + study + "/series/" + studies.get(0).seriesInstanceUids()
                .get(0) + "/instances?includefield=00280030", f.admin(), null));
        assertEquals(3, inst.size());
        assertEquals(32, inst.get(0).path("00280010").path("Value").get(0).asInt());
        assertTrue(inst.get(0).has("00280030"), "includefield PixelSpacing");
        assertEquals(6, json(f.get("/dicom-web/studies/" + study + "/instances", f.admin(), null)).size());
        assertEquals(4, json(f.get("/dicom-web/series?PatientID=DWB*", f.admin(), null)).size());
        assertEquals(12, json(f.get("/dicom-web/instances?PatientID=DWB*", f.admin(), null)).size());
        // includefield=all: every stored attribute, e.g. the manufacturer (a series attribute)
        JsonNode all = json(f.get("/dicom-web/instances?PatientID=DWB*&includefield=all&limit=1", f.admin(), null));
        assertEquals(SyntheticStudies.MANUFACTURER, all.get(0).path("00080070").path("Value").get(0).asText());
        // paging: a limit that cuts says so in a Warning header
        HttpResponse<byte[]> page = f.get("/dicom-web/instances?PatientID=DWB*&limit=5&offset=10", f.admin(), null);
        assertEquals(2, json(page).size());
        assertTrue(page.headers().firstValue("Warning").isEmpty());
        HttpResponse<byte[]> cut = f.get("/dicom-web/instances?PatientID=DWB*&limit=5", f.admin(), null);
        assertEquals(5, json(cut).size());
        assertTrue(cut.headers().firstValue("Warning").orElse("").startsWith("299"));
        // fuzzymatching (PS3.18 8.3.4.1): person name components match as prefixes, case and accents folded
        assertEquals(0, json(f.get("/dicom-web/studies?PatientID=DWB*&PatientName=synth%5Epatient1", f.admin(), null))
                .size());
        HttpResponse<byte[]> fuzzy = f.get("/dicom-web/studies?PatientID=DWB*&PatientName=synth%5Epatient1"
                + "&fuzzymatching=true", f.admin(), null);
        assertEquals(1, json(fuzzy).size());
        assertEquals(studies.get(0).studyInstanceUid(), json(fuzzy).get(0).path("0020000D").path("Value").get(0)
                .asText());
        assertTrue(fuzzy.headers().firstValue("Warning").isEmpty());
        assertEquals(2, json(f.get("/dicom-web/studies?PatientID=DWB*&PatientName=SYNTH%C3%89TIC%5Epat"
                + "&fuzzymatching=true", f.admin(), null)).size());
        assertEquals(3, json(f.get("/dicom-web/instances?PatientID=DWB*&PatientName=synth%5Epatient1"
                + "&fuzzymatching=true&SeriesInstanceUID=" + studies.get(0).seriesInstanceUids().get(0), f.admin(),
                null)).size());
        assertEquals(400, f.get("/dicom-web/studies?fuzzymatching=maybe", f.admin(), null).statusCode());
        // XML
        HttpResponse<byte[]> xml = f.get("/dicom-web/studies?PatientID=DWB*", f.admin(),
                "multipart/related; type=\"application/dicom+xml\"");
        assertEquals(200, xml.statusCode());
        assertTrue(xml.headers().firstValue("Content-Type").orElse("").startsWith("multipart/related"));
        assertEquals(2, parts(xml).size());
        String doc = new String(parts(xml).get(0).body(), StandardCharsets.UTF_8);
        assertTrue(doc.contains("<NativeDicomModel") && doc.contains("<DicomAttribute tag=\"00100010\" vr=\"PN\"")
                && doc.contains("<FamilyName>Synthetic</FamilyName>") && doc.contains("keyword=\"RetrieveURL\""), doc);
    }

    @Test
    void qidoBadInput() throws Exception {
        assertEquals(400, f.get("/dicom-web/studies?NoSuchKeyword=1", f.admin(), null).statusCode());
        assertEquals(400, f.get("/dicom-web/studies?limit=-1", f.admin(), null).statusCode());
        assertEquals(400, f.get("/dicom-web/studies?StudyDate=notadate", f.admin(), null).statusCode());
        assertEquals(400, f.get("/dicom-web/studies/1.2.3.abc/series", f.admin(), null).statusCode());
        assertEquals(406, f.get("/dicom-web/studies", f.admin(), "image/png").statusCode());
        HttpResponse<byte[]> sql = f.get("/dicom-web/studies?PatientID=%27%20OR%201=1%20--", f.admin(), null);
        assertEquals(200, sql.statusCode());
        assertEquals(0, json(sql).size());
    }

    // ---- WADO-RS ----

    @Test
    void wadoStudySeriesInstanceAreTheStoredDataSets() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(1);
        HttpResponse<byte[]> r = f.get("/dicom-web/studies/" + s.studyInstanceUid(), f.admin(),
                "multipart/related; type=\"application/dicom\"");
        assertEquals(200, r.statusCode(), new String(r.body()));
        List<Part> parts = parts(r);
        assertEquals(6, parts.size());
        Set<String> sent = new HashSet<>();
        for (Path file : files) {
            if (file.getParent().getFileName().toString().equals(s.patientId())) {
                sent.add(dataSetHex(Files.readAllBytes(file)));
            }
        }
        Set<String> got = new HashSet<>();
        for (Part p : parts) {
            assertTrue(p.type().startsWith("application/dicom; transfer-syntax=1.2.840.10008.1.2"), p.type());
            got.add(dataSetHex(p.body()));
        }
        assertEquals(sent, got, "the data sets come back byte for byte");
        assertEquals(3, parts(f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/series/"
                + s.seriesInstanceUids().get(1), f.admin(), null)).size());
        String sop = sopOf(parts.get(0).body());
        String series = seriesOf(parts.get(0).body());
        List<Part> one = parts(f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/series/" + series
                + "/instances/" + sop, f.admin(), "multipart/related; type=\"application/dicom\"; transfer-syntax=*"));
        assertEquals(1, one.size());
        assertArrayEquals(parts.get(0).body(), one.get(0).body());
        assertEquals(404, f.get("/dicom-web/studies/1.2.3.4.5.6.7", f.admin(), null).statusCode());
        assertEquals(406, f.get("/dicom-web/studies/" + s.studyInstanceUid(), f.admin(), "application/zip")
                .statusCode());
    }

    @Test
    void wadoTranscodesThroughTheCodec() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(0);
        String jpegLossless = "1.2.840.10008.1.2.4.70";
        HttpResponse<byte[]> r = f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/series/"
                + s.seriesInstanceUids().get(0), f.admin(),
                "multipart/related; type=\"application/dicom\"; transfer-syntax=" + jpegLossless);
        assertEquals(200, r.statusCode(), new String(r.body()));
        List<Part> parts = parts(r);
        assertEquals(3, parts.size());
        for (Part p : parts) {
            assertTrue(p.type().endsWith("transfer-syntax=" + jpegLossless), p.type());
            AttributeList l = new AttributeList();
            l.read(new DicomInputStream(new ByteArrayInputStream(p.body())));
            assertEquals(jpegLossless, Attribute.getSingleStringValueOrEmptyString(l, TagFromName.TransferSyntaxUID));
            // decompressed by PixelMed: the same pixels as the original
            Path original = fileOf(Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SOPInstanceUID));
            AttributeList o = new AttributeList();
            o.read(original.toFile());
            assertArrayEquals(o.get(TagFromName.PixelData).getShortValues(), l.get(TagFromName.PixelData).getShortValues());
        }
        assertEquals(406, f.get("/dicom-web/studies/" + s.studyInstanceUid(), f.admin(),
                "multipart/related; type=\"application/dicom\"; transfer-syntax=1.2.3.4").statusCode());
    }

    @Test
    void metadataFramesBulkdata() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(0);
        JsonNode meta = json(f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/metadata", f.admin(), null));
        assertEquals(6, meta.size());
        JsonNode first = meta.get(0);
        assertEquals(s.patientId(), first.path("00100020").path("Value").get(0).asText());
        assertEquals("Synthetic", first.path("00100010").path("Value").get(0).path("Alphabetic").asText()
                .split("\\^")[0]);
        String bulk = first.path("7FE00010").path("BulkDataURI").asText();
        assertTrue(bulk.endsWith("/bulkdata/7FE00010"), bulk);
        String sop = first.path("00080018").path("Value").get(0).asText();
        String series = first.path("0020000E").path("Value").get(0).asText();
        String inst = "/dicom-web/studies/" + s.studyInstanceUid() + "/series/" + series + "/instances/" + sop;
        assertEquals(1, json(f.get(inst + "/metadata", f.admin(), null)).size());

        AttributeList o = new AttributeList();
        o.read(fileOf(sop).toFile());
        short[] px = o.get(TagFromName.PixelData).getShortValues();
        HttpResponse<byte[]> fr = f.get(inst + "/frames/1", f.admin(),
                "multipart/related; type=\"application/octet-stream\"");
        assertEquals(200, fr.statusCode(), new String(fr.body()));
        List<Part> frames = parts(fr);
        assertEquals(1, frames.size());
        assertTrue(frames.get(0).type().startsWith("application/octet-stream"));
        assertEquals(32 * 24 * 2, frames.get(0).body().length);
        assertEquals(px[1], (short) ((frames.get(0).body()[2] & 0xff) | (frames.get(0).body()[3] & 0xff) << 8));
        assertEquals(404, f.get(inst + "/frames/2", f.admin(), null).statusCode());
        assertEquals(400, f.get(inst + "/frames/x", f.admin(), null).statusCode());
        List<Part> bd = parts(f.get(bulk.substring(bulk.indexOf("/dicom-web")), f.admin(), null));
        assertEquals(32 * 24 * 2, bd.get(0).body().length);
    }

    @Test
    void renderedAndThumbnails() throws Exception {
        // a known image: 16 x 16, 0 on the left half and 1000 on the right
        Path src = files.get(0);
        AttributeList l = new AttributeList();
        l.read(src.toFile());
        SyntheticStudies.StudyInfo s = studies.get(0);
        String sop = "2.25." + new java.math.BigInteger(UUID.randomUUID().toString().replace("-", ""), 16);
        l.get(TagFromName.SOPInstanceUID).setValue(sop);
        l.get(TagFromName.Rows).setValue(16);
        l.get(TagFromName.Columns).setValue(16);
        short[] px = new short[256];
        for (int i = 0; i < 256; i++) {
            px[i] = (short) (i % 16 < 8 ? 0 : 1000);
        }
        OtherWordAttribute pd = new OtherWordAttribute(TagFromName.PixelData);
        pd.setValues(px);
        l.put(pd);
        l.remove(TagFromName.WindowCenter);
        l.remove(TagFromName.WindowWidth);
        l.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        ByteArrayOutputStream part = new ByteArrayOutputStream();
        l.write(part, TransferSyntax.ExplicitVRLittleEndian, true, true);
        HttpResponse<byte[]> stow = stow("/dicom-web/studies", curator(), List.of(part.toByteArray()));
        assertEquals(200, stow.statusCode(), new String(stow.body()));
        String series = Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SeriesInstanceUID);
        String inst = "/dicom-web/studies/" + s.studyInstanceUid() + "/series/" + series + "/instances/" + sop;
        HttpResponse<byte[]> png = f.get(inst + "/rendered?window=500,1000", f.admin(), "image/png");
        assertEquals(200, png.statusCode(), new String(png.body()));
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(16, img.getWidth());
        assertEquals(16, img.getHeight());
        assertEquals(0, img.getRaster().getSample(0, 0, 0));
        assertEquals(255, img.getRaster().getSample(15, 15, 0));
        HttpResponse<byte[]> jpeg = f.get(inst + "/frames/1/rendered", f.admin(), null);
        assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElse(""));
        assertEquals((byte) 0xFF, jpeg.body()[0]);
        assertEquals((byte) 0xD8, jpeg.body()[1]);
        HttpResponse<byte[]> thumb = f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/thumbnail?viewport=8,8",
                f.admin(), "image/png");
        assertEquals(200, thumb.statusCode(), new String(thumb.body()));
        assertTrue(ImageIO.read(new ByteArrayInputStream(thumb.body())).getWidth() <= 8);
        HttpResponse<byte[]> series2 = f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/series/"
                + s.seriesInstanceUids().get(1) + "/rendered", f.admin(), null);
        assertEquals(3, parts(series2).size());
        assertEquals(406, f.get(inst + "/rendered", f.admin(), "application/pdf").statusCode());
    }

    // ---- STOW-RS ----

    @Test
    void stowThenWadoIsByteIdenticalAndBadPartsFailAlone() throws Exception {
        SyntheticStudies gen = SyntheticStudies.builder().prefix("STW").patients(1).sessionsPerPatient(1)
                .seriesPerStudy(1).imagesPerSeries(2).rows(16).columns(16).seed(5).build();
        List<Path> in = gen.writeTo(dir.resolve("stow"));
        List<byte[]> bodies = new ArrayList<>();
        bodies.add(Files.readAllBytes(in.get(0)));
        bodies.add("this is not DICOM".getBytes(StandardCharsets.US_ASCII));
        bodies.add(Files.readAllBytes(in.get(1)));
        assertEquals(403, stow("/dicom-web/studies", WebFixture.basic("reader1", "reader-pass-1"), bodies)
                .statusCode());
        HttpResponse<byte[]> r = stow("/dicom-web/studies", curator(), bodies);
        assertEquals(202, r.statusCode(), new String(r.body()));
        JsonNode answer = JSON.readTree(r.body());
        assertEquals(2, answer.path("00081199").path("Value").size());
        assertEquals(1, answer.path("00081198").path("Value").size());
        assertEquals(0xC000, answer.path("00081198").path("Value").get(0).path("00081197").path("Value").get(0).asInt());
        String url = answer.path("00081199").path("Value").get(0).path("00081190").path("Value").get(0).asText();
        HttpResponse<byte[]> back = f.get(url.substring(url.indexOf("/dicom-web")), f.admin(), null);
        assertEquals(dataSetHex(bodies.get(0)), dataSetHex(parts(back).get(0).body()));
        // the same again: stored again (identical content), no failure
        assertEquals(200, stow("/dicom-web/studies", curator(), List.of(bodies.get(0))).statusCode());
        // into another study's path: refused for that part
        HttpResponse<byte[]> wrong = stow("/dicom-web/studies/1.2.3.4.5", curator(), List.of(bodies.get(2)));
        assertEquals(409, wrong.statusCode());
        // not multipart
        HttpRequest plain = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                .header("Authorization", curator()).header("Content-Type", "application/dicom")
                .POST(HttpRequest.BodyPublishers.ofByteArray(bodies.get(0))).build();
        assertEquals(415, f.http.send(plain, HttpResponse.BodyHandlers.ofByteArray()).statusCode());
        // cut short inside the data set
        byte[] cut = java.util.Arrays.copyOf(bodies.get(2), bodies.get(2).length / 2);
        HttpResponse<byte[]> truncated = stow("/dicom-web/studies", curator(), List.of(cut));
        assertEquals(409, truncated.statusCode(), new String(truncated.body()));
    }

    @Test
    void stowRespectsCohorts() throws Exception {
        f.node.accounts().add("cur-other", Role.CURATOR, List.of("ZZZ"), "curator-pass-2", "test");
        SyntheticStudies gen = SyntheticStudies.builder().prefix("STC").patients(1).sessionsPerPatient(1)
                .seriesPerStudy(1).imagesPerSeries(1).rows(8).columns(8).seed(9).build();
        List<Path> in = gen.writeTo(dir.resolve("stowc"));
        HttpResponse<byte[]> r = stow("/dicom-web/studies", WebFixture.basic("cur-other", "curator-pass-2"),
                List.of(Files.readAllBytes(in.get(0))));
        assertEquals(409, r.statusCode());
        assertEquals(0x0124, JSON.readTree(r.body()).path("00081198").path("Value").get(0).path("00081197")
                .path("Value").get(0).asInt());
        // and nothing of that study is in the archive
        assertEquals(0, json(f.get("/dicom-web/studies?PatientID=STC*", f.admin(), null)).size());
    }

    // ---- WADO-URI ----

    @Test
    void wadoUri() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(0);
        HttpResponse<byte[]> meta = f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/series/"
                + s.seriesInstanceUids().get(0) + "/instances", f.admin(), null);
        String sop = json(meta).get(0).path("00080018").path("Value").get(0).asText();
        String q = "/wado?requestType=WADO&studyUID=" + s.studyInstanceUid() + "&seriesUID="
                + s.seriesInstanceUids().get(0) + "&objectUID=" + sop;
        HttpResponse<byte[]> dcm = f.get(q + "&contentType=application/dicom", f.admin(), null);
        assertEquals(200, dcm.statusCode());
        assertEquals("application/dicom", dcm.headers().firstValue("Content-Type").orElse(""));
        assertEquals(dataSetHex(Files.readAllBytes(fileOf(sop))), dataSetHex(dcm.body()));
        HttpResponse<byte[]> jpeg = f.get(q, f.admin(), null);
        assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElse(""));
        assertEquals(401, f.get(q, null, null).statusCode());
        assertEquals(400, f.get("/wado?requestType=WADO&studyUID=1.2", f.admin(), null).statusCode());
        assertEquals(404, f.get("/wado?requestType=WADO&studyUID=1.2&seriesUID=1.3&objectUID=1.4", f.admin(), null)
                .statusCode());
    }

    // ---- helpers ----

    record Part(String type, byte[] body) {
    }

    static List<Part> parts(HttpResponse<byte[]> r) throws Exception {
        assertEquals(200, r.statusCode(), new String(r.body()));
        String ct = r.headers().firstValue("Content-Type").orElseThrow();
        assertTrue(ct.startsWith("multipart/related"), ct);
        MimeTokenStream m = new MimeTokenStream(MimeConfig.custom().setMaxLineLen(-1).setMaxContentLen(-1).build());
        m.parseHeadless(new ByteArrayInputStream(r.body()), ct);
        List<Part> out = new ArrayList<>();
        String type = null;
        for (EntityState st = m.getState(); st != EntityState.T_END_OF_STREAM; st = m.next()) {
            if (st == EntityState.T_FIELD && m.getField().getName().equalsIgnoreCase("Content-Type")) {
                type = m.getField().getBody().trim();
            }
            if (st == EntityState.T_BODY) {
                out.add(new Part(type, m.getDecodedInputStream().readAllBytes()));
                type = null;
            }
        }
        return out;
    }

    static HttpResponse<byte[]> stow(String path, String auth, List<byte[]> parts) throws Exception {
        String boundary = "b" + UUID.randomUUID();
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            body.write(("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            body.write(p);
            body.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        body.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        HttpRequest rq = HttpRequest.newBuilder(URI.create(f.url(path))).timeout(Duration.ofSeconds(120))
                .header("Authorization", auth).header("Accept", "application/dicom+json")
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body.toByteArray())).build();
        return f.http.send(rq, HttpResponse.BodyHandlers.ofByteArray());
    }

    static JsonNode json(HttpResponse<byte[]> r) throws IOException {
        assertEquals(200, r.statusCode(), new String(r.body()));
        return JSON.readTree(r.body());
    }

    /** The bytes after the Part 10 meta group, as hex: what must come back unchanged. */
    static String dataSetHex(byte[] part10) {
        long gl = (part10[140] & 0xffL) | (part10[141] & 0xffL) << 8 | (part10[142] & 0xffL) << 16
                | (part10[143] & 0xffL) << 24;
        int start = (int) (144 + gl);
        return java.util.HexFormat.of().formatHex(part10, start, part10.length);
    }

    static String sopOf(byte[] part10) throws Exception {
        AttributeList l = new AttributeList();
        l.read(new DicomInputStream(new ByteArrayInputStream(part10)), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SOPInstanceUID);
    }

    static String seriesOf(byte[] part10) throws Exception {
        AttributeList l = new AttributeList();
        l.read(new DicomInputStream(new ByteArrayInputStream(part10)), TagFromName.PixelData);
        return Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SeriesInstanceUID);
    }

    static Path fileOf(String sop) throws Exception {
        for (Path p : files) {
            if (sopOf(Files.readAllBytes(p)).equals(sop)) {
                return p;
            }
        }
        throw new AssertionError("no file of " + sop);
    }

    /** The study UIDs C-FIND finds for one key (DCMTK findscu against the node's DICOM port). */
    static Set<String> findscu(String key, String value) throws Exception {
        List<String> c = List.of("findscu", "-S", "-aec", "CAPSCP", "-k", "QueryRetrieveLevel=STUDY", "-k",
                "StudyInstanceUID", "-k", key + "=" + value, "-k", "PatientID=DWB*", "127.0.0.1",
                String.valueOf(f.dicomPort));
        List<String> cmd = new ArrayList<>(c);
        if (key.equals("PatientID")) {
            cmd.remove(cmd.size() - 4);
            cmd.remove(cmd.size() - 4);
        }
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        p.waitFor(60, TimeUnit.SECONDS);
        Set<String> uids = new TreeSet<>();
        for (String line : out.split("\n")) {
            int i = line.indexOf("(0020,000d) UI [");
            if (i >= 0) {
                uids.add(line.substring(i + 16, line.indexOf(']', i)));
            }
        }
        return uids;
    }
}
