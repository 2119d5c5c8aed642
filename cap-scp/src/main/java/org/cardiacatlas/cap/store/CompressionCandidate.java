package org.cardiacatlas.cap.store;

/** A files row the compression pass looks at, with its instance's SOP Instance UID. */
final class CompressionCandidate {
    long pk;
    String sopIuid;
    String filepath;
    String fileTsuid;
    String fileMd5;
    long fileSize;
}
