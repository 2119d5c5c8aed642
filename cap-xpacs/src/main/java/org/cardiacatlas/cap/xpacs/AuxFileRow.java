package org.cardiacatlas.cap.xpacs;

/** A row of AUX_FILE: a link to an external or archived file (PDF notes, echo, ...). */
public final class AuxFileRow {
    public Integer id;
    public String uri;
    public String filename;
    public String descriptor;
}
