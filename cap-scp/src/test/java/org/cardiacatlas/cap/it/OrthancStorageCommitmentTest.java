package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.pixelmed.dicom.SOPClass;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Storage commitment with an independent SCU: Orthanc 1.10 (Debian's {@code orthanc}) knows
 * this node as a modality, sends it a study, asks it for storage commitment through its REST
 * API ({@code /modalities/{id}/storage-commitment}) and receives the report on its own DICOM
 * port; the test reads what Orthanc received ({@code /storage-commitment/{uid}}).
 */
class OrthancStorageCommitmentTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    static ServerFixture server;
    static Process orthanc;
    static String base;
    static List<String[]> refs = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        server = ServerFixture.start(Map.of(Option.STGCMT_RETRY, "1"));
        Path dir = Path.of("target", "it", "orthanc-" + TestDatabase.freePort()).toAbsolutePath();
        Files.createDirectories(dir);
        int http = TestDatabase.freePort();
        int dicom = TestDatabase.freePort();
        ObjectNode cfg = JSON.createObjectNode();
        cfg.put("Name", "cap-test").put("StorageDirectory", dir.resolve("storage").toString())
                .put("IndexDirectory", dir.resolve("index").toString()).put("HttpPort", http).put("DicomPort", dicom)
                .put("DicomAet", "ORTHANC").put("RemoteAccessAllowed", false).put("AuthenticationEnabled", false)
                .put("DicomCheckCalledAet", true).put("HttpServerEnabled", true).put("DicomServerEnabled", true);
        ArrayNode cap = cfg.putObject("DicomModalities").putArray("cap");
        cap.add("CAPSCP").add("127.0.0.1").add(server.port());
        Path config = dir.resolve("orthanc.json");
        Files.writeString(config, JSON.writeValueAsString(cfg));
        ProcessBuilder pb = new ProcessBuilder("/usr/sbin/Orthanc", config.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("orthanc.log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        orthanc = pb.start();
        base = "http://127.0.0.1:" + http;
        BadInputTest.waitForLong(() -> {
            try {
                return get("/system").has("Version");
            } catch (Exception e) {
                return false;
            }
        }, 60);
        Object[] add = XpacsTest.cli(server, "ae", "add", "ORTHANC", "127.0.0.1", String.valueOf(dicom), "Orthanc");
        assertEquals(0, add[0], (String) add[1]);

        // the study goes into Orthanc by REST, and from Orthanc to the node by C-STORE
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("ORC").seriesPerStudy(2).imagesPerSeries(3)
                .seed(1515).build().generate(Path.of("target", "it", "gen-orthanc-stgcmt").toAbsolutePath());
        String study = null;
        for (Path p : g.files()) {
            JsonNode r = post("/instances", HttpRequest.BodyPublishers.ofFile(p));
            study = r.get("ParentStudy").asText();
            refs.add(new String[] {SOPClass.MRImageStorage, CStoreTest.sopOf(p)});
        }
        ObjectNode store = JSON.createObjectNode().put("Synchronous", true);
        store.putArray("Resources").add(study);
        post("/modalities/cap/store", HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(store)));
        assertEquals(refs.size(), server.count("instance"));
    }

    @AfterAll
    static void stop() {
        if (orthanc != null) {
            orthanc.destroy();
        }
        server.close();
    }

    static JsonNode get(String path) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                .build());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    static JsonNode post(String path, HttpRequest.BodyPublisher body) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .POST(body).build());
        assertEquals(200, r.statusCode(), r.body());
        return JSON.readTree(r.body());
    }

    /**
     * Orthanc closes an idle keep-alive connection on its side; the JDK client may send the next
     * request on it just then and read no bytes. Such a request is sent again (the requests here
     * are idempotent: an instance stored again is the same instance, a GET reads).
     */
    static HttpResponse<String> send(HttpRequest rq) throws Exception {
        for (int attempt = 1; ; attempt++) {
            try {
                return HTTP.send(rq, HttpResponse.BodyHandlers.ofString());
            } catch (java.io.IOException e) {
                if (attempt == 3 || !String.valueOf(e.getMessage()).contains("received no bytes")) {
                    throw e;
                }
            }
        }
    }

    /** Asks Orthanc to request storage commitment of these instances from the node; returns what it received. */
    static JsonNode commit(List<String[]> instances) throws Exception {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode list = body.putArray("DicomInstances");
        for (String[] i : instances) {
            list.addObject().put("SOPClassUID", i[0]).put("SOPInstanceUID", i[1]);
        }
        JsonNode job = post("/modalities/cap/storage-commitment",
                HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)));
        String path = job.get("Path").asText();
        JsonNode[] result = new JsonNode[1];
        BadInputTest.waitForLong(() -> {
            try {
                result[0] = get(path);
                return !"Pending".equals(result[0].get("Status").asText());
            } catch (Exception e) {
                return false;
            }
        }, 30);
        return result[0];
    }

    @Test
    void orthancGetsAllCommitted() throws Exception {
        JsonNode r = commit(refs);
        assertEquals("Success", r.get("Status").asText(), r.toString());
        assertEquals(refs.size(), r.get("Success").size(), r.toString());
        assertEquals(0, r.get("Failures").size(), r.toString());
        assertEquals("CAPSCP", r.get("RemoteAET").asText());
        assertEquals(refs.size(), ((Number) server.rows("SELECT COUNT(*) AS n FROM {pacs}.instance WHERE commitment")
                .get(0).get("n")).intValue());
    }

    @Test
    void orthancGetsTheFailureOfAnInstanceTheNodeDoesNotHave() throws Exception {
        List<String[]> r = new ArrayList<>(refs);
        r.add(new String[] {SOPClass.MRImageStorage, "2.25.1515000000000000001"});
        JsonNode got = commit(r);
        assertEquals("Failure", got.get("Status").asText(), got.toString());
        assertEquals(refs.size(), got.get("Success").size(), got.toString());
        assertEquals(1, got.get("Failures").size(), got.toString());
        JsonNode f = got.get("Failures").get(0);
        assertEquals("2.25.1515000000000000001", f.get("SOPInstanceUID").asText());
        assertEquals(0x0112, f.get("FailureReason").asInt(), f.toString());
        assertTrue(server.rows("SELECT pk FROM {pacs}.stgcmt_pending").isEmpty());
    }
}
