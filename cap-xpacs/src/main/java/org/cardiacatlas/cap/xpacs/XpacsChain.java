package org.cardiacatlas.cap.xpacs;

import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.ibatis.session.SqlSession;

/**
 * The doubly linked chain of a patient's PATIENT_HISTORY events (xpacs-schema.md, "The
 * chain"): in EventDate order, ties broken by id; PATIENT_INFO.first_history_id is the head,
 * the head's Prev_id and the tail's Next_id are NULL. Every operation runs in the caller's
 * transaction after locking the PATIENT_INFO row, so two changes of one patient's chain (two
 * associations, two servers) never interleave.
 */
public final class XpacsChain {

    private XpacsChain() {
    }

    /** Locks the patient's row, creating it first if needed; returns it. */
    static PatientInfoRow lockPatient(SqlSession s, String patientId8) {
        PatientInfoMapper patients = s.getMapper(PatientInfoMapper.class);
        PatientInfoRow p = patients.selectForUpdate(patientId8);
        if (p == null) {
            p = new PatientInfoRow();
            p.patientId = patientId8;
            // a concurrent first insert of the same patient fails here on the unique key; the
            // caller's transaction is retried and then finds the row
            patients.insert(p);
            p = patients.selectForUpdate(patientId8);
        }
        return p;
    }

    /** Inserts a new event into the locked patient's chain at its place; returns its id. */
    static int insert(SqlSession s, PatientInfoRow patient, HistoryEventRow event) {
        PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
        event.patientInfoId = patient.id;
        event.prevId = null;
        event.nextId = null;
        history.insert(event);
        link(s, patient, event);
        return event.id;
    }

    /** Links an unlinked event (of the locked patient) in at its place by (EventDate, id). */
    private static void link(SqlSession s, PatientInfoRow patient, HistoryEventRow event) {
        PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
        HistoryEventRow pred = history.selectPredecessor(patient.id, event.eventDate, event.id);
        Integer succ;
        if (pred == null) {
            succ = patient.firstHistoryId;
            s.getMapper(PatientInfoMapper.class).updateFirstHistory(patient.id, event.id);
            patient.firstHistoryId = event.id;
        } else {
            succ = pred.nextId;
            history.updateNext(pred.id, event.id);
        }
        history.updateLinks(event.id, pred == null ? null : pred.id, succ);
        if (succ != null) {
            history.updatePrev(succ, event.id);
        }
    }

    /** Takes an event out of its (locked) patient's chain, leaving the rest linked. */
    static void unlink(SqlSession s, PatientInfoRow patient, HistoryEventRow event) {
        PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
        if (event.prevId == null) {
            s.getMapper(PatientInfoMapper.class).updateFirstHistory(patient.id, event.nextId);
            patient.firstHistoryId = event.nextId;
        } else {
            history.updateNext(event.prevId, event.nextId);
        }
        if (event.nextId != null) {
            history.updatePrev(event.nextId, event.prevId);
        }
        history.updateLinks(event.id, null, null);
    }

    /** Puts an event of the locked patient at the place its (new) EventDate gives it. */
    static void reposition(SqlSession s, PatientInfoRow patient, HistoryEventRow event) {
        unlink(s, patient, event);
        link(s, patient, s.getMapper(PatientHistoryMapper.class).selectById(event.id));
    }

    /** Moves an event to another patient's chain (both rows locked, in id order, by the caller). */
    static void move(SqlSession s, PatientInfoRow from, PatientInfoRow to, HistoryEventRow event) {
        unlink(s, from, event);
        PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
        history.updatePatient(event.id, to.id);
        HistoryEventRow moved = history.selectById(event.id);
        link(s, to, moved);
    }

    /**
     * What is wrong with a patient's chain, if anything: each broken invariant as one line
     * (an empty list when the chain is valid).
     */
    public static List<String> verify(SqlSession s, PatientInfoRow patient) {
        List<String> problems = new ArrayList<>();
        List<HistoryEventRow> events = s.getMapper(PatientHistoryMapper.class).selectByPatient(patient.id);
        Map<Integer, HistoryEventRow> byId = new HashMap<>();
        for (HistoryEventRow e : events) {
            byId.put(e.id, e);
        }
        if (events.isEmpty()) {
            if (patient.firstHistoryId != null) {
                problems.add("first_history_id " + patient.firstHistoryId + " but the patient has no events");
            }
            return problems;
        }
        // events come ordered by (EventDate, id): that is the order the chain must have
        HistoryEventRow expectedHead = events.get(0);
        if (!Objects.equals(patient.firstHistoryId, expectedHead.id)) {
            problems.add("first_history_id is " + patient.firstHistoryId + ", expected the earliest event "
                    + expectedHead.id);
        }
        Set<Integer> seen = new HashSet<>();
        Integer prev = null;
        Integer at = patient.firstHistoryId;
        int index = 0;
        while (at != null) {
            HistoryEventRow e = byId.get(at);
            if (e == null) {
                problems.add("chain reaches event " + at + ", which is not one of this patient's events");
                break;
            }
            if (!seen.add(at)) {
                problems.add("chain loops back to event " + at);
                break;
            }
            if (!Objects.equals(e.prevId, prev)) {
                problems.add("event " + e.id + " has Prev_id " + e.prevId + ", expected " + prev);
            }
            if (index < events.size() && !events.get(index).id.equals(e.id)) {
                problems.add("event " + e.id + " is at position " + index + " of the chain, but (EventDate, id) order puts "
                        + events.get(index).id + " there");
            }
            prev = e.id;
            at = e.nextId;
            index++;
        }
        if (seen.size() != events.size()) {
            problems.add("chain links " + seen.size() + " of the patient's " + events.size() + " events");
        }
        return problems;
    }

    /** Links all of the (locked) patient's events anew in (EventDate, id) order. */
    static void relink(SqlSession s, PatientInfoRow patient) {
        PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
        List<HistoryEventRow> events = history.selectByPatient(patient.id);
        for (int i = 0; i < events.size(); i++) {
            history.updateLinks(events.get(i).id, i == 0 ? null : events.get(i - 1).id,
                    i == events.size() - 1 ? null : events.get(i + 1).id);
        }
        Integer head = events.isEmpty() ? null : events.get(0).id;
        s.getMapper(PatientInfoMapper.class).updateFirstHistory(patient.id, head);
        patient.firstHistoryId = head;
    }

    static HistoryEventRow newEvent(LocalDateTime date) {
        HistoryEventRow e = new HistoryEventRow();
        e.eventDate = date;
        return e;
    }
}
