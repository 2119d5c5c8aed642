package org.cardiacatlas.cap.store;

import java.time.LocalDateTime;

/** A row of {@code study}. */
final class StudyRow {
    Long pk;
    Long patientFk;
    String studyIuid;
    String studyId;
    LocalDateTime studyDatetime;
    String accessionNo;
    String refPhysician;
    String refPhysIName;
    String refPhysPName;
    String refPhysFnSx;
    String refPhysGnSx;
    String studyDesc;
    String modsInStudy;
    String cuidsInStudy;
    int numSeries;
    int numInstances;
    String retrieveAets;
    byte[] studyAttrs;
}
