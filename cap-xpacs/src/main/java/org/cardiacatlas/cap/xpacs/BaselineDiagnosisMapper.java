package org.cardiacatlas.cap.xpacs;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface BaselineDiagnosisMapper {
    int insert(BaselineDiagnosisRow row);

    List<BaselineDiagnosisRow> selectByStudyPacs(@Param("studyPacsId") int studyPacsId);

    int countByStudyPacs(@Param("studyPacsId") int studyPacsId);

    int deleteByStudyPacs(@Param("studyPacsId") int studyPacsId);

    BaselineDiagnosisRow selectById(@Param("id") int id);

    int update(@Param("id") int id, @Param("row") BaselineDiagnosisRow row);

    int delete(@Param("id") int id);
}
