package org.cardiacatlas.cap.scp;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.TrustManagerFactory;

/**
 * DICOM over TLS (PS3.15 B.1, the Basic TLS Secure Transport Connection Profile, and its
 * successors): the node's key and certificate from a PKCS#12 keystore, the peers it trusts
 * from a PKCS#12 truststore (the JDK's when none is given), TLS 1.2 and 1.3 only.
 */
public final class Tls {

    static final String[] PROTOCOLS = {"TLSv1.3", "TLSv1.2"};

    private Tls() {
    }

    /**
     * @param keystore null for none: the node then has no certificate to show (enough for
     *        outbound TLS to a peer that asks for none)
     * @param truststore null for the JDK's
     */
    public static SSLContext context(Path keystore, char[] keystorePassword, Path truststore, char[] truststorePassword)
            throws IOException {
        try {
            KeyManagerFactory kmf = null;
            if (keystore != null) {
                KeyStore ks = load(keystore, keystorePassword);
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, keystorePassword);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(truststore == null ? null : load(truststore, truststorePassword));
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot set up TLS from " + (keystore != null ? keystore : truststore) + ": "
                    + e.getMessage(), e);
        }
    }

    private static KeyStore load(Path p, char[] password) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(p)) {
            ks.load(in, password);
        }
        return ks;
    }

    static void restrict(SSLServerSocket s, boolean clientAuth) {
        s.setEnabledProtocols(PROTOCOLS);
        s.setNeedClientAuth(clientAuth);
    }
}
