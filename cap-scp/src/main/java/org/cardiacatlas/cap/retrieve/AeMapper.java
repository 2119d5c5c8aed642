package org.cardiacatlas.cap.retrieve;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface AeMapper {
    AeRow selectByAet(@Param("aet") String aet);

    List<AeRow> selectAll();

    int insert(AeRow row);

    int update(AeRow row);

    int deleteByAet(@Param("aet") String aet);
}
