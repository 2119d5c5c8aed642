package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;
import org.apache.ibatis.session.SqlSession;

/**
 * XPACS on another database server: the store's transaction cannot span it, so the study is
 * recorded as pending in the PACS transaction, and {@link XpacsCatchUp} makes its XPACS rows.
 */
public final class XpacsDeferred implements XpacsHook {

    private final XpacsSync sync;

    public XpacsDeferred(XpacsSync sync) {
        this.sync = sync;
    }

    @Override
    public void studyStored(SqlSession pacsSession, String patientId, String studyIuid, LocalDateTime studyDateTime) {
        if (sync.accepts(patientId, studyIuid)) {
            pacsSession.getMapper(XpacsPendingMapper.class).insertIgnoringDuplicate(studyIuid);
        }
    }

    @Override
    public void studyMoved(SqlSession pacsSession, String studyIuid, String oldPatientId, String newPatientId,
            LocalDateTime studyDateTime) {
        pacsSession.getMapper(XpacsPendingMapper.class).insertIgnoringDuplicate(studyIuid);
    }
}
