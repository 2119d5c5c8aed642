package org.cardiacatlas.cap.xpacs;

/** A row of CLINICAL_NOTE. */
public final class ClinicalNoteRow {
    public Integer id;
    public String age;
    public String weight;
    public String height;
    public String diagnosis;
    public String procedure;
    public String notes;
}
