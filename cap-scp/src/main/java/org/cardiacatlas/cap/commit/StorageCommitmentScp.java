package org.cardiacatlas.cap.commit;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.util.ArrayList;
import java.util.List;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.common.Uids;
import org.cardiacatlas.cap.scp.DataSetSink;
import org.cardiacatlas.cap.scp.DimseRequest;
import org.cardiacatlas.cap.scp.DimseResponse;
import org.cardiacatlas.cap.scp.DimseService;
import org.cardiacatlas.cap.scp.MemorySink;
import org.cardiacatlas.cap.scp.ResponseChannel;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Storage Commitment Push Model SCP, N-ACTION (PS3.4 J.3.2): reads the request, has the
 * storage commitment unit record it, and answers at once; the check and the N-EVENT-REPORT
 * follow after the response.
 */
public final class StorageCommitmentScp implements DimseService {

    private static final Logger LOG = LoggerFactory.getLogger(StorageCommitmentScp.class);
    /** N-ACTION statuses, PS3.7 10.1.4.1.10 / C.4.x. */
    static final int NO_SUCH_SOP_CLASS = 0x0118;
    static final int NO_SUCH_SOP_INSTANCE = 0x0112;
    static final int NO_SUCH_ACTION = 0x0123;
    static final int INVALID_ARGUMENT_VALUE = 0x0115;
    /** A Referenced SOP Sequence item is about 130 bytes: a quarter of a million instances. */
    private static final int MAX_REQUEST_BYTES = 32 << 20;

    private final StorageCommitments commitments;
    private final boolean sameAssociation;

    public StorageCommitmentScp(StorageCommitments commitments, boolean sameAssociation) {
        this.commitments = commitments;
        this.sameAssociation = sameAssociation;
    }

    @Override
    public int commandField() {
        return DimseRequest.N_ACTION_RQ;
    }

    @Override
    public boolean acceptsAbstractSyntax(String sopClassUid) {
        return Commitment.SOP_CLASS.equals(sopClassUid);
    }

    @Override
    public boolean acceptsTransferSyntax(String ts) {
        return DimseService.uncompressedLittleEndian(ts);
    }

    @Override
    public DataSetSink openDataSet(DimseRequest rq) {
        return new MemorySink(MAX_REQUEST_BYTES);
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException {
        rq.auditAs("STGCMT");
        rq.auditWith("kind", "request");
        if (!Commitment.SOP_CLASS.equals(rq.requestedSopClassUid())) {
            throw new DicomServiceException(NO_SUCH_SOP_CLASS, "not Storage Commitment: " + rq.requestedSopClassUid());
        }
        if (!Commitment.SOP_INSTANCE.equals(rq.requestedSopInstanceUid())) {
            throw new DicomServiceException(NO_SUCH_SOP_INSTANCE,
                    "not the Push Model's SOP Instance: " + rq.requestedSopInstanceUid());
        }
        int action = Attribute.getSingleIntegerValueOrDefault(rq.command(), Commitment.ACTION_TYPE_ID, -1);
        if (action != 1) {
            throw new DicomServiceException(NO_SUCH_ACTION, "Action Type ID " + action + " (only 1: request)");
        }
        AttributeList info = rq.dataSet();
        if (info == null) {
            throw new DicomServiceException(INVALID_ARGUMENT_VALUE, "no readable Action Information");
        }
        String transactionUid = Attribute.getSingleStringValueOrEmptyString(info, Commitment.TRANSACTION_UID).trim();
        if (!Uids.isValid(transactionUid)) {
            throw new DicomServiceException(INVALID_ARGUMENT_VALUE, "Transaction UID missing or invalid");
        }
        rq.auditWith("transaction", transactionUid);
        List<Commitment.Item> items = items(info);
        rq.auditWith("instances", items.size());
        String requester = rq.association().callingAet();
        boolean onThis = sameAssociation && rq.association().roleNegotiated(Commitment.SOP_CLASS);
        if (!onThis && !commitments.knownRequester(requester)) {
            throw new DicomServiceException(DicomServiceException.PROCESSING_FAILURE,
                    "AE " + requester + " unknown: no way to send the report");
        }
        try {
            commitments.accept(new StorageCommitments.Request(transactionUid, requester, rq.association().calledAet(),
                    rq.association().remote(), items), onThis ? rq.association().peerRequests() : null);
        } catch (RuntimeException e) {
            throw new DicomServiceException(DicomServiceException.PROCESSING_FAILURE,
                    "cannot record the request: " + Database.rootMessage(e), e);
        }
        LOG.info("storage commitment {} requested for {} instances; report {}", transactionUid, items.size(),
                onThis ? "on this association" : "on a new association to " + requester);
        rq.auditWith("via", onThis ? "same association" : "new association");
        // the report must not overtake the N-ACTION-RSP on this association
        rq.afterResponse(commitments::kick);
        AttributeList extra = new AttributeList();
        try {
            Commitment.ui(extra, TagFromName.AffectedSOPClassUID, Commitment.SOP_CLASS);
            Commitment.ui(extra, TagFromName.AffectedSOPInstanceUID, Commitment.SOP_INSTANCE);
            Commitment.us(extra, Commitment.ACTION_TYPE_ID, 1);
        } catch (DicomException e) {
            throw new IllegalStateException(e);
        }
        return new DimseResponse(DimseResponse.SUCCESS, null, extra);
    }

    /** The Referenced SOP Sequence: each item with a valid SOP Class and SOP Instance UID. */
    private static List<Commitment.Item> items(AttributeList info) throws DicomServiceException {
        Attribute a = info.get(TagFromName.ReferencedSOPSequence);
        if (!(a instanceof SequenceAttribute seq) || seq.getNumberOfItems() == 0) {
            throw new DicomServiceException(INVALID_ARGUMENT_VALUE, "Referenced SOP Sequence missing or empty");
        }
        List<Commitment.Item> items = new ArrayList<>(seq.getNumberOfItems());
        for (int i = 0; i < seq.getNumberOfItems(); i++) {
            AttributeList item = seq.getItem(i).getAttributeList();
            String cuid = Attribute.getSingleStringValueOrEmptyString(item, TagFromName.ReferencedSOPClassUID).trim();
            String iuid = Attribute.getSingleStringValueOrEmptyString(item, TagFromName.ReferencedSOPInstanceUID).trim();
            if (!Uids.isValid(cuid) || !Uids.isValid(iuid)) {
                throw new DicomServiceException(INVALID_ARGUMENT_VALUE,
                        "Referenced SOP Sequence item " + (i + 1) + ": SOP Class or Instance UID missing or invalid");
            }
            items.add(new Commitment.Item(cuid, iuid, 0));
        }
        return items;
    }
}
