package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The web app's REST API, ZIP downloads, login sessions and CSRF through the JDK's HttpClient:
 * what a script and the pages' requests see, role by role and cohort by cohort.
 */
class WebAppApiTest {

    static WebAppData d;
    static WebFixture f;
    static final ObjectMapper JSON = new ObjectMapper();

    @BeforeAll
    static void data() throws Exception {
        d = WebAppData.shared();
        f = d.f;
    }

    static JsonNode json(HttpResponse<byte[]> r) throws Exception {
        assertEquals("application/json", r.headers().firstValue("Content-Type").orElse(""), new String(r.body()));
        return JSON.readTree(r.body());
    }

    static Set<String> patientIds(JsonNode page) {
        Set<String> s = new TreeSet<>();
        page.path("items").forEach(n -> s.add(n.path("patientId").asText()));
        return s;
    }

    @Test
    void unauthenticatedRequestsAreRefused() throws Exception {
        HttpResponse<byte[]> r = f.get("/api/studies", null, null);
        assertEquals(401, r.statusCode());
        assertEquals("authentication required", json(r).path("error").asText());
        assertTrue(r.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        // a page sends the browser to the login form, and back afterwards
        HttpResponse<byte[]> page = f.get("/studies?PatientID=WAD*", null, null);
        assertEquals(303, page.statusCode());
        assertEquals("/login?next=%2Fstudies%3FPatientID%3DWAD*", page.headers().firstValue("Location").orElse(""));
        // changes without any credentials: refused, nothing done
        HttpResponse<String> post = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/api/account/tokens")))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{}")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, post.statusCode());
        HttpResponse<String> form = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/admin/users")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("name=intruder&role=admin&password=intruder-1")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(401, form.statusCode());
        assertTrue(form.body().contains("authentication required"), form.body());
        assertTrue(f.node.accounts().principal("intruder").isEmpty());
        // the OpenAPI file needs no login
        JsonNode api = json(f.get("/api/openapi.json", null, null));
        assertEquals("3.0.3", api.path("openapi").asText());
        for (String p : List.of("/api/studies", "/api/patients", "/api/studies/{study}", "/api/account/tokens",
                "/api/studies/{study}/zip", "/api/users", "/api/xpacs/patients/{id}", "/api/xpacs/patients/{id}/notes",
                "/api/xpacs/patients/{id}/notes/{note}", "/api/xpacs/patients/{id}/baseline/{rec}",
                "/api/xpacs/patients/{id}/models/{rec}", "/api/xpacs/patients/{id}/files/{rec}", "/api/admin/status", "/api/admin/audit", "/api/admin/aes")) {
            assertTrue(api.path("paths").has(p), p);
        }
    }

    @Test
    void loginSessionCookieAndCsrf() throws Exception {
        // the cookie: HttpOnly, SameSite, a new one per login
        HttpResponse<String> r = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + WebAppData.CURATOR + "&password="
                        + WebAppData.PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        String cookie = r.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(cookie.startsWith("CAPSESSION=") && cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
                cookie);
        // a wrong password: the form again with a readable message, no cookie
        HttpResponse<String> bad = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + WebAppData.CURATOR + "&password=wrong-pass-9"))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, bad.statusCode());
        assertTrue(bad.body().contains("Wrong user name or password."));
        assertTrue(bad.headers().firstValue("Set-Cookie").isEmpty());
        // a login posted from another site
        HttpResponse<String> cross = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded").header("Origin", "http://evil.example")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + WebAppData.CURATOR + "&password="
                        + WebAppData.PASSWORD)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(403, cross.statusCode());

        WebAppData.Session s = d.login(WebAppData.CURATOR);
        assertEquals("curator", JSON.readTree(s.get("/api/me").body()).path("role").asText());
        int before = f.node.accounts().tokens(WebAppData.CURATOR).size();
        // with the cookie but without the CSRF token (as a forged cross-site request would be): refused
        assertEquals(403, s.send("POST", "/api/account/tokens", "application/json", "{\"label\":\"x\"}", null)
                .statusCode());
        assertEquals(403, s.send("POST", "/api/account/tokens", "application/json", "{\"label\":\"x\"}", "wrong")
                .statusCode());
        HttpResponse<String> form = s.send("POST", "/account/tokens", "application/x-www-form-urlencoded", "label=x",
                null);
        assertEquals(403, form.statusCode());
        assertTrue(form.body().contains("security token (CSRF)"), form.body());
        assertEquals(before, f.node.accounts().tokens(WebAppData.CURATOR).size());
        // with it: done
        HttpResponse<String> ok = s.send("POST", "/account/tokens", "application/x-www-form-urlencoded",
                "label=form&_csrf=" + s.csrf, null);
        assertEquals(200, ok.statusCode());
        assertTrue(ok.body().contains("id=\"new-token\""));
        assertEquals(before + 1, f.node.accounts().tokens(WebAppData.CURATOR).size());

        // logout needs the token too, then the session is gone
        assertEquals(403, s.send("POST", "/logout", "application/x-www-form-urlencoded", "", null).statusCode());
        assertEquals(302, s.send("POST", "/logout", "application/x-www-form-urlencoded", "_csrf=" + s.csrf, null)
                .statusCode());
        assertEquals(401, s.get("/api/me").statusCode());
        assertEquals(303, s.get("/studies").statusCode());
    }

    @Test
    void tokensAreShownOnceAndRevocable() throws Exception {
        WebAppData.Session s = d.login(WebAppData.RESEARCHER);
        HttpResponse<String> c = s.send("POST", "/api/account/tokens", "application/json", "{\"label\":\"script\"}",
                s.csrf);
        assertEquals(201, c.statusCode(), c.body());
        String token = JSON.readTree(c.body()).path("token").asText();
        assertTrue(token.startsWith("cap_"));
        JsonNode list = JSON.readTree(s.get("/api/account/tokens").body());
        long id = -1;
        for (JsonNode t : list) {
            assertFalse(t.toString().contains(token), "a listed token never shows its value");
            if (t.path("label").asText().equals("script")) {
                id = t.path("id").asLong();
            }
        }
        assertTrue(id > 0);
        assertEquals(Set.of("WAD0000101", "WAD0000201"), patientIds(json(f.get("/api/studies?PatientID=WA*",
                "Bearer " + token, null))));
        assertEquals(204, s.send("DELETE", "/api/account/tokens/" + id, null, null, s.csrf).statusCode());
        assertEquals(401, f.get("/api/studies", "Bearer " + token, null).statusCode());
        assertEquals(404, s.send("DELETE", "/api/account/tokens/" + id, null, null, s.csrf).statusCode());
    }

    @Test
    void researcherNeverSeesAnotherCohort() throws Exception {
        WebAppData.Session s = d.login(WebAppData.RESEARCHER);
        String wam = d.wam.get(0).studyInstanceUid();
        String wamSeries = d.wam.get(0).seriesInstanceUids().get(0);
        String wad = d.wad.get(0).studyInstanceUid();
        // lists: REST and pages
        assertEquals(Set.of("WAD0000101", "WAD0000201"), patientIds(json(s.get("/api/studies?PatientID=WA*"))));
        assertEquals(Set.of(), patientIds(json(s.get("/api/studies?PatientID=WAM*"))));
        assertEquals(Set.of("WAD0000101", "WAD0000201"), patientIds(json(s.get("/api/patients?PatientID=WA*"))));
        String list = new String(s.get("/studies?PatientID=WA*").body());
        assertTrue(list.contains("WAD0000101") && !list.contains("WAM0000101"), list);
        String plist = new String(s.get("/patients?PatientID=WA*").body());
        assertTrue(plist.contains("WAD0000201") && !plist.contains("WAM0000101"), plist);
        // the admin sees both
        assertEquals(Set.of("WAD0000101", "WAD0000201", "WAM0000101"), patientIds(json(f.get("/api/studies?PatientID=WA*",
                f.admin(), null))));
        // single objects: the same 404 as for what does not exist
        assertEquals(404, s.get("/api/studies/" + wam).statusCode());
        assertEquals(404, s.get("/studies/" + wam).statusCode());
        assertTrue(new String(s.get("/studies/" + wam).body()).contains("no such study"));
        assertEquals(404, s.get("/studies/" + wam + "/series/" + wamSeries).statusCode());
        assertEquals(404, s.get("/api/studies/" + wam + "/series/" + wamSeries + "/instances").statusCode());
        assertEquals(404, s.get("/api/studies/" + wam + "/zip").statusCode());
        assertEquals(404, s.get("/api/studies/" + wam + "/series/" + wamSeries + "/zip").statusCode());
        // DICOMweb with the same session cookie
        assertEquals("[]", new String(s.get("/dicom-web/studies?PatientID=WAM*").body()));
        assertEquals(404, s.get("/dicom-web/studies/" + wam + "/series/" + wamSeries + "/thumbnail").statusCode());
        assertEquals(404, s.get("/dicom-web/studies/" + wam + "/metadata").statusCode());
        assertEquals(404, s.get("/dicom-web/studies/" + wam).statusCode());
        // what is theirs they get
        assertEquals(200, s.get("/api/studies/" + wad).statusCode());
        assertEquals(200, s.get("/studies/" + wad).statusCode());
        HttpResponse<byte[]> thumb = s.get("/dicom-web/studies/" + wad + "/series/" + d.wad.get(0).seriesInstanceUids()
                .get(0) + "/thumbnail");
        assertEquals(200, thumb.statusCode());
    }

    @Test
    void zipOfStudyAndSeriesIsTheStoredFiles() throws Exception {
        WebAppData.Session s = d.login(WebAppData.RESEARCHER);
        SyntheticStudies.StudyInfo st = d.wad.get(1);
        HttpResponse<byte[]> r = s.get("/api/studies/" + st.studyInstanceUid() + "/zip");
        assertEquals(200, r.statusCode(), new String(r.body()));
        assertEquals("application/zip", r.headers().firstValue("Content-Type").orElse(""));
        assertTrue(r.headers().firstValue("Content-Disposition").orElse("").contains(".zip"));
        Set<String> series = new HashSet<>();
        int n = 0;
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(r.body()))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                assertTrue(e.getName().startsWith(st.patientId() + "/" + st.studyInstanceUid() + "/"), e.getName());
                AttributeList a = new AttributeList();
                a.read(new DicomInputStream(new ByteArrayInputStream(z.readAllBytes())));
                assertEquals(st.patientId(), a.get(TagFromName.PatientID).getSingleStringValueOrEmptyString());
                assertTrue(e.getName().endsWith(a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString()
                        + ".dcm"));
                series.add(a.get(TagFromName.SeriesInstanceUID).getSingleStringValueOrEmptyString());
                n++;
            }
        }
        assertEquals(st.instances(), n);
        assertEquals(new HashSet<>(st.seriesInstanceUids()), series);
        // one series
        String se = st.seriesInstanceUids().get(1);
        HttpResponse<byte[]> one = f.get("/api/studies/" + st.studyInstanceUid() + "/series/" + se + "/zip", f.admin(),
                null);
        assertEquals(200, one.statusCode());
        int m = 0;
        try (ZipInputStream z = new ZipInputStream(new ByteArrayInputStream(one.body()))) {
            for (ZipEntry e = z.getNextEntry(); e != null; e = z.getNextEntry()) {
                assertTrue(e.getName().contains("/" + se + "/"));
                m++;
            }
        }
        assertEquals(3, m);
        assertEquals(400, f.get("/api/studies/not-a-uid/zip", f.admin(), null).statusCode());
    }

    @Test
    void searchPagesAndStudyDetail() throws Exception {
        JsonNode p1 = json(f.get("/api/studies?PatientID=WA*&limit=2", f.admin(), null));
        assertEquals(2, p1.path("items").size());
        assertTrue(p1.path("more").asBoolean());
        JsonNode p2 = json(f.get("/api/studies?PatientID=WA*&limit=2&offset=2", f.admin(), null));
        assertEquals(1, p2.path("items").size());
        assertFalse(p2.path("more").asBoolean());
        Set<String> all = new HashSet<>(patientIds(p1));
        all.addAll(patientIds(p2));
        assertEquals(3, all.size());
        // C-FIND matching: name wildcard, date range, modality
        SyntheticStudies.StudyInfo st = d.wad.get(0);
        String date = st.studyDate().toString().replace("-", "");
        assertEquals(Set.of(st.patientId()), patientIds(json(f.get("/api/studies?PatientID=WAD*&StudyDate=" + date + "-"
                + date, f.admin(), null))));
        assertEquals(3, json(f.get("/api/studies?PatientID=WA*&ModalitiesInStudy=MR", f.admin(), null)).path("items")
                .size());
        assertEquals(0, json(f.get("/api/studies?PatientID=WA*&ModalitiesInStudy=CT", f.admin(), null)).path("items")
                .size());
        HttpResponse<byte[]> bad = f.get("/api/studies?Nonsense=1", f.admin(), null);
        assertEquals(400, bad.statusCode());
        assertTrue(json(bad).path("error").asText().contains("unknown search key"));
        JsonNode detail = json(f.get("/api/studies/" + st.studyInstanceUid(), f.admin(), null));
        assertEquals(2, detail.path("series").size());
        assertTrue(detail.path("dicomweb").asText().endsWith("/dicom-web/studies/" + st.studyInstanceUid()));
        JsonNode inst = json(f.get("/api/studies/" + st.studyInstanceUid() + "/series/" + st.seriesInstanceUids().get(0)
                + "/instances", f.admin(), null));
        assertEquals(3, inst.size());
        assertEquals(64, inst.get(0).path("rows").asInt());
    }

    @Test
    void passwordChangeAndAudit() throws Exception {
        f.node.accounts().add("wa-pw", org.cardiacatlas.cap.access.Role.RESEARCHER, List.of("WAD"), "first-pass-1", "test");
        try (LogCapture logs = new LogCapture()) {
            WebAppData.Session a = loginAs("wa-pw", "first-pass-1");
            WebAppData.Session b = loginAs("wa-pw", "first-pass-1");
            assertEquals(403, a.send("POST", "/api/account/password", "application/json",
                    "{\"current\":\"wrong-pass\",\"password\":\"second-pass-2\"}", a.csrf).statusCode());
            HttpResponse<String> shortPw = a.send("POST", "/api/account/password", "application/json",
                    "{\"current\":\"first-pass-1\",\"password\":\"short\"}", a.csrf);
            assertEquals(400, shortPw.statusCode());
            assertTrue(shortPw.body().contains("at least 8"), shortPw.body());
            assertEquals(204, a.send("POST", "/api/account/password", "application/json",
                    "{\"current\":\"first-pass-1\",\"password\":\"second-pass-2\"}", a.csrf).statusCode());
            // this session goes on, the other one has ended
            assertEquals(200, a.get("/api/me").statusCode());
            assertEquals(401, b.get("/api/me").statusCode());
            assertEquals(401, f.get("/api/me", WebFixture.basic("wa-pw", "first-pass-1"), null).statusCode());
            assertEquals(200, f.get("/api/me", WebFixture.basic("wa-pw", "second-pass-2"), null).statusCode());
            List<String> audit = logs.audit();
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"op\":\"LOGIN\"") && l.contains("\"method\":\"form\"")
                    && l.contains("wa-pw")), audit.toString());
            assertTrue(audit.stream().filter(l -> l.contains("\"op\":\"LOGIN\"") && l.contains("\"method\":\"form\"")
                    && l.contains("wa-pw")).count() >= 2, "every login is a record, also with a known password");
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"op\":\"LOGIN-FAILED\"") && l.contains("wa-pw")),
                    audit.toString());
            assertTrue(audit.stream().anyMatch(l -> l.contains("\"op\":\"USER-PASSWD\"") && l.contains("wa-pw")),
                    audit.toString());
            for (String l : audit) {
                assertFalse(l.contains("first-pass-1") || l.contains("second-pass-2"), l);
            }
        }
    }

    @Test
    void usersAreForAdminsOnly() throws Exception {
        WebAppData.Session r = d.login(WebAppData.RESEARCHER);
        assertEquals(403, r.get("/api/users").statusCode());
        assertEquals(403, r.get("/admin/users").statusCode());
        assertEquals(403, r.send("POST", "/api/users", "application/json",
                "{\"name\":\"x1\",\"role\":\"admin\",\"password\":\"xxxxxxxx1\"}", r.csrf).statusCode());
        WebAppData.Session a = d.login("admin");
        assertEquals(201, a.send("POST", "/api/users", "application/json",
                "{\"name\":\"wa-new\",\"role\":\"researcher\",\"cohorts\":[\"WAM\"],\"password\":\"new-pass-11\"}",
                a.csrf).statusCode());
        assertEquals(Set.of("WAM0000101"), patientIds(json(f.get("/api/studies?PatientID=WA*",
                WebFixture.basic("wa-new", "new-pass-11"), null))));
        HttpResponse<String> bad = a.send("POST", "/api/users", "application/json",
                "{\"name\":\"wa-bad\",\"role\":\"boss\",\"password\":\"new-pass-11\"}", a.csrf);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("role must be"), bad.body());
        assertEquals(204, a.send("DELETE", "/api/users/wa-new", null, null, a.csrf).statusCode());
        assertEquals(401, f.get("/api/studies", WebFixture.basic("wa-new", "new-pass-11"), null).statusCode());
    }

    @Test
    void xpacsNotesKeepTheTimelineInDateOrder() throws Exception {
        String p8 = d.wad.get(1).patientId().substring(0, 8);
        WebAppData.Session c = d.login(WebAppData.CURATOR);
        String base = "/api/xpacs/patients/" + p8;
        JsonNode t0 = JSON.readTree(c.get(base).body());
        assertEquals(p8, t0.path("patientId").asText());
        assertEquals("study", t0.path("events").get(0).path("kind").asText());
        String studyDate = t0.path("events").get(0).path("date").asText();
        HttpResponse<String> a = c.send("POST", base + "/notes", "application/json",
                "{\"date\":\"2001-03-04\",\"diagnosis\":\"DCM\",\"age\":\"50\"}", c.csrf);
        assertEquals(201, a.statusCode(), a.body());
        int early = JSON.readTree(a.body()).path("id").asInt();
        HttpResponse<String> b = c.send("POST", base + "/notes", "application/json",
                "{\"date\":\"2030-01-01T10:00\",\"notes\":\"follow-up\"}", c.csrf);
        int late = JSON.readTree(b.body()).path("id").asInt();
        assertEquals(List.of("note", "study", "note"), kinds(c.get(base)));
        // a new date moves the note to its place in the chain
        assertEquals(204, c.send("PUT", base + "/notes/" + late, "application/json",
                "{\"date\":\"1999-12-31\",\"notes\":\"moved\"}", c.csrf).statusCode());
        JsonNode t = JSON.readTree(c.get(base).body());
        assertEquals("1999-12-31T00:00", t.path("events").get(0).path("date").asText());
        assertEquals("moved", t.path("events").get(0).path("note").path("notes").asText());
        assertEquals(0, t.path("problems").size(), t.toString());
        List<String> dates = new java.util.ArrayList<>();
        t.path("events").forEach(e -> dates.add(e.path("date").asText()));
        assertEquals(dates.stream().sorted().toList(), dates);
        assertTrue(dates.contains(studyDate));
        // the import's checks
        HttpResponse<String> bad = c.send("POST", base + "/notes", "application/json",
                "{\"date\":\"2001-03-04\",\"age\":\"" + "9".repeat(65) + "\"}", c.csrf);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("Age is longer than 64 characters"), bad.body());
        assertEquals(400, c.send("POST", base + "/notes", "application/json", "{\"date\":\"yesterday\"}", c.csrf)
                .statusCode());
        // researchers read but do not change; another cohort is not there for them
        WebAppData.Session r = d.login(WebAppData.RESEARCHER);
        assertEquals(200, r.get(base).statusCode());
        assertEquals(403, r.send("DELETE", base + "/notes/" + early, null, null, r.csrf).statusCode());
        assertEquals(404, r.get("/api/xpacs/patients/" + d.wam.get(0).patientId()).statusCode());
        assertEquals(404, r.get("/xpacs/patients/" + d.wam.get(0).patientId()).statusCode());
        assertEquals(404, r.get("/api/xpacs/patients/" + d.wam.get(0).patientId() + "/models/1/model").statusCode());
        assertEquals(404, r.get("/api/xpacs/patients/" + d.wam.get(0).patientId() + "/files/1").statusCode());
        // a note through another patient's path is not found
        String other = d.wad.get(0).patientId().substring(0, 8);
        assertEquals(404, c.send("DELETE", "/api/xpacs/patients/" + other + "/notes/" + early, null, null, c.csrf)
                .statusCode());
        assertEquals(204, c.send("DELETE", base + "/notes/" + early, null, null, c.csrf).statusCode());
        assertEquals(204, c.send("DELETE", base + "/notes/" + late, null, null, c.csrf).statusCode());
        assertEquals(List.of("study"), kinds(c.get(base)));
        assertEquals(404, c.send("DELETE", base + "/notes/" + late, null, null, c.csrf).statusCode());
    }

    @Test
    void xpacsBaselineModelsAndFilesAreEditedInPlace() throws Exception {
        // the WAM patient: the other tests only read it (and see it refused)
        String p8 = d.wam.get(0).patientId().substring(0, 8);
        String study = d.wam.get(0).studyInstanceUid();
        WebAppData.Session c = d.login(WebAppData.CURATOR);
        String page = "/xpacs/patients/" + p8;
        String base = "/api/xpacs/patients/" + p8;
        // one of each through the add forms (the import)
        assertEquals(200, form(c, page + "/baseline", "study", null, study, "Ethnicity", null, "A", "Height", null,
                "170").statusCode());
        assertEquals(200, form(c, page + "/models", "study", null, study, "name", null, "m1", "type", null, "LV",
                "format", null, "zip", "model", "m.zip", "PK\u0003\u0004first", "xml", "m.xml", "<model/>")
                .statusCode());
        assertEquals(200, form(c, page + "/files", "date", null, "2010-01-01T10:00", "file", "a.txt", "first copy",
                "descriptor", null, "report").statusCode());
        JsonNode t = JSON.readTree(c.get(base).body());
        int baseline = -1;
        int model = -1;
        int file = -1;
        String firstUri = null;
        for (JsonNode e : t.path("events")) {
            if (e.path("baseline").size() > 0) {
                baseline = e.path("baseline").get(0).path("id").asInt();
            }
            if (e.path("models").size() > 0) {
                model = e.path("models").get(0).path("id").asInt();
            }
            if (e.has("file")) {
                file = e.path("file").path("id").asInt();
                firstUri = e.path("file").path("uri").asText();
            }
        }
        assertTrue(baseline > 0 && model > 0 && file > 0, t.toString());

        // baseline diagnosis: its values changed; a bad one refused with the import's message
        assertEquals(204, c.send("PUT", base + "/baseline/" + baseline, "application/json",
                "{\"Ethnicity\":\"B\",\"Height\":\"181\",\"HistoryOfSmoking\":\"yes\"}", c.csrf).statusCode());
        JsonNode b = baselineOf(c.get(base));
        assertEquals("B", b.path("ethnicity").asText());
        assertEquals("181", b.path("height").asText());
        assertEquals("yes", b.path("historyOfSmoking").asText());
        HttpResponse<String> bad = c.send("PUT", base + "/baseline/" + baseline, "application/json",
                "{\"HistoryOfSmoking\":\"" + "x".repeat(17) + "\"}", c.csrf);
        assertEquals(400, bad.statusCode());
        assertTrue(bad.body().contains("HistoryOfSmoking is longer than 16 characters"), bad.body());
        HttpResponse<String> badAdd = form(c, page + "/baseline", "study", null, study, "HistoryOfSmoking", null,
                "x".repeat(17));
        assertEquals(400, badAdd.statusCode());
        assertTrue(badAdd.body().contains("HistoryOfSmoking is longer than 16 characters"), "the import says the same");
        HttpResponse<String> formEdit = form(c, page + "/baseline/" + baseline, "Ethnicity", null, "C", "SBP", null,
                "120");
        assertEquals(200, formEdit.statusCode(), formEdit.body());
        assertTrue(formEdit.body().contains("Baseline diagnosis " + baseline + " changed."));
        assertEquals("120", baselineOf(c.get(base)).path("sbp").asText());

        // heart model: metadata and the XML by REST, the ZIP by the form; bad files refused
        assertEquals(204, c.send("PUT", base + "/models/" + model, "application/json",
                "{\"name\":\"m2\",\"type\":\"LV\",\"format\":\"zip\",\"comment\":\"refit\",\"xmlFile\":\""
                        + b64("<model v=\"2\"/>") + "\"}", c.csrf).statusCode());
        assertEquals("<model v=\"2\"/>", new String(c.get(base + "/models/" + model + "/xml").body()));
        assertEquals("PK\u0003\u0004first", new String(c.get(base + "/models/" + model + "/model").body()));
        HttpResponse<String> notZip = c.send("PUT", base + "/models/" + model, "application/json",
                "{\"name\":\"m3\",\"modelFile\":\"" + b64("not a zip") + "\"}", c.csrf);
        assertEquals(400, notZip.statusCode());
        assertTrue(notZip.body().contains("ModelFile is not a ZIP file"), notZip.body());
        HttpResponse<String> notXml = form(c, page + "/models/" + model, "name", null, "m3", "xml", "x.xml", "<open>");
        assertEquals(400, notXml.statusCode());
        assertTrue(notXml.body().contains("XmlFile is not well-formed XML"), notXml.body());
        assertEquals(200, form(c, page + "/models/" + model, "name", null, "m4", "comment", null, "new zip", "model",
                "n.zip", "PK\u0003\u0004second").statusCode());
        assertEquals("PK\u0003\u0004second", new String(c.get(base + "/models/" + model + "/model").body()));
        assertEquals("<model v=\"2\"/>", new String(c.get(base + "/models/" + model + "/xml").body()));
        JsonNode m = null;
        for (JsonNode e : JSON.readTree(c.get(base).body()).path("events")) {
            if (e.path("models").size() > 0) {
                m = e.path("models").get(0);
            }
        }
        assertEquals("m4", m.path("name").asText());
        assertEquals("new zip", m.path("comment").asText());

        // auxiliary file: metadata, a replaced archived copy (the old one removed), then a URI
        assertEquals("first copy", new String(c.get(base + "/files/" + file).body()));
        assertEquals(204, c.send("PUT", base + "/files/" + file, "application/json",
                "{\"filename\":\"b.txt\",\"descriptor\":\"echo\",\"content\":\"" + b64("second copy") + "\"}",
                c.csrf).statusCode());
        assertEquals("second copy", new String(c.get(base + "/files/" + file).body()));
        JsonNode fj = fileOf(c.get(base));
        assertEquals("b.txt", fj.path("filename").asText());
        assertEquals("echo", fj.path("descriptor").asText());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(URI.create(firstUri))), firstUri);
        String secondUri = fj.path("uri").asText();
        HttpResponse<String> longName = c.send("PUT", base + "/files/" + file, "application/json",
                "{\"descriptor\":\"" + "d".repeat(256) + "\"}", c.csrf);
        assertEquals(400, longName.statusCode());
        assertTrue(longName.body().contains("Descriptor is longer than 255 characters"), longName.body());
        assertEquals(400, c.send("PUT", base + "/files/" + file, "application/json", "{\"uri\":\"https://a b\"}",
                c.csrf).statusCode());
        HttpResponse<String> formFile = form(c, page + "/files/" + file, "date", null, "2011-02-03T04:05",
                "filename", null, "", "descriptor", null, "third", "file", "c.txt", "third copy");
        assertEquals(200, formFile.statusCode(), formFile.body());
        assertEquals("third copy", new String(c.get(base + "/files/" + file).body()));
        assertEquals("c.txt", fileOf(c.get(base)).path("filename").asText());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(URI.create(secondUri))), secondUri);
        String thirdUri = fileOf(c.get(base)).path("uri").asText();
        assertEquals(204, c.send("PUT", base + "/files/" + file, "application/json",
                "{\"filename\":\"c.pdf\",\"uri\":\"https://example.org/c.pdf\"}", c.csrf).statusCode());
        assertEquals("https://example.org/c.pdf", fileOf(c.get(base)).path("uri").asText());
        assertFalse(java.nio.file.Files.exists(java.nio.file.Path.of(URI.create(thirdUri))), thirdUri);
        JsonNode t2 = JSON.readTree(c.get(base).body());
        assertEquals(0, t2.path("problems").size(), t2.toString());

        // researchers do not change; a curator of another cohort does not find them; nor another patient's path
        WebAppData.Session r = d.login(WebAppData.RESEARCHER);
        assertEquals(403, r.send("PUT", base + "/baseline/" + baseline, "application/json", "{}", r.csrf).statusCode());
        assertEquals(403, r.send("PUT", base + "/models/" + model, "application/json", "{}", r.csrf).statusCode());
        assertEquals(403, r.send("PUT", base + "/files/" + file, "application/json", "{}", r.csrf).statusCode());
        assertEquals(403, form(r, page + "/baseline/" + baseline, "Ethnicity", null, "Z").statusCode());
        if (f.node.accounts().principal("wa-curator-wad").isEmpty()) {
            f.node.accounts().add("wa-curator-wad", org.cardiacatlas.cap.access.Role.CURATOR, List.of("WAD"),
                    "wad-pass-11", "test");
        }
        WebAppData.Session w = loginAs("wa-curator-wad", "wad-pass-11");
        assertEquals(404, w.send("PUT", base + "/baseline/" + baseline, "application/json", "{}", w.csrf).statusCode());
        assertEquals(404, w.send("PUT", base + "/models/" + model, "application/json", "{}", w.csrf).statusCode());
        assertEquals(404, w.send("PUT", base + "/files/" + file, "application/json", "{}", w.csrf).statusCode());
        assertEquals(404, form(w, page + "/models/" + model, "name", null, "x").statusCode());
        String other = "/api/xpacs/patients/" + d.wad.get(0).patientId().substring(0, 8);
        assertEquals(404, c.send("PUT", other + "/baseline/" + baseline, "application/json", "{}", c.csrf)
                .statusCode());
        assertEquals(404, c.send("PUT", other + "/files/" + file, "application/json", "{}", c.csrf).statusCode());
        assertEquals("C", baselineOf(c.get(base)).path("ethnicity").asText(), "nothing changed by the refusals");

        // cleaned up: the patient's timeline as before
        assertEquals(204, c.send("DELETE", base + "/baseline/" + baseline, null, null, c.csrf).statusCode());
        assertEquals(204, c.send("DELETE", base + "/models/" + model, null, null, c.csrf).statusCode());
        assertEquals(204, c.send("DELETE", base + "/files/" + file, null, null, c.csrf).statusCode());
        assertEquals(List.of("study"), kinds(c.get(base)));
    }

    private static String b64(String s) {
        return java.util.Base64.getEncoder().encodeToString(s.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }

    private static JsonNode baselineOf(HttpResponse<byte[]> r) throws Exception {
        for (JsonNode e : JSON.readTree(r.body()).path("events")) {
            if (e.path("baseline").size() > 0) {
                return e.path("baseline").get(0);
            }
        }
        throw new AssertionError("no baseline diagnosis");
    }

    private static JsonNode fileOf(HttpResponse<byte[]> r) throws Exception {
        for (JsonNode e : JSON.readTree(r.body()).path("events")) {
            if (e.has("file")) {
                return e.path("file");
            }
        }
        throw new AssertionError("no file");
    }

    /** A multipart form with the page's CSRF token: triples of name, file name (null: a field) and value. */
    private static HttpResponse<String> form(WebAppData.Session s, String path, String... parts) throws Exception {
        String boundary = "capformboundary7";
        StringBuilder b = new StringBuilder();
        b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"_csrf\"\r\n\r\n")
                .append(s.csrf).append("\r\n");
        for (int i = 0; i < parts.length; i += 3) {
            b.append("--").append(boundary).append("\r\nContent-Disposition: form-data; name=\"").append(parts[i])
                    .append('"');
            if (parts[i + 1] != null) {
                b.append("; filename=\"").append(parts[i + 1]).append("\"\r\nContent-Type: application/octet-stream");
            }
            b.append("\r\n\r\n").append(parts[i + 2]).append("\r\n");
        }
        b.append("--").append(boundary).append("--\r\n");
        return s.send("POST", path, "multipart/form-data; boundary=" + boundary, b.toString(), s.csrf);
    }

    static List<String> kinds(HttpResponse<byte[]> r) throws Exception {
        List<String> k = new java.util.ArrayList<>();
        JSON.readTree(r.body()).path("events").forEach(e -> k.add(e.path("kind").asText()));
        return k;
    }

    @Test
    void repeatedFailedLoginsAreRefusedForAWhile() throws Exception {
        f.node.accounts().add("wa-slow", org.cardiacatlas.cap.access.Role.RESEARCHER, List.of(), "slow-pass-11", "test");
        for (int i = 0; i < WebApp.FailedLogins.MAX; i++) {
            assertEquals(401, formLogin("wa-slow", "wrong-" + i).statusCode());
        }
        // now even the right password is refused, with a sentence saying why
        HttpResponse<String> r = formLogin("wa-slow", "slow-pass-11");
        assertEquals(429, r.statusCode());
        assertTrue(r.body().contains("Too many failed logins for wa-slow"), r.body());
        // other users, and Basic and tokens, are not affected
        assertEquals(302, formLogin(WebAppData.CURATOR, WebAppData.PASSWORD).statusCode());
        assertEquals(200, f.get("/api/me", WebFixture.basic("wa-slow", "slow-pass-11"), null).statusCode());
    }

    private HttpResponse<String> formLogin(String user, String password) throws Exception {
        return f.http.send(HttpRequest.newBuilder(URI.create(f.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private WebAppData.Session loginAs(String user, String password) throws Exception {
        // WebAppData.login knows the fixture's passwords; this one is the test's own
        java.net.http.HttpClient http = java.net.http.HttpClient.newBuilder().cookieHandler(new java.net.CookieManager())
                .followRedirects(java.net.http.HttpClient.Redirect.NEVER).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(f.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + password)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode());
        String page = http.send(HttpRequest.newBuilder(URI.create(f.url("/account"))).build(),
                HttpResponse.BodyHandlers.ofString()).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page);
        assertTrue(m.find());
        return d.new Session(http, m.group(1));
    }

    /**
     * The sessions are rows of pacs.web_session: a second node on the same schemas and data
     * folder (two nodes behind one proxy) accepts the first one's cookie, a logout on one ends
     * the session on both, a node started again still knows it, the table never holds the
     * cookie's value, and an expired row is refused and deleted.
     */
    @Test
    void sessionsSharedByNodesOnOneDatabase() throws Exception {
        String cookie = formLogin(f, WebAppData.CURATOR);
        String xpacs = f.node.config().get(org.cardiacatlas.cap.common.CapConfig.Option.XPACS_SCHEMA);
        java.util.Map<org.cardiacatlas.cap.common.CapConfig.Option, String> same = java.util.Map.of(
                org.cardiacatlas.cap.common.CapConfig.Option.PACS_SCHEMA, f.pacsSchema,
                org.cardiacatlas.cap.common.CapConfig.Option.XPACS_SCHEMA, xpacs,
                org.cardiacatlas.cap.common.CapConfig.Option.DATA_DIR, f.dataDir.toString());
        WebFixture second = WebFixture.start(same);
        String other;
        try {
            // the first node's cookie on the second node
            HttpResponse<String> me = withCookie(second, "GET", "/api/me", cookie, null);
            assertEquals(200, me.statusCode(), me.body());
            assertTrue(me.body().contains(WebAppData.CURATOR), me.body());
            // the table holds its SHA-256, never the value itself, nor the value of the CSRF token's page
            List<String> rows = sessionRows();
            assertTrue(rows.contains(sha256(cookie)), rows.toString());
            for (String r : rows) {
                assertFalse(r.contains(cookie), r);
            }
            // logout on the second node ends the session on the first
            String csrf = csrfOf(second, cookie);
            HttpResponse<String> out = withCookie(second, "POST", "/logout", cookie, "_csrf=" + csrf);
            assertEquals(302, out.statusCode(), out.body());
            assertEquals(401, withCookie(f, "GET", "/api/me", cookie, null).statusCode());
            assertEquals(401, withCookie(second, "GET", "/api/me", cookie, null).statusCode());
            assertFalse(sessionRows().contains(sha256(cookie)));
            // a login on the second node, which then stops
            other = formLogin(second, WebAppData.RESEARCHER);
            assertEquals(200, withCookie(f, "GET", "/api/me", other, null).statusCode());
        } finally {
            second.node.close();
        }
        // the node started again on the same database still knows the session
        WebFixture again = WebFixture.start(same);
        try {
            HttpResponse<String> me = withCookie(again, "GET", "/api/me", other, null);
            assertEquals(200, me.statusCode(), me.body());
            assertTrue(me.body().contains(WebAppData.RESEARCHER), me.body());
        } finally {
            again.node.close();
        }
        // an expired row is refused and deleted
        sql("UPDATE " + f.pacsSchema + ".web_session SET expiry_time = '2000-01-01 00:00:00' WHERE session_hash = '"
                + sha256(other) + "'");
        assertEquals(401, withCookie(f, "GET", "/api/me", other, null).statusCode());
        assertFalse(sessionRows().contains(sha256(other)));
    }

    /** The cookie's value after a form login on the node. */
    static String formLogin(WebFixture node, String user) throws Exception {
        HttpResponse<String> r = node.http.send(HttpRequest.newBuilder(URI.create(node.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password=" + WebAppData.PASSWORD))
                .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(302, r.statusCode(), r.body());
        String c = r.headers().firstValue("Set-Cookie").orElse("");
        assertTrue(c.startsWith("CAPSESSION="), c);
        return c.substring("CAPSESSION=".length(), c.indexOf(';'));
    }

    static HttpResponse<String> withCookie(WebFixture node, String method, String path, String cookie, String form)
            throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(node.url(path))).header("Cookie",
                "CAPSESSION=" + cookie);
        if (form == null) {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        } else {
            b.header("Content-Type", "application/x-www-form-urlencoded")
                    .method(method, HttpRequest.BodyPublishers.ofString(form));
        }
        return node.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static String csrfOf(WebFixture node, String cookie) throws Exception {
        String page = withCookie(node, "GET", "/account", cookie, null).body();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"")
                .matcher(page);
        assertTrue(m.find(), page);
        return m.group(1);
    }

    /** Every row of web_session as its columns' text. */
    static List<String> sessionRows() throws Exception {
        List<String> rows = new java.util.ArrayList<>();
        try (org.apache.ibatis.session.SqlSession s = f.node.database().sessions().openSession();
                java.sql.Statement st = s.getConnection().createStatement();
                java.sql.ResultSet rs = st.executeQuery("SELECT session_hash, username, csrf_token, created_time,"
                        + " last_seen, expiry_time FROM " + f.pacsSchema + ".web_session")) {
            while (rs.next()) {
                StringBuilder b = new StringBuilder();
                for (int i = 1; i <= 6; i++) {
                    b.append(rs.getString(i)).append(i == 1 ? "" : " ");
                    if (i == 1) {
                        rows.add(rs.getString(1));
                    }
                }
                rows.add(b.toString());
            }
        }
        return rows;
    }

    static void sql(String update) throws Exception {
        try (org.apache.ibatis.session.SqlSession s = f.node.database().sessions().openSession();
                java.sql.Statement st = s.getConnection().createStatement()) {
            st.executeUpdate(update);
            s.commit(true);
        }
    }

    static String sha256(String s) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                .digest(s.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }
}
