package org.cardiacatlas.cap.store;

import org.apache.ibatis.annotations.Param;

interface StudyMapper {
    /**
     * Locks the study row (and the rows of the incoming series and instance): every store into
     * one study is serialized, so its counts stay exact. Null when the study is new.
     */
    StoreView selectForStore(@Param("studyIuid") String studyIuid, @Param("seriesIuid") String seriesIuid,
            @Param("sopIuid") String sopIuid);

    int insert(StudyRow row);

    int updateAttributes(StudyRow row);

    int updatePatient(@Param("pk") long pk, @Param("patientFk") long patientFk);

    int updateSummary(@Param("pk") long pk, @Param("numSeries") int numSeries,
            @Param("modsInStudy") String modsInStudy, @Param("cuidsInStudy") String cuidsInStudy);

    /** capserver delete: the study row locked (stores into it wait), with its patient. Null when unknown. */
    DeleteTarget selectForDelete(@Param("studyIuid") String studyIuid);

    java.util.List<String> selectUidsOfPatient(@Param("patientFk") long patientFk);

    /** The summary of a study after some of its series were deleted. */
    int updateCounts(@Param("pk") long pk, @Param("numSeries") int numSeries, @Param("numInstances") int numInstances,
            @Param("modsInStudy") String modsInStudy, @Param("cuidsInStudy") String cuidsInStudy);

    /** Locks the study row (the heal of store_pending); null when it is gone. */
    Long lockByPk(@Param("pk") long pk);

    /** One instance fewer, and the SOP classes of those left. */
    int removeInstance(@Param("pk") long pk, @Param("cuidsInStudy") String cuidsInStudy);

    int delete(@Param("pk") long pk);
}
