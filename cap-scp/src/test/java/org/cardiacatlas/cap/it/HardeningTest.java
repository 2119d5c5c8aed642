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
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
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
    void valuesTheIndexCannotHoldFaithfullyAreRefusedWithTheirAttribute() throws Exception {
        com.pixelmed.dicom.AttributeList a = BadInputTest.read(BadInputTest.oneFile("VAL", 1001));
        String sopClass = a.get(TagFromName.SOPClassUID).getSingleStringValueOrEmptyString();
        String sop = a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
        try (RawScu scu = new RawScu(server.port(), "CAPSCP", "RAWSCU")) {
            // a two-valued SOP Instance UID: once indexed as its first value
            com.pixelmed.dicom.AttributeList two = (com.pixelmed.dicom.AttributeList) a.clone();
            UniqueIdentifierAttribute u = new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID);
            u.addValue(sop);
            u.addValue(sop + ".2");
            two.put(u.getTag(), u);
            assertEquals(0xC000, scu.store(sopClass, sop, BadInputTest.dataSet(two)));
            assertEquals("SOP Instance UID (0008,0018) has 2 values", scu.lastComment);

            // a 5000-character Patient ID: once cut to 250 characters
            com.pixelmed.dicom.AttributeList longId = (com.pixelmed.dicom.AttributeList) a.clone();
            LongStringAttribute id = new LongStringAttribute(TagFromName.PatientID);
            id.addValue("P".repeat(5000));
            longId.put(id.getTag(), id);
            assertEquals(0xA900, scu.store(sopClass, sop, BadInputTest.dataSet(longId)));
            assertEquals("Patient ID (0010,0020): 5000 chars, VR LO allows 64", scu.lastComment);

            // a NUL inside the Patient ID: once stored with it
            com.pixelmed.dicom.AttributeList nul = (com.pixelmed.dicom.AttributeList) a.clone();
            LongStringAttribute nulId = new LongStringAttribute(TagFromName.PatientID);
            nulId.addValue("AB\0CD");
            nul.put(nulId.getTag(), nulId);
            assertEquals(0xA900, scu.store(sopClass, sop, BadInputTest.dataSet(nul)));
            assertEquals("Patient ID (0010,0020) holds control character 0x00", scu.lastComment);

            // a two-valued Patient ID (VM 1)
            com.pixelmed.dicom.AttributeList twoIds = (com.pixelmed.dicom.AttributeList) a.clone();
            LongStringAttribute ids = new LongStringAttribute(TagFromName.PatientID);
            ids.addValue("AAA");
            ids.addValue("BBB");
            twoIds.put(ids.getTag(), ids);
            assertEquals(0xA900, scu.store(sopClass, sop, BadInputTest.dataSet(twoIds)));
            assertEquals("Patient ID (0010,0020) has 2 values", scu.lastComment);

            assertTrue(server.rows("SELECT pk FROM {pacs}.instance WHERE sop_iuid = ?", sop).isEmpty());
            // the unchanged data set is still welcome; the node keeps serving
            assertEquals(0x0000, scu.store(sopClass, sop, BadInputTest.dataSet(a)));
        }
        assertEquals(1, server.rows("SELECT pk FROM {pacs}.instance WHERE sop_iuid = ?", sop).size());
        assertEquals(0, server.incomingFiles());
        assertEquals(server.count("files"), server.archiveFiles(), "no orphan archive files");
    }

    /** An A-ASSOCIATE-RQ for Verification in implicit VR little endian (PS3.8 9.3.2). */
    static byte[] verificationRq(String called, String calling) {
        java.io.ByteArrayOutputStream items = new java.io.ByteArrayOutputStream();
        item(items, 0x10, "1.2.840.10008.3.1.1.1".getBytes(StandardCharsets.US_ASCII));
        java.io.ByteArrayOutputStream pc = new java.io.ByteArrayOutputStream();
        pc.writeBytes(new byte[] {1, 0, 0, 0});
        item(pc, 0x30, "1.2.840.10008.1.1".getBytes(StandardCharsets.US_ASCII));
        item(pc, 0x40, "1.2.840.10008.1.2".getBytes(StandardCharsets.US_ASCII));
        item(items, 0x20, pc.toByteArray());
        java.io.ByteArrayOutputStream ui = new java.io.ByteArrayOutputStream();
        item(ui, 0x51, new byte[] {0, 0, 0x40, 0});
        item(items, 0x50, ui.toByteArray());
        byte[] head = associateRq(called, calling);
        byte[] body = items.toByteArray();
        byte[] pdu = Arrays.copyOf(head, head.length + body.length);
        System.arraycopy(body, 0, pdu, head.length, body.length);
        int len = pdu.length - 6;
        pdu[2] = (byte) (len >> 24);
        pdu[3] = (byte) (len >> 16);
        pdu[4] = (byte) (len >> 8);
        pdu[5] = (byte) len;
        return pdu;
    }

    private static void item(java.io.ByteArrayOutputStream out, int type, byte[] value) {
        out.write(type);
        out.write(0);
        out.write(value.length >> 8);
        out.write(value.length);
        out.writeBytes(value);
    }

    /** Sends one byte of the data every interval until the server closes; returns when it did (ms after start). */
    static final class Trickler extends Thread {
        final Socket socket;
        final byte[] data;
        final long intervalMillis;
        volatile long closedAfterMillis = -1;

        Trickler(int port, byte[] data, long intervalMillis) throws Exception {
            this.socket = new Socket("127.0.0.1", port);
            this.data = data;
            this.intervalMillis = intervalMillis;
            setDaemon(true);
        }

        @Override
        public void run() {
            long t0 = System.nanoTime();
            try {
                OutputStream out = socket.getOutputStream();
                for (int i = 0; i < data.length; i++) {
                    out.write(data[i]);
                    out.flush();
                    Thread.sleep(intervalMillis);
                }
            } catch (Exception e) {
                // the server closed the connection
            }
            closedAfterMillis = (System.nanoTime() - t0) / 1_000_000;
        }
    }

    @Test
    void tricklingConnectionsHoldNoSlotAndAreClosedAtTheirDeadline() throws Exception {
        try (ServerFixture small = ServerFixture.start(java.util.Map.of(
                org.cardiacatlas.cap.common.CapConfig.Option.MAX_ASSOCIATIONS, "8",
                org.cardiacatlas.cap.common.CapConfig.Option.ASSOCIATE_TIMEOUT, "3",
                org.cardiacatlas.cap.common.CapConfig.Option.IDLE_TIMEOUT, "2",
                org.cardiacatlas.cap.common.CapConfig.Option.MAX_ASSOCIATIONS_PER_ADDRESS, "12"))) {
            byte[] rq = verificationRq("CAPSCP", "TRICKLE");
            List<Trickler> tricklers = new java.util.ArrayList<>();
            for (int i = 0; i < 8; i++) {
                Trickler t = new Trickler(small.port(), rq, 500);
                tricklers.add(t);
                t.start();
            }
            Thread.sleep(700);
            // eight trickling requests on a node of eight associations: storescu still gets in
            Dcmtk.Result echo = Dcmtk.echoscu(small.port());
            assertTrue(echo.ok(), echo.output());
            Path f = BadInputTest.oneFile("TRK", 1002);
            Dcmtk.Result store = Dcmtk.storescu(small.port(), List.of(), List.of(f.toString()));
            assertTrue(store.output().contains("Received Store Response (Success)"), store.output());
            // and each trickler is cut at the associate timeout, though it never stops sending
            for (Trickler t : tricklers) {
                t.join(10_000);
                assertTrue(t.closedAfterMillis > 2500 && t.closedAfterMillis < 6000, "closed after " + t.closedAfterMillis);
            }

            // after the association, a PDU trickled byte by byte: cut at the idle timeout of the last whole PDU
            try (Socket s = new Socket("127.0.0.1", small.port())) {
                s.getOutputStream().write(rq);
                s.getOutputStream().flush();
                assertEquals(0x02, s.getInputStream().read(), "A-ASSOCIATE-AC");
                byte[] pdata = new byte[200];
                pdata[0] = 0x04;
                pdata[5] = (byte) 194;
                Trickler t = new Trickler(small.port(), new byte[0], 0);
                long t0 = System.nanoTime();
                boolean cut = false;
                try {
                    for (byte b : pdata) {
                        s.getOutputStream().write(b);
                        s.getOutputStream().flush();
                        Thread.sleep(300);
                        if ((System.nanoTime() - t0) / 1_000_000 > 15_000) {
                            break;
                        }
                    }
                } catch (java.io.IOException e) {
                    cut = true;
                }
                long after = (System.nanoTime() - t0) / 1_000_000;
                t.socket.close();
                assertTrue(cut, "still open after " + after + " ms");
                assertTrue(after < 8000, "cut after " + after + " ms");
            }

            // the per-address limit: twelve connections from one address, the thirteenth is refused
            List<Socket> held = new java.util.ArrayList<>();
            try {
                for (int i = 0; i < 12; i++) {
                    Socket s = new Socket("127.0.0.1", small.port());
                    s.getOutputStream().write(rq, 0, 10);
                    held.add(s);
                }
                Thread.sleep(300);
                Dcmtk.Result refused = Dcmtk.echoscu(small.port());
                assertFalse(refused.ok(), refused.output());
                assertTrue(refused.output().contains("Local Limit Exceeded"), refused.output());
            } finally {
                for (Socket s : held) {
                    s.close();
                }
            }
            BadInputTest.waitForLong(() -> Dcmtk.echoscu(small.port()).ok(), 10);
        }
    }

    /** The command line of a fixture's configuration, for capserver commands run against it. */
    static List<String> argsOf(ServerFixture f) {
        List<String> a = new java.util.ArrayList<>();
        f.options.forEach((o, v) -> {
            a.add("--" + o.key());
            a.add(v);
        });
        return a;
    }

    @Test
    void crashLeftoversAreRemovedAtStartAndVerifyFindsOrphansAndDamage() throws Exception {
        int port = TestDatabase.freePort();
        Path storage = Path.of("target", "it", "leftovers-" + port, "archive").toAbsolutePath();
        String host = java.net.InetAddress.getLocalHost().getHostName();
        Path own = storage.resolve(".incoming").resolve(host + "-" + port);
        Path other = storage.resolve(".incoming").resolve("otherhost-104");
        Files.createDirectories(own);
        Files.createDirectories(other);
        Files.write(own.resolve("crashed.part"), new byte[1000]);
        Files.write(other.resolve("running.part"), new byte[1000]);
        try (LogCapture log = new LogCapture();
                ServerFixture f = ServerFixture.start(java.util.Map.of(
                        org.cardiacatlas.cap.common.CapConfig.Option.PORT, String.valueOf(port),
                        org.cardiacatlas.cap.common.CapConfig.Option.STORAGE_DIR, storage.toString()))) {
            // this node's leftovers go at its start; another node's recent temporary file stays
            assertFalse(Files.exists(own.resolve("crashed.part")));
            assertTrue(Files.exists(other.resolve("running.part")));
            assertEquals(1, log.matching("WARN", "removed 1 temporary files left in").size(), log.lines().toString());

            List<Path> files = org.cardiacatlas.cap.tools.SyntheticStudies.builder().prefix("VFY").imagesPerSeries(4)
                    .seed(1003).build().writeTo(Path.of("target", "it", "gen-verify").toAbsolutePath());
            Dcmtk.Result r = Dcmtk.storescu(f.port(), List.of(), files.stream().map(Path::toString).toList());
            assertTrue(r.ok(), r.output());
            List<String> stored = f.rows("SELECT filepath FROM {pacs}.files ORDER BY pk").stream()
                    .map(m -> (String) m.get("filepath")).toList();
            assertTrue(stored.size() >= 4);
            // a file stored but never committed (the crash between link and commit), a file cut short,
            // one with a changed byte, one gone
            Path orphan = storage.resolve("ab/cd/1.2.3/1.2.3.4/1.2.3.4.5-0123456789ab.dcm");
            Files.createDirectories(orphan.getParent());
            Files.write(orphan, new byte[500]);
            Path cut = storage.resolve(stored.get(0));
            Files.write(cut, Arrays.copyOf(Files.readAllBytes(cut), (int) Files.size(cut) - 10));
            Path changed = storage.resolve(stored.get(1));
            byte[] b = Files.readAllBytes(changed);
            b[b.length - 1] ^= 0x55;
            Files.write(changed, b);
            Files.delete(storage.resolve(stored.get(2)));

            List<String> args = new java.util.ArrayList<>(List.of("verify", "--min-age", "0"));
            args.addAll(argsOf(f));
            Object[] v = Cli.run(args.toArray(String[]::new));
            String out = (String) v[1];
            assertEquals(1, v[0], out);
            assertTrue(out.contains("orphan  ab/cd/1.2.3/1.2.3.4/1.2.3.4.5-0123456789ab.dcm (500 bytes, no files row)\n"), out);
            assertTrue(out.contains("damaged " + stored.get(0) + ": "), out);
            assertTrue(out.contains("damaged " + stored.get(1) + ": MD5 "), out);
            assertTrue(out.contains("missing " + stored.get(2) + " (files pk"), out);
            assertTrue(Files.exists(orphan), "reported, not removed without --remove-orphans");

            args.add(1, "--remove-orphans");
            out = (String) Cli.run(args.toArray(String[]::new))[1];
            assertTrue(out.contains("1.2.3.4.5-0123456789ab.dcm (500 bytes, no files row): removed"), out);
            assertFalse(Files.exists(orphan));
        }
    }

    @Test
    void aPortInUseIsReportedBeforeTheDatabaseStarts() throws Exception {
        Path dir = Files.createTempDirectory("capserver-busy-");
        try (java.net.ServerSocket busy = new java.net.ServerSocket(0)) {
            long t0 = System.nanoTime();
            Object[] r = Cli.run("serve", "--port", String.valueOf(busy.getLocalPort()), "--data-dir", dir.toString(),
                    "--embedded-db-port", String.valueOf(TestDatabase.freePort()));
            assertEquals(1, r[0]);
            assertTrue((System.nanoTime() - t0) / 1_000_000 < 5000, "refused at once");
            assertFalse(Files.exists(dir.resolve("db").resolve("data")), "the embedded database was not started");
            String log = Files.readString(Path.of("target", "it", "test.log"));
            assertTrue(log.contains("port " + busy.getLocalPort() + " (--port) is in use"), log);
        }
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
