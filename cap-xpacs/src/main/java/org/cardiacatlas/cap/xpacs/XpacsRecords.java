package org.cardiacatlas.cap.xpacs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.NoSuchElementException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.Audit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes of XPACS records that the import creates (heart models, baseline diagnoses,
 * auxiliary files), one at a time, as XPACS-WEB did. Each names the 8-character patient it
 * belongs to first, so that the caller can check the asker's cohorts; an auxiliary file leaves
 * its patient's chain (locked, relinked by XpacsChain) and, when the import copied it into the
 * archive, its copy is removed after the commit. Every delete is an audit record.
 */
public final class XpacsRecords {

    private static final Logger LOG = LoggerFactory.getLogger(XpacsRecords.class);

    private final SqlSessionFactory sessions;
    private final Path archiveRoot;

    public XpacsRecords(SqlSessionFactory xpacsSessions, Path archiveRoot) {
        this.sessions = xpacsSessions;
        this.archiveRoot = archiveRoot.toAbsolutePath().normalize();
    }

    /** The 8-character patient of a baseline diagnosis. */
    public String patientOfBaseline(int id) {
        try (SqlSession s = sessions.openSession(false)) {
            BaselineDiagnosisRow b = s.getMapper(BaselineDiagnosisMapper.class).selectById(id);
            if (b == null || b.studyPacsId == null) {
                throw new NoSuchElementException("no baseline diagnosis " + id);
            }
            return studyPatient(s, b.studyPacsId, "baseline diagnosis " + id);
        }
    }

    /** The 8-character patient of a heart model. */
    public String patientOfModel(int id) {
        try (SqlSession s = sessions.openSession(false)) {
            CapModelRow m = s.getMapper(CapModelMapper.class).selectSummaryById(id);
            if (m == null || m.studyPacsId == null) {
                throw new NoSuchElementException("no heart model " + id);
            }
            return studyPatient(s, m.studyPacsId, "heart model " + id);
        }
    }

    /** The 8-character patient of an auxiliary file. */
    public String patientOfAuxFile(int id) {
        try (SqlSession s = sessions.openSession(false)) {
            return auxPatient(s, id).patientId;
        }
    }

    private static String studyPatient(SqlSession s, int studyPacsId, String what) {
        StudyPacsRow link = s.getMapper(StudyPacsMapper.class).selectById(studyPacsId);
        if (link == null || link.pacsPatientId == null || link.pacsPatientId.length() < 8) {
            throw new NoSuchElementException("no " + what);
        }
        return link.pacsPatientId.substring(0, 8);
    }

    private static PatientInfoRow auxPatient(SqlSession s, int id) {
        HistoryEventRow e = s.getMapper(PatientHistoryMapper.class).selectByAuxFile(id);
        PatientInfoRow p = e == null ? null : s.getMapper(PatientInfoMapper.class).selectById(e.patientInfoId);
        if (p == null) {
            throw new NoSuchElementException("no auxiliary file " + id);
        }
        return p;
    }

    public void deleteBaseline(int id, String actor) {
        String p8 = patientOfBaseline(id);
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(BaselineDiagnosisMapper.class).delete(id);
            s.commit(true);
        }
        Audit.event("XPACS-BASELINE-DELETE").with("patient", p8).with("baseline", id).with("by", actor).write();
        LOG.info("baseline diagnosis {} of {} deleted by {}", id, p8, actor);
    }

    public void deleteModel(int id, String actor) {
        String p8 = patientOfModel(id);
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(CapModelMapper.class).delete(id);
            s.commit(true);
        }
        Audit.event("XPACS-MODEL-DELETE").with("patient", p8).with("model", id).with("by", actor).write();
        LOG.info("heart model {} of {} deleted by {}", id, p8, actor);
    }

    public void deleteAuxFile(int id, String actor) {
        String p8;
        AuxFileRow f;
        try (SqlSession s = sessions.openSession(false)) {
            p8 = auxPatient(s, id).patientId;
            PatientInfoRow p = XpacsChain.lockPatient(s, p8);
            PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
            HistoryEventRow e = history.selectByAuxFile(id);
            f = s.getMapper(AuxFileMapper.class).selectById(id);
            XpacsChain.unlink(s, p, e);
            history.delete(e.id);
            s.getMapper(AuxFileMapper.class).delete(id);
            s.commit(true);
        }
        // the archive's copy, made by the import below <archive>/xpacs-files, goes too
        try {
            URI uri = URI.create(f.uri);
            if ("file".equals(uri.getScheme())) {
                Path file = Path.of(uri).toAbsolutePath().normalize();
                if (file.startsWith(archiveRoot.resolve("xpacs-files"))) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            LOG.warn("auxiliary file {} deleted, its copy {} not: {}", id, f.uri, e.getMessage());
        }
        Audit.event("XPACS-FILE-DELETE").with("patient", p8).with("file", id).with("by", actor).write();
        LOG.info("auxiliary file {} of {} deleted by {}", id, p8, actor);
    }
}
