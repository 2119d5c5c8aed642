package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.common.Uids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store path shared by C-STORE and STOW-RS: a complete incoming file is parsed, checked,
 * made durable by the storage unit while the index unit writes its rows (and XPACS its own),
 * and counts as stored only when both are done. Any failure removes what this store created
 * and travels as DicomServiceException with the status a C-STORE answers.
 */
public final class StoreUnit {

    private static final Logger LOG = LoggerFactory.getLogger(StoreUnit.class);

    /** Refused: not authorized (PS3.7 C.5): the sender may not store this patient's data. */
    public static final int NOT_AUTHORIZED = 0x0124;

    /** Transfer syntaxes a scanner sends; files keep the one they arrived in. */
    public static final Set<String> TRANSFER_SYNTAXES = Set.of(
            "1.2.840.10008.1.2", // implicit VR little endian
            "1.2.840.10008.1.2.1", // explicit VR little endian
            "1.2.840.10008.1.2.1.99", // deflated explicit VR little endian
            "1.2.840.10008.1.2.2", // explicit VR big endian (retired, still sent)
            "1.2.840.10008.1.2.4.50", // JPEG baseline
            "1.2.840.10008.1.2.4.51", // JPEG extended
            "1.2.840.10008.1.2.4.57", // JPEG lossless
            "1.2.840.10008.1.2.4.70", // JPEG lossless, first-order prediction
            "1.2.840.10008.1.2.4.80", // JPEG-LS lossless
            "1.2.840.10008.1.2.4.81", // JPEG-LS near-lossless
            "1.2.840.10008.1.2.4.90", // JPEG 2000 lossless
            "1.2.840.10008.1.2.4.91", // JPEG 2000
            "1.2.840.10008.1.2.4.92", // JPEG 2000 part 2 lossless
            "1.2.840.10008.1.2.4.93", // JPEG 2000 part 2
            "1.2.840.10008.1.2.5"); // RLE lossless

    /** Data sets up to this size are parsed whole, so a truncated one is refused. */
    private static final long PARSE_WHOLE = 16L * 1024 * 1024;
    /** A Part 10 meta group longer than this is not one. */
    private static final int MAX_META = 64 * 1024;

    /** What a store learned of the data set as soon as it was read: for the caller's log and audit. */
    public interface About {
        void about(String patientId, String studyUid, String seriesUid, long size);
    }

    /**
     * Whether the sender may store this data set (STOW-RS: the user's cohorts, the study of the
     * request path); refuses by throwing with the status to answer.
     */
    public interface Admission {
        Admission ANY = (patientId, studyUid) -> { };

        void admit(String patientId, String studyUid) throws DicomServiceException;
    }

    /** The SOP Class and Instance a Part 10 stream announces in its meta information. */
    public interface Announced {
        void announced(String sopClassUid, String sopInstanceUid);
    }

    /** A stored instance. */
    public record Stored(String patientId, String studyUid, String seriesUid, String sopInstanceUid,
            String sopClassUid, String transferSyntaxUid, long size, PacsIndex.Change change,
            java.util.List<String> missing) {
    }

    private final ArchiveStorage storage;
    private final PacsIndex index;

    public StoreUnit(ArchiveStorage storage, PacsIndex index) {
        this.storage = storage;
        this.index = index;
    }

    public ArchiveStorage storage() {
        return storage;
    }

    /** Starts an incoming file for a data set announced with these UIDs (C-STORE: from the command). */
    public IncomingFile begin(String sopClassUid, String sopInstanceUid, String transferSyntaxUid)
            throws DicomServiceException {
        if (!Uids.isValid(sopInstanceUid)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "invalid Affected SOP Instance UID '" + sopInstanceUid + "'");
        }
        if (!Uids.isValid(sopClassUid)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "invalid Affected SOP Class UID '" + sopClassUid + "'");
        }
        try {
            return storage.begin(sopClassUid, sopInstanceUid, transferSyntaxUid);
        } catch (IOException e) {
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                    "cannot create file: " + e.getMessage(), e);
        }
    }

    /**
     * A DICOM Part 10 stream (a STOW-RS part): its meta information names the SOP Class, the
     * SOP Instance and the transfer syntax, the data set streams into an incoming file, and the
     * file goes the way of a C-STORE.
     *
     * @param admission whether the sender may store it (checked before anything is filed)
     */
    public Stored storePart10(InputStream in, String sourceAet, Announced announced, About about, Admission admission)
            throws DicomServiceException {
        AttributeList meta = readMeta(in);
        String ts = Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.TransferSyntaxUID).trim();
        String cuid = Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.MediaStorageSOPClassUID).trim();
        String iuid = Attribute.getSingleStringValueOrEmptyString(meta, TagFromName.MediaStorageSOPInstanceUID).trim();
        announced.announced(cuid, iuid);
        if (!TRANSFER_SYNTAXES.contains(ts)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "transfer syntax not supported: '" + ts + "'");
        }
        IncomingFile file = begin(cuid, iuid, ts);
        try {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                file.write(buf, 0, n);
            }
        } catch (IOException e) {
            file.discard();
            throw new DicomServiceException(DicomServiceException.PROCESSING_FAILURE,
                    "request ended inside the data set: " + e.getMessage(), e);
        }
        try {
            return store(file, iuid, cuid, sourceAet, about, admission);
        } finally {
            file.discard();
        }
    }

    /**
     * Files a complete incoming file whose announced UIDs are given. The incoming file is the
     * caller's to discard afterwards (a no-op once it is linked to its place).
     */
    public Stored store(IncomingFile file, String sopInstanceUid, String sopClassUid, String sourceAet, About about,
            Admission admission) throws DicomServiceException {
        try {
            file.complete();
        } catch (IOException e) {
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                    "cannot write file: " + e.getMessage(), e);
        }
        // the disk forces the file while it is parsed and checked (issue 16: one association
        // waits for every step of every instance, so what can overlap should)
        storage.startForce(file);
        AttributeList attrs = read(file);
        // the values a row is made of, checked against their VRs before anything is filed
        InstanceValues.Identity id = InstanceValues.check(attrs);
        String studyUid = id.studyUid();
        String seriesUid = id.seriesUid();
        String sopUid = id.sopUid();
        String sopClass = id.sopClassUid();
        String patientId = id.patientId();
        about.about(patientId, studyUid, seriesUid, file.size());
        if (!sopUid.equals(sopInstanceUid)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "SOP Instance UID of data set differs from command");
        }
        if (!sopClass.equals(sopClassUid)) {
            throw new DicomServiceException(DicomServiceException.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "SOP Class UID of data set differs from command");
        }
        // the archive keeps what the scanner sent: an incomplete IOD is stored; the caller says so
        java.util.List<String> missing = IodCheck.missing(attrs, sopClass, file.hadPixelData());
        admission.admit(patientId, studyUid);
        String path = storage.pathFor(file, studyUid, seriesUid, sopUid);
        // the file becomes durable while the index does its work: the commit waits for it to be
        // placed (forced and linked), and, unless the index keeps it pending, for its folder
        ArchiveStorage.Placement placement = storage.place(file, path);
        StoredInstance si = new StoredInstance(attrs, studyUid, seriesUid, sopUid, sopClass, sourceAet, path,
                file.transferSyntaxUid(), file.md5(), file.size());
        PacsIndex.Outcome outcome;
        try {
            outcome = index.store(si, () -> await(placement.placed()), () -> await(placement.durable()),
                    archived -> storage.sameDecodedContent(file, archived));
        } catch (DicomServiceException | RuntimeException e) {
            removeIfCreated(placement.placed(), path);
            throw e;
        }
        if (outcome.pendingToken() != null) {
            folderDurable(outcome.pendingToken(), placement, path, sopUid);
        }
        if (outcome.change() == PacsIndex.Change.REPLACED) {
            if (outcome.replacedFilepath() != null && !outcome.replacedFilepath().equals(path)) {
                storage.delete(outcome.replacedFilepath());
            }
            LOG.warn("instance {} of study {} sent again with different content: file {} replaces {}", sopUid,
                    studyUid, path, outcome.replacedFilepath());
        } else if (outcome.change() == PacsIndex.Change.SAME_VALUES) {
            // the archived file stays: what the index points at; the received encoding goes
            if (!outcome.replacedFilepath().equals(path)) {
                removeIfCreated(placement.placed(), path);
            }
            LOG.info("instance {} sent again with the same values in transfer syntax {}: identical, {} kept", sopUid,
                    file.transferSyntaxUid(), outcome.replacedFilepath());
        } else if (outcome.change() == PacsIndex.Change.IDENTICAL) {
            LOG.debug("instance {} sent again with identical content: nothing changed", sopUid);
        }
        if (!missing.isEmpty()) {
            LOG.warn("instance {} of study {} stored with an incomplete IOD: missing {}", sopUid, studyUid,
                    String.join(", ", missing));
        }
        return new Stored(patientId, studyUid, seriesUid, sopUid, sopClass, file.transferSyntaxUid(), file.size(),
                outcome.change(), missing);
    }

    /** The Part 10 preamble, "DICM" and the meta group (PS3.10 7.1), read exactly: the data set follows. */
    private static AttributeList readMeta(InputStream in) throws DicomServiceException {
        try {
            byte[] head = in.readNBytes(144);
            if (head.length < 144 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M'
                    || head[132] != 0x02 || head[133] != 0 || head[134] != 0 || head[135] != 0) {
                throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                        "not a DICOM Part 10 file with a meta group length");
            }
            long groupLength = (head[140] & 0xffL) | (head[141] & 0xffL) << 8 | (head[142] & 0xffL) << 16
                    | (head[143] & 0xffL) << 24;
            if (groupLength > MAX_META) {
                throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND, "meta group too long");
            }
            byte[] rest = in.readNBytes((int) groupLength);
            if (rest.length < groupLength) {
                throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND, "truncated meta group");
            }
            byte[] all = new byte[144 + rest.length];
            System.arraycopy(head, 0, all, 0, 144);
            System.arraycopy(rest, 0, all, 144, rest.length);
            AttributeList meta = new AttributeList();
            meta.readOnlyMetaInformationHeader(new DicomInputStream(new ByteArrayInputStream(all)));
            return meta;
        } catch (IOException | DicomException e) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "unreadable meta information: " + e.getMessage(), e);
        }
    }

    private static void await(CompletableFuture<Boolean> step) throws DicomServiceException {
        try {
            step.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                    "cannot store file: " + cause.getMessage(), cause);
        }
    }

    /**
     * The rows are committed and point at the placed file; success waits for its folder. When
     * the folder cannot be forced, the rows and the file go, and the sender is told the failure.
     */
    private void folderDurable(long pendingToken, ArchiveStorage.Placement placement, String path, String sopUid)
            throws DicomServiceException {
        try {
            await(placement.durable());
        } catch (DicomServiceException e) {
            try {
                index.undoPending(pendingToken);
                removeIfCreated(placement.placed(), path);
            } catch (DicomServiceException | RuntimeException u) {
                LOG.error("instance {}: its folder could not be forced and its rows could not be removed ({});"
                        + " store_pending keeps it for the next start to heal", sopUid, u.getMessage());
            }
            throw e;
        }
        index.folderDurable(pendingToken);
    }

    /** After a failed store: the file goes unless it was there before this store. */
    private void removeIfCreated(CompletableFuture<Boolean> placed, String path) {
        try {
            if (placed.join()) {
                storage.delete(path);
            }
        } catch (CompletionException ignored) {
            // not placed: nothing to remove
        }
    }

    /**
     * At start, before the node listens: the instances a crash left committed before their
     * folder was durable (store_pending). A file at its place is kept (its folder forced now);
     * one its folder lost takes its rows with it. The sender of either was never told success.
     *
     * @return how many rows were healed
     */
    public int healPending(java.time.Duration staleAfter) {
        int n = 0;
        for (PendingStore p : index.pendingToHeal(staleAfter)) {
            boolean present = false;
            if (p.filepath != null && p.dirpath != null) {
                java.nio.file.Path f = java.nio.file.Path.of(p.dirpath).resolve(p.filepath).normalize();
                try {
                    present = storage.forceIfPresent(f);
                } catch (IOException e) {
                    LOG.warn("store_pending: cannot force the folder of {} ({}); left for the next start", f,
                            e.getMessage());
                    continue;
                }
            }
            if (present || p.instanceFk == null) {
                index.healed(p);
            } else {
                index.undo(p);
                LOG.warn("instance {}: its file {} was lost with its folder in a crash before the sender was told"
                        + " success; its rows are removed", p.sopIuid, p.filepath);
            }
            n++;
        }
        if (n > 0) {
            LOG.info("healed {} instances a crash left committed before their folder was durable", n);
        }
        return n;
    }

    private static AttributeList read(IncomingFile file) throws DicomServiceException {
        try {
            return file.readDataSet(PARSE_WHOLE);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "malformed data set: " + e.getMessage(), e);
        }
    }

    private static String uid(AttributeList attrs, AttributeTag tag, String name) throws DicomServiceException {
        String v = Attribute.getSingleStringValueOrEmptyString(attrs, tag).trim();
        if (v.isEmpty()) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND, "missing " + name);
        }
        if (!Uids.isValid(v)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND, "invalid " + name);
        }
        return v;
    }
}
