package org.cardiacatlas.cap.scp;

import java.util.concurrent.atomic.AtomicLong;

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

    long stored;
    long storedBytes;
    long failures;
    long echoes;
    long queries;
    long matches;

    AssociationContext(String remote) {
        this.remote = remote;
    }

    void setAets(String calling, String called) {
        this.callingAet = calling;
        this.calledAet = called;
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
        return "stored " + stored + " (" + storedBytes + " bytes), queries " + queries + " (" + matches
                + " matches), failures " + failures + ", echoes " + echoes + ", " + millis() + " ms";
    }

    @Override
    public String toString() {
        return "A" + id + " " + callingAet + "->" + calledAet + " " + remote;
    }
}
