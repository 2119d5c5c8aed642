package org.cardiacatlas.cap.xpacs;

/** A row of CAP_MODEL: a heart model (ZIP) with its XML metadata, attached to a study. */
public final class CapModelRow {
    public Integer id;
    public String name;
    public String type;
    public String format;
    public String comment;
    public byte[] modelData;
    public byte[] xmlData;
    public Integer studyPacsId;
}
