package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.Audit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Clinical notes of XPACS created, edited and deleted one at a time (the web app, XPACS-WEB's
 * successor): each change locks the patient's PATIENT_INFO row and keeps the history chain in
 * (EventDate, id) order through {@link XpacsChain}, in one transaction, as the CSV import and
 * the store hook do. Values are checked with the limits of {@code capserver xpacs import}. Every
 * change is an audit record.
 */
public final class XpacsNotes {

    private static final Logger LOG = LoggerFactory.getLogger(XpacsNotes.class);

    private final SqlSessionFactory sessions;

    public XpacsNotes(SqlSessionFactory xpacsSessions) {
        this.sessions = xpacsSessions;
    }

    /** What a note says; nulls or blanks are empty fields. */
    public record Note(String age, String weight, String height, String diagnosis, String procedure, String notes) {
    }

    /** The problems of a note's values, as the import reports them (without file:line). */
    public static List<String> problems(Note n, LocalDateTime date) {
        List<String> out = new ArrayList<>();
        if (date == null) {
            out.add("EventDate is empty");
        }
        max(out, "Age", n.age(), 64);
        max(out, "Weight", n.weight(), 64);
        max(out, "Height", n.height(), 64);
        max(out, "Diagnosis", n.diagnosis(), 255);
        max(out, "Procedure", n.procedure(), 255);
        max(out, "Notes", n.notes(), 2500);
        return out;
    }

    private static void max(List<String> out, String col, String v, int max) {
        if (v != null && v.length() > max) {
            out.add(col + " is longer than " + max + " characters");
        }
    }

    /** The 8-character patient of a CAP ID or patient ID. */
    public static String patient8(String id) {
        if (id == null || !id.matches("[A-Za-z0-9]{8}([A-Za-z0-9]{2})?")) {
            throw new IllegalArgumentException("'" + id + "' is neither an 8-character patient nor a 10-character CAP ID");
        }
        return id.substring(0, 8);
    }

    /** Adds a note to the patient's history (creating the patient if XPACS lacks it); returns its id. */
    public int add(String patientId, LocalDateTime date, Note note, String actor) {
        String p8 = patient8(patientId);
        check(note, date);
        try (SqlSession s = sessions.openSession(false)) {
            PatientInfoRow p = XpacsChain.lockPatient(s, p8);
            ClinicalNoteRow row = row(note);
            s.getMapper(ClinicalNoteMapper.class).insert(row);
            HistoryEventRow e = XpacsChain.newEvent(date);
            e.clinicalNoteId = row.id;
            XpacsChain.insert(s, p, e);
            s.commit(true);
            Audit.event("XPACS-NOTE-ADD").with("patient", p8).with("note", row.id).with("by", actor).write();
            LOG.info("clinical note {} of {} added by {}", row.id, p8, actor);
            return row.id;
        }
    }

    /** The 8-character patient whose history holds the note. */
    public String patientOf(int noteId) {
        try (SqlSession s = sessions.openSession(false)) {
            return patientOf(s, noteId);
        }
    }

    private static String patientOf(SqlSession s, int noteId) {
        HistoryEventRow e = s.getMapper(PatientHistoryMapper.class).selectByClinicalNote(noteId);
        if (e == null) {
            throw new NoSuchElementException("no clinical note " + noteId);
        }
        PatientInfoRow p = s.getMapper(PatientInfoMapper.class).selectById(e.patientInfoId);
        if (p == null) {
            throw new NoSuchElementException("no clinical note " + noteId);
        }
        return p.patientId;
    }

    /** Changes a note's values and date; a new date moves its event to its place in the chain. */
    public void update(int noteId, LocalDateTime date, Note note, String actor) {
        check(note, date);
        try (SqlSession s = sessions.openSession(false)) {
            String p8 = patientOf(s, noteId);
            PatientInfoRow p = XpacsChain.lockPatient(s, p8);
            HistoryEventRow e = s.getMapper(PatientHistoryMapper.class).selectByClinicalNote(noteId);
            ClinicalNoteRow row = row(note);
            row.id = noteId;
            s.getMapper(ClinicalNoteMapper.class).update(row);
            if (!date.equals(e.eventDate)) {
                s.getMapper(PatientHistoryMapper.class).updateDate(e.id, date);
                XpacsChain.reposition(s, p, s.getMapper(PatientHistoryMapper.class).selectById(e.id));
            }
            s.commit(true);
            Audit.event("XPACS-NOTE-EDIT").with("patient", p8).with("note", noteId).with("by", actor).write();
            LOG.info("clinical note {} of {} changed by {}", noteId, p8, actor);
        }
    }

    /** Deletes a note and its history event; the chain closes the gap. */
    public void delete(int noteId, String actor) {
        try (SqlSession s = sessions.openSession(false)) {
            String p8 = patientOf(s, noteId);
            PatientInfoRow p = XpacsChain.lockPatient(s, p8);
            PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
            HistoryEventRow e = history.selectByClinicalNote(noteId);
            XpacsChain.unlink(s, p, e);
            history.delete(e.id);
            s.getMapper(ClinicalNoteMapper.class).delete(noteId);
            s.commit(true);
            Audit.event("XPACS-NOTE-DELETE").with("patient", p8).with("note", noteId).with("by", actor).write();
            LOG.info("clinical note {} of {} deleted by {}", noteId, p8, actor);
        }
    }

    private static void check(Note note, LocalDateTime date) {
        List<String> problems = problems(note, date);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    private static ClinicalNoteRow row(Note n) {
        ClinicalNoteRow r = new ClinicalNoteRow();
        r.age = blank(n.age());
        r.weight = blank(n.weight());
        r.height = blank(n.height());
        r.diagnosis = blank(n.diagnosis());
        r.procedure = blank(n.procedure());
        r.notes = blank(n.notes());
        return r;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
