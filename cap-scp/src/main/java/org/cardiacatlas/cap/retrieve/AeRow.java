package org.cardiacatlas.cap.retrieve;

/** A row of {@code ae}: a remote application entity, e.g. a C-MOVE destination. */
public final class AeRow {
    public Long pk;
    public String aet;
    public String hostname;
    public Integer port;
    public String aeDesc;
}
