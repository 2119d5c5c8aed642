package org.cardiacatlas.cap.web;

import java.io.IOException;
import java.net.CookieManager;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.tools.SyntheticStudies;

/**
 * The web app tests' data in the shared node, stored once: two cohorts (CAP ID prefixes WAD and
 * WAM) and one account per role, the researcher limited to WAD.
 */
final class WebAppData {

    static final String CURATOR = "wa-curator";
    static final String RESEARCHER = "wa-researcher";
    static final String PASSWORD = "web-app-pass-1";

    private static WebAppData shared;

    final WebFixture f;
    final List<SyntheticStudies.StudyInfo> wad;
    final List<SyntheticStudies.StudyInfo> wam;

    private WebAppData(WebFixture f, List<SyntheticStudies.StudyInfo> wad, List<SyntheticStudies.StudyInfo> wam) {
        this.f = f;
        this.wad = wad;
        this.wam = wam;
    }

    static synchronized WebAppData shared() throws Exception {
        if (shared == null) {
            WebFixture f = WebFixture.shared();
            Path dir = Files.createTempDirectory(Path.of("target"), "webapp");
            SyntheticStudies a = SyntheticStudies.builder().prefix("WAD").patients(2).sessionsPerPatient(1)
                    .seriesPerStudy(2).imagesPerSeries(3).rows(64).columns(64).seed(21).build();
            SyntheticStudies b = SyntheticStudies.builder().prefix("WAM").patients(1).sessionsPerPatient(1)
                    .seriesPerStudy(1).imagesPerSeries(2).rows(64).columns(64).seed(22).build();
            List<Path> files = new ArrayList<>(a.writeTo(dir.resolve("wad")));
            files.addAll(b.writeTo(dir.resolve("wam")));
            files.add(multiFrame(files.get(0), dir.resolve("mfr.dcm")));
            f.storescu(files);
            f.node.accounts().add(CURATOR, Role.CURATOR, List.of(), PASSWORD, "test");
            f.node.accounts().add(RESEARCHER, Role.RESEARCHER, List.of("WAD"), PASSWORD, "test");
            shared = new WebAppData(f, a.studies(), b.studies());
        }
        return shared;
    }

    static final String MULTIFRAME_PATIENT = "MFR0000101";
    static final int FRAMES = 3;

    /**
     * A cine image as one multi-frame instance (patient MFR0000101, a study of its own): the
     * first synthetic image's pixels three times over, each frame brighter.
     */
    static Path multiFrame(Path from, Path to) throws Exception {
        com.pixelmed.dicom.AttributeList l = new com.pixelmed.dicom.AttributeList();
        l.read(from.toFile());
        l.removeMetaInformationHeaderAttributes();
        short[] src = l.get(com.pixelmed.dicom.TagFromName.PixelData).getShortValues();
        short[] all = new short[src.length * FRAMES];
        for (int f = 0; f < FRAMES; f++) {
            for (int i = 0; i < src.length; i++) {
                all[f * src.length + i] = (short) Math.min(4095, (src[i] & 0xffff) + 300 * f);
            }
        }
        com.pixelmed.dicom.OtherWordAttribute px = new com.pixelmed.dicom.OtherWordAttribute(
                com.pixelmed.dicom.TagFromName.PixelData);
        px.setValues(all);
        l.put(px);
        String root = "2.25." + new java.math.BigInteger(1, java.security.SecureRandom.getInstanceStrong()
                .generateSeed(12));
        set(l, new com.pixelmed.dicom.LongStringAttribute(com.pixelmed.dicom.TagFromName.PatientID), MULTIFRAME_PATIENT);
        set(l, new com.pixelmed.dicom.UniqueIdentifierAttribute(com.pixelmed.dicom.TagFromName.StudyInstanceUID),
                root + ".1");
        set(l, new com.pixelmed.dicom.UniqueIdentifierAttribute(com.pixelmed.dicom.TagFromName.SeriesInstanceUID),
                root + ".2");
        set(l, new com.pixelmed.dicom.UniqueIdentifierAttribute(com.pixelmed.dicom.TagFromName.SOPInstanceUID),
                root + ".3");
        set(l, new com.pixelmed.dicom.IntegerStringAttribute(com.pixelmed.dicom.TagFromName.NumberOfFrames),
                String.valueOf(FRAMES));
        com.pixelmed.dicom.FileMetaInformation.addFileMetaInformation(l,
                com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, "CAPTEST");
        l.write(to.toFile(), com.pixelmed.dicom.TransferSyntax.ExplicitVRLittleEndian, true, true);
        return to;
    }

    private static void set(com.pixelmed.dicom.AttributeList l, com.pixelmed.dicom.Attribute a, String v)
            throws com.pixelmed.dicom.DicomException {
        a.addValue(v);
        l.put(a);
    }

    String password(String user) {
        return user.equals("admin") ? f.adminPassword : PASSWORD;
    }

    /** A logged-in browser-like client: its cookie jar holds the session; csrf is the page's token. */
    final class Session {
        final HttpClient http;
        final String csrf;

        Session(HttpClient http, String csrf) {
            this.http = http;
            this.csrf = csrf;
        }

        HttpResponse<byte[]> get(String path) throws IOException, InterruptedException {
            return http.send(HttpRequest.newBuilder(URI.create(f.url(path))).timeout(Duration.ofSeconds(60)).GET()
                    .build(), HttpResponse.BodyHandlers.ofByteArray());
        }

        HttpResponse<String> send(String method, String path, String contentType, String body, String csrfToken)
                throws IOException, InterruptedException {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(f.url(path))).timeout(Duration.ofSeconds(60))
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (contentType != null) {
                b.header("Content-Type", contentType);
            }
            if (csrfToken != null) {
                b.header("X-CSRF-Token", csrfToken);
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    /** Logs in through the form as a browser does, and reads the CSRF token from a page. */
    Session login(String user) throws Exception {
        HttpClient http = HttpClient.newBuilder().cookieHandler(new CookieManager())
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(f.url("/login")))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("username=" + user + "&password="
                        + URLEncoder.encode(password(user), StandardCharsets.UTF_8) + "&next=%2Faccount")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 302) {
            throw new IllegalStateException("login of " + user + ": " + r.statusCode() + " " + r.body());
        }
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(f.url("/account"))).build(),
                HttpResponse.BodyHandlers.ofString());
        Matcher m = Pattern.compile("name=\"csrf-token\" content=\"([^\"]+)\"").matcher(page.body());
        if (!m.find()) {
            throw new IllegalStateException("no CSRF token in the page: " + page.body());
        }
        return new Session(http, m.group(1));
    }
}
