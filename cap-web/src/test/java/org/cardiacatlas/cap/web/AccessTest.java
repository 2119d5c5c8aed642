package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Accounts and access over HTTP: 401 without credentials, Basic, tokens, roles and cohorts in QIDO. */
class AccessTest {

    static WebFixture f;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void fill() throws Exception {
        f = WebFixture.shared();
        Path dir = Files.createTempDirectory(Path.of("target"), "access");
        // two cohorts: DET and MES
        List<Path> files = new java.util.ArrayList<>(SyntheticStudies.builder().prefix("ACD").patients(2)
                .sessionsPerPatient(1).seriesPerStudy(1).imagesPerSeries(2).rows(16).columns(16).build()
                .writeTo(dir.resolve("a")));
        files.addAll(SyntheticStudies.builder().prefix("ACM").patients(1).sessionsPerPatient(1).seriesPerStudy(1)
                .imagesPerSeries(2).rows(16).columns(16).seed(7).build().writeTo(dir.resolve("b")));
        f.storescu(files);
    }

    @Test
    void initialAdminPasswordFileIsPrivate() throws Exception {
        Path file = f.dataDir.resolve("initial-admin-password");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertTrue(f.adminPassword.length() >= 20);
    }

    @Test
    void userAddFromTheCommandLineWithAPasswordFile() throws Exception {
        Path pw = Files.createTempFile(Path.of("target"), "password", ".txt");
        Files.writeString(pw, "cli-password-42\n");
        String[] db = {"--db-url", WebFixture.dbUrl(), "--db-user", f.dbUser(), "--db-password", WebFixture.dbPassword(),
            "--pacs-schema", f.pacsSchema, "--data-dir", f.dataDir.toString()};
        // no role: refused with its usage, nothing created
        assertEquals(2, org.cardiacatlas.cap.server.Main.run(concat(new String[] {"user", "add", "cli-user",
            "--password-file", pw.toString()}, db)));
        assertEquals(401, f.get("/dicom-web/studies", WebFixture.basic("cli-user", "cli-password-42"), null)
                .statusCode());
        assertEquals(0, org.cardiacatlas.cap.server.Main.run(concat(new String[] {"user", "add", "cli-user", "--role",
            "researcher", "--cohorts", "ACM", "--password-file", pw.toString()}, db)));
        // the running node knows the account at once: Basic with the file's first line
        String cli = WebFixture.basic("cli-user", "cli-password-42");
        assertEquals(Set.of("ACM0000101"), patientIds(f.get("/dicom-web/studies", cli, null)));
        assertEquals(401, f.get("/dicom-web/studies", WebFixture.basic("cli-user", "cli-password-42\n"), null)
                .statusCode());
        assertEquals(Role.RESEARCHER, f.node.accounts().principal("cli-user").orElseThrow().role());
        // a researcher reads but does not store
        java.net.http.HttpRequest post = java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                f.url("/dicom-web/studies"))).header("Authorization", cli)
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=x")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("--x--\r\n")).build();
        assertEquals(403, f.http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
        // a new password from the command line ends the user's web app sessions, as in the app
        HttpResponse<String> login = f.http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(
                f.url("/login"))).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("username=cli-user&password=cli-password-42"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, login.statusCode(), login.body());
        String cookie = login.headers().firstValue("Set-Cookie").orElse("").split(";")[0];
        java.net.http.HttpRequest me = java.net.http.HttpRequest.newBuilder(java.net.URI.create(f.url("/api/me")))
                .header("Cookie", cookie).build();
        assertEquals(200, f.http.send(me, HttpResponse.BodyHandlers.ofString()).statusCode());
        Path pw2 = Files.createTempFile(Path.of("target"), "password", ".txt");
        Files.writeString(pw2, "cli-password-43\n");
        assertEquals(0, org.cardiacatlas.cap.server.Main.run(concat(new String[] {"user", "passwd", "cli-user",
            "--password-file", pw2.toString()}, db)));
        assertEquals(401, f.http.send(me, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    static String[] concat(String[] a, String[] b) {
        String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void refusedWithoutOrWithWrongCredentials() throws Exception {
        HttpResponse<byte[]> r = f.get("/dicom-web/studies", null, null);
        assertEquals(401, r.statusCode());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic"));
        assertEquals(401, f.get("/dicom-web/studies", WebFixture.basic("admin", "wrong-password"), null).statusCode());
        assertEquals(401, f.get("/dicom-web/studies", WebFixture.basic("nobody", "whatever1"), null).statusCode());
        assertEquals(401, f.get("/dicom-web/studies", "Bearer cap_notatoken", null).statusCode());
        assertEquals(401, f.get("/dicom-web/studies", "Digest x", null).statusCode());
        assertEquals(200, f.get("/dicom-web/studies", f.admin(), null).statusCode());
    }

    @Test
    void researcherSeesOnlyTheirCohortAndTokensAreRevocable() throws Exception {
        f.node.accounts().add("res-acd", Role.RESEARCHER, List.of("ACD"), "research-pass-1", "test");
        String researcher = WebFixture.basic("res-acd", "research-pass-1");
        assertEquals(Set.of("ACD0000101", "ACD0000201"), patientIds(f.get("/dicom-web/studies", researcher, null)));
        // the cohort limit and the query's own keys are one SQL: asking for the other cohort finds nothing
        assertEquals(Set.of(), patientIds(f.get("/dicom-web/studies?PatientID=ACM*", researcher, null)));
        assertEquals(Set.of("ACM0000101"), patientIds(f.get("/dicom-web/studies?PatientID=ACM*", f.admin(), null)));
        // series and instances too
        JsonNode inst = JSON.readTree(f.get("/dicom-web/instances", researcher, null).body());
        assertEquals(4, inst.size());

        String token = f.node.accounts().createToken("res-acd", "script", "test");
        assertTrue(token.startsWith("cap_"));
        assertEquals(2, patientIds(f.get("/dicom-web/studies", "Bearer " + token, null)).size());
        long id = f.node.accounts().tokens("res-acd").get(0).id();
        f.node.accounts().revokeToken("res-acd", id, "test");
        assertEquals(401, f.get("/dicom-web/studies", "Bearer " + token, null).statusCode());

        f.node.accounts().setPassword("res-acd", "research-pass-2", "test");
        assertEquals(401, f.get("/dicom-web/studies", researcher, null).statusCode());
        f.node.accounts().delete("res-acd", "test");
        assertEquals(401, f.get("/dicom-web/studies", WebFixture.basic("res-acd", "research-pass-2"), null).statusCode());
    }

    @Test
    void requestsAndLoginsAreAudited() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            f.get("/dicom-web/studies", WebFixture.basic("admin", "not-the-password"), null);
            f.get("/dicom-web/studies?StudyDate=20100101-", f.admin(), null);
            // the request's record is written when Jetty has finished the response, which may be
            // just after the client has read it
            long until = System.nanoTime() + 10_000_000_000L;
            while (logs.audit().stream().noneMatch(l -> l.contains("\"op\":\"HTTP\"") && l.contains("\"status\":\"200\""))
                    && System.nanoTime() < until) {
                Thread.sleep(50);
            }
            List<String> audit = logs.audit();
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"op\":\"LOGIN-FAILED\"") && l.contains("\"user\":\"admin\"")),
                    audit.toString());
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"op\":\"HTTP\"") && l.contains("\"status\":\"401\"")),
                    audit.toString());
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"op\":\"HTTP\"") && l.contains("\"status\":\"200\"")
                    && l.contains("\"user\":\"admin\"") && l.contains("\"path\":\"/dicom-web/studies\"")
                    && l.contains("\"bytes\":") && l.contains("\"millis\":")), audit.toString());
            assertTrue(logs.log().stream().anyMatch(l -> l.contains("GET /dicom-web/studies?StudyDate=20100101- 200")),
                    logs.log().toString());
            for (String l : logs.log()) {
                assertFalse(l.contains("not-the-password") || l.contains(f.adminPassword), l);
            }
            for (String l : audit) {
                assertFalse(l.contains("not-the-password") || l.contains(f.adminPassword), l);
            }
        }
    }

    static Set<String> patientIds(HttpResponse<byte[]> r) throws Exception {
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertEquals("application/dicom+json", r.headers().firstValue("Content-Type").orElse(""));
        Set<String> ids = new HashSet<>();
        for (JsonNode n : JSON.readTree(r.body())) {
            JsonNode v = n.path("00100020").path("Value");
            assertNotNull(v);
            ids.add(v.get(0).asText());
        }
        return ids;
    }
}
