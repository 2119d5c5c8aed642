package org.cardiacatlas.cap.store;

/** A study about to be deleted, its row locked: see StudyMapper.selectForDelete. */
final class DeleteTarget {
    long studyPk;
    String studyIuid;
    long patientFk;
    String patId;
    int numSeries;
    int numInstances;
}
