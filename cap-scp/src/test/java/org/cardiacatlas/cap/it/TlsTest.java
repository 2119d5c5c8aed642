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
 * openssl for the test, the node's keystore and truststore as PKCS#12 (keytool).
 */
class TlsTest {

    static Path keys;
    static ServerFixture server;

    static void sh(String... command) {
        Dcmtk.Result r = Dcmtk.run(List.of(command));
        if (!r.ok()) {
            throw new IllegalStateException(String.join(" ", command) + ":\n" + r.output());
        }
    }

    static void selfSigned(String name, String cn) {
        sh("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=" + cn,
                "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
                "-keyout", keys.resolve(name + ".key").toString(), "-out", keys.resolve(name + ".pem").toString());
    }

    @BeforeAll
    static void start() throws Exception {
        keys = Files.createTempDirectory("capserver-tls-");
        selfSigned("node", "localhost");
        selfSigned("scanner", "SCANNER1");
        selfSigned("stranger", "STRANGER");
        sh("openssl", "pkcs12", "-export", "-in", keys.resolve("node.pem").toString(), "-inkey",
                keys.resolve("node.key").toString(), "-name", "capserver", "-passout", "pass:node-pw",
                "-out", keys.resolve("node.p12").toString());
        sh("keytool", "-importcert", "-noprompt", "-storetype", "PKCS12", "-keystore", keys.resolve("trust.p12").toString(),
                "-storepass", "trust-pw", "-alias", "scanner1", "-file", keys.resolve("scanner.pem").toString());
        server = ServerFixture.start(Map.of(Option.TLS_PORT, String.valueOf(TestDatabase.freePort()),
                Option.TLS_KEYSTORE, keys.resolve("node.p12").toString(), Option.TLS_KEYSTORE_PASSWORD, "node-pw",
                Option.TLS_TRUSTSTORE, keys.resolve("trust.p12").toString(), Option.TLS_TRUSTSTORE_PASSWORD, "trust-pw",
                Option.TLS_CLIENT_AUTH, "true"));
    }

    @AfterAll
    static void stop() {
        server.close();
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

        List<Path> files = SyntheticStudies.builder().prefix("TLS").imagesPerSeries(3).seed(1101).build()
                .writeTo(Path.of("target", "it", "gen-tls").toAbsolutePath());
        Dcmtk.Result s = Dcmtk.storescu(tlsPort, tlsAs("scanner"), files.stream().map(Path::toString).toList());
        assertTrue(s.ok(), s.output());
        assertEquals(files.size(), EmbeddedNodeHardeningTest.countSuccess(s.output()), s.output());
        assertEquals(files.size(), server.count("instance"));
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
