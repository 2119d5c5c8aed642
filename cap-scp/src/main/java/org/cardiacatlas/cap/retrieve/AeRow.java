package org.cardiacatlas.cap.retrieve;

/** A row of {@code ae}: a remote application entity, e.g. a C-MOVE destination. */
public final class AeRow {
    public Long pk;
    public String aet;
    public String hostname;
    public Integer port;
    /**
     * dcm4chee 2.18's {@code cipher_suites}: comma-separated TLS cipher suite names; a destination
     * with any is reached over TLS (issue 10), one without over plain TCP.
     */
    public String cipherSuites;
    public String aeDesc;

    public boolean tls() {
        return cipherSuites != null && !cipherSuites.isBlank();
    }
}
