package org.cardiacatlas.cap.store;

/** A files row of an instance being deleted, with its filesystem's root folder. */
final class DeletedFile {
    long pk;
    String dirpath;
    String filepath;
    long fileSize;
    String sopIuid;
}
