package org.cardiacatlas.cap.web;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.common.EmbeddedDatabase;
import org.cardiacatlas.cap.server.CapServer;

/**
 * One real node (DICOM and HTTP on free ports) for the web tests of this JVM, on an embedded
 * MariaDB of its own (or CAP_TEST_DB_URL), with the initial admin account the node creates.
 */
final class WebFixture {

    private static WebFixture shared;

    final CapServer node;
    final Path dataDir;
    final int httpPort;
    final int dicomPort;
    final String adminPassword;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final String pacsSchema;

    private WebFixture(CapServer node, Path dataDir, int httpPort, int dicomPort, String pacsSchema) throws IOException {
        this.node = node;
        this.dataDir = dataDir;
        this.httpPort = httpPort;
        this.dicomPort = dicomPort;
        this.pacsSchema = pacsSchema;
        this.adminPassword = Files.readString(dataDir.resolve("initial-admin-password")).trim();
    }

    static synchronized WebFixture shared() throws IOException {
        if (shared == null) {
            shared = start(Map.of());
            Runtime.getRuntime().addShutdownHook(new Thread(shared.node::close));
        }
        return shared;
    }

    private static EmbeddedDatabase db;

    static synchronized String dbUrl() {
        String external = System.getenv("CAP_TEST_DB_URL");
        if (external != null && !external.isBlank()) {
            return external.trim();
        }
        if (db == null) {
            int port = freePort();
            db = EmbeddedDatabase.start(Path.of("target", "it", "db-" + port).toAbsolutePath(), port);
            Runtime.getRuntime().addShutdownHook(new Thread(db::close));
        }
        return db.jdbcUrl();
    }

    /** The external server's password, or the embedded server's root password (its client.cnf). */
    static synchronized String dbPassword() {
        String pw = System.getenv("CAP_TEST_DB_PASSWORD");
        if (pw != null) {
            return pw;
        }
        dbUrl();
        return db == null ? "" : db.rootPassword();
    }

    static WebFixture start(Map<Option, String> overrides) throws IOException {
        int n = (int) (ProcessHandle.current().pid() % 100000) * 10 + (int) (System.nanoTime() % 10);
        Path dir = Path.of("target", "it", "web-" + n).toAbsolutePath();
        Map<Option, String> o = new EnumMap<>(Option.class);
        o.put(Option.DATA_DIR, dir.toString());
        o.put(Option.DB_URL, dbUrl());
        String user = System.getenv("CAP_TEST_DB_USER");
        o.put(Option.DB_USER, user == null || user.isBlank() ? "root" : user);
        o.put(Option.DB_PASSWORD, dbPassword());
        o.put(Option.PACS_SCHEMA, "pacs_w" + n);
        o.put(Option.XPACS_SCHEMA, "xpacs_w" + n);
        int dicom = freePort();
        int http = freePort();
        o.put(Option.PORT, String.valueOf(dicom));
        o.put(Option.HTTP_PORT, String.valueOf(http));
        o.put(Option.HTTP_BIND, "127.0.0.1");
        o.put(Option.DB_POOL_SIZE, "8");
        // the audit log of logback-test.xml, which the web app's dashboard and audit pages read
        o.put(Option.LOG_DIR, Path.of("target", "it").toAbsolutePath().toString());
        o.putAll(overrides);
        CapServer node = CapServer.start(CapConfig.of(o));
        return new WebFixture(node, Path.of(o.get(Option.DATA_DIR)), Integer.parseInt(o.get(Option.HTTP_PORT)), dicom, o.get(Option.PACS_SCHEMA));
    }

    static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String dbUser() {
        String user = System.getenv("CAP_TEST_DB_USER");
        return user == null || user.isBlank() ? "root" : user;
    }

    String url(String path) {
        return "http://127.0.0.1:" + httpPort + path;
    }

    static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    String admin() {
        return basic("admin", adminPassword);
    }

    HttpResponse<byte[]> get(String path, String authorization, String accept) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(120)).GET();
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        if (accept != null) {
            b.header("Accept", accept);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    /** storescu of the files into the node's DICOM port (the C-STORE path). */
    void storescu(List<Path> files) throws IOException, InterruptedException {
        List<String> c = new ArrayList<>(List.of("storescu", "-nh", "-aec", "CAPSCP", "-aet", "STORESCU", "127.0.0.1",
                String.valueOf(dicomPort)));
        for (Path f : files) {
            c.add(f.toString());
        }
        ProcessBuilder pb = new ProcessBuilder(c).redirectErrorStream(true);
        pb.environment().put("TCP_NODELAY", "1");
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(300, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IOException("storescu failed: " + out);
        }
    }
}
