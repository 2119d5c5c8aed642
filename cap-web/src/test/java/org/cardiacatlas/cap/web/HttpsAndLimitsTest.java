package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A node with HTTPS (a PKCS#12 keystore made by keytool), anonymous reading, CORS for one
 * origin and a 1 MiB request limit; and a client that goes away in the middle of a download.
 */
class HttpsAndLimitsTest {

    static WebFixture f;
    static int httpsPort;
    static Path dir;
    static String study;
    /** What the node logged while it started. */
    static List<String> startLines;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory(Path.of("target"), "https").toAbsolutePath();
        Path ks = dir.resolve("node.p12");
        Process k = new ProcessBuilder("keytool", "-genkeypair", "-alias", "cap", "-keyalg", "RSA", "-keysize", "2048",
                "-storetype", "PKCS12", "-keystore", ks.toString(), "-storepass", "store-pass-1", "-dname",
                "CN=localhost", "-ext", "SAN=ip:127.0.0.1,dns:localhost", "-validity", "2").redirectErrorStream(true).start();
        k.getInputStream().readAllBytes();
        assertTrue(k.waitFor(60, TimeUnit.SECONDS) && k.exitValue() == 0, "keytool made the keystore");
        httpsPort = WebFixture.freePort();
        Map<Option, String> o = new EnumMap<>(Option.class);
        o.put(Option.HTTPS_PORT, String.valueOf(httpsPort));
        o.put(Option.TLS_KEYSTORE, ks.toString());
        o.put(Option.TLS_KEYSTORE_PASSWORD, "store-pass-1");
        o.put(Option.HTTP_ANONYMOUS_READ, "true");
        o.put(Option.HTTP_CORS_ORIGINS, "http://viewer.example");
        o.put(Option.HTTP_MAX_REQUEST_MB, "1");
        try (LogCapture logs = new LogCapture()) {
            f = WebFixture.start(o);
            startLines = logs.log();
        }
        SyntheticStudies s = SyntheticStudies.builder().prefix("BIG").patients(1).sessionsPerPatient(1)
                .seriesPerStudy(1).imagesPerSeries(40).rows(256).columns(256).seed(3).build();
        study = s.studies().get(0).studyInstanceUid();
        f.storescu(s.writeTo(dir.resolve("in")));
    }

    @AfterAll
    static void stop() {
        if (f != null) {
            f.node.close();
        }
    }

    @Test
    void httpsWithTheKeystore() throws Exception {
        // the client trusts the node's own certificate, and checks the name as a browser would
        java.security.KeyStore ks = java.security.KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(dir.resolve("node.p12"))) {
            ks.load(in, "store-pass-1".toCharArray());
        }
        java.security.KeyStore trust = java.security.KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("node", ks.getCertificate("cap"));
        javax.net.ssl.TrustManagerFactory tmf = javax.net.ssl.TrustManagerFactory.getInstance(
                javax.net.ssl.TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, tmf.getTrustManagers(), new SecureRandom());
        HttpClient tls = HttpClient.newBuilder().sslContext(trustAll).build();
        HttpResponse<String> r = tls.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + httpsPort
                + "/dicom-web/studies?PatientID=BIG*")).header("Authorization", f.admin()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, r.statusCode());
        assertTrue(r.body().contains(study));
        assertTrue(r.sslSession().orElseThrow().getProtocol().startsWith("TLSv1."));
    }

    @Test
    void anonymousReadButNotStore() throws Exception {
        assertEquals(200, f.get("/dicom-web/studies", null, null).statusCode());
        HttpRequest post = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofString("--x--\r\n")).build();
        assertEquals(401, f.http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
        // the web app and its API are not opened by it
        assertEquals(401, f.get("/api/studies", null, null).statusCode());
        assertEquals(303, f.get("/studies", null, null).statusCode());
    }

    @Test
    void corsForConfiguredOriginsOnly() throws Exception {
        HttpRequest preflight = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                .header("Origin", "http://viewer.example").header("Access-Control-Request-Method", "GET")
                .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).build();
        HttpResponse<String> r = f.http.send(preflight, HttpResponse.BodyHandlers.ofString());
        assertEquals(204, r.statusCode());
        assertEquals("http://viewer.example", r.headers().firstValue("Access-Control-Allow-Origin").orElse(""));
        HttpResponse<String> other = f.http.send(HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                .header("Origin", "http://evil.example").build(), HttpResponse.BodyHandlers.ofString());
        assertTrue(other.headers().firstValue("Access-Control-Allow-Origin").isEmpty());
    }

    /** A peer that reaches the DICOM port finds the whole node started: the port opens last. */
    @Test
    void dicomPortOpensOnlyOnceTheRestHasStarted() {
        int https = indexOf("HTTPS on");
        int admin = indexOf("no account existed");
        int dicom = indexOf("listening on");
        assertTrue(https >= 0 && dicom >= 0, startLines.toString());
        assertTrue(dicom > https, "the DICOM port opened before HTTPS: " + startLines);
        // the first account (absent when CAP_TEST_DB_URL names a database that has one)
        assertTrue(admin < dicom, "the DICOM port opened before the first account was made: " + startLines);
    }

    private static int indexOf(String part) {
        for (int i = 0; i < startLines.size(); i++) {
            if (startLines.get(i).contains(part)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void tooLargeRequestIs413() throws Exception {
        byte[] big = new byte[2 * 1024 * 1024];
        HttpRequest post = HttpRequest.newBuilder(URI.create(f.url("/dicom-web/studies")))
                .header("Authorization", f.admin())
                .header("Content-Type", "multipart/related; type=\"application/dicom\"; boundary=x")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)).build();
        assertEquals(413, f.http.send(post, HttpResponse.BodyHandlers.ofString()).statusCode());
    }

    @Test
    void clientGoneMidDownloadAndTheServerServesOn() throws Exception {
        try (LogCapture logs = new LogCapture()) {
            try (Socket s = new Socket("127.0.0.1", f.httpPort)) {
                OutputStream out = s.getOutputStream();
                out.write(("GET /dicom-web/studies/" + study + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: "
                        + f.admin() + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                InputStream in = s.getInputStream();
                assertTrue(in.readNBytes(64 * 1024).length > 0);
                s.setSoLinger(true, 0); // a reset, as a client killed mid-download
            }
            long deadline = System.currentTimeMillis() + 20_000;
            while (logs.log().stream().noneMatch(l -> l.contains("GET /dicom-web/studies/" + study))
                    && System.currentTimeMillis() < deadline) {
                Thread.sleep(100);
            }
            List<String> lines = logs.log();
            assertTrue(lines.stream().anyMatch(l -> l.contains("client disconnected mid-response")), lines.toString());
            assertTrue(lines.stream().anyMatch(l -> l.contains("GET /dicom-web/studies/" + study)), lines.toString());
        }
        HttpResponse<byte[]> again = f.get("/dicom-web/studies/" + study, f.admin(), null);
        assertEquals(200, again.statusCode());
        assertTrue(again.body().length > 40 * 256 * 256 * 2);
    }
}
