package org.cardiacatlas.cap.store;

/**
 * What one store needs to know of a study, read (and locked) in one round trip: the study
 * row, and the series, instance and file rows of the incoming UIDs where they exist.
 */
final class StoreView {
    Long studyPk;
    Long patientFk;
    String patId;
    String patIdIssuer;
    byte[] studyAttrs;
    int numSeries;
    int numInstances;
    String modsInStudy;
    String cuidsInStudy;
    Long seriesPk;
    Long seriesStudyFk;
    byte[] seriesAttrs;
    Long instancePk;
    Long instanceSeriesFk;
    Long filePk;
    String filepath;
    String fileMd5;
}
