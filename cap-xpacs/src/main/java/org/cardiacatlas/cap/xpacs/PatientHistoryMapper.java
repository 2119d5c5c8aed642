package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;
import java.util.List;
import org.apache.ibatis.annotations.Param;

interface PatientHistoryMapper {
    int insert(HistoryEventRow row);

    HistoryEventRow selectById(@Param("id") int id);

    /** The event that comes right before (eventDate, id) in the patient's order, if any. */
    HistoryEventRow selectPredecessor(@Param("patientInfoId") int patientInfoId,
            @Param("eventDate") LocalDateTime eventDate, @Param("id") int id);

    List<HistoryEventRow> selectByPatient(@Param("patientInfoId") int patientInfoId);

    HistoryEventRow selectByStudyPacs(@Param("studyPacsId") int studyPacsId);

    int updateNext(@Param("id") int id, @Param("nextId") Integer nextId);

    int updatePrev(@Param("id") int id, @Param("prevId") Integer prevId);

    int updateLinks(@Param("id") int id, @Param("prevId") Integer prevId, @Param("nextId") Integer nextId);

    HistoryEventRow selectByAuxFile(@Param("auxFileId") int auxFileId);

    HistoryEventRow selectByClinicalNote(@Param("clinicalNoteId") int clinicalNoteId);

    int updateDate(@Param("id") int id, @Param("eventDate") LocalDateTime eventDate);

    int updatePatient(@Param("id") int id, @Param("patientInfoId") int patientInfoId);

    /** Removes an event already unlinked from its chain (XpacsChain.unlink); 0 when it is still linked. */
    int delete(@Param("id") int id);
}
