package org.cardiacatlas.cap.xpacs;

/** A row of BASELINE_DIAGNOSIS: a lab report attached to an imaging session. */
public final class BaselineDiagnosisRow {
    public Integer id;
    public Integer studyPacsId;
    public String ethnicity;
    public String height;
    public String weight;
    public String sbp;
    public String dbp;
    public String heartRate;
    public String historyOfHypertension;
    public String historyOfDiabetes;
    public String historyOfAlcohol;
    public String historyOfSmoking;
}
