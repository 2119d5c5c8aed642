package org.cardiacatlas.cap.store;

import org.apache.ibatis.annotations.Param;

interface SeriesMapper {
    int insert(SeriesRow row);

    int updateAttributes(SeriesRow row);

    /** capserver delete: the study of a series, or null when the series is unknown. */
    String selectStudyUidOf(@Param("seriesIuid") String seriesIuid);

    /** The series of a study in pk (arrival) order: pk, study_fk, series_iuid, modality, num_instances. */
    java.util.List<SeriesRow> selectOfStudy(@Param("studyFk") long studyFk);

    /** One instance fewer (the heal of store_pending). */
    int removeInstance(@Param("pk") long pk);

    int delete(@Param("pk") long pk);
}
