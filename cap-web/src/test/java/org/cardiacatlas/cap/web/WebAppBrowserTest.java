package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The web app in a real browser: Debian's headless Chromium driven by its chromium-driver
 * through Selenium WebDriver, against the shared node. Screenshots of the main pages go to
 * target/screenshots/.
 */
class WebAppBrowserTest {

    static WebAppData d;
    static WebFixture f;
    static WebDriver browser;
    static final Path SHOTS = Path.of("target", "screenshots");

    @BeforeAll
    static void start() throws Exception {
        d = WebAppData.shared();
        f = d.f;
        Files.createDirectories(SHOTS);
        ChromeOptions o = new ChromeOptions();
        o.setBinary(System.getProperty("chromium.binary", "/usr/bin/chromium"));
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1280,900", "--lang=en");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File(System.getProperty("chromedriver.binary", "/usr/bin/chromedriver")))
                .build();
        browser = new ChromeDriver(service, o);
        browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(60));
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
    }

    static void open(String path) {
        browser.get(f.url(path));
    }

    static void login(String user) {
        browser.manage().deleteAllCookies();
        open("/login");
        browser.findElement(By.id("username")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(d.password(user));
        submit(By.id("login"));
        waitFor(() -> !browser.getCurrentUrl().contains("/login"));
    }

    /**
     * Waits until the condition holds. A condition read from a part of the page that reloads
     * itself (htmx) may find an element that the reload then replaces: it is asked again.
     */
    static void waitFor(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser, Duration.ofSeconds(30))
                .ignoring(org.openqa.selenium.StaleElementReferenceException.class)
                .until(b -> condition.getAsBoolean());
    }

    /** Clicks a button that submits a form, and waits until the next page has replaced this one. */
    static void submit(By button) {
        WebElement html = browser.findElement(By.tagName("html"));
        browser.findElement(button).click();
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(b -> replaced(html));
        new WebDriverWait(browser, Duration.ofSeconds(60)).until(b -> "complete".equals(
                ((JavascriptExecutor) b).executeScript("return document.readyState")));
    }

    /**
     * Whether the page of this element has gone. ChromeDriver says so with a stale element
     * reference, or, when the page is replaced while it looks, with "does not belong to the
     * document" (ExpectedConditions.stalenessOf takes only the first).
     */
    static boolean replaced(WebElement element) {
        try {
            element.isEnabled();
            return false;
        } catch (org.openqa.selenium.StaleElementReferenceException e) {
            return true;
        } catch (org.openqa.selenium.WebDriverException e) {
            if (String.valueOf(e.getMessage()).contains("does not belong to the document")) {
                return true;
            }
            throw e;
        }
    }

    static void shot(String name) throws Exception {
        File png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.FILE);
        Files.copy(png.toPath(), SHOTS.resolve(name + ".png"), StandardCopyOption.REPLACE_EXISTING);
    }

    static String text() {
        return browser.findElement(By.tagName("body")).getText();
    }

    static Object js(String script, Object... args) {
        return ((JavascriptExecutor) browser).executeAsyncScript(script, args);
    }

    /** Whether every image of the page has loaded with pixels (thumbnails, the viewer). */
    static boolean imagesLoaded(String css) {
        List<WebElement> imgs = browser.findElements(By.cssSelector(css));
        if (imgs.isEmpty()) {
            return false;
        }
        for (WebElement i : imgs) {
            Object ok = ((JavascriptExecutor) browser).executeScript(
                    "return arguments[0].complete && arguments[0].naturalWidth > 0", i);
            if (!Boolean.TRUE.equals(ok)) {
                return false;
            }
        }
        return true;
    }

    @Test
    void eachRoleLogsInAndSeesTheStudies() throws Exception {
        for (String user : List.of("admin", WebAppData.CURATOR, WebAppData.RESEARCHER)) {
            login(user);
            open("/studies?PatientID=WA*");
            String t = text();
            assertTrue(t.contains(user), t);
            assertTrue(t.contains("WAD0000101"), t);
            assertEquals(user.equals("admin"), t.contains("Users"), "only the admin has the users page");
            assertEquals(!user.equals(WebAppData.RESEARCHER), t.contains("WAM0000101"), t);
            shot("studies-" + (user.equals("admin") ? "admin" : user.substring(3)));
            submit(By.id("logout"));
            waitFor(() -> browser.getCurrentUrl().contains("/login"));
            open("/studies");
            assertTrue(browser.getCurrentUrl().contains("/login?next="), browser.getCurrentUrl());
        }
        // a wrong password: a readable message
        browser.manage().deleteAllCookies();
        open("/login");
        browser.findElement(By.id("username")).sendKeys(WebAppData.RESEARCHER);
        browser.findElement(By.id("password")).sendKeys("not-my-password");
        submit(By.id("login"));
        assertEquals("Wrong user name or password.", browser.findElement(By.id("login-error")).getText());
        shot("login-failed");
    }

    @Test
    void researcherLimitedToOneCohort() throws Exception {
        login(WebAppData.RESEARCHER);
        // lists
        open("/patients?search=1&PatientID=WA*");
        assertTrue(text().contains("WAD0000201") && !text().contains("WAM"), text());
        shot("patients-researcher");
        open("/studies?PatientID=WAM*");
        assertTrue(browser.findElements(By.id("no-studies")).size() == 1, text());
        // a page of the other cohort, by its UID
        String wam = d.wam.get(0).studyInstanceUid();
        open("/studies/" + wam);
        assertEquals("no such study", browser.findElement(By.id("error-reason")).getText());
        shot("study-other-cohort");
        // REST, DICOMweb and the ZIP, with the browser's own session
        String results = (String) js("var done = arguments[arguments.length - 1]; var s = arguments[0];"
                + "Promise.all(['/api/studies/' + s, '/dicom-web/studies/' + s + '/metadata', '/api/studies/' + s + '/zip',"
                + " '/dicom-web/studies?PatientID=WAM*'].map(function (u) {"
                + "  return fetch(u, {credentials: 'same-origin'}).then(function (r) { return r.text().then(function (t) {"
                + "    return r.status + ':' + t.length; }); }); })).then(function (a) { done(a.join(' ')); });", wam);
        String[] parts = results.split(" ");
        assertTrue(parts[0].startsWith("404:"), results);
        assertTrue(parts[1].startsWith("404:"), results);
        assertTrue(parts[2].startsWith("404:"), results);
        assertEquals("200:2", parts[3], results);
    }

    @Test
    void studyPageThumbnailsViewerAndZip() throws Exception {
        login(WebAppData.RESEARCHER);
        SyntheticStudies.StudyInfo st = d.wad.get(0);
        open("/studies?PatientID=" + st.patientId());
        browser.findElement(By.cssSelector("a.study-link")).click();
        waitFor(() -> browser.getCurrentUrl().contains("/studies/" + st.studyInstanceUid()));
        assertEquals(st.patientId(), browser.findElement(By.id("patient-id")).getText());
        assertTrue(browser.findElement(By.id("dicomweb-url")).getText()
                .endsWith("/dicom-web/studies/" + st.studyInstanceUid()));
        assertEquals(2, browser.findElements(By.cssSelector("#series .card")).size());
        waitFor(() -> imagesLoaded("#series img"));
        shot("study");
        // a tablet: the same page at 768 px, nothing wider than the window
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(768, 1024));
        browser.navigate().refresh();
        waitFor(() -> imagesLoaded("#series img"));
        Object overflow = ((JavascriptExecutor) browser).executeScript(
                "return document.documentElement.scrollWidth > window.innerWidth");
        assertEquals(Boolean.FALSE, overflow, "no horizontal scrolling at 768 px");
        shot("study-tablet");
        browser.manage().window().setSize(new org.openqa.selenium.Dimension(1280, 900));
        String zip = browser.findElement(By.id("zip-study")).getAttribute("href");
        assertTrue(zip.endsWith("/api/studies/" + st.studyInstanceUid() + "/zip"), zip);
        String zipAnswer = (String) js("var done = arguments[arguments.length - 1];"
                + "fetch(arguments[0], {credentials: 'same-origin'}).then(function (r) { return r.arrayBuffer()"
                + ".then(function (b) { var u = new Uint8Array(b); done(r.status + ' ' + r.headers.get('Content-Type') + ' '"
                + " + String.fromCharCode(u[0], u[1])); }); });", zip);
        assertEquals("200 application/zip PK", zipAnswer);
        // the viewer
        browser.findElement(By.linkText("View")).click();
        waitFor(() -> imagesLoaded("#view"));
        String first = browser.findElement(By.id("view")).getAttribute("src");
        assertTrue(first.contains("/frames/1/rendered"), first);
        shot("viewer");
        // the next image
        browser.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.ARROW_RIGHT);
        waitFor(() -> !browser.findElement(By.id("view")).getAttribute("src").equals(first) && imagesLoaded("#view"));
        assertEquals("2", browser.findElement(By.id("image-label")).getText());
        // window/level through the rendered route's window parameter
        WebElement wc = browser.findElement(By.id("wc"));
        WebElement ww = browser.findElement(By.id("ww"));
        wc.sendKeys("100");
        ww.sendKeys("200");
        ww.sendKeys(org.openqa.selenium.Keys.TAB);
        waitFor(() -> browser.findElement(By.id("view")).getAttribute("src").contains("window=100%2C200")
                && imagesLoaded("#view"));
        assertTrue(browser.findElement(By.id("view-error")).getAttribute("hidden") != null);
        shot("viewer-window");
    }

    @Test
    void viewerFrameSliderForAMultiFrameImage() throws Exception {
        login("admin");
        open("/studies?PatientID=" + WebAppData.MULTIFRAME_PATIENT);
        submit(By.cssSelector("a.study-link"));
        submit(By.linkText("View"));
        waitFor(() -> imagesLoaded("#view"));
        assertEquals(String.valueOf(WebAppData.FRAMES), browser.findElement(By.id("frame-count")).getText());
        assertTrue(browser.findElement(By.id("view")).getAttribute("src").contains("/frames/1/rendered"));
        String first = browser.findElement(By.id("view")).getAttribute("src");
        browser.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.ARROW_UP);
        waitFor(() -> browser.findElement(By.id("view")).getAttribute("src").contains("/frames/2/rendered")
                && imagesLoaded("#view"));
        assertEquals("2", browser.findElement(By.id("frame-label")).getText());
        // the slider to the last frame
        WebElement slider = browser.findElement(By.id("frame-slider"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = 3; arguments[0].dispatchEvent(new Event('input'))",
                slider);
        waitFor(() -> browser.findElement(By.id("view")).getAttribute("src").contains("/frames/3/rendered")
                && imagesLoaded("#view"));
        assertFalse(first.equals(browser.findElement(By.id("view")).getAttribute("src")));
        shot("viewer-multiframe");
    }

    @Test
    void accountPasswordAndTokens() throws Exception {
        login(WebAppData.CURATOR);
        open("/account");
        browser.findElement(By.id("token-label")).sendKeys("browser");
        submit(By.id("create-token"));
        String token = browser.findElement(By.id("new-token")).getText();
        assertTrue(token.startsWith("cap_"), token);
        shot("account-token");
        open("/account");
        assertFalse(text().contains(token), "a token is shown once");
        assertEquals(200, f.get("/api/me", "Bearer " + token, null).statusCode());
        List<WebElement> revoke = browser.findElements(By.cssSelector("button[id^=revoke-]"));
        submit(By.id(revoke.get(revoke.size() - 1).getAttribute("id")));
        assertEquals(401, f.get("/api/me", "Bearer " + token, null).statusCode());
        // a change without the CSRF token, from the page's own origin: refused
        String answer = (String) js("var done = arguments[arguments.length - 1];"
                + "fetch('/account/tokens', {method: 'POST', credentials: 'same-origin', headers: {'Content-Type':"
                + " 'application/x-www-form-urlencoded'}, body: 'label=forged'}).then(function (r) { return r.text()"
                + ".then(function (t) { done(r.status + ' ' + t); }); });");
        assertTrue(answer.startsWith("403 ") && answer.contains("CSRF"), answer);
        // a wrong current password: a readable message
        browser.findElement(By.id("current")).sendKeys("not-the-password");
        browser.findElement(By.id("new-password")).sendKeys("another-pass-1");
        browser.findElement(By.id("confirm")).sendKeys("another-pass-1");
        submit(By.id("change-password"));
        assertEquals("the current password is wrong", browser.findElement(By.id("error")).getText());
    }

    @Test
    void curatorAddsANoteAndTheTimelineShowsItInDateOrder() throws Exception {
        SyntheticStudies.StudyInfo st = d.wad.get(0);
        login(WebAppData.CURATOR);
        open("/studies/" + st.studyInstanceUid());
        browser.findElement(By.id("xpacs-link")).click();
        waitFor(() -> browser.getCurrentUrl().contains("/xpacs/patients/"));
        assertEquals(st.patientId().substring(0, 8), browser.findElement(By.id("xpacs-patient")).getText());
        WebElement date = browser.findElement(By.id("note-date"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = '2005-06-07T08:09'", date);
        browser.findElement(By.id("note-diagnosis")).sendKeys("HCM");
        browser.findElement(By.id("note-notes")).sendKeys("before the first scan");
        submit(By.id("add-note"));
        assertEquals("Note added.", browser.findElement(By.id("message")).getText());
        List<WebElement> events = browser.findElements(By.cssSelector("#timeline > li"));
        assertTrue(events.size() >= 2);
        assertTrue(events.get(0).getAttribute("class").contains("event-note"), events.get(0).getText());
        assertTrue(events.get(0).getText().startsWith("2005-06-07 08:09"), events.get(0).getText());
        assertTrue(events.get(0).getText().contains("diagnosis HCM"), events.get(0).getText());
        List<String> dates = new java.util.ArrayList<>();
        for (WebElement e : events) {
            dates.add(e.findElement(By.cssSelector(".date")).getText());
        }
        assertEquals(dates.stream().sorted().toList(), dates);
        shot("xpacs-patient");
        // a bad value: the import's message, in the page
        ((JavascriptExecutor) browser).executeScript("document.getElementById('note-age').removeAttribute('maxlength')");
        browser.findElement(By.id("note-age")).sendKeys("9".repeat(70));
        submit(By.id("add-note"));
        assertEquals("Age is longer than 64 characters", browser.findElement(By.id("error")).getText());
        // delete it again
        browser.findElement(By.cssSelector("#timeline details summary")).click();
        submit(By.cssSelector("button[id^=delete-note-]"));
        assertTrue(browser.findElement(By.id("message")).getText().endsWith("deleted."));
        assertTrue(browser.findElements(By.cssSelector("#timeline li.event-note")).isEmpty());
        // a heart model through the form: a bad XML is refused with the import's reason, a good one added
        Path dir = Files.createTempDirectory(Path.of("target"), "model");
        Path zip = dir.resolve("fit.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("fit.model"));
            z.write("mesh".getBytes());
            z.closeEntry();
        }
        Files.writeString(dir.resolve("bad.xml"), "<model>");
        Files.writeString(dir.resolve("good.xml"), "<model/>");
        browser.findElement(By.id("model-name")).sendKeys("form-fit");
        browser.findElement(By.id("model-file")).sendKeys(zip.toAbsolutePath().toString());
        browser.findElement(By.id("model-xml")).sendKeys(dir.resolve("bad.xml").toAbsolutePath().toString());
        submit(By.id("add-model"));
        assertEquals("XmlFile is not well-formed XML", browser.findElement(By.id("error")).getText());
        browser.findElement(By.id("model-name")).sendKeys("form-fit");
        browser.findElement(By.id("model-file")).sendKeys(zip.toAbsolutePath().toString());
        browser.findElement(By.id("model-xml")).sendKeys(dir.resolve("good.xml").toAbsolutePath().toString());
        submit(By.id("add-model"));
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("Saved"), text());
        assertTrue(text().contains("Heart model form-fit"), text());
        // an auxiliary file by URI, and a baseline diagnosis
        WebElement fdate = browser.findElement(By.id("file-date"));
        ((JavascriptExecutor) browser).executeScript("arguments[0].value = '2012-01-01T10:00'", fdate);
        browser.findElement(By.id("file-uri")).sendKeys("https://example.org/report.pdf");
        browser.findElement(By.id("file-descriptor")).sendKeys("external report");
        submit(By.id("add-file"));
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("Saved"), text());
        assertTrue(browser.findElement(By.linkText("https://example.org/report.pdf")).isDisplayed());
        browser.findElement(By.id("baseline-SBP")).sendKeys("130");
        submit(By.id("add-baseline"));
        assertTrue(text().contains("BP 130/-"), text());
        // cohort and gender, as the patients import sets them
        browser.findElement(By.cssSelector("details.edit-info summary")).click();
        browser.findElement(By.id("info-cohort")).sendKeys("WA-cohort");
        browser.findElement(By.id("info-gender")).sendKeys("F");
        submit(By.id("save-info"));
        assertEquals("WA-cohort", browser.findElement(By.id("cohort")).getText());
        assertEquals("F", browser.findElement(By.id("gender")).getText());
        shot("xpacs-patient-forms");
        // edits in place: the baseline's values (a bad one refused with the import's message), the
        // model's name, the file's descriptor
        browser.findElement(By.cssSelector("details.edit-baseline summary")).click();
        WebElement sbp = browser.findElement(By.cssSelector("form[id^=edit-baseline-] input[name=SBP]"));
        sbp.clear();
        sbp.sendKeys("135");
        submit(By.cssSelector("button[id^=save-baseline-]"));
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("Baseline diagnosis"), text());
        assertTrue(text().contains("BP 135/-"), text());
        browser.findElement(By.cssSelector("details.edit-baseline summary")).click();
        browser.findElement(By.cssSelector("form[id^=edit-baseline-] input[name=HistoryOfSmoking]"))
                .sendKeys("x".repeat(17));
        submit(By.cssSelector("button[id^=save-baseline-]"));
        assertEquals("HistoryOfSmoking is longer than 16 characters", browser.findElement(By.id("error")).getText());
        browser.findElement(By.cssSelector("details.edit-model summary")).click();
        WebElement mname = browser.findElement(By.cssSelector("form[id^=edit-model-] input[name=name]"));
        mname.clear();
        mname.sendKeys("refit");
        submit(By.cssSelector("button[id^=save-model-]"));
        assertTrue(text().contains("Heart model refit"), text());
        browser.findElement(By.cssSelector("details.edit-file summary")).click();
        WebElement desc = browser.findElement(By.cssSelector("form[id^=edit-file-] input[name=descriptor]"));
        desc.clear();
        desc.sendKeys("echo report");
        submit(By.cssSelector("button[id^=save-file-]"));
        assertTrue(browser.findElement(By.id("message")).getText().startsWith("File "), text());
        assertTrue(browser.findElement(By.linkText("https://example.org/report.pdf")).isDisplayed());
        // deletes: the model, the baseline diagnosis and the file leave the page (the file its chain)
        for (String kind : List.of("model", "baseline", "file")) {
            List<WebElement> del = browser.findElements(By.cssSelector("button[id^=delete-" + kind + "-]"));
            assertEquals(1, del.size(), kind);
            submit(By.id(del.get(0).getAttribute("id")));
            assertEquals("Deleted.", browser.findElement(By.id("message")).getText());
            assertTrue(browser.findElements(By.cssSelector("button[id^=delete-" + kind + "-]")).isEmpty(), kind);
        }
        assertFalse(text().contains("https://example.org/report.pdf"));
        assertTrue(browser.findElements(By.cssSelector(".error")).isEmpty(), "the chain stays valid: " + text());
        // researchers see the timeline without the forms
        login(WebAppData.RESEARCHER);
        open("/xpacs/patients/" + st.patientId());
        assertTrue(browser.findElements(By.id("note-form")).isEmpty());
        assertTrue(browser.findElements(By.id("model-form")).isEmpty());
        open("/xpacs/patients/" + d.wam.get(0).patientId());
        assertTrue(browser.findElement(By.id("error-reason")).getText().contains("no patient WAM00001"));
    }

    @Test
    void dashboardPlotsAfterStoresAndAuditFilters() throws Exception {
        login("admin");
        open("/admin");
        waitFor(() -> "drawn".equals(browser.findElement(By.tagName("body")).getAttribute("data-charts")));
        String status = browser.findElement(By.id("status")).getText();
        assertTrue(status.contains("instances") && status.contains("last 24 hours"), status);
        // the fixture's stores (WebAppData and the other tests) are in the plot
        long stores = Long.parseLong(browser.findElement(By.id("chart-stores")).getAttribute("data-total"));
        // WebAppData stored 2 x 2 x 3 + 1 x 1 x 2 instances; other test classes of this JVM may add theirs
        assertTrue(stores >= 14, "stores plotted: " + stores);
        assertTrue(Long.parseLong(browser.findElement(By.id("chart-bytes")).getAttribute("data-total")) > 0);
        assertEquals(3, browser.findElements(By.cssSelector(".chart canvas")).size());
        shot("dashboard");
        // the audit log, filtered as capserver log filters
        assertEquals(401, f.get("/api/me", WebFixture.basic("admin", "a-wrong-password"), null).statusCode());
        open("/admin/audit");
        browser.findElement(By.id("audit-op")).sendKeys("LOGIN-FAILED");
        browser.findElement(By.id("audit-search")).click();
        waitFor(() -> browser.getCurrentUrl().contains("op=LOGIN-FAILED"));
        waitFor(() -> !browser.findElements(By.cssSelector("#audit-log tr")).isEmpty());
        List<WebElement> auditRows = browser.findElements(By.cssSelector("#audit-log tr"));
        for (WebElement row : auditRows.subList(1, auditRows.size())) {
            assertTrue(row.getText().contains("LOGIN-FAILED"), row.getText());
            assertEquals("failure", row.getAttribute("class"));
        }
        assertTrue(auditRows.stream().anyMatch(r -> r.getText().contains("admin") && r.getText().contains("wrong password")),
                "the user and the reason are shown");
        shot("audit");
        // live: the rows reload themselves every 5 s with the same filters
        open("/admin/audit?op=HTTP&live=on");
        WebElement rows = browser.findElement(By.id("audit-rows"));
        assertEquals("every 5s", rows.getAttribute("hx-trigger"));
        assertTrue(rows.getAttribute("hx-get").contains("op=HTTP"));
        // newest first: the page's own request comes on top at the next reload
        String newest = browser.findElements(By.cssSelector("#audit-log tr")).get(1).getText();
        waitFor(() -> !browser.findElements(By.cssSelector("#audit-log tr")).get(1).getText().equals(newest));
        open("/admin/audit?op=C-STORE&patient=" + d.wam.get(0).patientId());
        assertEquals(1 + 2, browser.findElements(By.cssSelector("#audit-log tr")).size(), text());
        open("/admin/audit?from=yesterday");
        assertTrue(browser.findElement(By.id("error-reason")).getText().startsWith("not a time: yesterday"));
        // the AE registry: add, C-ECHO (the node itself, by its own AE title), remove
        open("/admin/aes");
        browser.findElement(By.id("ae-aet")).sendKeys("CAPSCP");
        browser.findElement(By.id("ae-host")).sendKeys("127.0.0.1");
        browser.findElement(By.id("ae-port")).sendKeys(String.valueOf(f.dicomPort));
        submit(By.id("ae-add"));
        assertTrue(browser.findElement(By.id("message")).getText().contains("CAPSCP"), text());
        submit(By.id("echo-CAPSCP"));
        assertTrue(browser.findElement(By.id("message")).getText().contains("success"),
                browser.findElement(By.id("message")).getText());
        shot("aes");
        submit(By.id("remove-CAPSCP"));
        assertEquals("destination CAPSCP removed", browser.findElement(By.id("message")).getText());
        // configuration, secrets masked
        open("/admin/config");
        String config = browser.findElement(By.id("config")).getText();
        assertTrue(config.contains("db-password"), config);
        String pw = f.node.config().get(org.cardiacatlas.cap.common.CapConfig.Option.DB_PASSWORD);
        assertTrue(pw.isEmpty() || !config.contains(pw), "the database password is masked");
        // curators have none of this
        login(WebAppData.CURATOR);
        open("/admin");
        assertEquals("this is for administrators only", browser.findElement(By.id("error-reason")).getText());
    }

    @Test
    void csvImportWithABadRowShowsFileAndLine() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "import");
        String p8 = d.wad.get(1).patientId().substring(0, 8);
        Path csv = dir.resolve("notes-bad.csv");
        Files.writeString(csv, "PatientID,EventDate,Age,Weight,Height,Diagnosis,Procedure,Notes\n"
                + p8 + ",2004-01-02,40,,,ok,,\n" + p8 + ",not-a-date,40,,,bad,,\n");
        login(WebAppData.CURATOR);
        open("/xpacs/import");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("import-kind"))).selectByValue("notes");
        browser.findElement(By.id("import-files")).sendKeys(csv.toAbsolutePath().toString());
        submit(By.id("import"));
        String report = browser.findElement(By.id("import-report")).getText();
        assertTrue(report.startsWith("notes-bad.csv:3: EventDate 'not-a-date' is not a date"), report);
        assertEquals("Rejected: nothing was imported.", browser.findElement(By.id("import-result")).getText());
        shot("xpacs-import");
        // a good file is imported, and its note is in the timeline
        Path good = dir.resolve("notes-good.csv");
        Files.writeString(good, "PatientID,EventDate,Age,Weight,Height,Diagnosis,Procedure,Notes\n"
                + p8 + ",2004-01-02,40,,,imported-dx,,\n");
        open("/xpacs/import");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("import-kind"))).selectByValue("notes");
        browser.findElement(By.id("import-files")).sendKeys(good.toAbsolutePath().toString());
        submit(By.id("import"));
        assertTrue(browser.findElement(By.id("import-report")).getText().contains("imported 1 notes rows"));
        open("/xpacs/patients/" + p8);
        assertTrue(text().contains("diagnosis imported-dx"), text());
        // a heart model (ZIP + XML, uploaded beside the CSV, validated as the import does), a
        // baseline diagnosis and an auxiliary file; each shows in the timeline and downloads
        String study = d.wad.get(1).studyInstanceUid();
        Path zip = dir.resolve("lv.zip");
        try (java.util.zip.ZipOutputStream z = new java.util.zip.ZipOutputStream(Files.newOutputStream(zip))) {
            z.putNextEntry(new java.util.zip.ZipEntry("lv.model"));
            z.write("mesh".getBytes());
            z.closeEntry();
        }
        Files.writeString(dir.resolve("lv.xml"), "<model name=\"lv\"/>");
        Files.writeString(dir.resolve("models.csv"), "StudyInstanceUID,Name,Type,Format,Comment,ModelFile,XmlFile\n"
                + study + ",lv-fit,LV,cim,first fit,lv.zip,lv.xml\n");
        importFiles("models", dir.resolve("models.csv"), zip, dir.resolve("lv.xml"));
        assertTrue(browser.findElement(By.id("import-report")).getText().contains("imported 1 models rows"),
                browser.findElement(By.id("import-report")).getText());
        Files.writeString(dir.resolve("baseline.csv"), "StudyInstanceUID,Ethnicity,Height,Weight,SBP,DBP,HeartRate,"
                + "HistoryOfHypertension,HistoryOfDiabetes,HistoryOfAlcohol,HistoryOfSmoking\n" + study
                + ",white,170,70,120,80,60,no,no,no,yes\n");
        importFiles("baseline", dir.resolve("baseline.csv"));
        Files.writeString(dir.resolve("report.txt"), "echo report");
        Files.writeString(dir.resolve("files.csv"), "PatientID,EventDate,Source,Filename,Descriptor\n" + p8
                + ",2011-05-06,report.txt,report.txt,echo\n");
        importFiles("files", dir.resolve("files.csv"), dir.resolve("report.txt"));
        open("/xpacs/patients/" + p8);
        String page = text();
        assertTrue(page.contains("Heart model lv-fit LV cim"), page);
        assertTrue(page.contains("Baseline: ethnicity white, height 170"), page);
        shot("xpacs-patient-models");
        String zipHref = browser.findElement(By.cssSelector("a[id^=model-zip-]")).getAttribute("href");
        String fileHref = browser.findElement(By.cssSelector("a[id^=file-]")).getAttribute("href");
        String got = (String) js("var done = arguments[arguments.length - 1];"
                + "Promise.all([arguments[0], arguments[1]].map(function (u) { return fetch(u, {credentials: 'same-origin'})"
                + ".then(function (r) { return r.arrayBuffer().then(function (b) { return r.status + ':' + b.byteLength; }); });"
                + " })).then(function (a) { done(a.join(' ')); });", zipHref, fileHref);
        assertEquals("200:" + Files.size(zip) + " 200:11", got);
        // xpacs check
        open("/xpacs/check");
        assertTrue(browser.findElement(By.id("report")).getText().contains("0 with a broken history chain"),
                browser.findElement(By.id("report")).getText());
        // researchers cannot import
        login(WebAppData.RESEARCHER);
        open("/xpacs/import");
        assertEquals("this is for curators and administrators only", browser.findElement(By.id("error-reason")).getText());
    }

    static void importFiles(String kind, Path... files) {
        open("/xpacs/import");
        new org.openqa.selenium.support.ui.Select(browser.findElement(By.id("import-kind"))).selectByValue(kind);
        StringBuilder paths = new StringBuilder();
        for (Path p : files) {
            paths.append(paths.length() > 0 ? "\n" : "").append(p.toAbsolutePath());
        }
        browser.findElement(By.id("import-files")).sendKeys(paths.toString());
        submit(By.id("import"));
    }

    @Test
    void adminManagesUsers() throws Exception {
        login("admin");
        open("/admin/users");
        browser.findElement(By.id("new-name")).sendKeys("wa-browser");
        browser.findElement(By.id("new-cohorts")).sendKeys("WAM");
        browser.findElement(By.id("new-password")).sendKeys("browser-pass-1");
        submit(By.id("add-user"));
        assertEquals("User wa-browser added.", browser.findElement(By.id("message")).getText());
        assertTrue(f.node.accounts().principal("wa-browser").orElseThrow().cohorts().contains("WAM"));
        shot("users");
        // errors are sentences
        browser.findElement(By.id("new-name")).sendKeys("wa-browser");
        browser.findElement(By.id("new-password")).sendKeys("browser-pass-1");
        submit(By.id("add-user"));
        assertEquals("user 'wa-browser' exists", browser.findElement(By.id("error")).getText());
        // the admin sets a user's password
        WebElement pw = browser.findElement(By.id("password-wa-browser"));
        pw.sendKeys("reset-pass-22");
        WebElement save = pw.findElement(By.xpath("./following-sibling::button"));
        save.click();
        waitFor(() -> browser.findElements(By.id("message")).size() == 1
                && browser.findElement(By.id("message")).getText().equals("User wa-browser changed."));
        assertEquals(200, f.get("/api/me", WebFixture.basic("wa-browser", "reset-pass-22"), null).statusCode());
        // the researcher has no such page
        login(WebAppData.RESEARCHER);
        open("/admin/users");
        assertEquals("this is for administrators only", browser.findElement(By.id("error-reason")).getText());
    }
}
