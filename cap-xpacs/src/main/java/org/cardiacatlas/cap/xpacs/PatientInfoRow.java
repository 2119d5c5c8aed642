package org.cardiacatlas.cap.xpacs;

/** A row of PATIENT_INFO: one patient by the first 8 characters of the CAP ID. */
public final class PatientInfoRow {
    public Integer id;
    public String patientId;
    public String cohort;
    public String gender;
    public Integer firstHistoryId;
}
