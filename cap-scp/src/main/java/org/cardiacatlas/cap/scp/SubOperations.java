package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.Association;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.List;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.codec.CodecException;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.dicom.DataSets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The C-STORE sub-operations of a C-MOVE or C-GET (PS3.4 C.4.2.3, C.4.3.3): each instance goes
 * in its stored transfer syntax where the peer accepted it, else in the best one it accepted
 * that the codec unit can convert to without loss (Codec.chooseTransferSyntax); pending
 * responses report the counts; C-CANCEL stops between two instances. A missing or damaged file, or a peer that refuses one, is a failed sub-operation.
 */
final class SubOperations {

    private static final Logger LOG = LoggerFactory.getLogger(SubOperations.class);
    static final AttributeTag FAILED_SOP_INSTANCE_UID_LIST = new AttributeTag(0x0008, 0x0058);
    static final int CANCELLED = 0xFE00;
    static final int PENDING = 0xFF00;
    static final int WARNING = 0xB000;
    static final int UNABLE_TO_PERFORM = 0xA702;
    private static final long PENDING_EVERY_NANOS = 200_000_000L;

    private final ArchiveStorage storage;
    private final Codec codec;
    private final boolean verifyMd5;

    SubOperations(ArchiveStorage storage, Codec codec, boolean verifyMd5) {
        this.storage = storage;
        this.codec = codec;
        this.verifyMd5 = verifyMd5;
    }

    /** Counts and failed instances of one retrieve. */
    static final class Tally {
        int remaining;
        int completed;
        int failed;
        int warning;
        final List<String> failedUids = new ArrayList<>();
        boolean cancelled;

        Tally(int total) {
            remaining = total;
        }

        AttributeList counts(boolean withRemaining) {
            AttributeList c = new AttributeList();
            try {
                if (withRemaining) {
                    us(c, TagFromName.NumberOfRemainingSuboperations, remaining);
                }
                us(c, TagFromName.NumberOfCompletedSuboperations, completed);
                us(c, TagFromName.NumberOfFailedSuboperations, failed);
                us(c, TagFromName.NumberOfWarningSuboperations, warning);
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
            return c;
        }

        private static void us(AttributeList c, AttributeTag t, int v) throws DicomException {
            UnsignedShortAttribute a = new UnsignedShortAttribute(t);
            a.addValue(Math.min(v, 0xffff));
            c.put(t, a);
        }

        /** The final response: PS3.4 C.4.2.1.5 statuses, with the failed instances where some failed. */
        DimseResponse finalResponse(String whyFailed) {
            if (cancelled) {
                return new DimseResponse(CANCELLED, null, counts(true), failedList());
            }
            if (failed == 0 && warning == 0) {
                return new DimseResponse(DimseResponse.SUCCESS, null, counts(false), null);
            }
            if (completed == 0 && warning == 0) {
                return new DimseResponse(UNABLE_TO_PERFORM, whyFailed, counts(false), failedList());
            }
            return new DimseResponse(WARNING, whyFailed, counts(false), failedList());
        }

        private AttributeList failedList() {
            if (failedUids.isEmpty()) {
                return null;
            }
            AttributeList d = new AttributeList();
            UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(FAILED_SOP_INSTANCE_UID_LIST);
            try {
                for (String u : failedUids) {
                    a.addValue(u);
                }
            } catch (DicomException e) {
                throw new IllegalStateException(e);
            }
            d.put(a.getTag(), a);
            return d;
        }
    }

    /**
     * Sends the instances over {@code target}; pending responses and the cancel check go
     * through {@code channel} (the requester's association; for C-GET the same one).
     *
     * @return the tally, and the reason of the last failure in {@code why[0]}
     */
    Tally run(Association target, List<LocatedInstance> instances, String moveOriginatorAet, int moveOriginatorId,
            DimseRequest rq, ResponseChannel channel, String[] why) {
        Tally t = new Tally(instances.size());
        String op = rq.describe().startsWith("C-GET") ? "C-GET" : "C-MOVE";
        // where the instances go: the C-MOVE destination, or the C-GET requester itself
        String destination = op.equals("C-GET") ? rq.association().callingAet() : target.getCalledAETitle().trim();
        long lastPending = System.nanoTime();
        boolean[] cancelSeen = new boolean[1];
        for (int i = 0; i < instances.size(); i++) {
            if (cancelSeen[0] || channel.cancelled()) {
                t.cancelled = true;
                break;
            }
            LocatedInstance li = instances.get(i);
            t.remaining--;
            int status;
            try {
                status = sendOne(target, li, moveOriginatorAet, moveOriginatorId, cancelSeen);
            } catch (SubOperationFailed e) {
                status = -1;
                why[0] = e.getMessage();
                LOG.warn("{} sub-operation for instance {} of study {}, patient {} failed: {}", op, li.sopIuid,
                        li.studyIuid, li.patId, e.getMessage());
            } catch (DicomNetworkException | AReleaseException | IOException e) {
                // the peer is gone: this and every remaining instance fail
                why[0] = "association to the destination lost: " + e.getMessage();
                LOG.warn("{} sub-operations stopped after {} of {}: {}", op, i, instances.size(), why[0]);
                for (int j = i; j < instances.size(); j++) {
                    t.failed++;
                    t.failedUids.add(instances.get(j).sopIuid);
                }
                t.remaining = 0;
                rq.association().subOperations += i + 1;
                return t;
            }
            rq.association().subOperations++;
            if (status == DimseResponse.SUCCESS) {
                t.completed++;
            } else if ((status & 0xF000) == 0xB000) {
                t.warning++;
            } else {
                t.failed++;
                t.failedUids.add(li.sopIuid);
                if (status >= 0) {
                    why[0] = String.format("destination answered 0x%04X", status);
                    LOG.warn("{} sub-operation for instance {} of study {}, patient {} failed: {}", op, li.sopIuid,
                            li.studyIuid, li.patId, why[0]);
                }
            }
            rq.association().audit("SENT").status(status < 0 ? 0x0110 : status).with("destination", destination)
                    .with("patient", li.patId).with("study", li.studyIuid).with("series", li.seriesIuid)
                    .with("sop", li.sopIuid).with("bytes", li.fileSize).with("detail", status == 0 ? null : why[0]).write();
            if (t.remaining > 0 && System.nanoTime() - lastPending > PENDING_EVERY_NANOS) {
                channel.sendPending(PENDING, t.counts(true), null);
                lastPending = System.nanoTime();
            }
        }
        return t;
    }

    /** A failed sub-operation that leaves the association usable. */
    static final class SubOperationFailed extends Exception {
        SubOperationFailed(String message) {
            super(message);
        }
    }

    private int sendOne(Association a, LocatedInstance li, String originatorAet, int originatorId, boolean[] cancelSeen)
            throws SubOperationFailed, DicomNetworkException, AReleaseException, IOException {
        byte pc;
        String as = li.sopCuid;
        String target;
        try {
            pc = a.getSuitablePresentationContextID(as, li.fileTsuid);
            target = li.fileTsuid;
        } catch (DicomNetworkException e) {
            // PS3.4 C.4.2.3.1: the stored syntax was not accepted; the best the peer did accept
            Set<String> accepted = acceptedSyntaxes(a, as);
            target = codec.chooseTransferSyntax(li.fileTsuid, accepted);
            if (target == null) {
                throw new SubOperationFailed("the destination accepted no transfer syntax for SOP class " + as
                        + " that " + li.fileTsuid + " can be sent in without loss (accepted: "
                        + (accepted.isEmpty() ? "none" : String.join(", ", accepted)) + ")");
            }
            pc = a.getSuitablePresentationContextID(as, target);
        }
        byte[] command;
        try {
            command = (originatorAet == null ? new CStoreRequestCommandMessage(as, li.sopIuid)
                    : new CStoreRequestCommandMessage(as, li.sopIuid, originatorAet, originatorId)).getBytes();
        } catch (DicomException e) {
            throw new SubOperationFailed("cannot build C-STORE-RQ: " + e.getMessage());
        }
        StoreResponse response = new StoreResponse(cancelSeen);
        if (target.equals(li.fileTsuid)) {
            try (ArchiveStorage.StoredData data = openOrFail(li)) {
                a.setReceivedDataHandler(response);
                a.send(pc, command, null);
                OutputStream out = a.getAssociationOutputStream(pc);
                // large writes: the stream then fills whole PDUs instead of flushing small ones
                byte[] buf = new byte[(int) Math.min(Math.max(data.length, 1), 4 << 20)];
                for (int n; (n = data.in.readNBytes(buf, 0, buf.length)) > 0; ) {
                    out.write(buf, 0, n);
                }
                out.close();
            }
        } else {
            // transcoded frame by frame into a buffer first: a frame that cannot be decoded then
            // fails this sub-operation before anything is sent, and the association stays usable
            try (TranscodeBuffer converted = new TranscodeBuffer()) {
                try {
                    codec.transcode(ArchiveStorage.checkedFile(li, verifyMd5), target, converted, false);
                } catch (CodecException | IOException e) {
                    throw new SubOperationFailed("cannot convert " + li.fileTsuid + " to " + target + ": " + e.getMessage());
                }
                a.setReceivedDataHandler(response);
                a.send(pc, command, null);
                OutputStream out = a.getAssociationOutputStream(pc);
                converted.writeTo(out);
                out.close();
            }
        }
        a.waitForCommandPDataPDUs();
        return response.status;
    }

    /** The syntaxes the peer accepted for an abstract syntax, among those the codec could send. */
    private Set<String> acceptedSyntaxes(Association a, String as) {
        Set<String> accepted = new LinkedHashSet<>();
        for (String ts : codec.preference()) {
            try {
                a.getSuitablePresentationContextID(as, ts);
                accepted.add(ts);
            } catch (DicomNetworkException notThat) {
                // not accepted
            }
        }
        return accepted;
    }

    private ArchiveStorage.StoredData openOrFail(LocatedInstance li) throws SubOperationFailed {
        try {
            return storage.openDataSet(li, verifyMd5);
        } catch (IOException e) {
            throw new SubOperationFailed(e.getMessage());
        }
    }

    /**
     * Waits for the C-STORE-RSP of a sub-operation; a C-CANCEL-RQ that arrives first on the same
     * association (C-GET) is noted and the wait goes on.
     */
    private static final class StoreResponse extends CompositeResponseHandler {
        private final boolean[] cancelSeen;
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        int status = -1;

        StoreResponse(boolean[] cancelSeen) {
            this.cancelSeen = cancelSeen;
        }

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association association) throws DicomNetworkException {
            for (Object o : pdu.getPDVList()) {
                PresentationDataValue pdv = (PresentationDataValue) o;
                if (!pdv.isCommand()) {
                    continue;
                }
                bytes.write(pdv.getValue(), 0, pdv.getValue().length);
                if (!pdv.isLastFragment()) {
                    continue;
                }
                AttributeList c;
                try {
                    c = DataSets.read(bytes.toByteArray(), TransferSyntax.ImplicitVRLittleEndian);
                } catch (IOException | DicomException e) {
                    throw new DicomNetworkException("unreadable response: " + e.getMessage());
                }
                bytes.reset();
                int field = Attribute.getSingleIntegerValueOrDefault(c, TagFromName.CommandField, -1);
                if (field == DimseRequest.C_CANCEL_RQ) {
                    cancelSeen[0] = true;
                    continue;
                }
                if (field != 0x8001) {
                    throw new DicomNetworkException(String.format("command 0x%04x instead of C-STORE-RSP", field));
                }
                status = Attribute.getSingleIntegerValueOrDefault(c, TagFromName.Status, -1);
                setDone(true);
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            // never called: sendPDataIndication is ours
        }
    }
}
