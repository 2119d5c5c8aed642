package org.cardiacatlas.cap.xpacs;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface StudyPacsMapper {
    StudyPacsRow selectByStudyUid(@Param("studyIuid") String studyIuid);

    StudyPacsRow selectById(@Param("id") int id);

    List<StudyPacsRow> selectAll();

    int insert(StudyPacsRow row);

    int updatePatientId(@Param("id") int id, @Param("patientId") String patientId);

    /** capserver delete: the link of a study removed from PACS (its event, models and baselines first). */
    int delete(@Param("id") int id);
}
