package org.cardiacatlas.cap.store;

interface FilesMapper {
    int insert(FileRow row);

    int updateFile(FileRow row);

    /** Storage commitment checked these instances' files (size and MD5): md5_check_time = now. */
    int setMd5CheckTime(@org.apache.ibatis.annotations.Param("sopUids") java.util.List<String> sopUids);
}
