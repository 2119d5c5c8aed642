package org.cardiacatlas.cap.store;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.xpacs.XpacsSync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The delete unit: a study, a series or a patient taken out of the archive ({@code capserver
 * delete}; the web app calls the same). Each study is one transaction that locks its row first,
 * as every store into it does, and removes its rows bottom up (files, instance, series, then the
 * study and a patient left without studies), with the study's XPACS rows (its STUDY_PACS link,
 * its history event taken out of the patient's chain, and, only when asked, its heart models and
 * baseline diagnoses) in the same transaction when XPACS is on the same server. Deleting some
 * series of a study keeps its counts, modalities and SOP classes exact; deleting its last series
 * deletes the study. The files are removed only after the commit: a crash in between leaves files
 * without rows, which {@code capserver verify --remove-orphans} removes, never rows without files.
 * Each deleted study is a {@code DELETE} record of the audit log.
 */
public final class ArchiveDelete {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveDelete.class);

    /** What is named: a study or series by its UID, a patient by its Patient ID. */
    public enum Scope {
        STUDY, SERIES, PATIENT
    }

    /** What a delete did (or, for a dry run, would do) to one study. */
    public record StudyOutcome(String studyIuid, String patientId, boolean wholeStudy, List<String> seriesIuids,
            int instances, int files, long bytes, XpacsSync.StudyRemoval xpacs) {
    }

    /**
     * @param filesLeft files whose rows were deleted but which could not be removed from disk
     * @param problems what went wrong after the commits (files left, XPACS on another server away)
     */
    public record Outcome(boolean dryRun, List<StudyOutcome> studies, int patientsRemoved, int filesLeft,
            List<String> problems) {
    }

    private final SqlSessionFactory sessions;
    private final SqlSessionFactory xpacsSessions;
    private final boolean xpacsOnOtherServer;
    private final XpacsSync xpacs;

    /**
     * @param xpacsSessions the XPACS schema's sessions: the PACS ones when it is on the same
     *        server (one transaction for both), else another server's
     */
    public ArchiveDelete(SqlSessionFactory sessions, SqlSessionFactory xpacsSessions, boolean xpacsOnOtherServer,
            XpacsSync xpacs) {
        this.sessions = sessions;
        this.xpacsSessions = xpacsSessions;
        this.xpacsOnOtherServer = xpacsOnOtherServer;
        this.xpacs = xpacs;
    }

    /**
     * Deletes (or with {@code dryRun} only reports) what {@code key} names.
     *
     * @param withXpacsData also delete heart models and baseline diagnoses attached to the
     *        studies in XPACS; without it a study that has any is refused, and nothing is deleted
     * @param by who asked (the OS user of the command, the account of the web app), for the audit log
     * @throws DicomServiceException nothing of that name is stored, a study holds research data
     *         not released by {@code withXpacsData}, or the database failed (nothing of the
     *         failing study deleted)
     */
    public Outcome delete(Scope scope, String key, boolean dryRun, boolean withXpacsData, String by)
            throws DicomServiceException {
        List<String> studyUids = studiesOf(scope, key);
        // first every study read and checked, nothing changed: a refusal leaves everything as it was
        List<StudyOutcome> planned = new ArrayList<>();
        for (String uid : studyUids) {
            StudyOutcome o = readOnly(uid, scope == Scope.SERIES ? key : null);
            if (o != null) {
                planned.add(o);
            }
        }
        List<String> refused = new ArrayList<>();
        for (StudyOutcome o : planned) {
            if (o.wholeStudy() && o.xpacs().hasResearchData() && !withXpacsData) {
                refused.add(o.studyIuid() + " (" + o.xpacs().models() + " heart models, " + o.xpacs().baselines()
                        + " baseline diagnoses)");
            }
        }
        if (!refused.isEmpty()) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                    "XPACS holds research data of " + String.join(", ", refused)
                            + ": give --with-xpacs-data to delete it too");
        }
        if (dryRun) {
            return new Outcome(true, planned, 0, 0, List.of());
        }
        List<StudyOutcome> done = new ArrayList<>();
        List<String> problems = new ArrayList<>();
        int[] patients = {0};
        int filesLeft = 0;
        for (String uid : studyUids) {
            List<DeletedFile> files = new ArrayList<>();
            StudyOutcome o = runAndCommit(uid, scope == Scope.SERIES ? key : null, files, patients, problems);
            if (o == null) {
                continue; // deleted meanwhile by someone else
            }
            done.add(o);
            filesLeft += removeFiles(files, problems);
            Audit.event("DELETE").status(0).with("user", by).with("patient", o.patientId())
                    .with("study", o.studyIuid())
                    .with("series", o.wholeStudy() ? null : String.join("\\", o.seriesIuids()))
                    .with("bytes", o.bytes())
                    .with("detail", (o.wholeStudy() ? "study" : o.seriesIuids().size() + " series") + ", "
                            + o.instances() + " instances, " + o.files() + " files"
                            + (o.xpacs().linked() ? "; XPACS: " + o.xpacs().events() + " event, "
                                    + o.xpacs().models() + " models, " + o.xpacs().baselines() + " baselines" : ""))
                    .write();
            LOG.info("deleted {} of study {}, patient {}: {} instances, {} files, {} bytes (asked by {})",
                    o.wholeStudy() ? "all" : "series " + String.join(", ", o.seriesIuids()), o.studyIuid(),
                    o.patientId(), o.instances(), o.files(), o.bytes(), by);
        }
        return new Outcome(false, done, patients[0], filesLeft, problems);
    }

    private List<String> studiesOf(Scope scope, String key) throws DicomServiceException {
        try (SqlSession s = sessions.openSession(false)) {
            List<String> uids = new ArrayList<>();
            switch (scope) {
                case STUDY -> uids.add(key);
                case SERIES -> {
                    String study = s.getMapper(SeriesMapper.class).selectStudyUidOf(key);
                    if (study != null) {
                        uids.add(study);
                    }
                }
                case PATIENT -> {
                    Set<String> all = new LinkedHashSet<>();
                    for (long pk : s.getMapper(PatientMapper.class).selectPksById(key)) {
                        all.addAll(s.getMapper(StudyMapper.class).selectUidsOfPatient(pk));
                    }
                    uids.addAll(all);
                    if (uids.isEmpty() && s.getMapper(PatientMapper.class).selectPksById(key).isEmpty()) {
                        throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                                "no patient with Patient ID '" + key + "' is stored");
                    }
                }
                default -> throw new IllegalStateException();
            }
            if (uids.isEmpty() && scope == Scope.SERIES) {
                throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS, "no series " + key + " is stored");
            }
            return uids;
        } catch (PersistenceException e) {
            throw failure(e);
        }
    }

    /** A read-only pass over one study (rolled back), or null when it is not stored. */
    private StudyOutcome readOnly(String studyIuid, String onlySeries) throws DicomServiceException {
        List<DeletedFile> files = new ArrayList<>();
        try (SqlSession s = sessions.openSession(false)) {
            SqlSession xs = xpacsOnOtherServer ? xpacsSessions.openSession(false) : s;
            try {
                StudyOutcome o = work(s, xs, studyIuid, onlySeries, false, files, new int[1]);
                if (o == null && onlySeries == null) {
                    throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                            "no study " + studyIuid + " is stored");
                }
                return o;
            } finally {
                s.rollback(true);
                if (xs != s) {
                    xs.rollback(true);
                    xs.close();
                }
            }
        } catch (PersistenceException e) {
            throw failure(e);
        }
    }

    private StudyOutcome runAndCommit(String studyIuid, String onlySeries, List<DeletedFile> files, int[] patients,
            List<String> problems) throws DicomServiceException {
        StudyOutcome o;
        try (SqlSession s = sessions.openSession(false)) {
            // XPACS on the same server: one transaction for both schemas
            o = work(s, xpacsOnOtherServer ? null : s, studyIuid, onlySeries, true, files, patients);
            s.commit(true);
        } catch (PersistenceException e) {
            files.clear();
            throw failure(e);
        }
        if (o != null && o.wholeStudy() && xpacsOnOtherServer) {
            try (SqlSession xs = xpacsSessions.openSession(false)) {
                XpacsSync.StudyRemoval r = xpacs.removeStudy(xs, null, studyIuid, true);
                xs.commit(true);
                o = new StudyOutcome(o.studyIuid(), o.patientId(), true, o.seriesIuids(), o.instances(), o.files(),
                        o.bytes(), r);
            } catch (RuntimeException e) {
                problems.add("XPACS rows of study " + studyIuid + " could not be removed (" + Database.rootMessage(e)
                        + "): run capserver delete study " + studyIuid + " again when the XPACS server is back");
            }
        }
        return o;
    }

    /**
     * One study's rows, bottom up, in the given sessions (XPACS in {@code xs}; null: XPACS is
     * done apart by the caller). Null when the study (or the one series) is not stored.
     */
    private StudyOutcome work(SqlSession s, SqlSession xs, String studyIuid, String onlySeries, boolean apply,
            List<DeletedFile> files, int[] patients) {
        StudyMapper studies = s.getMapper(StudyMapper.class);
        SeriesMapper seriesMapper = s.getMapper(SeriesMapper.class);
        InstanceMapper instances = s.getMapper(InstanceMapper.class);
        FilesMapper filesMapper = s.getMapper(FilesMapper.class);
        DeleteTarget t = studies.selectForDelete(studyIuid);
        if (t == null) {
            return null;
        }
        List<SeriesRow> all = seriesMapper.selectOfStudy(t.studyPk);
        List<SeriesRow> targets = new ArrayList<>();
        for (SeriesRow r : all) {
            if (onlySeries == null || onlySeries.equals(r.seriesIuid)) {
                targets.add(r);
            }
        }
        if (onlySeries != null && targets.isEmpty()) {
            return null;
        }
        boolean whole = targets.size() == all.size();
        int nInstances = 0;
        long bytes = 0;
        int nFiles = 0;
        List<String> seriesUids = new ArrayList<>();
        for (SeriesRow r : targets) {
            seriesUids.add(r.seriesIuid);
            nInstances += r.numInstances;
            List<DeletedFile> fs = filesMapper.selectOfSeries(r.pk);
            for (DeletedFile f : fs) {
                bytes += f.fileSize;
            }
            nFiles += fs.size();
            files.addAll(fs);
            if (apply) {
                filesMapper.deleteOfSeries(r.pk);
                instances.deleteOfSeries(r.pk);
                seriesMapper.delete(r.pk);
            }
        }
        XpacsSync.StudyRemoval x = new XpacsSync.StudyRemoval(false, null, 0, 0, 0);
        if (whole) {
            if (xs != null) {
                x = xpacs.removeStudy(xs, s, studyIuid, apply);
            } else if (apply) {
                // XPACS on another server: its rows go after this commit (runAndCommit); the queue entry now
                xpacs.forgetPending(s, studyIuid);
            }
            if (apply) {
                studies.delete(t.studyPk);
                patients[0] += s.getMapper(PatientMapper.class).deleteIfWithoutStudies(t.patientFk);
            }
        } else if (apply) {
            int numInstances = 0;
            List<String> mods = new ArrayList<>();
            for (SeriesRow r : all) {
                if (targets.contains(r)) {
                    continue;
                }
                numInstances += r.numInstances;
                if (r.modality != null && !r.modality.isEmpty() && !mods.contains(r.modality)) {
                    mods.add(r.modality);
                }
            }
            List<String> cuids = instances.selectCuidsOfStudy(t.studyPk);
            studies.updateCounts(t.studyPk, all.size() - targets.size(), numInstances,
                    mods.isEmpty() ? null : String.join("\\", mods), cuids.isEmpty() ? null : String.join("\\", cuids));
        }
        return new StudyOutcome(t.studyIuid, t.patId, whole, seriesUids, nInstances, nFiles, bytes, x);
    }

    /** After the commit: the files, then their series and study folders when left empty. */
    private static int removeFiles(List<DeletedFile> files, List<String> problems) {
        int left = 0;
        Set<Path> folders = new LinkedHashSet<>();
        for (DeletedFile f : files) {
            Path root = Path.of(f.dirpath).toAbsolutePath().normalize();
            Path p = root.resolve(f.filepath).normalize();
            if (!p.startsWith(root)) {
                problems.add("file row of " + f.sopIuid + " points outside its filesystem: " + f.filepath + " (left)");
                left++;
                continue;
            }
            try {
                Files.deleteIfExists(p);
                // the series folder, then the study folder (xx/yy stay: other studies share them)
                if (p.getParent() != null && !p.getParent().equals(root)) {
                    folders.add(p.getParent());
                    Path study = p.getParent().getParent();
                    if (study != null && !study.equals(root) && study.startsWith(root)) {
                        folders.add(study);
                    }
                }
            } catch (IOException e) {
                left++;
                problems.add("file " + p + " of " + f.sopIuid + " could not be removed (" + e.getMessage()
                        + "): capserver verify --remove-orphans removes it");
            }
        }
        // deepest first: the series folders before their study's
        List<Path> ordered = new ArrayList<>(folders);
        ordered.sort((a, b) -> Integer.compare(b.getNameCount(), a.getNameCount()));
        for (Path d : ordered) {
            try {
                Files.delete(d);
            } catch (DirectoryNotEmptyException | NoSuchFileException ignored) {
                // still in use (another series, a store arriving now) or gone already
            } catch (IOException e) {
                LOG.warn("empty folder {} left: {}", d, e.getMessage());
            }
        }
        return left;
    }

    private static DicomServiceException failure(PersistenceException e) {
        return new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                "database failure: " + Database.rootMessage(e), e);
    }
}
