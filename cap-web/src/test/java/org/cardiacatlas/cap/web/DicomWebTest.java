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
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.james.mime4j.stream.EntityState;
import org.apache.james.mime4j.stream.MimeConfig;
import org.apache.james.mime4j.stream.MimeTokenStream;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.codec.Codec;
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
                // PS3.18 Table 10.6.3-3: the study attributes of every answer
                for (String t : List.of("00080020", "00080030", "00080050", "00080061", "00080090", "00100010",
                        "00100020", "00100030", "00100040", "0020000D", "00200010", "00201206", "00201208")) {
                    assertTrue(n.has(t), t + " in " + n);
                }
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
        // PS3.18 Table 10.6.3-4: the series attributes of every answer, and not the study's
        for (String t : List.of("00080060", "0008103E", "0020000E", "00200011", "00201209", "00400275")) {
            assertTrue(series.get(0).has(t), t + " in " + series.get(0));
        }
        assertTrue(!series.get(0).has("00100010"), "no patient attributes below a given study");
        assertEquals(3, series.get(0).path("00201209").path("Value").get(0).asInt());
        assertEquals("MR", series.get(0).path("00080060").path("Value").get(0).asText());
        JsonNode inst = json(f.get("/dicom-web/studies/" + study + "/series/" + studies.get(0).seriesInstanceUids()
                .get(0) + "/instances?includefield=00280030", f.admin(), null));
        assertEquals(3, inst.size());
        // PS3.18 Table 10.6.3-5: the instance attributes of every answer
        for (String t : List.of("00080016", "00080018", "00200013", "00280010", "00280011", "00280100")) {
            assertTrue(inst.get(0).has(t), t + " in " + inst.get(0));
        }
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


    // ---- a known image, stored by STOW-RS into its study's path: as it is, and in JPEG 2000 ----

    static final String J2K_LOSSLESS = "1.2.840.10008.1.2.4.90";
    static String knownStudy;
    static String knownSeries;
    static String knownSop;
    static String knownJ2kSop;
    static byte[] knownJ2kPart10;
    static HttpResponse<byte[]> knownStow;

    /**
     * 16 x 16, 0 on the left half and 1000 on the right, in a study of its own (patient KNW...);
     * a second instance holds the same pixels stored as JPEG 2000 lossless (made by the codec unit).
     */
    static synchronized void storeKnownImages() throws Exception {
        if (knownStow != null) {
            return;
        }
        AttributeList l = new AttributeList();
        l.read(files.get(0).toFile());
        knownStudy = newUid();
        knownSeries = newUid();
        knownSop = newUid();
        knownJ2kSop = newUid();
        l.get(TagFromName.StudyInstanceUID).setValue(knownStudy);
        l.get(TagFromName.SeriesInstanceUID).setValue(knownSeries);
        l.get(TagFromName.SOPInstanceUID).setValue(knownSop);
        l.get(TagFromName.PatientID).setValue("KNW0000101");
        l.get(TagFromName.PatientName).setValue("Known^Image");
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
        ByteArrayOutputStream plain = new ByteArrayOutputStream();
        l.write(plain, TransferSyntax.ExplicitVRLittleEndian, true, true);

        l.get(TagFromName.SOPInstanceUID).setValue(knownJ2kSop);
        l.get(TagFromName.InstanceNumber).setValue(2);
        l.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "TEST");
        Path le = dir.resolve("known-j2k-source.dcm");
        l.write(le.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        ByteArrayOutputStream j2k = new ByteArrayOutputStream();
        new Codec().transcode(le, J2K_LOSSLESS, j2k, true);
        knownJ2kPart10 = j2k.toByteArray();
        knownStow = stow("/dicom-web/studies/" + knownStudy, curator(), List.of(plain.toByteArray(), knownJ2kPart10));
    }

    static String newUid() {
        return "2.25." + new java.math.BigInteger(UUID.randomUUID().toString().replace("-", ""), 16);
    }

    static String knownInstance(String sop) {
        return "/dicom-web/studies/" + knownStudy + "/series/" + knownSeries + "/instances/" + sop;
    }

    @Test
    void stowIntoTheStudyPath() throws Exception {
        storeKnownImages();
        assertEquals(200, knownStow.statusCode(), new String(knownStow.body()));
        JsonNode answer = JSON.readTree(knownStow.body());
        // PS3.18 10.5.3: the study's RetrieveURL, and one Referenced SOP item per instance
        assertTrue(answer.path("00081190").path("Value").get(0).asText().endsWith("/dicom-web/studies/" + knownStudy));
        assertEquals(2, answer.path("00081199").path("Value").size());
        assertTrue(answer.path("00081198").isMissingNode());
        // the JPEG 2000 instance is kept in its syntax, and comes back byte for byte
        List<Part> back = parts(f.get(knownInstance(knownJ2kSop), f.admin(), null));
        assertEquals("application/dicom; transfer-syntax=" + J2K_LOSSLESS, back.get(0).type());
        assertEquals(dataSetHex(knownJ2kPart10), dataSetHex(back.get(0).body()));
    }

    @Test
    void renderedAndThumbnails() throws Exception {
        storeKnownImages();
        String inst = knownInstance(knownSop);
        HttpResponse<byte[]> png = f.get(inst + "/rendered?window=500,1000", f.admin(), "image/png");
        assertEquals(200, png.statusCode(), new String(png.body()));
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(16, img.getWidth());
        assertEquals(16, img.getHeight());
        for (int x = 0; x < 16; x++) {
            assertEquals(x < 8 ? 0 : 255, img.getRaster().getSample(x, x, 0), "pixel " + x + "," + x);
        }
        // the same through the JPEG 2000 instance: decoded by the codec unit to the same pixels
        BufferedImage fromJ2k = ImageIO.read(new ByteArrayInputStream(f.get(knownInstance(knownJ2kSop)
                + "/rendered?window=500,1000", f.admin(), "image/png").body()));
        for (int x = 0; x < 16; x++) {
            assertEquals(img.getRaster().getSample(x, 3, 0), fromJ2k.getRaster().getSample(x, 3, 0));
        }
        // a window that puts both halves below its centre: all black (the window is applied)
        BufferedImage dark = ImageIO.read(new ByteArrayInputStream(f.get(inst + "/rendered?window=5000,10",
                f.admin(), "image/png").body()));
        assertEquals(0, dark.getRaster().getSample(15, 15, 0));

        HttpResponse<byte[]> jpeg = f.get(inst + "/frames/1/rendered", f.admin(), null);
        assertEquals("image/jpeg", jpeg.headers().firstValue("Content-Type").orElse(""));
        assertEquals((byte) 0xFF, jpeg.body()[0]);
        assertEquals((byte) 0xD8, jpeg.body()[1]);
        assertEquals(16, ImageIO.read(new ByteArrayInputStream(jpeg.body())).getWidth());

        // thumbnails at instance and frame level (PS3.18 10.4.1.1.4), scaled to the viewport
        HttpResponse<byte[]> thumb = f.get(inst + "/thumbnail", f.admin(), "image/png");
        assertEquals(200, thumb.statusCode(), new String(thumb.body()));
        assertEquals("image/png", thumb.headers().firstValue("Content-Type").orElse(""));
        assertEquals(16, ImageIO.read(new ByteArrayInputStream(thumb.body())).getWidth());
        HttpResponse<byte[]> frameThumb = f.get(inst + "/frames/1/thumbnail?viewport=8,8&window=500,1000", f.admin(),
                "image/png");
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(frameThumb.body()));
        assertEquals(8, small.getWidth());
        assertEquals(8, small.getHeight());
        assertEquals(0, small.getRaster().getSample(0, 0, 0));
        assertEquals(255, small.getRaster().getSample(7, 7, 0));
        assertEquals(404, f.get(inst + "/frames/2/thumbnail", f.admin(), null).statusCode());

        // study and series thumbnails: one image (the middle instance), as viewers show them
        SyntheticStudies.StudyInfo s = studies.get(1);
        HttpResponse<byte[]> studyThumb = f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/thumbnail?viewport=8,8",
                f.admin(), "image/png");
        assertEquals(200, studyThumb.statusCode(), new String(studyThumb.body()));
        assertTrue(ImageIO.read(new ByteArrayInputStream(studyThumb.body())).getHeight() <= 8);
        String series = "/dicom-web/studies/" + s.studyInstanceUid() + "/series/" + s.seriesInstanceUids().get(1);
        HttpResponse<byte[]> seriesThumb = f.get(series + "/thumbnail", f.admin(), null);
        assertEquals("image/jpeg", seriesThumb.headers().firstValue("Content-Type").orElse(""));
        BufferedImage st = ImageIO.read(new ByteArrayInputStream(seriesThumb.body()));
        assertEquals(24, st.getWidth());
        assertEquals(32, st.getHeight());

        // rendered series and study: one image per instance, multipart (PS3.18 10.4.1.1.3)
        List<Part> seriesParts = parts(f.get(series + "/rendered", f.admin(), null));
        assertEquals(3, seriesParts.size());
        List<Part> studyParts = parts(f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/rendered", f.admin(),
                "multipart/related; type=\"image/png\""));
        assertEquals(6, studyParts.size());
        for (Part p : studyParts) {
            assertEquals("image/png", p.type());
            BufferedImage i = ImageIO.read(new ByteArrayInputStream(p.body()));
            assertEquals(24, i.getWidth());
            assertEquals(32, i.getHeight());
        }
        assertEquals(406, f.get(inst + "/rendered", f.admin(), "application/pdf").statusCode());
        assertEquals(406, f.get(inst + "/thumbnail", f.admin(), "image/gif").statusCode());
    }

    @Test
    void framesInTheStoredSyntaxOrDecoded() throws Exception {
        storeKnownImages();
        String j2k = knownInstance(knownJ2kSop);
        // image/jp2: the stored JPEG 2000 frame itself (PS3.18 8.7.3.3.2), not re-encoded
        HttpResponse<byte[]> r = f.get(j2k + "/frames/1", f.admin(), "multipart/related; type=\"image/jp2\"");
        List<Part> parts = parts(r);
        assertEquals(1, parts.size());
        assertEquals("image/jp2; transfer-syntax=" + J2K_LOSSLESS, parts.get(0).type());
        byte[] frame = parts.get(0).body();
        assertEquals(0xFF4FFF51, java.nio.ByteBuffer.wrap(frame, 0, 4).getInt(), "a JPEG 2000 code stream");
        assertTrue(indexOf(knownJ2kPart10, frame) > 0, "the frame is the stored fragment");
        // application/octet-stream: decoded by the codec unit, the original pixels
        List<Part> raw = parts(f.get(j2k + "/frames/1", f.admin(),
                "multipart/related; type=\"application/octet-stream\""));
        assertEquals("application/octet-stream; transfer-syntax=1.2.840.10008.1.2.1", raw.get(0).type());
        byte[] b = raw.get(0).body();
        assertEquals(512, b.length);
        for (int i = 0; i < 256; i++) {
            assertEquals(i % 16 < 8 ? 0 : 1000, (b[2 * i] & 0xff) | (b[2 * i + 1] & 0xff) << 8, "pixel " + i);
        }
        // an uncompressed instance's frame as JPEG-LS: encoded by the codec unit
        List<Part> jls = parts(f.get(knownInstance(knownSop) + "/frames/1", f.admin(),
                "multipart/related; type=\"image/jls\""));
        assertEquals("image/jls; transfer-syntax=1.2.840.10008.1.2.4.80", jls.get(0).type());
        assertEquals((byte) 0xFF, jls.get(0).body()[0]);
        assertEquals((byte) 0xD8, jls.get(0).body()[1]);
        // several frames of a single-frame instance: the second does not exist
        assertEquals(404, f.get(j2k + "/frames/1,2", f.admin(), null).statusCode());
        assertEquals(406, f.get(j2k + "/frames/1", f.admin(), "multipart/related; type=\"image/jpx\"").statusCode());
        assertEquals(406, f.get(j2k + "/frames/1", f.admin(), "multipart/related; type=\"application/octet-stream\";"
                + " transfer-syntax=1.2.840.10008.1.2.4.50").statusCode());
        // bulk data of the JPEG 2000 instance: its pixels, uncompressed
        List<Part> bulk = parts(f.get(j2k + "/bulkdata/7FE00010", f.admin(), null));
        assertArrayEquals(b, bulk.get(0).body());
        assertEquals(404, f.get(j2k + "/bulkdata/00100010", f.admin(), null).statusCode());
    }

    @Test
    void metadataOfSeriesAndInXml() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(1);
        String series = "/dicom-web/studies/" + s.studyInstanceUid() + "/series/" + s.seriesInstanceUids().get(0);
        HttpResponse<byte[]> r = f.get(series + "/metadata", f.admin(), "application/dicom+json");
        assertEquals("application/dicom+json", r.headers().firstValue("Content-Type").orElse(""));
        JsonNode meta = json(r);
        assertEquals(3, meta.size());
        for (JsonNode m : meta) {
            // from the attribute blobs, every level: patient, study, series, instance
            AttributeList file = new AttributeList();
            String sop = m.path("00080018").path("Value").get(0).asText();
            file.read(fileOf(sop).toFile());
            assertEquals(Attribute.getSingleStringValueOrEmptyString(file, TagFromName.PatientID),
                    m.path("00100020").path("Value").get(0).asText());
            assertEquals(Attribute.getSingleStringValueOrEmptyString(file, TagFromName.StudyDescription),
                    m.path("00081030").path("Value").get(0).asText());
            assertEquals(Attribute.getSingleStringValueOrEmptyString(file, TagFromName.Manufacturer),
                    m.path("00080070").path("Value").get(0).asText());
            assertEquals(Attribute.getSingleIntegerValueOrDefault(file, TagFromName.InstanceNumber, -1),
                    m.path("00200013").path("Value").get(0).asInt());
            assertEquals(Attribute.getSingleStringValueOrEmptyString(file, TagFromName.SOPClassUID),
                    m.path("00080016").path("Value").get(0).asText());
            assertEquals("OW", m.path("7FE00010").path("vr").asText());
            assertTrue(m.path("7FE00010").path("BulkDataURI").asText().endsWith(sop + "/bulkdata/7FE00010"));
            assertTrue(m.path("7FE00010").path("Value").isMissingNode());
        }
        HttpResponse<byte[]> xml = f.get(series + "/metadata", f.admin(),
                "multipart/related; type=\"application/dicom+xml\"");
        List<Part> parts = parts(xml);
        assertEquals(3, parts.size());
        for (Part p : parts) {
            assertTrue(p.type().startsWith("application/dicom+xml"), p.type());
            String doc = new String(p.body(), StandardCharsets.UTF_8);
            assertTrue(doc.contains("<NativeDicomModel") && doc.contains("<BulkData uri=\"http://127.0.0.1:")
                    && doc.contains("keyword=\"SOPInstanceUID\""), doc);
        }
        assertEquals(406, f.get(series + "/metadata", f.admin(), "application/dicom").statusCode());
    }

    @Test
    void unknownUidsAre404AndBadParameters400WithAMessage() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(0);
        String st = "/dicom-web/studies/" + s.studyInstanceUid();
        String se = st + "/series/" + s.seriesInstanceUids().get(0);
        String unknown = "1.2.826.0.1.3680043.2.1125.999.1";
        String ui = se + "/instances/" + unknown;
        for (String path : List.of("/dicom-web/studies/" + unknown, "/dicom-web/studies/" + unknown + "/metadata",
                "/dicom-web/studies/" + unknown + "/rendered", "/dicom-web/studies/" + unknown + "/thumbnail",
                st + "/series/" + unknown, st + "/series/" + unknown + "/metadata", st + "/series/" + unknown
                        + "/rendered", st + "/series/" + unknown + "/thumbnail", ui, ui + "/metadata", ui + "/frames/1",
                ui + "/bulkdata/7FE00010", ui + "/rendered", ui + "/thumbnail", ui + "/frames/1/rendered",
                ui + "/frames/1/thumbnail", "/wado?requestType=WADO&studyUID=" + s.studyInstanceUid() + "&seriesUID="
                        + s.seriesInstanceUids().get(0) + "&objectUID=" + unknown + "&contentType=application/dicom")) {
            HttpResponse<byte[]> r = f.get(path, f.admin(), null);
            assertEquals(404, r.statusCode(), path);
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).startsWith("no such"), path + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
        // a QIDO search below an unknown study matches nothing: an empty answer, not an error
        assertEquals(0, json(f.get("/dicom-web/studies/" + unknown + "/series", f.admin(), null)).size());
        String[][] bad = {
            {"/dicom-web/studies?limit=ten", "limit"},
            {"/dicom-web/studies?offset=-3", "offset"},
            {"/dicom-web/studies?includefield=NoSuchThing", "NoSuchThing"},
            {"/dicom-web/studies?StudyInstanceUID=1.2.3&StudyInstanceUID=1.2.4", "more than once"},
            {"/dicom-web/studies/1.2.x/metadata", "not a valid UID"},
            {se + "/instances/1.2..3", "not a valid UID"},
            {se + "/instances/" + unknown + "/frames/0", "frame"},
            {st + "/rendered?window=abc", "window"},
            {st + "/thumbnail?viewport=0,0", "viewport"},
            {"/wado?requestType=WADO&studyUID=1.2&seriesUID=1.3", "objectUID"},
            {"/wado?requestType=WADX&studyUID=1.2&seriesUID=1.3&objectUID=1.4", "requestType"},
        };
        for (String[] b : bad) {
            HttpResponse<byte[]> r = f.get(b[0], f.admin(), null);
            assertEquals(400, r.statusCode(), b[0]);
            assertTrue(r.headers().firstValue("Content-Type").orElse("").startsWith("text/plain"));
            assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains(b[1]), b[0] + ": "
                    + new String(r.body(), StandardCharsets.UTF_8));
        }
    }

    @Test
    void malformedMultipartIsRefusedAndTheServerServesOn() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            // a body without a single boundary line: no parts
            HttpRequest noParts = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                    .header("Authorization", curator()).header("Accept", "application/dicom+json")
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=xyz")
                    .POST(HttpRequest.BodyPublishers.ofString("this is not a multipart body\r\n")).build();
            HttpResponse<String> r = f.http.send(noParts, HttpResponse.BodyHandlers.ofString());
            assertEquals(400, r.statusCode(), r.body());
            assertTrue(r.body().contains("no parts"), r.body());
            // no boundary parameter
            HttpRequest noBoundary = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                    .header("Authorization", curator())
                    .header("Content-Type", "multipart/related; type=\"application/dicom\"")
                    .POST(HttpRequest.BodyPublishers.ofString("--xyz--\r\n")).build();
            assertEquals(415, f.http.send(noBoundary, HttpResponse.BodyHandlers.ofString()).statusCode());
            // a part of another type next to nothing else: refused with a failure reason
            String body = "--xyz\r\nContent-Type: text/plain\r\n\r\nhello\r\n--xyz--\r\n";
            HttpRequest wrongType = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                    .header("Authorization", curator()).header("Accept", "application/dicom+json")
                    .header("Content-Type", "multipart/related; boundary=xyz")
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build();
            HttpResponse<String> w = f.http.send(wrongType, HttpResponse.BodyHandlers.ofString());
            assertEquals(409, w.statusCode(), w.body());
            assertEquals(0xC000, JSON.readTree(w.body()).path("00081198").path("Value").get(0).path("00081197")
                    .path("Value").get(0).asInt());
            assertTrue(logs.log().stream().anyMatch(l -> l.contains("POST /dicom-web/studies -> 400: no parts")),
                    logs.log().toString());
        }
        assertEquals(200, f.get("/dicom-web/studies?PatientID=DWB*", f.admin(), null).statusCode());
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
    void stowAnswersInXmlOrJson() throws Exception {
        List<Path> in = SyntheticStudies.builder().prefix("STX").patients(1).sessionsPerPatient(1).seriesPerStudy(1)
                .imagesPerSeries(1).rows(8).columns(8).seed(15).build().writeTo(dir.resolve("stowx"));
        byte[] body = Files.readAllBytes(in.get(0));
        String boundary = "b" + UUID.randomUUID();
        byte[] multipart = ("--" + boundary + "\r\nContent-Type: application/dicom\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.write(multipart);
        b.write(body);
        b.write(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        java.util.function.Function<String, HttpRequest> post = accept -> HttpRequest.newBuilder(
                URI.create(f.url("/dicom-web/studies"))).header("Authorization", curator()).header("Accept", accept)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArray(b.toByteArray())).build();
        // PS3.18 10.5.3: one application/dicom+xml data set
        HttpResponse<String> xml = f.http.send(post.apply("application/dicom+xml"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, xml.statusCode(), xml.body());
        assertTrue(xml.headers().firstValue("Content-Type").orElse("").startsWith("application/dicom+xml"));
        assertTrue(xml.body().contains("<NativeDicomModel") && xml.body().contains("tag=\"00081199\"")
                && xml.body().contains("keyword=\"ReferencedSOPSequence\""), xml.body());
        // refused before anything is stored when the answer could not be given
        HttpResponse<String> png = f.http.send(post.apply("image/png"), HttpResponse.BodyHandlers.ofString());
        assertEquals(406, png.statusCode(), png.body());
        HttpResponse<String> json = f.http.send(post.apply("application/dicom+json"), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, json.statusCode(), json.body());
        assertEquals("application/dicom+json", json.headers().firstValue("Content-Type").orElse(""));
        assertEquals(1, JSON.readTree(json.body()).path("00081199").path("Value").size());
    }

    @Test
    void stowFailureReasonsAreTheOnesCStoreGets() throws Exception {
        // the same refused data sets through storescu (C-STORE) and STOW-RS: one store path, one status
        String[][] cases = {{"PatientID", "PAR" + "9".repeat(80)}, {"StudyInstanceUID", "1.2.abc"}};
        List<Integer> statuses = new ArrayList<>();
        for (String[] c : cases) {
            AttributeList l = new AttributeList();
            l.read(files.get(0).toFile());
            l.get(TagFromName.SOPInstanceUID).setValue(newUid());
            l.get(com.pixelmed.dicom.DicomDictionary.StandardDictionary.getTagFromName(c[0])).setValue(c[1]);
            l.removeMetaInformationHeaderAttributes();
            FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "TEST");
            Path bad = dir.resolve("bad-" + c[0] + ".dcm");
            l.write(bad.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);

            ProcessBuilder pb = new ProcessBuilder("storescu", "-d", "-aec", "CAPSCP", "127.0.0.1",
                    String.valueOf(f.dicomPort), bad.toString()).redirectErrorStream(true);
            pb.environment().put("TCP_NODELAY", "1");
            Process p = pb.start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS));
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("DIMSE Status\\s*:\\s*0x([0-9a-fA-F]{4})")
                    .matcher(out);
            assertTrue(m.find(), out);
            int cstore = Integer.parseInt(m.group(1), 16);
            assertTrue(cstore != 0, c[0] + " refused by C-STORE: " + out);

            HttpResponse<byte[]> r = stow("/dicom-web/studies", curator(), List.of(Files.readAllBytes(bad)));
            assertEquals(409, r.statusCode(), new String(r.body()));
            assertEquals(cstore, JSON.readTree(r.body()).path("00081198").path("Value").get(0).path("00081197")
                    .path("Value").get(0).asInt(), c[0]);
            statuses.add(cstore);
        }
        // a value too long for its VR, and a UID that is not one (issue 10's checks)
        assertEquals(List.of(0xA900, 0xC000), statuses);
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

    @Test
    void wadoUriRendersTheKnownImageAndTranscodes() throws Exception {
        storeKnownImages();
        String q = "/wado?requestType=WADO&studyUID=" + knownStudy + "&seriesUID=" + knownSeries + "&objectUID=";
        // PS3.18 9.1.2: contentType, windowCenter/windowWidth, rows/columns, frameNumber
        HttpResponse<byte[]> png = f.get(q + knownSop + "&contentType=image/png&windowCenter=500&windowWidth=1000",
                f.admin(), null);
        assertEquals(200, png.statusCode(), new String(png.body()));
        assertEquals("image/png", png.headers().firstValue("Content-Type").orElse(""));
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.body()));
        assertEquals(16, img.getWidth());
        assertEquals(0, img.getRaster().getSample(3, 3, 0));
        assertEquals(255, img.getRaster().getSample(12, 3, 0));
        BufferedImage small = ImageIO.read(new ByteArrayInputStream(f.get(q + knownJ2kSop
                + "&contentType=image/jpeg&rows=8&columns=8&frameNumber=1", f.admin(), null).body()));
        assertEquals(8, small.getWidth());
        assertEquals(8, small.getHeight());
        assertEquals(404, f.get(q + knownSop + "&frameNumber=2", f.admin(), null).statusCode());
        // a list of types: the first that can be given
        assertEquals("image/png", f.get(q + knownSop + "&contentType=image/gif,image/png", f.admin(), null).headers()
                .firstValue("Content-Type").orElse(""));
        assertEquals(406, f.get(q + knownSop + "&contentType=application/pdf", f.admin(), null).statusCode());
        // application/dicom as stored, or in the transfer syntax asked (through the codec unit)
        HttpResponse<byte[]> stored = f.get(q + knownJ2kSop + "&contentType=application/dicom", f.admin(), null);
        assertEquals(dataSetHex(knownJ2kPart10), dataSetHex(stored.body()));
        assertEquals(String.valueOf(stored.body().length), stored.headers().firstValue("Content-Length").orElse(""));
        HttpResponse<byte[]> le = f.get(q + knownJ2kSop + "&contentType=application/dicom&transferSyntax="
                + EXPLICIT_LE, f.admin(), null);
        assertEquals(200, le.statusCode(), new String(le.body()));
        AttributeList l = new AttributeList();
        l.read(new DicomInputStream(new ByteArrayInputStream(le.body())));
        assertEquals(EXPLICIT_LE, Attribute.getSingleStringValueOrEmptyString(l, TagFromName.TransferSyntaxUID));
        short[] px = l.get(TagFromName.PixelData).getShortValues();
        assertEquals(0, px[0]);
        assertEquals(1000, px[15]);
        assertEquals(406, f.get(q + knownJ2kSop + "&contentType=application/dicom&transferSyntax=1.2.3.4", f.admin(),
                null).statusCode());
    }

    static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";

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
        Map<String, String> keys = new java.util.LinkedHashMap<>();
        keys.put(key, value);
        // this test's studies only, unless the key is the Patient ID itself
        keys.putIfAbsent("PatientID", "DWB*");
        return QidoParityTest.findscu("STUDY", "StudyInstanceUID", keys);
    }
}
