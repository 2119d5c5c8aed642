package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.cardiacatlas.cap.server.LogFollow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Issue 10: what a hostile peer or a broken disk can do to the logs, the index and the slots. */
class HardeningTest {

    static ServerFixture server;

    @BeforeAll
    static void start() {
        server = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    /** A minimal A-ASSOCIATE-RQ (PS3.8 9.3.2): header, version, AE titles, reserved; no items. */
    static byte[] associateRq(String called, String calling) {
        byte[] pdu = new byte[6 + 68];
        pdu[0] = 0x01;
        pdu[5] = 68;
        pdu[7] = 0x01;
        Arrays.fill(pdu, 10, 42, (byte) ' ');
        byte[] c = called.getBytes(StandardCharsets.ISO_8859_1);
        byte[] g = calling.getBytes(StandardCharsets.ISO_8859_1);
        System.arraycopy(c, 0, pdu, 10, Math.min(16, c.length));
        System.arraycopy(g, 0, pdu, 26, Math.min(16, g.length));
        return pdu;
    }

    @Test
    void aeTitlesFromPeersCannotForgeLogLines() throws Exception {
        Path log = Path.of("target", "it", "test.log");
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            out.write(associateRq("NOT\u001b[2J", "X\nFORGED ERROR"));
            out.flush();
            InputStream in = s.getInputStream();
            assertEquals(0x03, in.read(), "A-ASSOCIATE-RJ");
        }
        BadInputTest.waitForLong(() -> {
            try {
                return Files.readString(log, StandardCharsets.UTF_8).contains("X\\nFORGED ERROR");
            } catch (Exception e) {
                return false;
            }
        }, 10);
        String text = Files.readString(log, StandardCharsets.UTF_8);
        assertFalse(text.contains("\nFORGED ERROR"), "a forged line in the log");
        assertFalse(text.contains("\u001b"), "a terminal escape in the log");
        assertTrue(text.contains("called AE title 'NOT\\x1b[2J' is not ours"), text);
        // the deployed configuration escapes the same way as the test one
        String conf = Files.readString(Path.of("..", "conf", "logback.xml"));
        assertTrue(conf.contains("[%emdc{assoc:-server}] %logger{0} - %emsg%n"), conf);
        assertTrue(conf.contains("class=\"org.cardiacatlas.cap.common.log.AuditFileAppender\""), conf);
    }

    @Test
    void capserverLogReportsUnreadableLines() throws Exception {
        Path dir = Files.createTempDirectory("capserver-cut-");
        Files.writeString(dir.resolve("audit.log"),
                "{\"time\":\"2026-12-01T10:00:00Z\",\"op\":\"C-STORE\",\"status\":\"A700\",\"sop\":\"1.2.3\"}\n"
                        + "{\"time\":\"2026-12-01T10:00:01Z\",\"op\":\"C-STORE\",\"stat\n"
                        + "{\"time\":\"2026-12-01T10:00:02Z\",\"op\":\"C-STORE\",\"status\":\"A700\",\"sop\":\"1.2.4\"}\n");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        assertEquals(0, LogFollow.run(dir, List.of("--failures", "--json"), new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8)));
        assertEquals(2, out.toString(StandardCharsets.UTF_8).lines().count(), out.toString(StandardCharsets.UTF_8));
        String e = err.toString(StandardCharsets.UTF_8);
        assertTrue(e.contains("unreadable line audit.log:2: {\"time\":\"2026-12-01T10:00:01Z\",\"op\":\"C-STORE\",\"stat"), e);
        assertTrue(e.contains("1 unreadable line(s)"), e);
    }
}
