package org.cardiacatlas.cap.archive;

interface FilesMapper {
    int insert(FileRow row);

    int updateFile(FileRow row);
}
