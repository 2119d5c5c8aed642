package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * An independent DICOMweb client: Orthanc (Debian orthanc + orthanc-dicomweb, installed by
 * bin/test) with this node in its DicomWeb "Servers"; its REST API queries (QIDO-RS), retrieves
 * (WADO-RS) and stores (STOW-RS) through the plugin.
 */
class OrthancTest {

    static final String PLUGIN = "/usr/share/orthanc/plugins/libOrthancDicomWeb.so";
    static WebFixture f;
    static Process orthanc;
    static int orthancPort;
    static List<SyntheticStudies.StudyInfo> studies;
    static Path dir;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void start() throws Exception {
        assertTrue(Files.exists(Path.of(PLUGIN)), "Orthanc's DICOMweb plugin (orthanc-dicomweb) is installed");
        f = WebFixture.shared();
        if (f.node.accounts().principal("orthanc-cur").isEmpty()) {
            f.node.accounts().add("orthanc-cur", Role.CURATOR, List.of(), "orthanc-pass-1", "test");
        }
        dir = Files.createTempDirectory(Path.of("target"), "orthanc").toAbsolutePath();
        SyntheticStudies s = SyntheticStudies.builder().prefix("ORQ").patients(1).sessionsPerPatient(1)
                .seriesPerStudy(2).imagesPerSeries(3).rows(16).columns(16).seed(21).build();
        studies = s.studies();
        f.storescu(s.writeTo(dir.resolve("in")));
        orthancPort = WebFixture.freePort();
        String node = "http://127.0.0.1:" + f.httpPort + "/dicom-web/";
        String config = "{\n"
                + "  \"Name\": \"CAPTEST\",\n"
                + "  \"StorageDirectory\": \"" + dir.resolve("storage") + "\",\n"
                + "  \"IndexDirectory\": \"" + dir.resolve("storage") + "\",\n"
                + "  \"HttpPort\": " + orthancPort + ",\n"
                + "  \"DicomPort\": " + WebFixture.freePort() + ",\n"
                + "  \"RemoteAccessAllowed\": false,\n"
                + "  \"AuthenticationEnabled\": false,\n"
                + "  \"Plugins\": [\"" + PLUGIN + "\"],\n"
                + "  \"DicomWeb\": {\n"
                + "    \"Enable\": true, \"Root\": \"/dicom-web/\",\n"
                + "    \"Servers\": {\n"
                + "      \"cap\": [\"" + node + "\", \"admin\", \"" + f.adminPassword + "\"],\n"
                + "      \"capstow\": [\"" + node + "\", \"orthanc-cur\", \"orthanc-pass-1\"],\n"
                + "      \"nopass\": [\"" + node + "\"]\n"
                + "    }\n"
                + "  }\n"
                + "}\n";
        Path cfg = dir.resolve("orthanc.json");
        Files.writeString(cfg, config);
        ProcessBuilder pb = new ProcessBuilder("Orthanc", cfg.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        orthanc = pb.start();
        long deadline = System.currentTimeMillis() + 60_000;
        while (true) {
            try {
                if (orthanc("GET", "/system", null).statusCode() == 200) {
                    break;
                }
            } catch (IOException e) {
                // not listening yet
            }
            if (!orthanc.isAlive() || System.currentTimeMillis() > deadline) {
                throw new IllegalStateException("Orthanc did not start: " + Files.readString(dir.resolve("orthanc.log")));
            }
            Thread.sleep(200);
        }
    }

    @AfterAll
    static void stop() throws Exception {
        if (orthanc != null) {
            orthanc.destroy();
            orthanc.waitFor();
        }
    }

    @Test
    void orthancQueriesRetrievesAndStoresThroughDicomWeb() throws Exception {
        SyntheticStudies.StudyInfo s = studies.get(0);
        // QIDO-RS
        HttpResponse<String> q = orthanc("POST", "/dicom-web/servers/cap/get",
                "{\"Uri\": \"/studies\", \"Arguments\": {\"PatientID\": \"ORQ*\"}}");
        assertEquals(200, q.statusCode(), q.body());
        JsonNode found = JSON.readTree(q.body());
        assertEquals(1, found.size());
        assertEquals(s.studyInstanceUid(), found.get(0).path("0020000D").path("Value").get(0).asText());
        // without credentials the node refuses Orthanc too
        HttpResponse<String> refused = orthanc("POST", "/dicom-web/servers/nopass/get", "{\"Uri\": \"/studies\"}");
        assertTrue(refused.statusCode() >= 400, refused.statusCode() + " " + refused.body());

        // WADO-RS: Orthanc retrieves the study into its own storage
        HttpResponse<String> r = orthanc("POST", "/dicom-web/servers/cap/retrieve",
                "{\"Resources\": [{\"Study\": \"" + s.studyInstanceUid() + "\"}]}");
        assertEquals(200, r.statusCode(), r.body());
        JsonNode lookup = JSON.readTree(orthanc("POST", "/tools/lookup", s.studyInstanceUid()).body());
        assertEquals(1, lookup.size(), "Orthanc holds the study");
        String orthancStudy = lookup.get(0).path("ID").asText();
        JsonNode instances = JSON.readTree(orthanc("GET", "/studies/" + orthancStudy + "/instances", null).body());
        assertEquals(6, instances.size());
        Set<String> theirs = new TreeSet<>();
        for (JsonNode i : instances) {
            theirs.add(i.path("MainDicomTags").path("SOPInstanceUID").asText());
        }
        Set<String> ours = new TreeSet<>();
        for (JsonNode i : DicomWebTest.json(f.get("/dicom-web/studies/" + s.studyInstanceUid() + "/instances",
                f.admin(), null))) {
            ours.add(i.path("00080018").path("Value").get(0).asText());
        }
        assertEquals(ours, theirs);

        // STOW-RS: a study that only Orthanc has goes to the node through the plugin
        Path extra = dir.resolve("extra");
        List<Path> files = SyntheticStudies.builder().prefix("ORS").patients(1).sessionsPerPatient(1)
                .seriesPerStudy(1).imagesPerSeries(2).rows(16).columns(16).seed(22).build().writeTo(extra);
        String newStudy = null;
        for (Path p : files) {
            HttpResponse<String> up = orthancBytes("/instances", Files.readAllBytes(p));
            assertEquals(200, up.statusCode(), up.body());
            newStudy = JSON.readTree(up.body()).path("ParentStudy").asText();
        }
        HttpResponse<String> stow = orthanc("POST", "/dicom-web/servers/capstow/stow",
                "{\"Resources\": [\"" + newStudy + "\"]}");
        assertEquals(200, stow.statusCode(), stow.body());
        JsonNode stowed = DicomWebTest.json(f.get("/dicom-web/instances?PatientID=ORS*", f.admin(), null));
        assertEquals(2, stowed.size());
    }

    static HttpResponse<String> orthanc(String method, String path, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orthancPort + path))
                .timeout(Duration.ofSeconds(120));
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> orthancBytes(String path, byte[] body) throws IOException, InterruptedException {
        return f.http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + orthancPort + path))
                .timeout(Duration.ofSeconds(120)).POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
