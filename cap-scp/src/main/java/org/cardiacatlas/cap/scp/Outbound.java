package org.cardiacatlas.cap.scp;

import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.InitiatorOnSocket;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.SCUSCPRoleSelection;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.retrieve.AeRow;

/**
 * Opens the associations this node requests (C-MOVE sub-operations, storage commitment reports
 * on a new association, {@code capserver ae echo}). A destination whose {@code ae} row has
 * cipher suites (dcm4chee 2.18's {@code cipher_suites}) is reached over TLS 1.2/1.3 with the
 * node's keystore (its certificate, shown when the peer asks for one) and truststore, the JDK's
 * TLS socket and PixelMed's association negotiation ({@link InitiatorOnSocket}); the others
 * over plain TCP through PixelMed as before (issue 10).
 */
public final class Outbound {

    /**
     * What {@code capserver ae add ... --tls} stores: TLS 1.3's AEAD suites and TLS 1.2's ECDHE
     * with AES-GCM (BCP 195), which DCMTK's default profile and current JDKs share. 250
     * characters fit in the column.
     */
    public static final List<String> DEFAULT_CIPHER_SUITES = List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384",
            "TLS_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
            "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384");

    private final SSLContext tls;
    private final boolean verifyHostname;
    private final int timeoutMillis;

    /**
     * @param verifyHostname check the peer certificate's names against the destination's host
     *        (done when the truststore is the JDK's public authorities: any of their certificates
     *        would pass otherwise; a truststore of the node's own names the peers it trusts)
     * @param timeoutMillis for connecting, the TLS handshake and the A-ASSOCIATE-AC
     */
    public Outbound(SSLContext tls, boolean verifyHostname, int timeoutMillis) {
        this.tls = tls;
        this.verifyHostname = verifyHostname;
        this.timeoutMillis = timeoutMillis;
    }

    /** From --tls-keystore, --tls-truststore (and their passwords) and --associate-timeout. */
    public static Outbound of(CapConfig config) throws IOException {
        String ks = config.get(CapConfig.Option.TLS_KEYSTORE).trim();
        String ts = config.get(CapConfig.Option.TLS_TRUSTSTORE).trim();
        SSLContext ctx = Tls.context(ks.isEmpty() ? null : Path.of(ks),
                config.get(CapConfig.Option.TLS_KEYSTORE_PASSWORD).toCharArray(), ts.isEmpty() ? null : Path.of(ts),
                config.get(CapConfig.Option.TLS_TRUSTSTORE_PASSWORD).toCharArray());
        return new Outbound(ctx, ts.isEmpty(), config.integer(CapConfig.Option.ASSOCIATE_TIMEOUT) * 1000);
    }

    /** Plain destinations only work as before; TLS ones with the JDK's trusted authorities and no certificate. */
    public static Outbound withoutKeys() {
        try {
            return new Outbound(Tls.context(null, null, null, null), true, 10_000);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An association to {@code ae}, over TLS when its row says so. */
    public Association open(AeRow ae, String callingAet, LinkedList<PresentationContext> pcs,
            LinkedList<SCUSCPRoleSelection> roles) throws DicomNetworkException, IOException {
        if (!ae.tls()) {
            return AssociationFactory.createNewAssociation(ae.hostname, ae.port, ae.aet, callingAet, pcs, roles, false);
        }
        SSLSocket s = connect(ae);
        try {
            s.setSoTimeout(timeoutMillis);
            Association a = InitiatorOnSocket.open(s, ae.aet, callingAet, pcs, roles);
            // as on the plain associations PixelMed opens: no read deadline once associated
            s.setSoTimeout(0);
            return a;
        } catch (DicomNetworkException | IOException | RuntimeException e) {
            s.close();
            throw e;
        }
    }

    /** A TLS socket to {@code ae}, handshake done: TLS 1.2/1.3, the row's suites that this JVM enables. */
    SSLSocket connect(AeRow ae) throws IOException {
        String where = ae.aet + " at " + ae.hostname + ":" + ae.port;
        String[] suites = suites(ae);
        SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket();
        try {
            s.connect(new InetSocketAddress(ae.hostname, ae.port), timeoutMillis);
            s.setSoTimeout(timeoutMillis);
            s.setTcpNoDelay(true);
            SSLParameters p = s.getSSLParameters();
            p.setProtocols(Arrays.stream(s.getSupportedProtocols()).filter(Set.of(Tls.PROTOCOLS)::contains)
                    .toArray(String[]::new));
            p.setCipherSuites(suites);
            if (verifyHostname) {
                p.setEndpointIdentificationAlgorithm("HTTPS");
            }
            s.setSSLParameters(p);
            s.startHandshake();
            return s;
        } catch (IOException e) {
            s.close();
            throw new IOException("TLS to " + where + " failed: " + e.getMessage(), e);
        }
    }

    /** The row's cipher suites this JVM enables by default; none is an error naming them. */
    String[] suites(AeRow ae) throws IOException {
        Set<String> enabled = Set.of(tls.getDefaultSSLParameters().getCipherSuites());
        List<String> usable = new ArrayList<>();
        for (String name : parseSuites(ae.cipherSuites)) {
            if (enabled.contains(name)) {
                usable.add(name);
            }
        }
        if (usable.isEmpty()) {
            throw new IOException("none of the cipher suites of " + ae.aet + " (" + ae.cipherSuites
                    + ") is enabled in this JVM; set them again with: capserver ae add " + ae.aet + " "
                    + ae.hostname + " " + ae.port + " --tls");
        }
        return usable.toArray(String[]::new);
    }

    /** Comma- or blank-separated names, as dcm4chee writes them. */
    public static List<String> parseSuites(String s) {
        List<String> names = new ArrayList<>();
        if (s != null) {
            for (String n : s.split("[,\\s]+")) {
                if (!n.isEmpty()) {
                    names.add(n.toUpperCase(Locale.ROOT));
                }
            }
        }
        return names;
    }

    /** Names this JVM does not enable for TLS 1.2/1.3 (for refusing a typo at {@code ae add}). */
    public static List<String> unknownSuites(List<String> names) {
        try {
            Set<String> enabled = Set.of(SSLContext.getDefault().getDefaultSSLParameters().getCipherSuites());
            return names.stream().filter(n -> !enabled.contains(n)).toList();
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
