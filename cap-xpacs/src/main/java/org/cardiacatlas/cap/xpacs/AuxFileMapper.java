package org.cardiacatlas.cap.xpacs;

import org.apache.ibatis.annotations.Param;

interface AuxFileMapper {
    int insert(AuxFileRow row);

    AuxFileRow selectById(@Param("id") int id);

    int delete(@Param("id") int id);
}
