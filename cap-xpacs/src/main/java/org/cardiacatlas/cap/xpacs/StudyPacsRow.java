package org.cardiacatlas.cap.xpacs;

/** A row of STUDY_PACS: the link to a study of the PACS schema. */
public final class StudyPacsRow {
    public Integer id;
    public String pacsStudyInstanceUid;
    public String pacsPatientId;
}
