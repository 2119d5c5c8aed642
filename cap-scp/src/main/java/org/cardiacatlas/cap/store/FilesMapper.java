package org.cardiacatlas.cap.store;

interface FilesMapper {
    int insert(FileRow row);

    int updateFile(FileRow row);
}
