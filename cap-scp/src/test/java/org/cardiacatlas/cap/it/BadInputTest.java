package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** What a hostile or broken peer can send: each gets a clear status or log line, and nothing stays behind. */
class BadInputTest {

    static ServerFixture server;
    static Path gen = Path.of("target", "it", "gen-bad").toAbsolutePath();

    @BeforeAll
    static void start() {
        server = ServerFixture.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    static Path oneFile(String prefix, long seed) throws Exception {
        return SyntheticStudies.builder().prefix(prefix).seed(seed).build().writeTo(gen.resolve(prefix)).get(0);
    }

    static AttributeList read(Path p) throws Exception {
        AttributeList a = new AttributeList();
        a.read(p.toFile());
        return a;
    }

    static Path write(AttributeList a, String name) throws Exception {
        Path p = gen.resolve(name);
        Files.createDirectories(p.getParent());
        a.write(p.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return p;
    }

    static byte[] dataSet(AttributeList a) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        AttributeList copy = (AttributeList) a.clone();
        copy.removeMetaInformationHeaderAttributes();
        DicomOutputStream d = new DicomOutputStream(b, null, TransferSyntax.ExplicitVRLittleEndian);
        copy.write(d);
        d.flush();
        return b.toByteArray();
    }

    void assertNothingStored(String sopUid) throws Exception {
        assertTrue(server.rows("SELECT pk FROM {pacs}.instance WHERE sop_iuid = ?", sopUid).isEmpty());
        assertEquals(0, server.incomingFiles(), "no temporary files");
        assertEquals(server.count("files"), server.archiveFiles(), "no orphan archive files");
    }

    @Test
    void dataSetsWithoutValidUidsAreRefused() throws Exception {
        AttributeList a = read(oneFile("NOU", 201));
        String sop = a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
        a.remove(TagFromName.StudyInstanceUID);
        Path noStudy = write(a, "no-study.dcm");
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), List.of(noStudy.toString()));
            assertTrue(r.output().contains("Received Store Response (Error: CannotUnderstand)"), r.output());
            assertFalse(r.output().contains("Received Store Response (Success)"), r.output());
            List<String> warn = log.matching("WARN", "C-STORE " + sop + " failed: status 0xC000 (missing Study Instance UID)");
            assertEquals(1, warn.size(), log.lines().toString());
            assertTrue(warn.get(0).contains("STORESCU->CAPSCP"), warn.get(0));
        }
        assertNothingStored(sop);

        AttributeList b = read(oneFile("BAD", 202));
        String sop2 = b.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
        UniqueIdentifierAttribute series = new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID);
        series.addValue("1.2.840.../../etc");
        b.put(series.getTag(), series);
        Dcmtk.Result r = Dcmtk.storescu(server.port(), List.of(), List.of(write(b, "bad-series.dcm").toString()));
        assertFalse(r.output().contains("Received Store Response (Success)"), r.output());
        assertNothingStored(sop2);
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void malformedAndMismatchedDataSetsGetAFailureStatus() throws Exception {
        AttributeList a = read(oneFile("MAL", 203));
        String sopClass = a.get(TagFromName.SOPClassUID).getSingleStringValueOrEmptyString();
        String sop = a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
        byte[] good = dataSet(a);
        byte[] garbage = new byte[5000];
        new Random(1).nextBytes(garbage);
        try (RawScu scu = new RawScu(server.port(), "CAPSCP", "RAWSCU")) {
            assertEquals(0xC000, scu.store(sopClass, sop, garbage));
            assertNotNull(scu.lastComment);
            assertTrue(scu.lastComment.startsWith("malformed data set"), scu.lastComment);
            // the command names another instance than the data set
            assertEquals(0xC000, scu.store(sopClass, "1.2.3.4.5", good));
            // the command names another SOP class
            assertEquals(0xA900, scu.store("1.2.840.10008.5.1.4.1.1.7", sop, good));
            // a UID that must never become a path
            assertEquals(0xC000, scu.store(sopClass, "../../../etc/passwd", good));
            // truncated inside the pixel data
            byte[] truncated = java.util.Arrays.copyOf(good, good.length - 1000);
            assertEquals(0xC000, scu.store(sopClass, sop, truncated));
            // and the association still serves: the good one is stored
            assertEquals(0, scu.store(sopClass, sop, good));
        }
        assertEquals(1, server.rows("SELECT pk FROM {pacs}.instance WHERE sop_iuid = ?", sop).size());
        assertEquals(0, server.incomingFiles());
        assertEquals(server.count("files"), server.archiveFiles());
    }

    @Test
    void abortedAssociationLeavesNothing() throws Exception {
        AttributeList a = read(oneFile("ABO", 204));
        String sop = a.get(TagFromName.SOPInstanceUID).getSingleStringValueOrEmptyString();
        byte[] good = dataSet(a);
        try (LogCapture log = new LogCapture()) {
            RawScu scu = new RawScu(server.port(), "CAPSCP", "ABORTSCU");
            scu.storePartlyThenAbort(a.get(TagFromName.SOPClassUID).getSingleStringValueOrEmptyString(), sop,
                    java.util.Arrays.copyOf(good, good.length / 2));
            waitFor(() -> !log.matching("WARN", "association aborted").isEmpty());
        }
        assertNothingStored(sop);
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void truncatedPDataLeavesNothing() throws Exception {
        List<Path> files = SyntheticStudies.builder().prefix("TRU").imagesPerSeries(3).seed(205).build()
                .writeTo(gen.resolve("TRU"));
        String sop = CStoreTest.sopOf(files.get(2));
        // a proxy that passes the association and the first two instances, then cuts the
        // connection in the middle of the third instance's P-DATA
        long cut = Files.size(files.get(0)) * 2 + Files.size(files.get(2)) / 2 + 2000;
        try (CuttingProxy proxy = new CuttingProxy(server.port(), cut); LogCapture log = new LogCapture()) {
            Dcmtk.Result r = Dcmtk.storescu(proxy.port(), List.of(), List.of(files.get(0).toString(),
                    files.get(1).toString(), files.get(2).toString()));
            assertFalse(r.ok() && r.output().split("Received Store Response \\(Success\\)", -1).length - 1 == 3, r.output());
            waitFor(() -> !log.matching("WARN", "association aborted").isEmpty());
        }
        assertNothingStored(sop);
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void garbageOnThePortIsLoggedAndTheServerKeepsServing() throws Exception {
        try (LogCapture log = new LogCapture()) {
            sendRaw("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            // an A-ASSOCIATE-RQ type byte with a length of 4 GB
            sendRaw(new byte[] {0x01, 0, (byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff, 1, 2, 3});
            byte[] random = new byte[70000];
            new Random(2).nextBytes(random);
            random[0] = 0x04; // a P-DATA before any association
            sendRaw(random);
            sendRaw(new byte[0]);
            waitFor(() -> log.matching("WARN", "connection refused").size() >= 4);
            assertEquals(1, log.matching("WARN", "first PDU is not an A-ASSOCIATE-RQ (type 0x47").size(), log.lines().toString());
            assertEquals(1, log.matching("WARN", "implausible length").size(), log.lines().toString());
        }
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void wrongCalledAeTitleIsRejected() throws Exception {
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = Dcmtk.run(List.of("echoscu", "-aec", "NOTUS", "127.0.0.1", String.valueOf(server.port())));
            assertFalse(r.ok());
            assertTrue(r.output().contains("Called AE Title Not Recognized"), r.output());
            assertEquals(1, log.matching("WARN", "called AE title 'NOTUS' is not ours").size(), log.lines().toString());
        }
    }

    @Test
    void allowListRejectsOtherCallersAndCalledTitleCheckCanBeOff() throws Exception {
        try (ServerFixture guarded = ServerFixture.start(java.util.Map.of(Option.ALLOWED_CALLING_AETS, "GOODSCU,OTHER",
                Option.CHECK_CALLED_AET, "false")); LogCapture log = new LogCapture()) {
            Dcmtk.Result bad = Dcmtk.run(List.of("echoscu", "-aet", "BADSCU", "-aec", "CAPSCP", "127.0.0.1",
                    String.valueOf(guarded.port())));
            assertFalse(bad.ok());
            assertTrue(bad.output().contains("Calling AE Title Not Recognized"), bad.output());
            assertEquals(1, log.matching("WARN", "calling AE title 'BADSCU' is not in the allow-list").size());
            Dcmtk.Result good = Dcmtk.run(List.of("echoscu", "-aet", "GOODSCU", "-aec", "ANYTHING", "127.0.0.1",
                    String.valueOf(guarded.port())));
            assertTrue(good.ok(), good.output());
        }
    }

    @Test
    void associationsBeyondTheMaximumAreRejectedTransiently() throws Exception {
        try (ServerFixture small = ServerFixture.start(java.util.Map.of(Option.MAX_ASSOCIATIONS, "1"));
                LogCapture log = new LogCapture()) {
            try (RawScu holder = new RawScu(small.port(), "CAPSCP", "HOLDER")) {
                Dcmtk.Result r = Dcmtk.echoscu(small.port());
                assertFalse(r.ok(), r.output());
                assertTrue(r.output().contains("Local Limit Exceeded"), r.output());
                assertEquals(1, log.matching("WARN", "the maximum of 1 associations").size());
            }
            waitFor(() -> Dcmtk.echoscu(small.port()).ok());
        }
    }

    void sendRaw(byte[] bytes) throws Exception {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(10000);
            OutputStream out = s.getOutputStream();
            out.write(bytes);
            out.flush();
            s.shutdownOutput();
            InputStream in = s.getInputStream();
            while (in.read() >= 0) {
                // until the server closes
            }
        } catch (java.net.SocketException e) {
            // a reset after the server closed is also an answer
        }
    }

    static void waitFor(java.util.function.BooleanSupplier condition) throws InterruptedException {
        waitForLong(condition, 15);
    }

    static void waitForLong(java.util.function.BooleanSupplier condition, int seconds) throws InterruptedException {
        long end = System.currentTimeMillis() + seconds * 1000L;
        while (!condition.getAsBoolean()) {
            if (System.currentTimeMillis() > end) {
                throw new AssertionError("condition not met within " + seconds + " s");
            }
            Thread.sleep(50);
        }
    }

    /** Forwards one connection to the server and cuts both sides after so many client bytes. */
    static final class CuttingProxy implements AutoCloseable {
        private final ServerSocket listen = new ServerSocket();
        private final AtomicBoolean done = new AtomicBoolean();
        private final Thread thread;

        CuttingProxy(int target, long cutAfter) throws Exception {
            listen.bind(new InetSocketAddress("127.0.0.1", 0));
            thread = new Thread(() -> {
                try (Socket client = listen.accept(); Socket server = new Socket("127.0.0.1", target)) {
                    Thread back = new Thread(() -> pump(server, client, Long.MAX_VALUE));
                    back.start();
                    pump(client, server, cutAfter);
                    client.close();
                    server.close();
                    back.join();
                } catch (Exception e) {
                    // the test looks at the server, not the proxy
                } finally {
                    done.set(true);
                }
            });
            thread.start();
        }

        int port() {
            return listen.getLocalPort();
        }

        private static void pump(Socket from, Socket to, long limit) {
            try {
                InputStream in = from.getInputStream();
                OutputStream out = to.getOutputStream();
                byte[] buf = new byte[8192];
                long total = 0;
                int n;
                while (total < limit && (n = in.read(buf, 0, (int) Math.min(buf.length, limit - total))) > 0) {
                    out.write(buf, 0, n);
                    out.flush();
                    total += n;
                }
            } catch (Exception e) {
                // one side closed
            }
        }

        @Override
        public void close() throws Exception {
            listen.close();
            thread.join(10000);
        }
    }
}
