package org.cardiacatlas.cap.retrieve;

/** An instance to retrieve: its identity, where its file is, and what the index knows of the file. */
public final class LocatedInstance {
    public String sopIuid;
    public String sopCuid;
    public String seriesIuid;
    public String studyIuid;
    public String patId;
    public String filepath;
    public String dirpath;
    public Long fileSize;
    public String fileMd5;
    public String fileTsuid;
}
