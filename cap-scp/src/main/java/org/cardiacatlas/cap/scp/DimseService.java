package org.cardiacatlas.cap.scp;

import org.cardiacatlas.cap.common.DicomServiceException;

/**
 * One DIMSE service of this SCP, registered in {@link DimseServiceRegistry}. It never builds
 * a failure response itself: it throws {@link DicomServiceException} and the dispatcher answers.
 */
public interface DimseService {

    /** The Command Field (PS3.7 E.1) of the requests it serves. */
    int commandField();

    /** Whether presentation contexts with this abstract syntax are accepted for it. */
    boolean acceptsAbstractSyntax(String sopClassUid);

    /** Whether this transfer syntax is accepted for its abstract syntaxes. */
    boolean acceptsTransferSyntax(String transferSyntaxUid);

    /** The two transfer syntaxes every DICOM application supports (PS3.5 10.1, A.2): for non-storage services. */
    static boolean uncompressedLittleEndian(String ts) {
        return "1.2.840.10008.1.2".equals(ts) || "1.2.840.10008.1.2.1".equals(ts);
    }

    /** Where the request's data set goes while it arrives; called once the command is complete. */
    default DataSetSink openDataSet(DimseRequest rq) throws DicomServiceException {
        return new MemorySink(1 << 20);
    }

    /**
     * Serves a complete request and says how to answer it finally; services with pending
     * responses send them through the channel.
     */
    DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException;
}
