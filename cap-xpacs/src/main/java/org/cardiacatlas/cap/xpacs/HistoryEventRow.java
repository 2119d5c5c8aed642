package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;

/** A row of PATIENT_HISTORY: one event of a patient's doubly linked chain. */
public final class HistoryEventRow {
    public Integer id;
    public Integer patientInfoId;
    public LocalDateTime eventDate;
    public Integer nextId;
    public Integer prevId;
    public Integer studyPacsId;
    public Integer clinicalNoteId;
    public Integer auxFileId;
}
