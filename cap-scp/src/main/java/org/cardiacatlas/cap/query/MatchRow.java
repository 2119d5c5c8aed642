package org.cardiacatlas.cap.query;

/** One row of FindMapper.selectMatches: the entity at the query level and those above it. */
final class MatchRow {
    Long patientPk;
    String patId;
    byte[] patAttrs;
    Long patientStudies;
    Long patientSeries;
    Long patientInstances;
    Long studyPk;
    String studyIuid;
    Integer numSeries;
    Integer studyInstances;
    String modsInStudy;
    String cuidsInStudy;
    byte[] studyAttrs;
    Long seriesPk;
    String seriesIuid;
    Integer seriesInstances;
    byte[] seriesAttrs;
    Long instancePk;
    String sopIuid;
    byte[] instAttrs;
    /** retrieve_aets and availability of the row at the query level */
    String retrieveAets;
    Integer availability;

    long pk(QueryRetrieveLevel level) {
        return switch (level) {
            case PATIENT -> patientPk;
            case STUDY -> studyPk;
            case SERIES -> seriesPk;
            case IMAGE -> instancePk;
        };
    }
}
