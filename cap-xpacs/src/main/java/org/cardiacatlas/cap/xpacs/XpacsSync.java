package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.ibatis.session.SqlSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps XPACS in step with the PACS: for each stored study, a PATIENT_INFO row for its
 * 8-character patient, a STUDY_PACS row, and a history event linked into the patient's chain,
 * in the same transaction as the PACS rows (PACS and XPACS on one server).
 */
public final class XpacsSync implements XpacsHook {

    private static final Logger LOG = LoggerFactory.getLogger(XpacsSync.class);

    private final Pattern capId;

    /** @param capIdPattern what a CAP ID looks like (a Patient ID that is one is synchronized) */
    public XpacsSync(String capIdPattern) {
        this.capId = Pattern.compile(capIdPattern);
    }

    public static List<Class<?>> mappers() {
        return List.of(PatientInfoMapper.class, PatientHistoryMapper.class, StudyPacsMapper.class,
                ClinicalNoteMapper.class, AuxFileMapper.class, CapModelMapper.class, BaselineDiagnosisMapper.class,
                PacsStudyMapper.class, XpacsPendingMapper.class);
    }

    public boolean isCapId(String patientId) {
        return patientId != null && patientId.length() >= 8 && capId.matcher(patientId).matches();
    }

    /** Whether the study goes to XPACS; says why not (one WARN line) when it does not. */
    boolean accepts(String patientId, String studyIuid) {
        if (isCapId(patientId)) {
            return true;
        }
        LOG.warn("study {} not synchronized to XPACS: Patient ID '{}' is not a CAP ID", studyIuid, patientId);
        return false;
    }

    /** The study's event date: its StudyDate and StudyTime, or when it was received. */
    static LocalDateTime eventDate(LocalDateTime studyDateTime, LocalDateTime received) {
        LocalDateTime d = studyDateTime != null ? studyDateTime : received;
        // DATETIME keeps whole seconds
        return d.truncatedTo(ChronoUnit.SECONDS);
    }

    /**
     * A study was stored for the first time.
     *
     * @return true when XPACS rows were made, false when the Patient ID is not a CAP ID
     */
    @Override
    public void studyStored(SqlSession s, String patientId, String studyIuid, LocalDateTime studyDateTime) {
        addStudy(s, patientId, studyIuid, studyDateTime);
    }

    /**
     * Makes the XPACS rows of a study, in the given (XPACS) session.
     *
     * @return true when rows were made, false when the Patient ID is not a CAP ID or the study
     *         is there already
     */
    public boolean addStudy(SqlSession s, String patientId, String studyIuid, LocalDateTime studyDateTime) {
        if (!accepts(patientId, studyIuid)) {
            return false;
        }
        StudyPacsMapper studies = s.getMapper(StudyPacsMapper.class);
        if (studies.selectByStudyUid(studyIuid) != null) {
            return false;
        }
        PatientInfoRow patient = XpacsChain.lockPatient(s, patientId.substring(0, 8));
        StudyPacsRow link = new StudyPacsRow();
        link.pacsStudyInstanceUid = studyIuid;
        link.pacsPatientId = patientId;
        studies.insert(link);
        HistoryEventRow e = XpacsChain.newEvent(eventDate(studyDateTime, LocalDateTime.now()));
        e.studyPacsId = link.id;
        XpacsChain.insert(s, patient, e);
        return true;
    }

    /**
     * A stored study arrived under another Patient ID and moved to that patient in PACS:
     * STUDY_PACS and the study's event follow it to the new patient's chain.
     */
    @Override
    public void studyMoved(SqlSession s, String studyIuid, String oldPatientId, String newPatientId,
            LocalDateTime studyDateTime) {
        StudyPacsMapper studies = s.getMapper(StudyPacsMapper.class);
        StudyPacsRow link = studies.selectByStudyUid(studyIuid);
        if (link == null) {
            addStudy(s, newPatientId, studyIuid, studyDateTime);
            return;
        }
        if (!isCapId(newPatientId)) {
            LOG.warn("study {} moved to Patient ID '{}', which is not a CAP ID: its XPACS rows stay with {}",
                    studyIuid, newPatientId, oldPatientId);
            return;
        }
        String from8 = link.pacsPatientId == null ? null : link.pacsPatientId.substring(0, 8);
        String to8 = newPatientId.substring(0, 8);
        studies.updatePatientId(link.id, newPatientId);
        if (to8.equals(from8)) {
            return; // another session of the same patient: the event stays in the same chain
        }
        // lock both patients in a fixed order so that two opposite moves cannot deadlock
        PatientInfoRow a = XpacsChain.lockPatient(s, from8.compareTo(to8) < 0 ? from8 : to8);
        PatientInfoRow b = XpacsChain.lockPatient(s, from8.compareTo(to8) < 0 ? to8 : from8);
        PatientInfoRow from = a.patientId.equals(from8) ? a : b;
        PatientInfoRow to = from == a ? b : a;
        HistoryEventRow event = s.getMapper(PatientHistoryMapper.class).selectByStudyPacs(link.id);
        if (event == null) {
            XpacsChain.insert(s, to, withStudy(XpacsChain.newEvent(eventDate(studyDateTime, LocalDateTime.now())),
                    link.id));
        } else {
            XpacsChain.move(s, from, to, event);
        }
    }

    /** What the removal of a study takes out of XPACS (or would, for a dry run). */
    public record StudyRemoval(boolean linked, String patientId8, int events, int models, int baselines) {
        /** Research data attached to the study that only a deliberate delete may take. */
        public boolean hasResearchData() {
            return models > 0 || baselines > 0;
        }
    }

    /**
     * The XPACS rows of a study that is being deleted from PACS (capserver delete), counted, and
     * removed when {@code apply}: its CAP_MODEL and BASELINE_DIAGNOSIS rows, its history event
     * (taken out of the patient's chain, which stays linked) and its STUDY_PACS row; a pending
     * entry of {@code pacsSession} (xpacs_pending) goes too. The patient's PATIENT_INFO row, notes
     * and files stay: they are research data of the patient, not of the study. Runs in the
     * callers' transactions, the patient's row locked while its chain changes.
     */
    public StudyRemoval removeStudy(SqlSession s, SqlSession pacsSession, String studyIuid, boolean apply) {
        if (apply && pacsSession != null) {
            pacsSession.getMapper(XpacsPendingMapper.class).delete(studyIuid);
        }
        StudyPacsRow link = s.getMapper(StudyPacsMapper.class).selectByStudyUid(studyIuid);
        if (link == null) {
            return new StudyRemoval(false, null, 0, 0, 0);
        }
        CapModelMapper models = s.getMapper(CapModelMapper.class);
        BaselineDiagnosisMapper baselines = s.getMapper(BaselineDiagnosisMapper.class);
        PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
        int nModels = models.countByStudyPacs(link.id);
        int nBaselines = baselines.countByStudyPacs(link.id);
        HistoryEventRow event = history.selectByStudyPacs(link.id);
        String patient8 = null;
        if (event != null) {
            PatientInfoRow p = s.getMapper(PatientInfoMapper.class).selectById(event.patientInfoId);
            patient8 = p == null ? null : p.patientId;
        }
        if (!apply) {
            return new StudyRemoval(true, patient8, event == null ? 0 : 1, nModels, nBaselines);
        }
        models.deleteByStudyPacs(link.id);
        baselines.deleteByStudyPacs(link.id);
        int events = 0;
        if (event != null && patient8 != null) {
            PatientInfoRow locked = XpacsChain.lockPatient(s, patient8);
            // read again under the lock: a concurrent change of the chain may have moved its links
            HistoryEventRow current = history.selectById(event.id);
            XpacsChain.unlink(s, locked, current);
            events = history.delete(current.id);
        }
        s.getMapper(StudyPacsMapper.class).delete(link.id);
        return new StudyRemoval(true, patient8, events, nModels, nBaselines);
    }

    /** A study deleted from PACS needs no XPACS rows any more: its xpacs_pending entry goes (PACS session). */
    public void forgetPending(SqlSession pacsSession, String studyIuid) {
        pacsSession.getMapper(XpacsPendingMapper.class).delete(studyIuid);
    }

    private static HistoryEventRow withStudy(HistoryEventRow e, int studyPacsId) {
        e.studyPacsId = studyPacsId;
        return e;
    }
}
