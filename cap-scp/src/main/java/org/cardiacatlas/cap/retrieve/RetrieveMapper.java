package org.cardiacatlas.cap.retrieve;

import java.util.List;
import org.apache.ibatis.annotations.Param;

interface RetrieveMapper {
    /** The instances under the given keys (each null or a list of UIDs), in study, series, instance order. */
    List<LocatedInstance> locate(@Param("patientId") String patientId, @Param("studyUids") List<String> studyUids,
            @Param("seriesUids") List<String> seriesUids, @Param("sopUids") List<String> sopUids);
}
