package org.cardiacatlas.cap.xpacs;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface CapModelMapper {
    int insert(CapModelRow row);

    List<CapModelRow> selectByStudyPacs(@Param("studyPacsId") int studyPacsId);

    int countByStudyPacs(@Param("studyPacsId") int studyPacsId);

    int deleteByStudyPacs(@Param("studyPacsId") int studyPacsId);

    /** Without the model and XML data: for listings. */
    List<CapModelRow> selectSummaryByStudyPacs(@Param("studyPacsId") int studyPacsId);

    CapModelRow selectById(@Param("id") int id);

    CapModelRow selectSummaryById(@Param("id") int id);

    int update(@Param("id") int id, @Param("name") String name, @Param("type") String type,
            @Param("format") String format, @Param("comment") String comment);

    int updateModelData(@Param("id") int id, @Param("data") byte[] data);

    int updateXmlData(@Param("id") int id, @Param("data") byte[] data);

    int delete(@Param("id") int id);
}
