package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.ibatis.exceptions.PersistenceException;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.xpacs.XpacsHook;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.cardiacatlas.cap.dicom.PacsAttributes;

/**
 * The index unit: patient, study, series, instance and files rows of one stored instance,
 * in one transaction. The study row is locked first, so stores into one study (from any
 * association or server) are serialized and its counts stay exact; collisions of two first
 * stores on a unique key, and deadlocks, are retried from the start.
 */
public final class PacsIndex {

    private static final Logger LOG = LoggerFactory.getLogger(PacsIndex.class);
    private static final int ATTEMPTS = 8;

    /** What a store did to the index. */
    public enum Change {
        CREATED, IDENTICAL,
        /** the same values in another encoding: nothing changes, the received file is not kept */
        SAME_VALUES,
        REPLACED
    }

    /** Whether the received instance holds the same decoded values as the archived file at this path. */
    @FunctionalInterface
    public interface SameValues {
        boolean as(String archivedFilepath);
    }

    /**
     * @param replacedFilepath REPLACED: the file the index no longer points at; SAME_VALUES: the file it keeps
     * @param pendingToken not null when the rows were committed once the file was placed, before its
     *        folder was durable: the caller reports the folder with {@link #folderDurable} or
     *        {@link #undoPending} before it answers
     */
    public record Outcome(Change change, String replacedFilepath, boolean newStudy, Long pendingToken) {
        Outcome(Change change, String replacedFilepath, boolean newStudy) {
            this(change, replacedFilepath, newStudy, null);
        }
    }

    private final SqlSessionFactory sessions;
    /** XPACS in the same database: its rows are made in the store's own transaction. */
    private final XpacsHook xpacs;
    private final String retrieveAet;
    private final long filesystemPk;
    /** Series recently stored into, by Series Instance UID; rows are never deleted while it holds them. */
    private final Map<String, KnownSeries> knownSeries = Collections.synchronizedMap(
            new LinkedHashMap<>(256, 0.75f, true) {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, KnownSeries> eldest) {
                    return size() > 4096;
                }
            });

    /** Instances committed before their folder was durable (null: this index never does so). */
    private final PendingStores pending;
    /** New instances of one study stored at the same time, written as groups. */
    private final StudyBatches groups = new StudyBatches();

    /** An index whose every commit waits until the file and its folder are durable. */
    public PacsIndex(SqlSessionFactory sessions, String retrieveAet, String storageRoot, XpacsHook xpacs) {
        this(sessions, retrieveAet, storageRoot, xpacs, null);
    }

    /**
     * @param node this node's name (host and DICOM port), the same at every start: with it, a new
     *        instance of a known series commits once its file is placed, while its folder is
     *        forced (store_pending keeps it until then, and heals it after a crash)
     */
    public PacsIndex(SqlSessionFactory sessions, String retrieveAet, String storageRoot, XpacsHook xpacs, String node) {
        this.sessions = sessions;
        this.xpacs = xpacs;
        this.retrieveAet = retrieveAet;
        this.filesystemPk = registerFilesystem(sessions, storageRoot, retrieveAet);
        this.pending = node == null ? null : new PendingStores(sessions, node);
    }

    public static List<Class<?>> mappers() {
        return List.of(PatientMapper.class, StudyMapper.class, SeriesMapper.class, InstanceMapper.class,
                FilesMapper.class, FilesystemMapper.class, StorePendingMapper.class);
    }

    /** Removes what is left to remove of store_pending (the rows of durable folders). */
    public void close() {
        if (pending != null) {
            pending.close();
        }
    }

    private static long registerFilesystem(SqlSessionFactory sessions, String dirpath, String aet) {
        try (SqlSession s = sessions.openSession(false)) {
            FilesystemMapper m = s.getMapper(FilesystemMapper.class);
            m.insertIgnoringDuplicate(dirpath, aet);
            Long pk = m.selectPkByDirpath(dirpath);
            s.commit();
            return pk;
        }
    }

    public long filesystemPk() {
        return filesystemPk;
    }

    /**
     * Storage commitment (PS3.4 J.3.2): these instances were checked and are committed:
     * {@code instance.commitment = 1}, and their files' {@code md5_check_time} is now.
     */
    public void markCommitted(List<String> sopUids) {
        if (sopUids.isEmpty()) {
            return;
        }
        try (SqlSession s = sessions.openSession(false)) {
            for (int i = 0; i < sopUids.size(); i += 500) {
                List<String> part = sopUids.subList(i, Math.min(sopUids.size(), i + 500));
                s.getMapper(InstanceMapper.class).setCommitment(part);
                s.getMapper(FilesMapper.class).setMd5CheckTime(part);
            }
            s.commit(true);
        }
    }

    /** Runs just before the commit: the file must be durable before a row points at it. */
    @FunctionalInterface
    public interface BeforeCommit {
        void await() throws DicomServiceException;
    }

    public Outcome store(StoredInstance in, BeforeCommit beforeCommit) throws DicomServiceException {
        return store(in, beforeCommit, beforeCommit, path -> false);
    }

    /**
     * @param placed returns once the file is forced and at its place
     * @param durable returns once its folder is forced too. A new instance of a known series
     *        (when this index has a node name) commits after {@code placed} and leaves the folder
     *        to the caller (Outcome.pendingToken); any other store commits after {@code durable}.
     */
    public Outcome store(StoredInstance in, BeforeCommit placed, BeforeCommit durable, SameValues sameValues)
            throws DicomServiceException {
        if (pending != null) {
            NewInstance n = newInstanceOfKnownSeries(in);
            if (n != null && groups.submit(n.studyPk, new StudyBatches.Item(n, placed), this::writeGroup)) {
                return new Outcome(Change.CREATED, null, false, n.pendingToken);
            }
        }
        for (int attempt = 1; ; attempt++) {
            try (SqlSession s = sessions.openSession(false)) {
                Outcome o = storeOnce(s, in, sameValues);
                if (o.pendingToken() != null) {
                    placed.await();
                } else {
                    durable.await();
                }
                s.commit();
                return o;
            } catch (PersistenceException e) {
                if (attempt < ATTEMPTS && isTransient(e)) {
                    LOG.debug("retrying the index transaction of {} after: {}", in.sopIuid(), e.getCause());
                    pause(attempt);
                    continue;
                }
                throw new DicomServiceException(DicomServiceException.PROCESSING_FAILURE,
                        "database failure: " + Database.rootMessage(e), e);
            }
        }
    }

    private Outcome storeOnce(SqlSession s, StoredInstance in, SameValues sameValues) throws DicomServiceException {
        Outcome fast = storeIntoKnownSeries(s, in);
        return fast != null ? fast : storeAnyhow(s, in, sameValues);
    }

    /**
     * The common case, a new instance of a series this server has stored into before with the
     * same study and series attributes: one round trip, which locks the study row first. Null
     * when it does not apply (or no longer: the transaction is then rolled back).
     */
    private Outcome storeIntoKnownSeries(SqlSession s, StoredInstance in) {
        NewInstance n = newInstanceOfKnownSeries(in);
        if (n == null) {
            return null;
        }
        try {
            int studyRows = insertIntoKnownSeries(s.getMapper(InstanceMapper.class), List.of(n));
            if (studyRows == 1) {
                return new Outcome(Change.CREATED, null, false, n.pendingToken);
            }
        } catch (PersistenceException e) {
            if (!isDuplicateKey(e)) {
                knownSeries.remove(in.seriesIuid());
                throw e;
            }
            // the instance exists already: the general path decides between identical and replaced
        }
        s.rollback(true);
        return null;
    }

    /**
     * The rows of a new instance of a series this node has stored into, with the same study and
     * series attributes (and, with a node name, its store_pending row); null for any other.
     */
    private NewInstance newInstanceOfKnownSeries(StoredInstance in) {
        KnownSeries k = knownSeries.get(in.seriesIuid());
        if (k == null || !k.studyIuid().equals(in.studyIuid())) {
            return null;
        }
        PatientRow patient = patientRow(in.attributes());
        if (!k.patId().equals(patient.patId) || !Objects.equals(k.patIdIssuer(), patient.patIdIssuer)
                || !Arrays.equals(k.studyAttrs(), PacsAttributes.encode(in.attributes(), PacsAttributes.STUDY))
                || !Arrays.equals(k.seriesAttrs(), PacsAttributes.encode(in.attributes(), PacsAttributes.SERIES))) {
            return null;
        }
        InstanceRow inst = instanceRow(in.attributes(), in);
        inst.retrieveAets = retrieveAet;
        NewInstance n = new NewInstance(inst, fileRow(0, in), k.seriesPk(), k.studyPk(), in.studyIuid(), in.sopCuid());
        if (pending != null) {
            // issue 16: one association waits for every step of every instance; this commit need
            // not wait for the folder's fsync, as long as a crash meanwhile is healed
            n.pendingNode = pending.node();
            n.pendingToken = pending.nextToken();
        }
        return n;
    }

    /** New instances of one study's known series: @return the rows of the study update (1: it is there). */
    private static int insertIntoKnownSeries(InstanceMapper m, List<NewInstance> instances) {
        NewInstance first = instances.get(0);
        if (instances.size() == 1 && first.pendingToken != null) {
            return m.insertOneIntoKnownSeries(first);
        }
        return m.insertGroupIntoKnownSeries(new GroupOfInstances(first.studyPk, first.studyIuid, instances));
    }

    /**
     * One group of new instances of one study (StudyBatches), in one transaction once every file
     * is placed. False when it could not be written as a group (an instance exists already, the
     * study is gone, a file failed, the database failed): nothing of it is then committed, and
     * each store goes its own way, which says what happened to it.
     */
    private boolean writeGroup(List<StudyBatches.Item> group) {
        List<NewInstance> instances = new java.util.ArrayList<>(group.size());
        for (StudyBatches.Item i : group) {
            instances.add(i.instance);
        }
        for (int attempt = 1; ; attempt++) {
            try (SqlSession s = sessions.openSession(false)) {
                if (insertIntoKnownSeries(s.getMapper(InstanceMapper.class), instances) != 1) {
                    s.rollback(true);
                    return false;
                }
                for (StudyBatches.Item i : group) {
                    i.placed.await();
                }
                s.commit();
                return true;
            } catch (PersistenceException e) {
                if (attempt < ATTEMPTS && isTransient(e) && !isDuplicateKey(e)) {
                    pause(attempt);
                    continue;
                }
                return false;
            } catch (DicomServiceException e) {
                return false;
            }
        }
    }

    private Outcome storeAnyhow(SqlSession s, StoredInstance in, SameValues sameValues) throws DicomServiceException {
        AttributeList a = in.attributes();
        StudyMapper studies = s.getMapper(StudyMapper.class);
        StoreView v = studies.selectForStore(in.studyIuid(), in.seriesIuid(), in.sopIuid());
        boolean newStudy = v == null;
        StudyRow incomingStudy = studyRow(a, in.studyIuid());
        PatientRow incomingPatient = patientRow(a);
        if (newStudy) {
            incomingStudy.patientFk = ensurePatient(s.getMapper(PatientMapper.class), incomingPatient);
            incomingStudy.retrieveAets = retrieveAet;
            studies.insert(incomingStudy);
            v = new StoreView();
            v.studyPk = incomingStudy.pk;
            v.patId = incomingPatient.patId;
            v.patIdIssuer = incomingPatient.patIdIssuer;
            if (xpacs != null) {
                xpacs.studyStored(s, incomingPatient.patId, in.studyIuid(), incomingStudy.studyDatetime);
            }
        } else if (!v.patId.equals(incomingPatient.patId) || !Objects.equals(v.patIdIssuer, incomingPatient.patIdIssuer)) {
            // a corrected resend: the study follows the Patient ID it now arrives with
            long newPatient = ensurePatient(s.getMapper(PatientMapper.class), incomingPatient);
            studies.updatePatient(v.studyPk, newPatient);
            LOG.warn("study {} arrived under Patient ID '{}' (stored under '{}'): moved to that patient",
                    in.studyIuid(), incomingPatient.patId, v.patId);
            if (xpacs != null) {
                xpacs.studyMoved(s, in.studyIuid(), v.patId, incomingPatient.patId, incomingStudy.studyDatetime);
            }
            v.patId = incomingPatient.patId;
            v.patIdIssuer = incomingPatient.patIdIssuer;
            if (!Arrays.equals(v.studyAttrs, incomingStudy.studyAttrs)) {
                incomingStudy.pk = v.studyPk;
                studies.updateAttributes(incomingStudy);
            }
        } else if (!Arrays.equals(v.studyAttrs, incomingStudy.studyAttrs)) {
            incomingStudy.pk = v.studyPk;
            studies.updateAttributes(incomingStudy);
        }

        SeriesMapper seriesMapper = s.getMapper(SeriesMapper.class);
        SeriesRow incomingSeries = seriesRow(a, in.seriesIuid(), in.callingAet());
        boolean newSeries = v.seriesPk == null;
        if (newSeries) {
            incomingSeries.studyFk = v.studyPk;
            incomingSeries.retrieveAets = retrieveAet;
            seriesMapper.insert(incomingSeries);
            v.seriesPk = incomingSeries.pk;
            v.numSeries++;
            v.modsInStudy = addValue(v.modsInStudy, incomingSeries.modality);
        } else if (!v.seriesStudyFk.equals(v.studyPk)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "Series Instance UID belongs to another study");
        } else if (!Arrays.equals(v.seriesAttrs, incomingSeries.seriesAttrs)) {
            incomingSeries.pk = v.seriesPk;
            seriesMapper.updateAttributes(incomingSeries);
        }

        InstanceMapper instances = s.getMapper(InstanceMapper.class);
        InstanceRow incomingInst = instanceRow(a, in);
        incomingInst.retrieveAets = retrieveAet;
        remember(in, v, incomingStudy, incomingSeries);
        if (v.instancePk == null) {
            if (newSeries) {
                studies.updateSummary(v.studyPk, v.numSeries, v.modsInStudy, v.cuidsInStudy);
            }
            instances.insertGroupIntoKnownSeries(new GroupOfInstances(new NewInstance(incomingInst, fileRow(0, in),
                    v.seriesPk, v.studyPk, in.studyIuid(), in.sopCuid())));
            return new Outcome(Change.CREATED, null, newStudy);
        }
        if (in.md5().equals(v.fileMd5) && in.filepath().equals(v.filepath)) {
            return new Outcome(Change.IDENTICAL, null, newStudy);
        }
        if (!v.instanceSeriesFk.equals(v.seriesPk)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "SOP Instance UID already stored in another series");
        }
        if (v.filepath != null && sameValues.as(v.filepath)) {
            // the study's row lock is held: no other store replaces that file meanwhile
            return new Outcome(Change.SAME_VALUES, v.filepath, newStudy);
        }
        incomingInst.pk = v.instancePk;
        incomingInst.seriesFk = v.seriesPk;
        instances.updateAttributes(incomingInst);
        FilesMapper files = s.getMapper(FilesMapper.class);
        FileRow f = fileRow(v.instancePk, in);
        if (v.filePk == null) {
            files.insert(f);
        } else {
            f.pk = v.filePk;
            files.updateFile(f);
        }
        studies.updateSummary(v.studyPk, v.numSeries, v.modsInStudy, addValue(v.cuidsInStudy, in.sopCuid()));
        return new Outcome(Change.REPLACED, v.filepath, newStudy);
    }

    private void remember(StoredInstance in, StoreView v, StudyRow study, SeriesRow series) {
        byte[] studyAttrs = study.studyAttrs;
        byte[] seriesAttrs = series.seriesAttrs;
        knownSeries.put(in.seriesIuid(), new KnownSeries(v.seriesPk, v.studyPk, in.studyIuid(), v.patId, v.patIdIssuer,
                studyAttrs, seriesAttrs));
    }

    /** What the fast path needs of a series: its row, its study's row, and the attributes they hold. */
    private record KnownSeries(long seriesPk, long studyPk, String studyIuid, String patId, String patIdIssuer,
            byte[] studyAttrs, byte[] seriesAttrs) {
    }

    private static long ensurePatient(PatientMapper patients, PatientRow incoming) {
        PatientRow p = patients.selectByIdAndIssuer(incoming.patId, incoming.patIdIssuer, incoming.patName,
                incoming.patIName, incoming.patPName, incoming.patBirthdate);
        if (p == null) {
            // a concurrent first store of the same patient makes this fail on uk_patient_id;
            // the retry then finds the row
            patients.insert(incoming);
            return incoming.pk;
        }
        if (!Arrays.equals(p.patAttrs, incoming.patAttrs)) {
            incoming.pk = p.pk;
            patients.updateAttributes(incoming);
        }
        return p.pk;
    }

    static PatientRow patientRow(AttributeList a) {
        PatientRow p = new PatientRow();
        String id = PacsAttributes.column(a, TagFromName.PatientID);
        // an absent Patient ID is Patient ID "": one patient per name and birth date (V22), not per instance
        p.patId = id == null ? "" : id;
        p.patIdIssuer = PacsAttributes.column(a, TagFromName.IssuerOfPatientID);
        String[] name = PacsAttributes.nameGroups(PacsAttributes.string(a, TagFromName.PatientName));
        p.patName = name[0];
        p.patIName = name[1];
        p.patPName = name[2];
        p.patFnSx = PacsAttributes.soundex(name[0], 0);
        p.patGnSx = PacsAttributes.soundex(name[0], 1);
        p.patBirthdate = PacsAttributes.column(a, TagFromName.PatientBirthDate);
        p.patSex = PacsAttributes.column(a, TagFromName.PatientSex);
        p.patAttrs = PacsAttributes.encode(a, PacsAttributes.PATIENT);
        return p;
    }

    static StudyRow studyRow(AttributeList a, String studyIuid) {
        StudyRow s = new StudyRow();
        s.studyIuid = studyIuid;
        s.studyId = PacsAttributes.column(a, TagFromName.StudyID);
        s.studyDatetime = PacsAttributes.dateTime(a, TagFromName.StudyDate, TagFromName.StudyTime);
        s.accessionNo = PacsAttributes.column(a, TagFromName.AccessionNumber);
        String[] ref = PacsAttributes.nameGroups(PacsAttributes.string(a, TagFromName.ReferringPhysicianName));
        s.refPhysician = ref[0];
        s.refPhysIName = ref[1];
        s.refPhysPName = ref[2];
        s.refPhysFnSx = PacsAttributes.soundex(ref[0], 0);
        s.refPhysGnSx = PacsAttributes.soundex(ref[0], 1);
        s.studyDesc = PacsAttributes.column(a, TagFromName.StudyDescription);
        s.studyAttrs = PacsAttributes.encode(a, PacsAttributes.STUDY);
        return s;
    }

    static SeriesRow seriesRow(AttributeList a, String seriesIuid, String callingAet) {
        SeriesRow s = new SeriesRow();
        s.seriesIuid = seriesIuid;
        s.seriesNo = PacsAttributes.column(a, TagFromName.SeriesNumber);
        s.modality = PacsAttributes.column(a, TagFromName.Modality);
        s.bodyPart = PacsAttributes.column(a, TagFromName.BodyPartExamined);
        s.laterality = PacsAttributes.column(a, TagFromName.Laterality);
        s.seriesDesc = PacsAttributes.column(a, TagFromName.SeriesDescription);
        s.institution = PacsAttributes.column(a, TagFromName.InstitutionName);
        s.department = PacsAttributes.column(a, TagFromName.InstitutionalDepartmentName);
        s.stationName = PacsAttributes.column(a, TagFromName.StationName);
        s.srcAet = callingAet;
        String[] perf = PacsAttributes.nameGroups(PacsAttributes.strings(a, TagFromName.PerformingPhysicianName));
        s.perfPhysician = perf[0];
        s.perfPhysIName = perf[1];
        s.perfPhysPName = perf[2];
        s.perfPhysFnSx = PacsAttributes.soundex(perf[0], 0);
        s.perfPhysGnSx = PacsAttributes.soundex(perf[0], 1);
        s.ppsStart = PacsAttributes.dateTime(a, TagFromName.PerformedProcedureStepStartDate,
                TagFromName.PerformedProcedureStepStartTime);
        s.seriesAttrs = PacsAttributes.encode(a, PacsAttributes.SERIES);
        return s;
    }

    static InstanceRow instanceRow(AttributeList a, StoredInstance in) {
        InstanceRow i = new InstanceRow();
        i.sopIuid = in.sopIuid();
        i.sopCuid = in.sopCuid();
        i.instNo = PacsAttributes.column(a, TagFromName.InstanceNumber);
        i.contentDatetime = PacsAttributes.dateTime(a, TagFromName.ContentDate, TagFromName.ContentTime);
        i.srComplete = PacsAttributes.column(a, TagFromName.CompletionFlag);
        i.srVerified = PacsAttributes.column(a, TagFromName.VerificationFlag);
        i.instAttrs = PacsAttributes.encodeInstance(a);
        return i;
    }

    /** The folder of a pending instance is durable: its store_pending row goes (in the background). */
    public void folderDurable(long pendingToken) {
        pending.durable(pendingToken);
    }

    /**
     * The folder of a pending instance could not be forced: its rows go now, so the sender's
     * failure leaves nothing behind. A failure here leaves the store_pending row to the heal.
     */
    public void undoPending(long pendingToken) throws DicomServiceException {
        try {
            for (PendingStore p : pending.select(pendingToken)) {
                undo(p);
            }
        } catch (PersistenceException e) {
            throw new DicomServiceException(DicomServiceException.PROCESSING_FAILURE,
                    "database failure: " + Database.rootMessage(e), e);
        }
    }

    /**
     * What a crash left in store_pending: this node's rows, and those of any node older than
     * {@code staleAfter} (a node that has not come back).
     */
    public List<PendingStore> pendingToHeal(java.time.Duration staleAfter) {
        return pending == null ? List.of() : pending.toHeal(staleAfter);
    }

    /** The folder of a pending instance was found and forced (or its rows are gone): the row goes. */
    public void healed(PendingStore p) {
        pending.delete(p.node, List.of(p.token));
    }

    /**
     * Removes the rows of a pending instance whose file its folder lost, with the counts its store
     * added: the study row is locked first, as a store locks it.
     */
    public void undo(PendingStore p) {
        try (SqlSession s = sessions.openSession(false)) {
            if (p.filesFk != null && p.instanceFk != null && p.studyFk != null) {
                StudyMapper studies = s.getMapper(StudyMapper.class);
                studies.lockByPk(p.studyFk);
                s.getMapper(FilesMapper.class).deleteByPk(p.filesFk);
                InstanceMapper instances = s.getMapper(InstanceMapper.class);
                if (instances.deleteIfWithoutFiles(p.instanceFk) == 1) {
                    s.getMapper(SeriesMapper.class).removeInstance(p.seriesFk);
                    List<String> cuids = instances.selectCuidsOfStudy(p.studyFk);
                    studies.removeInstance(p.studyFk, cuids.isEmpty() ? null : String.join("\\", cuids));
                }
            }
            s.getMapper(StorePendingMapper.class).delete(p.node, List.of(p.token));
            s.commit();
        }
    }

    private FileRow fileRow(long instancePk, StoredInstance in) {
        FileRow f = new FileRow();
        f.instanceFk = instancePk;
        f.filesystemFk = filesystemPk;
        f.filepath = in.filepath();
        f.fileTsuid = in.transferSyntaxUid();
        f.fileMd5 = in.md5();
        f.fileSize = in.size();
        return f;
    }

    /** Adds a value to a backslash-separated multi-value unless it is there already. */
    public static String addValue(String multi, String value) {
        if (value == null || value.isEmpty()) {
            return multi;
        }
        if (multi == null || multi.isEmpty()) {
            return value;
        }
        for (String v : multi.split("\\\\")) {
            if (v.equals(value)) {
                return multi;
            }
        }
        String joined = multi + "\\" + value;
        return joined.length() <= 250 ? joined : multi;
    }

    static boolean isDuplicateKey(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return sql.getErrorCode() == 1062;
            }
        }
        return false;
    }

    /** Deadlock (1213), lock wait timeout (1205) and duplicate key (1062) of a racing insert. */
    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql) {
                int code = sql.getErrorCode();
                return code == 1213 || code == 1205 || code == 1062 || "40001".equals(sql.getSQLState());
            }
        }
        return false;
    }

    private static void pause(int attempt) {
        try {
            Thread.sleep(ThreadLocalRandom.current().nextInt(5, 20) * attempt);
        } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
        }
    }

}
