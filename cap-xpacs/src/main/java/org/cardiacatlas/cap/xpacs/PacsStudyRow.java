package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;

/** What XPACS reads of a PACS study: its patient, date, and summary for a timeline. */
public final class PacsStudyRow {
    public String studyIuid;
    public String patId;
    public LocalDateTime studyDatetime;
    public LocalDateTime createdTime;
    public String modsInStudy;
    public int numInstances;
}
