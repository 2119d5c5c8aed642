package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.InputStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * QIDO-RS and C-FIND are one query unit: on a filled archive (30 studies of 15 patients, 90
 * series, 180 instances) the same keys give the same matches through DCMTK's findscu on the
 * DICOM port and through the JDK's HttpClient on /dicom-web, at the study, series and
 * instance levels, for every kind of matching (PS3.4 C.2.2.2: single value, wild card, range,
 * list of UIDs, universal).
 */
class QidoParityTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;
    static WebFixture f;
    static List<SyntheticStudies.StudyInfo> studies;

    @BeforeAll
    static void fill() throws Exception {
        f = WebFixture.shared();
        Path dir = Files.createTempDirectory(Path.of("target"), "parity");
        SyntheticStudies s = SyntheticStudies.builder().prefix("PAR").patients(15).sessionsPerPatient(2)
                .seriesPerStudy(3).imagesPerSeries(2).rows(8).columns(8).seed(31).build();
        studies = s.studies();
        f.storescu(s.writeTo(dir.resolve("in")));
    }

    @Test
    void studyLevel() throws Exception {
        List<LocalDate> dates = new ArrayList<>();
        for (SyntheticStudies.StudyInfo s : studies) {
            dates.add(s.studyDate());
        }
        dates.sort(null);
        String range = dates.get(5).format(DA) + "-" + dates.get(20).format(DA);
        List<Map<String, String>> queries = List.of(
                keys("PatientID", "PAR*"),
                keys("PatientID", "PAR00001*"),
                keys("PatientName", "Synthetic^Patient1*"),
                keys("PatientName", "*ient?"),
                keys("PatientName", "synthetic^patient12"),
                keys("StudyDate", range),
                keys("StudyDate", "-" + dates.get(10).format(DA), "PatientSex", "F"),
                keys("StudyDate", dates.get(17).format(DA)),
                keys("PatientBirthDate", "19600101-"),
                keys("StudyTime", "0900-1200"),
                keys("AccessionNumber", "APAR0000?01"),
                keys("StudyID", "PAR0001*"),
                keys("ModalitiesInStudy", "MR"),
                keys("ModalitiesInStudy", "CT"),
                keys("StudyInstanceUID", studies.get(3).studyInstanceUid() + "\\" + studies.get(7).studyInstanceUid()),
                keys("PatientName", "Synthetic^Patient2", "StudyDate", range));
        int nonEmpty = 0;
        for (Map<String, String> asked : queries) {
            // this archive only: the other tests' studies share the node
            Map<String, String> k = new LinkedHashMap<>(asked);
            k.putIfAbsent("PatientID", "PAR*");
            Set<String> byFind = findscu("STUDY", "StudyInstanceUID", k);
            Set<String> byQido = qido("/dicom-web/studies", "0020000D", k);
            assertEquals(byFind, byQido, k.toString());
            if (!byFind.isEmpty()) {
                nonEmpty++;
            }
        }
        assertTrue(nonEmpty >= 13, "most queries match something: " + nonEmpty);
        assertEquals(30, findscu("STUDY", "StudyInstanceUID", keys("PatientID", "PAR*")).size());
    }

    @Test
    void seriesAndInstanceLevels() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(4);
        String study = s.studyInstanceUid();
        for (Map<String, String> k : List.of(keys(), keys("SeriesNumber", "2"), keys("SeriesDescription", "*slice 3"),
                keys("Modality", "MR"), keys("Modality", "CT"), keys("SeriesInstanceUID",
                        s.seriesInstanceUids().get(0) + "\\" + s.seriesInstanceUids().get(2)))) {
            Map<String, String> withStudy = new LinkedHashMap<>(k);
            withStudy.put("StudyInstanceUID", study);
            Set<String> byFind = findscu("SERIES", "SeriesInstanceUID", withStudy);
            Set<String> byQido = qido("/dicom-web/studies/" + study + "/series", "0020000E", k);
            assertEquals(byFind, byQido, k.toString());
        }
        String series = s.seriesInstanceUids().get(1);
        for (Map<String, String> k : List.of(keys(), keys("InstanceNumber", "2"), keys("SOPClassUID",
                "1.2.840.10008.5.1.4.1.1.4"), keys("InstanceNumber", "7"))) {
            Map<String, String> withSeries = new LinkedHashMap<>(k);
            withSeries.put("StudyInstanceUID", study);
            withSeries.put("SeriesInstanceUID", series);
            Set<String> byFind = findscu("IMAGE", "SOPInstanceUID", withSeries);
            Set<String> byQido = qido("/dicom-web/studies/" + study + "/series/" + series + "/instances", "00080018", k);
            assertEquals(byFind, byQido, k.toString());
        }
        assertEquals(3, findscu("SERIES", "SeriesInstanceUID", keys("StudyInstanceUID", study)).size());
    }

    static Map<String, String> keys(String... kv) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put(kv[i], kv[i + 1]);
        }
        return m;
    }

    /** The values of one attribute (tag as 8 hex digits) in a QIDO-RS answer to the keys. */
    static Set<String> qido(String path, String tag, Map<String, String> keys) throws Exception {
        StringBuilder q = new StringBuilder(path).append("?limit=1000");
        for (Map.Entry<String, String> e : keys.entrySet()) {
            // PS3.18 8.3.4.1: a list of UIDs is comma-separated in a query parameter
            String v = e.getKey().endsWith("UID") ? e.getValue().replace('\\', ',') : e.getValue();
            q.append('&').append(e.getKey()).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8));
        }
        HttpResponse<byte[]> r = f.get(q.toString(), f.admin(), "application/dicom+json");
        assertEquals(200, r.statusCode(), q + ": " + new String(r.body(), StandardCharsets.UTF_8));
        assertTrue(r.headers().firstValue("Warning").isEmpty(), q.toString());
        Set<String> out = new TreeSet<>();
        for (JsonNode n : JSON.readTree(r.body())) {
            out.add(n.path(tag).path("Value").get(0).asText());
        }
        return out;
    }

    /** The values of one UID attribute in the C-FIND answers (findscu, Study Root) to the keys, from the shared node. */
    static Set<String> findscu(String level, String returned, Map<String, String> keys) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("findscu", "-S", "-aec", "CAPSCP", "-k",
                "QueryRetrieveLevel=" + level));
        if (!keys.containsKey(returned)) {
            cmd.addAll(List.of("-k", returned));
        }
        for (Map.Entry<String, String> e : keys.entrySet()) {
            cmd.addAll(List.of("-k", e.getKey() + "=" + e.getValue()));
        }
        cmd.addAll(List.of("127.0.0.1", String.valueOf(WebFixture.shared().dicomPort)));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String out;
        try (InputStream in = p.getInputStream()) {
            out = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        String tag = switch (returned) {
            case "StudyInstanceUID" -> "(0020,000d) UI [";
            case "SeriesInstanceUID" -> "(0020,000e) UI [";
            default -> "(0008,0018) UI [";
        };
        Set<String> uids = new TreeSet<>();
        for (String line : out.split("\n")) {
            int i = line.indexOf(tag);
            if (i >= 0 && line.contains("]")) {
                uids.add(line.substring(i + tag.length(), line.indexOf(']', i)));
            }
        }
        return uids;
    }
}
