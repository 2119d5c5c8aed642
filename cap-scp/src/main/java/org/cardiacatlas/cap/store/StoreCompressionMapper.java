package org.cardiacatlas.cap.store;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The store-compression pass: the files it may compress, and the store_compression rows it writes. */
interface StoreCompressionMapper {
    /** Files of one filesystem in the given syntaxes, after a files pk, in pk order. */
    List<CompressionCandidate> selectCandidates(@Param("filesystemFk") long filesystemFk, @Param("afterPk") long afterPk,
            @Param("tsuids") List<String> tsuids, @Param("limit") int limit);

    /** The files row, locked until the transaction ends. */
    CompressionCandidate lockFile(@Param("pk") long pk);

    int updateFile(@Param("pk") long pk, @Param("filepath") String filepath, @Param("fileTsuid") String fileTsuid,
            @Param("fileMd5") String fileMd5, @Param("fileSize") long fileSize);

    int insert(@Param("filesFk") long filesFk, @Param("origTsuid") String origTsuid, @Param("origSize") long origSize,
            @Param("newTsuid") String newTsuid, @Param("newSize") long newSize, @Param("newMd5") String newMd5);

    /** Files still compressed as the pass left them, and the bytes saved on them: {count, saved}. */
    Long countCurrent();

    Long savedCurrent();
}
