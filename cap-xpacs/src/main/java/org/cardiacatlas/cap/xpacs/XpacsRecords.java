package org.cardiacatlas.cap.xpacs;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.UUID;
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
 *
 * <p>The same records are edited in place here too: each edit locks the patient's row (as the
 * chain's changes do), checks the values with the import's own checks
 * ({@link XpacsImport#fieldProblems}, {@link XpacsImport#modelDataProblems},
 * {@link XpacsImport#uriProblem}) and is an audit record. A replaced archived file is written
 * (and synced) before the commit and the old copy removed only after it.
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
        removeArchivedCopy(id, f.uri);
        Audit.event("XPACS-FILE-DELETE").with("patient", p8).with("file", id).with("by", actor).write();
        LOG.info("auxiliary file {} of {} deleted by {}", id, p8, actor);
    }

    /** The archive's copy of a file (below {@code <archive>/xpacs-files}), removed; other URIs are left. */
    private void removeArchivedCopy(int id, String fileUri) {
        try {
            URI uri = URI.create(fileUri);
            if ("file".equals(uri.getScheme())) {
                Path file = Path.of(uri).toAbsolutePath().normalize();
                if (file.startsWith(archiveRoot.resolve("xpacs-files"))) {
                    Files.deleteIfExists(file);
                }
            }
        } catch (IllegalArgumentException | IOException e) {
            LOG.warn("auxiliary file {}: its former copy {} not removed: {}", id, fileUri, e.getMessage());
        }
    }

    private static String blank(String v) {
        return v == null || v.isBlank() ? null : v.trim();
    }

    private static void refuse(List<String> problems) {
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * Changes a baseline diagnosis's values: the columns of {@link XpacsImport.Kind#BASELINE}
     * but StudyInstanceUID (a missing or blank value is an empty field), checked as the import
     * checks them.
     */
    public void updateBaseline(int id, Map<String, String> values, String actor) {
        Map<String, String> v = new HashMap<>();
        values.forEach((k, x) -> v.put(k, blank(x)));
        refuse(XpacsImport.fieldProblems(XpacsImport.Kind.BASELINE, v));
        String p8 = patientOfBaseline(id);
        BaselineDiagnosisRow b = XpacsImport.baselineRow(v);
        try (SqlSession s = sessions.openSession(false)) {
            XpacsChain.lockPatient(s, p8);
            if (s.getMapper(BaselineDiagnosisMapper.class).update(id, b) != 1) {
                throw new NoSuchElementException("no baseline diagnosis " + id);
            }
            s.commit(true);
        }
        Audit.event("XPACS-BASELINE-EDIT").with("patient", p8).with("baseline", id).with("by", actor).write();
        LOG.info("baseline diagnosis {} of {} changed by {}", id, p8, actor);
    }

    /**
     * Changes a heart model's name, type, format and comment and, when given (not null), replaces
     * its ZIP and its XML, all checked as the import checks them.
     */
    public void updateModel(int id, String name, String type, String format, String comment, byte[] model,
            byte[] xml, String actor) {
        Map<String, String> v = new HashMap<>();
        v.put("Name", blank(name));
        v.put("Type", blank(type));
        v.put("Format", blank(format));
        v.put("Comment", blank(comment));
        List<String> problems = new ArrayList<>(XpacsImport.fieldProblems(XpacsImport.Kind.MODELS, v));
        problems.addAll(XpacsImport.modelDataProblems(model, xml));
        refuse(problems);
        String p8 = patientOfModel(id);
        try (SqlSession s = sessions.openSession(false)) {
            XpacsChain.lockPatient(s, p8);
            CapModelMapper models = s.getMapper(CapModelMapper.class);
            if (models.update(id, v.get("Name"), v.get("Type"), v.get("Format"), v.get("Comment")) != 1) {
                throw new NoSuchElementException("no heart model " + id);
            }
            if (model != null) {
                models.updateModelData(id, model);
            }
            if (xml != null) {
                models.updateXmlData(id, xml);
            }
            s.commit(true);
        }
        Audit.event("XPACS-MODEL-EDIT").with("patient", p8).with("model", id)
                .with("detail", ((model != null ? "zip replaced " : "") + (xml != null ? "xml replaced" : "")).trim())
                .with("by", actor).write();
        LOG.info("heart model {} of {} changed by {}", id, p8, actor);
    }

    /**
     * Changes an auxiliary file's name and descriptor, its date when given (its event moves to
     * its place in the chain), and what it points at: a new URI (an external link), or a new
     * file whose copy replaces the archived one (written and synced before the commit; the old
     * archived copy is removed after it). With neither, it keeps its URI.
     *
     * @param upload a file to archive in place of the current one, or null
     * @param uploadName the uploaded file's own name (the Filename when none is given)
     */
    public void updateAuxFile(int id, LocalDateTime date, String filename, String descriptor, String uri,
            Path upload, String uploadName, String actor) throws IOException {
        String newUri = blank(uri);
        String name = blank(filename);
        if (newUri != null && upload != null) {
            throw new IllegalArgumentException("give either a file to upload or a URI, not both");
        }
        if (name == null && upload != null) {
            name = blank(uploadName);
        }
        Map<String, String> v = new HashMap<>();
        v.put("Filename", name);
        v.put("Descriptor", blank(descriptor));
        List<String> problems = new ArrayList<>(XpacsImport.fieldProblems(XpacsImport.Kind.FILES, v));
        if (newUri != null) {
            if (!XpacsImport.isUri(newUri)) {
                problems.add("Source '" + newUri + "' is not a URI (scheme://...)");
            } else if (XpacsImport.uriProblem(newUri) != null) {
                problems.add(XpacsImport.uriProblem(newUri));
            }
        }
        if (upload != null && !Files.isRegularFile(upload)) {
            problems.add("file not found: " + upload);
        }
        refuse(problems);
        String p8 = patientOfAuxFile(id);
        Path copy = null;
        if (upload != null) {
            String safe = (name == null ? upload.getFileName().toString() : name).replaceAll("[^A-Za-z0-9._-]", "_");
            copy = durableCopy(upload, archiveRoot.resolve("xpacs-files").resolve(p8).resolve(UUID.randomUUID() + "-" + safe));
            newUri = copy.toUri().toString();
        }
        AuxFileRow old;
        boolean committed = false;
        try (SqlSession s = sessions.openSession(false)) {
            PatientInfoRow p = XpacsChain.lockPatient(s, p8);
            PatientHistoryMapper history = s.getMapper(PatientHistoryMapper.class);
            HistoryEventRow e = history.selectByAuxFile(id);
            old = s.getMapper(AuxFileMapper.class).selectById(id);
            if (e == null || old == null || e.patientInfoId != p.id.intValue()) {
                throw new NoSuchElementException("no auxiliary file " + id);
            }
            s.getMapper(AuxFileMapper.class).update(id, newUri != null ? newUri : old.uri, v.get("Filename"),
                    v.get("Descriptor"));
            if (date != null && !date.equals(e.eventDate)) {
                history.updateDate(e.id, date);
                XpacsChain.reposition(s, p, history.selectById(e.id));
            }
            s.commit(true);
            committed = true;
        } finally {
            if (!committed && copy != null) {
                Files.deleteIfExists(copy);
            }
        }
        if (newUri != null && !newUri.equals(old.uri)) {
            removeArchivedCopy(id, old.uri);
        }
        Audit.event("XPACS-FILE-EDIT").with("patient", p8).with("file", id)
                .with("detail", upload != null ? "file replaced" : newUri != null ? "uri " + newUri : "metadata")
                .with("by", actor).write();
        LOG.info("auxiliary file {} of {} changed by {}", id, p8, actor);
    }

    /** A copy written under a temporary name, synced, moved into place and its folder synced. */
    private static Path durableCopy(Path from, Path target) throws IOException {
        Files.createDirectories(target.getParent());
        Path tmp = target.resolveSibling(target.getFileName() + ".part");
        try {
            Files.copy(from, tmp, StandardCopyOption.REPLACE_EXISTING);
            try (FileChannel c = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                c.force(true);
            }
            Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        try (FileChannel d = FileChannel.open(target.getParent(), StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException e) {
            // some file systems cannot sync a folder; the file itself is synced
        }
        return target;
    }
}
