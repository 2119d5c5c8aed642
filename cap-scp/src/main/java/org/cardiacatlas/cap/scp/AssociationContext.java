package org.cardiacatlas.cap.scp;

import java.util.concurrent.atomic.AtomicLong;
import org.cardiacatlas.cap.common.Audit;

/**
 * Who is on the other end of one association, and what it has done so far: the first thing
 * of every log line written while serving it (via the MDC key {@code assoc}).
 */
public final class AssociationContext {

    private static final AtomicLong SEQUENCE = new AtomicLong();

    private final long id = SEQUENCE.incrementAndGet();
    private final String remote;
    private final long startNanos = System.nanoTime();
    private String callingAet = "?";
    private String calledAet = "?";

    /** Between the first fragment of a request and its response; a stopping server waits for it. */
    volatile boolean busy;
    /** Set when a stopping server closed this connection between requests: that, not the socket error, is why it ended. */
    volatile boolean closedByStop;

    /** FIND SOP Classes for which relational queries were negotiated (ExtendedNegotiation). */
    volatile java.util.Set<String> relationalQueries = java.util.Set.of();
    /** FIND SOP Classes with fuzzy semantic matching of person names negotiated (PS3.4 C.5.1.1.2). */
    volatile java.util.Set<String> fuzzyNameQueries = java.util.Set.of();

    long stored;
    long storedBytes;
    long failures;
    long echoes;
    /** For the query and retrieve services: requests and what they matched or moved. */
    long queries;
    long matches;
    long retrieves;
    long subOperations;

    /** Abstract syntaxes for which the A-ASSOCIATE-RQ carried an SCP/SCU Role Selection item (PS3.7 D.3.3.4). */
    private volatile java.util.Set<String> roleSelections = java.util.Set.of();
    private final PeerRequests peerRequests = new PeerRequests();

    AssociationContext(String remote) {
        this.remote = remote;
    }

    void setAets(String calling, String called) {
        this.callingAet = calling;
        this.calledAet = called;
    }

    void setRoleSelections(java.util.Set<String> abstractSyntaxes) {
        this.roleSelections = abstractSyntaxes;
    }

    /** Whether the requester negotiated SCP/SCU roles for this abstract syntax (PixelMed accepts every proposal). */
    public boolean roleNegotiated(String abstractSyntax) {
        return roleSelections.contains(abstractSyntax);
    }

    /** Requests to the peer on this association, from other threads. */
    public PeerRequests peerRequests() {
        return peerRequests;
    }

    public String callingAet() {
        return callingAet;
    }

    public String calledAet() {
        return calledAet;
    }

    public String remote() {
        return remote;
    }

    long millis() {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }

    void countStored(long bytes) {
        stored++;
        storedBytes += bytes;
    }

    void countQuery(long matchesSent) {
        queries++;
        matches += matchesSent;
    }

    String totals() {
        return "stored " + stored + " (" + storedBytes + " bytes), failures " + failures + ", queries " + queries
                + " (" + matches + " matches), retrieves " + retrieves + " (" + subOperations + " sub-operations), echoes "
                + echoes + ", " + millis() + " ms";
    }

    String id() {
        return "A" + id;
    }

    /** An audit event with who is on the other end already filled in. */
    Audit.Event audit(String op) {
        return Audit.event(op).with("assoc", id()).with("calling", callingAet).with("called", calledAet)
                .with("remote", remote);
    }

    @Override
    public String toString() {
        return "A" + id + " " + callingAet + "->" + calledAet + " " + remote;
    }
}
