package org.cardiacatlas.cap.store;

/** A row of {@code files}: one copy of an instance on one filesystem. */
final class FileRow {
    Long pk;
    Long instanceFk;
    Long filesystemFk;
    String filepath;
    String fileTsuid;
    String fileMd5;
    long fileSize;
}
