package org.cardiacatlas.cap.xpacs;

import org.apache.ibatis.annotations.Param;

interface AuxFileMapper {
    int insert(AuxFileRow row);

    AuxFileRow selectById(@Param("id") int id);

    int update(@Param("id") int id, @Param("uri") String uri, @Param("filename") String filename,
            @Param("descriptor") String descriptor);

    int delete(@Param("id") int id);
}
