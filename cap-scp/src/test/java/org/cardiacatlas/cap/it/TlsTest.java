package org.cardiacatlas.cap.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig.Option;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * DICOM TLS (issue 10) with DCMTK's tools built with OpenSSL: keys and certificates made by
 * openssl for the test, the node's keystore and truststore as PKCS#12 (keytool). Inbound: echoscu
 * and storescu {@code +tls} on the TLS port; outbound: C-MOVE sub-operations to DCMTK
 * {@code storescp +tls} destinations marked with {@code capserver ae add ... --tls}.
 */
class TlsTest {

    static Path keys;
    static ServerFixture server;
    static final Path GEN = Path.of("target", "it", "gen-tls").toAbsolutePath();
    static final List<Process> peers = new ArrayList<>();

    static void sh(String... command) {
        Dcmtk.Result r = Dcmtk.run(List.of(command));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + ":\n" + r.output());
        }
    }

    static void selfSigned(String name, String cn) {
        selfSigned(name, cn, "IP:127.0.0.1,DNS:localhost");
    }

    static void selfSigned(String name, String cn, String subjectAltName) {
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=" + subjectAltName,
                "-keyout", keys.resolve(name + ".key").toString(), "-out", keys.resolve(name + ".pem").toString());
    }

    @BeforeAll
    static void start() throws Exception {
        keys = Files.createTempDirectory("capserver-tls-");
        selfSigned("node", "localhost");
        selfSigned("scanner", "SCANNER1");
        selfSigned("stranger", "STRANGER");
        selfSigned("dest", "TLSDEST");
        sh("openssl", "pkcs12", "-export", "-in", keys.resolve("node.pem").toString(), "-inkey",
                keys.resolve("node.key").toString(), "-name", "capserver", "-passout", "pass:node-pw",
                "-out", keys.resolve("node.p12").toString());
        sh("keytool", "-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore", keys.resolve("trust.p12").toString(),
                "-storepass", "trust-pw", "-alias", "scanner1", "-file", keys.resolve("scanner.pem").toString());
        // the C-MOVE destination's certificate: trusted by the node; the stranger's is not
        sh("keytool", "-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore", keys.resolve("trust.p12").toString(),
                "-storepass", "trust-pw", "-alias", "tlsdest", "-file", keys.resolve("dest.pem").toString());
        server = ServerFixture.start(Map.of(Option.TLS_PORT, String.valueOf(TestDatabase.freePort()),
                Option.TLS_KEYSTORE, keys.resolve("node.p12").toString(), Option.TLS_KEYSTORE_PASSWORD, "node-pw",
                Option.TLS_TRUSTSTORE, keys.resolve("trust.p12").toString(), Option.TLS_TRUSTSTORE_PASSWORD, "trust-pw",
                Option.TLS_CLIENT_AUTH, "true", Option.ASSOCIATE_TIMEOUT, "4"));
    }

    @AfterAll
    static void stop() {
        peers.forEach(Process::destroy);
        server.close();
    }

    /**
     * A DCMTK storescp that speaks TLS only, with {@code who}'s key and certificate, requiring
     * the node's certificate (DCMTK's default with +tls: the peer must show a trusted one).
     */
    static Path tlsDestination(String aet, String who) throws Exception {
        return tlsDestination(aet, who, "--tls");
    }

    static Path tlsDestination(String aet, String who, String tlsOption) throws Exception {
        int port = TestDatabase.freePort();
        Path dir = GEN.resolve("inbox-" + aet);
        Files.createDirectories(dir);
        ProcessBuilder pb = new ProcessBuilder("storescp", "-v", "-aet", aet, "+tls", keys.resolve(who + ".key").toString(),
                keys.resolve(who + ".pem").toString(), "+cf", keys.resolve("node.pem").toString(), "-od", dir.toString(),
                String.valueOf(port)).redirectErrorStream(true).redirectOutput(GEN.resolve("storescp-" + aet + ".log").toFile());
        pb.environment().put("TCP_NODELAY", "1");
        peers.add(pb.start());
        Object[] add = XpacsTest.cli(server, "ae", "add", aet, "127.0.0.1", String.valueOf(port), tlsOption, "TLS", "peer");
        assertEquals(0, add[0], (String) add[1]);
        assertTrue(((String) add[1]).contains("(TLS)"), (String) add[1]);
        BadInputTest.waitForLong(() -> {
            try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
                return true;
            } catch (java.io.IOException e) {
                return false;
            }
        }, 15);
        return dir;
    }

    static Dcmtk.Result movescu(String dest, String studyUid) {
        return Dcmtk.run(List.of("movescu", "-v", "-S", "-aec", "CAPSCP", "-aet", "MOVESCU", "-aem", dest,
                "-k", "QueryRetrieveLevel=STUDY", "-k", "StudyInstanceUID=" + studyUid, "127.0.0.1",
                String.valueOf(server.port())));
    }

    static java.util.Set<String> sopUids(List<Path> files) throws Exception {
        java.util.Set<String> uids = new java.util.TreeSet<>();
        for (Path p : files) {
            uids.add(CStoreTest.sopOf(p));
        }
        return uids;
    }

    @Test
    void moveToATlsDestinationSendsEveryInstanceOverTls() throws Exception {
        Path inbox = tlsDestination("TLSDEST", "dest");
        // C-ECHO from the node to it, over TLS with the node's certificate
        Object[] echo = XpacsTest.cli(server, "ae", "echo", "TLSDEST");
        assertEquals(0, echo[0], (String) echo[1]);
        assertTrue(((String) echo[1]).contains("(TLS): success"), (String) echo[1]);
        Object[] list = XpacsTest.cli(server, "ae", "list");
        assertTrue(((String) list[1]).matches("(?s).*TLSDEST\\s+127\\.0\\.0\\.1\\s+\\d+ yes.*"), (String) list[1]);

        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("TLM").seriesPerStudy(2).imagesPerSeries(3)
                .seed(1102).build().generate(GEN.resolve("TLM"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        Dcmtk.Result r = movescu("TLSDEST", g.studies().get(0).studyInstanceUid());
        assertTrue(r.ok(), r.output());
        assertTrue(r.output().contains("Received Final Move Response (Success)"), r.output());
        List<Path> got;
        try (java.util.stream.Stream<Path> st = Files.list(inbox)) {
            got = st.toList();
        }
        assertEquals(sopUids(g.files()), sopUids(got), "every instance arrived at the TLS-only storescp");
        assertEquals(RetrieveTest.bySop(g.files()), RetrieveTest.bySop(got), "unchanged");
    }

    @Test
    void moveToADestinationWhoseCertificateIsNotTrustedFailsAndSendsNothing() throws Exception {
        // a TLS destination with a certificate the node's truststore does not hold
        Path inbox = tlsDestination("ROGUE", "stranger");
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("TLR").imagesPerSeries(2).seed(1103).build()
                .generate(GEN.resolve("TLR"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        try (LogCapture log = new LogCapture()) {
            Dcmtk.Result r = movescu("ROGUE", g.studies().get(0).studyInstanceUid());
            assertFalse(r.output().contains("(Success)"), r.output());
            assertTrue(r.output().contains("Refused: OutOfResourcesSubOperations"), r.output());
            assertEquals(1, log.matching("WARN", "TLS to ROGUE at 127.0.0.1").size(), log.lines().toString());
        }
        try (java.util.stream.Stream<Path> st = Files.list(inbox)) {
            assertEquals(0, st.count());
        }
        assertEquals(1, XpacsTest.cli(server, "ae", "echo", "ROGUE")[0]);
    }

    @Test
    void storageCommitmentReportGoesOverTlsToARequesterMarkedSo() throws Exception {
        // the requester's own listening side: TLS with the destination's key, the node's certificate required
        sh("openssl", "pkcs12", "-export", "-in", keys.resolve("dest.pem").toString(), "-inkey",
                keys.resolve("dest.key").toString(), "-name", "dest", "-passout", "pass:dest-pw",
                "-out", keys.resolve("dest.p12").toString());
        sh("keytool", "-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore",
                keys.resolve("dest-trust.p12").toString(), "-storepass", "dest-pw", "-alias", "node", "-file",
                keys.resolve("node.pem").toString());
        javax.net.ssl.SSLContext ctx = org.cardiacatlas.cap.scp.Tls.context(keys.resolve("dest.p12"),
                "dest-pw".toCharArray(), keys.resolve("dest-trust.p12"), "dest-pw".toCharArray());
        javax.net.ssl.SSLServerSocket listening = (javax.net.ssl.SSLServerSocket) ctx.getServerSocketFactory()
                .createServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"));
        listening.setNeedClientAuth(true);
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("TLC").imagesPerSeries(2).seed(1104).build()
                .generate(GEN.resolve("TLC"));
        assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
        List<String[]> refs = new ArrayList<>();
        for (Path p : g.files()) {
            refs.add(new String[] {com.pixelmed.dicom.SOPClass.MRImageStorage, CStoreTest.sopOf(p)});
        }
        try (StgCmtScu.Receiver receiver = new StgCmtScu.Receiver("STGTLS", listening)) {
            Object[] add = XpacsTest.cli(server, "ae", "add", "STGTLS", "127.0.0.1", String.valueOf(receiver.port), "--tls");
            assertEquals(0, add[0], (String) add[1]);
            String tx = "2.25.1010" + System.nanoTime() % 1_000_000_000L;
            assertEquals(0, StgCmtScu.request(server.port(), "CAPSCP", "STGTLS", tx, refs, false).actionStatus());
            StgCmtScu.Report r = receiver.next(30);
            assertTrue(r != null, "no report arrived over TLS");
            assertEquals(tx, r.transactionUid());
            assertEquals(1, r.eventType());
            assertEquals(refs.size(), r.committed().size());
            assertEquals("CAPSCP", r.callingAet());
        }
    }

    @Test
    void theHostnameIsCheckedWhenAskedAndTheSessionIsTls12Or13() throws Exception {
        // a destination whose certificate is trusted but names another host
        selfSigned("elsewhere", "ELSEWHERE", "DNS:elsewhere.example");
        sh("keytool", "-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore",
                keys.resolve("trust-elsewhere.p12").toString(), "-storepass", "trust-pw", "-alias", "elsewhere", "-file",
                keys.resolve("elsewhere.pem").toString());
        tlsDestination("ELSEWHERE", "elsewhere");
        org.cardiacatlas.cap.retrieve.AeRow ae = new org.cardiacatlas.cap.retrieve.AeRow();
        ae.aet = "ELSEWHERE";
        ae.hostname = "127.0.0.1";
        ae.port = ((Number) server.rows("SELECT port FROM {pacs}.ae WHERE aet = 'ELSEWHERE'").get(0).get("port")).intValue();
        ae.cipherSuites = (String) suitesOf("ELSEWHERE");
        javax.net.ssl.SSLContext ctx = org.cardiacatlas.cap.scp.Tls.context(keys.resolve("node.p12"), "node-pw".toCharArray(),
                keys.resolve("trust-elsewhere.p12"), "trust-pw".toCharArray());
        java.util.LinkedList<com.pixelmed.network.PresentationContext> pcs = new java.util.LinkedList<>();
        pcs.add(new com.pixelmed.network.PresentationContext((byte) 1, com.pixelmed.dicom.SOPClass.Verification,
                com.pixelmed.dicom.TransferSyntax.ImplicitVRLittleEndian));
        // checked (as with the JDK's authorities): refused, the certificate names elsewhere.example
        java.io.IOException e = org.junit.jupiter.api.Assertions.assertThrows(java.io.IOException.class,
                () -> new org.cardiacatlas.cap.scp.Outbound(ctx, true, 5000).open(ae, "CAPSCP", pcs, null));
        assertTrue(e.getMessage().startsWith("TLS to ELSEWHERE at 127.0.0.1:"), e.getMessage());
        // not checked (a truststore of the node's own): associated, over TLS 1.2 or 1.3
        com.pixelmed.network.Association a = new org.cardiacatlas.cap.scp.Outbound(ctx, false, 5000)
                .open(ae, "CAPSCP", pcs, null);
        try {
            java.lang.reflect.Field f = com.pixelmed.network.Association.class.getDeclaredField("socket");
            f.setAccessible(true);
            String protocol = ((javax.net.ssl.SSLSocket) f.get(a)).getSession().getProtocol();
            assertTrue(protocol.equals("TLSv1.3") || protocol.equals("TLSv1.2"), protocol);
        } finally {
            a.release();
        }
    }

    @Test
    void aSilentTlsDestinationFailsTheMoveAtTheAssociateTimeout() throws Exception {
        try (java.net.ServerSocket silent = new java.net.ServerSocket(0, 50, java.net.InetAddress.getByName("127.0.0.1"))) {
            List<java.net.Socket> accepted = new java.util.concurrent.CopyOnWriteArrayList<>();
            Thread t = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException closed) {
                    // done
                }
            });
            t.setDaemon(true);
            t.start();
            assertEquals(0, XpacsTest.cli(server, "ae", "add", "SILENT", "127.0.0.1", String.valueOf(silent.getLocalPort()),
                    "--tls")[0]);
            SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("TLQ").imagesPerSeries(1).seed(1105).build()
                    .generate(GEN.resolve("TLQ"));
            assertTrue(Dcmtk.storescu(server.port(), List.of(), CStoreTest.paths(g.files())).ok());
            long t0 = System.nanoTime();
            Dcmtk.Result r = movescu("SILENT", g.studies().get(0).studyInstanceUid());
            long millis = (System.nanoTime() - t0) / 1_000_000;
            assertTrue(r.output().contains("Refused: OutOfResourcesSubOperations"), r.output());
            assertEquals(1, accepted.size(), "the node did connect");
            assertTrue(millis >= 3500 && millis < 15_000, "the move ended after " + millis + " ms (--associate-timeout 4)");
            for (java.net.Socket s : accepted) {
                s.close();
            }
        }
    }

    @Test
    void aeAddRefusesCipherSuitesThisJvmDoesNotEnable() {
        Object[] bad = XpacsTest.cli(server, "ae", "add", "WEAK", "127.0.0.1", "104", "--tls-ciphers",
                "SSL_RSA_WITH_NULL_SHA");
        assertEquals(2, bad[0], (String) bad[1]);
        assertTrue(server.rows("SELECT aet FROM {pacs}.ae WHERE aet = 'WEAK'").isEmpty());
        Object[] ok = XpacsTest.cli(server, "ae", "add", "STRONG", "127.0.0.1", "104", "--tls-ciphers=TLS_AES_128_GCM_SHA256");
        assertEquals(0, ok[0], (String) ok[1]);
        assertEquals("TLS_AES_128_GCM_SHA256", suitesOf("STRONG"));
        // add again without --tls: plain again
        assertEquals(0, XpacsTest.cli(server, "ae", "add", "STRONG", "127.0.0.1", "104")[0]);
        assertEquals(null, suitesOf("STRONG"));
    }

    static Object suitesOf(String aet) {
        return server.rows("SELECT cipher_suites FROM {pacs}.ae WHERE aet = ?", aet).get(0).get("cipher_suites");
    }

    static List<String> tlsAs(String who) {
        return List.of("+tls", keys.resolve(who + ".key").toString(), keys.resolve(who + ".pem").toString(),
                "+cf", keys.resolve("node.pem").toString());
    }

    @Test
    void storeAndEchoOverTlsWithAClientCertificate() throws Exception {
        int tlsPort = server.server.tlsPort();
        List<String> echo = new ArrayList<>(List.of("echoscu", "-aec", "CAPSCP", "-aet", "SCANNER1"));
        echo.addAll(tlsAs("scanner"));
        echo.addAll(List.of("127.0.0.1", String.valueOf(tlsPort)));
        Dcmtk.Result e = Dcmtk.run(echo);
        assertTrue(e.ok(), e.output());

        long before = server.count("instance");
        List<Path> files = SyntheticStudies.builder().prefix("TLS").imagesPerSeries(3).seed(1101).build()
                .writeTo(GEN.resolve("TLS"));
        Dcmtk.Result s = Dcmtk.storescu(tlsPort, tlsAs("scanner"), files.stream().map(Path::toString).toList());
        assertTrue(s.ok(), s.output());
        assertEquals(files.size(), EmbeddedNodeHardeningTest.countSuccess(s.output()), s.output());
        assertEquals(before + files.size(), server.count("instance"));
        // the plain port still serves as before
        assertTrue(Dcmtk.echoscu(server.port()).ok());
    }

    @Test
    void plainUntrustedAndAnonymousClientsAreRefusedOnTheTlsPort() throws Exception {
        int tlsPort = server.server.tlsPort();
        try (LogCapture log = new LogCapture()) {
            assertFalse(Dcmtk.echoscu(tlsPort).ok(), "a plain client on the TLS port");
            List<String> stranger = new ArrayList<>(List.of("echoscu", "-aec", "CAPSCP", "-aet", "STRANGER"));
            stranger.addAll(tlsAs("stranger"));
            stranger.addAll(List.of("127.0.0.1", String.valueOf(tlsPort)));
            assertFalse(Dcmtk.run(stranger).ok(), "a certificate the truststore does not hold");
            Dcmtk.Result anon = Dcmtk.run(List.of("echoscu", "-aec", "CAPSCP", "+tla", "+cf", keys.resolve("node.pem").toString(),
                    "127.0.0.1", String.valueOf(tlsPort)));
            assertFalse(anon.ok(), "no client certificate while one is required: " + anon.output());
            BadInputTest.waitForLong(() -> log.matching("WARN", "TLS handshake failed").size() >= 3, 10);
        }
        assertTrue(Dcmtk.echoscu(server.port()).ok(), "the node keeps serving");
    }
}
