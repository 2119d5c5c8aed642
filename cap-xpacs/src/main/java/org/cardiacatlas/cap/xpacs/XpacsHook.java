package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;
import org.apache.ibatis.session.SqlSession;

/** What the PACS index tells XPACS, inside the store's own (PACS) transaction. */
public interface XpacsHook {

    /** A study was stored for the first time. */
    void studyStored(SqlSession pacsSession, String patientId, String studyIuid, LocalDateTime studyDateTime);

    /** A stored study arrived under another Patient ID and moved to that patient in PACS. */
    void studyMoved(SqlSession pacsSession, String studyIuid, String oldPatientId, String newPatientId,
            LocalDateTime studyDateTime);
}
