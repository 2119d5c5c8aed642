package org.cardiacatlas.cap.it;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.server.CapServer;

/**
 * A real server on the shared test database, with schemas and an archive folder of its own
 * (or shared with another fixture, for the side-by-side tests).
 */
final class ServerFixture implements AutoCloseable {

    private static final AtomicInteger SEQ = new AtomicInteger();

    final CapServer server;
    final Map<Option, String> options;
    final Path storage;
    final String pacs;

    private ServerFixture(CapServer server, Map<Option, String> options) {
        this.server = server;
        this.options = options;
        this.storage = Path.of(options.get(Option.STORAGE_DIR));
        this.pacs = options.get(Option.PACS_SCHEMA);
    }

    static ServerFixture start() {
        return start(Map.of());
    }

    static ServerFixture start(Map<Option, String> overrides) {
        int n = SEQ.incrementAndGet() + (int) (ProcessHandle.current().pid() % 1000) * 100;
        Map<Option, String> o = new EnumMap<>(Option.class);
        Path dir = Path.of("target", "it", "server-" + n).toAbsolutePath();
        o.put(Option.DATA_DIR, dir.toString());
        o.put(Option.STORAGE_DIR, dir.resolve("archive").toString());
        o.put(Option.DB_URL, TestDatabase.url());
        o.put(Option.DB_USER, TestDatabase.user());
        o.put(Option.DB_PASSWORD, TestDatabase.password());
        o.put(Option.PACS_SCHEMA, "pacs_t" + n);
        o.put(Option.XPACS_SCHEMA, "xpacs_t" + n);
        o.put(Option.PORT, String.valueOf(TestDatabase.freePort()));
        o.put(Option.DB_POOL_SIZE, "8");
        o.putAll(overrides);
        return launch(o);
    }

    /** A second server on the same database schemas and archive folder. */
    ServerFixture sibling() {
        return sibling(Map.of());
    }

    /** A second server on the same schemas and archive folder, with other options. */
    ServerFixture sibling(Map<Option, String> overrides) {
        Map<Option, String> o = new EnumMap<>(options);
        o.put(Option.PORT, String.valueOf(TestDatabase.freePort()));
        o.putAll(overrides);
        return launch(o);
    }

    /** A second server on the same schemas and archive folder, with some options of its own. */
    ServerFixture siblingWith(Map<Option, String> overrides) {
        Map<Option, String> o = new EnumMap<>(options);
        o.put(Option.PORT, String.valueOf(TestDatabase.freePort()));
        o.putAll(overrides);
        return launch(o);
    }

    private static ServerFixture launch(Map<Option, String> o) {
        try {
            return new ServerFixture(CapServer.start(CapConfig.of(o)), o);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.port();
    }

    /** Rows of a query on this server's PACS schema; {pacs} in the SQL is replaced by its name. */
    List<Map<String, Object>> rows(String sql, Object... params) {
        try (Connection c = connect();
                PreparedStatement ps = c.prepareStatement(sql.replace("{pacs}", pacs))) {
            for (int i = 0; i < params.length; i++) {
                ps.setObject(i + 1, params[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                ResultSetMetaData md = rs.getMetaData();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= md.getColumnCount(); i++) {
                        row.put(md.getColumnLabel(i), rs.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** This server's database, which may not be the shared test database. */
    Connection connect() throws SQLException {
        return java.sql.DriverManager.getConnection(options.get(Option.DB_URL) + "?sslMode=DISABLED&allowPublicKeyRetrieval=true",
                options.get(Option.DB_USER), options.get(Option.DB_PASSWORD));
    }

    long count(String table) {
        return ((Number) rows("SELECT COUNT(*) AS n FROM {pacs}." + table).get(0).get("n")).longValue();
    }

    /** Files below the archive's temporary folder: must be none between requests. */
    long incomingFiles() throws IOException {
        Path incoming = storage.resolve(".incoming");
        if (!Files.exists(incoming)) {
            return 0;
        }
        try (Stream<Path> s = Files.walk(incoming)) {
            return s.filter(Files::isRegularFile).count();
        }
    }

    /** Archive files (not temporary ones). */
    long archiveFiles() throws IOException {
        try (Stream<Path> s = Files.walk(storage)) {
            return s.filter(Files::isRegularFile).filter(p -> !p.toString().contains("/.incoming/")).count();
        }
    }

    static String md5(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[65536];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
