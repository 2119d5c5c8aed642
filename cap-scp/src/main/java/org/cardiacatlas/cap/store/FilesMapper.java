package org.cardiacatlas.cap.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface FilesMapper {
    /** A page of one filesystem's rows in pk order, after {@code afterPk} (for capserver verify). */
    List<FileRow> selectPage(@Param("filesystemFk") long filesystemFk, @Param("afterPk") long afterPk,
            @Param("limit") int limit);

    int insert(FileRow row);

    int updateFile(FileRow row);

    int deleteByPk(@Param("pk") long pk);

    /** Storage commitment checked these instances' files (size and MD5): md5_check_time = now. */
    int setMd5CheckTime(@org.apache.ibatis.annotations.Param("sopUids") java.util.List<String> sopUids);

    /** capserver delete: the files rows of a series' instances and where their files are. */
    List<DeletedFile> selectOfSeries(@Param("seriesFk") long seriesFk);

    int deleteOfSeries(@Param("seriesFk") long seriesFk);
}
