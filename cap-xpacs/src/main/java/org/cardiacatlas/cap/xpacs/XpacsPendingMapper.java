package org.cardiacatlas.cap.xpacs;

import java.util.List;
import org.apache.ibatis.annotations.Param;

/** The PACS-side queue of studies whose XPACS rows are still to be made (xpacs_pending). */
interface XpacsPendingMapper {
    int insertIgnoringDuplicate(@Param("studyIuid") String studyIuid);

    List<String> selectStudies(@Param("limit") int limit);

    int delete(@Param("studyIuid") String studyIuid);

    int recordFailure(@Param("studyIuid") String studyIuid, @Param("error") String error);

    long count();
}
