package org.cardiacatlas.cap.xpacs;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** XPACS's read-only view of the PACS study table (with its patient's ID). */
interface PacsStudyMapper {
    List<PacsStudyRow> selectAll();

    PacsStudyRow selectByStudyUid(@Param("studyIuid") String studyIuid);
}
