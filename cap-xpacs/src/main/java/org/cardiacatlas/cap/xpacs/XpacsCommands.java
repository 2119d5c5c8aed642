package org.cardiacatlas.cap.xpacs;

import java.io.PrintStream;
import java.time.format.DateTimeFormatter;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/** {@code capserver xpacs sync | history | check}: reconcile, read and verify XPACS. */
public final class XpacsCommands {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    private final SqlSessionFactory pacs;
    private final SqlSessionFactory sessions;
    private final XpacsSync sync;

    /** @param pacs sessions of the PACS tables; @param xpacs of the XPACS tables (often the same) */
    public XpacsCommands(SqlSessionFactory pacs, SqlSessionFactory xpacs, XpacsSync sync) {
        this.pacs = pacs;
        this.sessions = xpacs;
        this.sync = sync;
    }

    /**
     * Brings XPACS in line with everything in PACS: missing STUDY_PACS rows and events, Patient
     * IDs that changed, chains that break an invariant. Each study in its own transaction; a
     * dry run rolls each back and only reports.
     *
     * @return the number of changes made (or that would be made)
     */
    public int sync(boolean dryRun, PrintStream out) {
        int changes = 0;
        List<PacsStudyRow> studies;
        try (SqlSession s = pacs.openSession(false)) {
            studies = s.getMapper(PacsStudyMapper.class).selectAll();
        }
        String verb = dryRun ? "would add" : "added";
        for (PacsStudyRow st : studies) {
            if (!sync.isCapId(st.patId)) {
                continue;
            }
            try (SqlSession s = sessions.openSession(false)) {
                StudyPacsRow link = s.getMapper(StudyPacsMapper.class).selectByStudyUid(st.studyIuid);
                String change = null;
                if (link == null) {
                    sync.addStudy(s, st.patId, st.studyIuid, st.studyDatetime != null ? st.studyDatetime : st.createdTime);
                    change = verb + " study " + st.studyIuid + " of " + st.patId;
                } else if (!st.patId.equals(link.pacsPatientId)) {
                    sync.studyMoved(s, st.studyIuid, link.pacsPatientId, st.patId,
                            st.studyDatetime != null ? st.studyDatetime : st.createdTime);
                    change = (dryRun ? "would move" : "moved") + " study " + st.studyIuid + " from " + link.pacsPatientId
                            + " to " + st.patId;
                } else if (s.getMapper(PatientHistoryMapper.class).selectByStudyPacs(link.id) == null) {
                    PatientInfoRow p = XpacsChain.lockPatient(s, st.patId.substring(0, 8));
                    HistoryEventRow e = XpacsChain.newEvent(XpacsSync.eventDate(
                            st.studyDatetime != null ? st.studyDatetime : st.createdTime, st.createdTime));
                    e.studyPacsId = link.id;
                    XpacsChain.insert(s, p, e);
                    change = verb + " the history event of study " + st.studyIuid + " of " + st.patId;
                }
                if (change != null) {
                    out.println(change);
                    changes++;
                    finish(s, dryRun);
                }
            }
        }
        List<PatientInfoRow> patients;
        try (SqlSession s = sessions.openSession(false)) {
            patients = s.getMapper(PatientInfoMapper.class).selectAll();
        }
        for (PatientInfoRow p : patients) {
            try (SqlSession s = sessions.openSession(false)) {
                PatientInfoRow locked = s.getMapper(PatientInfoMapper.class).selectForUpdate(p.patientId);
                List<String> problems = XpacsChain.verify(s, locked);
                if (!problems.isEmpty()) {
                    XpacsChain.relink(s, locked);
                    out.println((dryRun ? "would relink" : "relinked") + " the history of " + p.patientId + ": "
                            + String.join("; ", problems));
                    changes++;
                    finish(s, dryRun);
                }
            }
        }
        out.println(changes == 0 ? "XPACS is in step with PACS: nothing to do"
                : (dryRun ? "dry run: " + changes + " changes not made" : changes + " changes made"));
        return changes;
    }

    private static void finish(SqlSession s, boolean dryRun) {
        if (dryRun) {
            s.rollback(true);
        } else {
            s.commit(true);
        }
    }

    /** One event of a patient's timeline, as the chain orders it. */
    public record Event(int id, LocalDateTime date, String kind, String studyUid, String description,
            ClinicalNoteRow note, AuxFileRow file, List<CapModelRow> models, List<BaselineDiagnosisRow> baseline) {
    }

    /** A patient of XPACS with the history chain in order, and what is wrong with the chain. */
    public record Timeline(String patientId, String cohort, String gender, List<Event> events, List<String> problems) {
    }

    /** The patient's timeline in chain order (empty when XPACS has no such patient). */
    public Optional<Timeline> timeline(String patientId8) {
        try (SqlSession s = sessions.openSession(false)) {
            PatientInfoRow p = s.getMapper(PatientInfoMapper.class).selectByPatientId(patientId8);
            if (p == null) {
                return Optional.empty();
            }
            PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
            List<Event> events = new ArrayList<>();
            Integer at = p.firstHistoryId;
            int guard = 0;
            while (at != null && guard++ < 1_000_000) {
                HistoryEventRow e = history.selectById(at);
                String kind = e.studyPacsId != null ? "study" : e.clinicalNoteId != null ? "note"
                        : e.auxFileId != null ? "file" : "event";
                String studyUid = null;
                List<CapModelRow> models = List.of();
                List<BaselineDiagnosisRow> baseline = List.of();
                if (e.studyPacsId != null) {
                    StudyPacsRow link = s.getMapper(StudyPacsMapper.class).selectById(e.studyPacsId);
                    studyUid = link == null ? null : link.pacsStudyInstanceUid;
                    // heart models and baseline diagnoses belong to the imaging session
                    models = s.getMapper(CapModelMapper.class).selectSummaryByStudyPacs(e.studyPacsId);
                    baseline = s.getMapper(BaselineDiagnosisMapper.class).selectByStudyPacs(e.studyPacsId);
                }
                ClinicalNoteRow note = e.clinicalNoteId == null ? null
                        : s.getMapper(ClinicalNoteMapper.class).selectById(e.clinicalNoteId);
                AuxFileRow file = e.auxFileId == null ? null : s.getMapper(AuxFileMapper.class).selectById(e.auxFileId);
                events.add(new Event(e.id, e.eventDate, kind, studyUid, describe(s, e), note, file, models, baseline));
                at = e.nextId;
            }
            return Optional.of(new Timeline(p.patientId, p.cohort, p.gender, events, XpacsChain.verify(s, p)));
        }
    }

    /** A heart model with its data, and the 8-character patient of its imaging session; empty if none. */
    public Optional<Map.Entry<String, CapModelRow>> model(int id) {
        try (SqlSession s = sessions.openSession(false)) {
            CapModelRow m = s.getMapper(CapModelMapper.class).selectById(id);
            if (m == null || m.studyPacsId == null) {
                return Optional.empty();
            }
            StudyPacsRow link = s.getMapper(StudyPacsMapper.class).selectById(m.studyPacsId);
            if (link == null || link.pacsPatientId == null || link.pacsPatientId.length() < 8) {
                return Optional.empty();
            }
            return Optional.of(Map.entry(link.pacsPatientId.substring(0, 8), m));
        }
    }

    /** An auxiliary file's row and the 8-character patient whose history holds it; empty if none. */
    public Optional<Map.Entry<String, AuxFileRow>> auxFile(int id) {
        try (SqlSession s = sessions.openSession(false)) {
            AuxFileRow f = s.getMapper(AuxFileMapper.class).selectById(id);
            HistoryEventRow e = s.getMapper(PatientHistoryMapper.class).selectByAuxFile(id);
            if (f == null || e == null) {
                return Optional.empty();
            }
            PatientInfoRow p = s.getMapper(PatientInfoMapper.class).selectById(e.patientInfoId);
            return p == null ? Optional.empty() : Optional.of(Map.entry(p.patientId, f));
        }
    }

    /** Prints the patient's timeline in chain order; false when there is no such patient. */
    public boolean history(String patientId8, PrintStream out) {
        Optional<Timeline> t = timeline(patientId8);
        if (t.isEmpty()) {
            out.println("no patient " + patientId8 + " in XPACS");
            return false;
        }
        Timeline p = t.get();
        out.println("patient " + p.patientId() + (p.cohort() == null ? "" : ", cohort " + p.cohort())
                + (p.gender() == null ? "" : ", gender " + p.gender()));
        for (Event e : p.events()) {
            out.println("  " + DATE.format(e.date()) + "  " + e.description());
        }
        for (String problem : p.problems()) {
            out.println("  ! " + problem);
        }
        return true;
    }

    private PacsStudyRow pacsStudy(String studyIuid) {
        try (SqlSession p = pacs.openSession(false)) {
            return p.getMapper(PacsStudyMapper.class).selectByStudyUid(studyIuid);
        }
    }

    private String describe(SqlSession s, HistoryEventRow e) {
        StringBuilder sb = new StringBuilder();
        if (e.studyPacsId != null) {
            StudyPacsRow link = s.getMapper(StudyPacsMapper.class).selectById(e.studyPacsId);
            PacsStudyRow st = link == null ? null : pacsStudy(link.pacsStudyInstanceUid);
            sb.append("study ").append(link == null ? "?" : link.pacsStudyInstanceUid);
            if (link != null) {
                sb.append(" (").append(link.pacsPatientId);
            }
            if (st != null) {
                sb.append(", ").append(st.studyDatetime == null ? "no date" : DATE.format(st.studyDatetime))
                        .append(", ").append(st.modsInStudy == null ? "-" : st.modsInStudy.replace('\\', '/'))
                        .append(", ").append(st.numInstances).append(" instances)");
            } else if (link != null) {
                sb.append(", not in PACS)");
            }
        }
        if (e.clinicalNoteId != null) {
            ClinicalNoteRow n = s.getMapper(ClinicalNoteMapper.class).selectById(e.clinicalNoteId);
            sb.append(sb.length() > 0 ? "; " : "").append("note: ");
            sb.append(join("age", n.age, "weight", n.weight, "height", n.height, "diagnosis", n.diagnosis,
                    "procedure", n.procedure, "notes", n.notes));
        }
        if (e.auxFileId != null) {
            AuxFileRow f = s.getMapper(AuxFileMapper.class).selectById(e.auxFileId);
            sb.append(sb.length() > 0 ? "; " : "").append("file: ").append(f.filename == null ? "" : f.filename + " ")
                    .append(f.uri).append(f.descriptor == null ? "" : " (" + f.descriptor + ")");
        }
        return sb.toString();
    }

    private static String join(String... kv) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < kv.length; i += 2) {
            if (kv[i + 1] != null && !kv[i + 1].isEmpty()) {
                sb.append(sb.length() > 0 ? ", " : "").append(kv[i]).append(' ').append(kv[i + 1]);
            }
        }
        return sb.toString();
    }

    /** Reports every patient whose chain breaks an invariant; returns how many. */
    public int check(PrintStream out) {
        int bad = 0;
        int all = 0;
        try (SqlSession s = sessions.openSession(false)) {
            for (PatientInfoRow p : s.getMapper(PatientInfoMapper.class).selectAll()) {
                all++;
                List<String> problems = XpacsChain.verify(s, p);
                if (!problems.isEmpty()) {
                    bad++;
                    out.println(p.patientId + ": " + String.join("; ", problems));
                }
            }
        }
        out.println(all + " patients checked, " + bad + " with a broken history chain");
        return bad;
    }
}
