package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.SOPClass;
import java.io.IOException;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.store.IncomingFile;
import org.cardiacatlas.cap.store.StoreUnit;

/**
 * Storage SCP (PS3.4 Annex B): the data set streams into a file of the storage unit, and the
 * store unit (shared with STOW-RS) parses, checks and files it; success is answered only
 * after file and rows are durable. Any failure removes what this store created.
 */
public final class CStoreScp implements DimseService {

    private final StoreUnit store;

    public CStoreScp(StoreUnit store) {
        this.store = store;
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
        return StoreUnit.TRANSFER_SYNTAXES.contains(ts);
    }

    @Override
    public DataSetSink openDataSet(DimseRequest rq) throws DicomServiceException {
        return new FileSink(store.begin(rq.affectedSopClassUid(), rq.affectedSopInstanceUid(), rq.transferSyntaxUid()));
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException {
        IncomingFile file = ((FileSink) rq.data()).file;
        StoreUnit.Stored stored = store.store(file, rq.affectedSopInstanceUid(), rq.affectedSopClassUid(),
                rq.association().callingAet(), rq::about, StoreUnit.Admission.ANY);
        if (!stored.missing().isEmpty()) {
            // the archive keeps what the scanner sent: an incomplete IOD is stored, and said so
            rq.note("incomplete IOD, missing " + String.join(", ", stored.missing()));
        }
        rq.association().countStored(stored.size());
        return DimseResponse.success();
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
