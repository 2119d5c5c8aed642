package org.cardiacatlas.cap.store;

/**
 * A store_pending row with what healing it needs: the files row and where its file is, and the
 * instance, series and study the store added to (null where a later delete removed them).
 */
public final class PendingStore {
    public String node;
    public long token;
    public Long filesFk;
    public String dirpath;
    public String filepath;
    public Long instanceFk;
    public Long seriesFk;
    public Long studyFk;
    public String sopIuid;
}
