package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.store.IncomingFile;
import org.cardiacatlas.cap.store.InstanceValues;
import org.cardiacatlas.cap.store.PacsIndex;
import org.cardiacatlas.cap.store.StoredInstance;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.common.Uids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage SCP (PS3.4 Annex B): the data set streams into a file of the storage unit, the
 * index unit records it, and success is answered only after both are durable. Any failure
 * removes what this store created.
 */
public final class CStoreScp implements DimseService {

    private static final Logger LOG = LoggerFactory.getLogger(CStoreScp.class);

    /** Transfer syntaxes a scanner sends; files keep the one they arrived in. */
    static final Set<String> TRANSFER_SYNTAXES = Set.of(
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

    private final ArchiveStorage storage;
    private final PacsIndex index;

    public CStoreScp(ArchiveStorage storage, PacsIndex index) {
        this.storage = storage;
        this.index = index;
    }

    @Override
    public int commandField() {
        return DimseRequest.C_STORE_RQ;
    }

    /** Every storage SOP class: the standard ones, and private ones outside the DICOM root. */
    @Override
    public boolean acceptsAbstractSyntax(String uid) {
        return uid.startsWith("1.2.840.10008.5.1.4.1.1.") || SOPClass.isStorage(uid)
                || !uid.startsWith("1.2.840.10008.");
    }

    @Override
    public boolean acceptsTransferSyntax(String ts) {
        return TRANSFER_SYNTAXES.contains(ts);
    }

    @Override
    public DataSetSink openDataSet(DimseRequest rq) throws DicomServiceException {
        if (!Uids.isValid(rq.affectedSopInstanceUid())) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "invalid Affected SOP Instance UID '" + rq.affectedSopInstanceUid() + "'");
        }
        if (!Uids.isValid(rq.affectedSopClassUid())) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "invalid Affected SOP Class UID '" + rq.affectedSopClassUid() + "'");
        }
        try {
            return new FileSink(storage.begin(rq.affectedSopClassUid(), rq.affectedSopInstanceUid(),
                    rq.transferSyntaxUid()));
        } catch (IOException e) {
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                    "cannot create file: " + e.getMessage(), e);
        }
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException {
        IncomingFile file = ((FileSink) rq.data()).file;
        try {
            file.complete();
        } catch (IOException e) {
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                    "cannot write file: " + e.getMessage(), e);
        }
        AttributeList attrs = read(file);
        // the store unit's checks, shared by every route that stores
        InstanceValues.Identity id = InstanceValues.check(attrs);
        String studyUid = id.studyUid();
        String seriesUid = id.seriesUid();
        String sopUid = id.sopUid();
        String sopClass = id.sopClassUid();
        rq.about(id.patientId(), studyUid, seriesUid, file.size());
        if (!sopUid.equals(rq.affectedSopInstanceUid())) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "SOP Instance UID of data set differs from command");
        }
        if (!sopClass.equals(rq.affectedSopClassUid())) {
            throw new DicomServiceException(DicomServiceException.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                    "SOP Class UID of data set differs from command");
        }
        // the archive keeps what the scanner sent: an incomplete IOD is stored, and said so
        java.util.List<String> missing = org.cardiacatlas.cap.store.IodCheck.missing(attrs, sopClass,
                file.hadPixelData());
        if (!missing.isEmpty()) {
            rq.note("incomplete IOD, missing " + String.join(", ", missing));
        }
        String path = storage.pathFor(file, studyUid, seriesUid, sopUid);
        // the file becomes durable while the index does its work; the commit waits for it
        CompletableFuture<Boolean> durable = storage.makeDurable(file, path);
        StoredInstance si = new StoredInstance(attrs, studyUid, seriesUid, sopUid, sopClass,
                rq.association().callingAet(), path, file.transferSyntaxUid(), file.md5(), file.size());
        PacsIndex.Outcome outcome;
        try {
            outcome = index.store(si, () -> awaitDurable(durable), archived -> storage.sameDecodedContent(file, archived));
        } catch (DicomServiceException | RuntimeException e) {
            removeIfCreated(durable, path);
            throw e;
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
                removeIfCreated(durable, path);
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
        rq.association().countStored(file.size());
        return DimseResponse.success();
    }

    private static void awaitDurable(CompletableFuture<Boolean> durable) throws DicomServiceException {
        try {
            durable.join();
        } catch (CompletionException e) {
            throw new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                    "cannot store file: " + e.getCause().getMessage(), e.getCause());
        }
    }

    /** After a failed index transaction: the file goes unless it was there before this store. */
    private void removeIfCreated(CompletableFuture<Boolean> durable, String path) {
        try {
            if (durable.join()) {
                storage.delete(path);
            }
        } catch (CompletionException ignored) {
            // not placed: nothing to remove
        }
    }

    private static AttributeList read(IncomingFile file) throws DicomServiceException {
        try {
            return file.readDataSet(PARSE_WHOLE);
        } catch (IOException | DicomException | RuntimeException e) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    "malformed data set: " + e.getMessage(), e);
        }
    }

    /** The network layer writes bytes; only this service knows they become a file. */
    private static final class FileSink implements DataSetSink {
        final IncomingFile file;

        FileSink(IncomingFile file) {
            this.file = file;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            file.write(b, off, len);
        }

        @Override
        public void discard() {
            file.discard();
        }
    }
}
