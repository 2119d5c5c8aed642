package org.cardiacatlas.cap.store;

import org.apache.ibatis.annotations.Param;

interface FilesystemMapper {
    Long selectPkByDirpath(@Param("dirpath") String dirpath);

    /** Inserts the row unless another server just did. */
    int insertIgnoringDuplicate(@Param("dirpath") String dirpath, @Param("retrieveAet") String retrieveAet);
}
