package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import org.cardiacatlas.cap.dicom.DataSets;

/**
 * What a service with several responses (C-FIND, C-MOVE, C-GET) uses while it runs: pending
 * responses, and whether the peer has sent C-CANCEL-RQ for the request (PS3.7 9.3.2.3). The
 * final response is still the dispatcher's.
 */
public final class ResponseChannel {

    private final Association association;
    private final InputStream peerInput;
    private final DimseRequest rq;
    private boolean cancelled;

    ResponseChannel(Association association, InputStream peerInput, DimseRequest rq) {
        this.association = association;
        this.peerInput = peerInput;
        this.rq = rq;
    }

    /**
     * Sends a pending response, with the identifier (if any) in the request's transfer syntax.
     *
     * @throws UncheckedIOException when the peer is gone: the association is over
     */
    public void sendPending(int status, AttributeList extraCommand, AttributeList identifier) {
        try {
            byte[] data = identifier == null ? null : encode(identifier, rq.transferSyntaxUid());
            byte[] command = CommandSets.response(rq, new DimseResponse(status, null, extraCommand), data != null);
            synchronized (rq.association().peerRequests().sendLock()) {
                Messages.send(association, rq.presentationContextId(), command, data);
            }
        } catch (DicomNetworkException e) {
            throw new PeerGone(new IOException("cannot send a pending response: " + e.getMessage(), e));
        }
    }

    /** The requester's association: C-GET sends its sub-operations back on it. */
    Association association() {
        return association;
    }

    /** Whether a C-CANCEL-RQ for this request has arrived; reads it without waiting if one is there. */
    public boolean cancelled() {
        if (cancelled) {
            return true;
        }
        try {
            while (peerInput.available() > 0 && !cancelled) {
                CancelWatcher w = new CancelWatcher();
                association.setReceivedDataHandler(w);
                association.waitForOnePDataPDU();
            }
        } catch (IOException | DicomNetworkException | AReleaseException e) {
            throw new PeerGone(new IOException("association lost while serving: " + e.getMessage(), e));
        }
        return cancelled;
    }

    /** The association is over while a service runs: the dispatcher ends it without an answer. */
    static final class PeerGone extends UncheckedIOException {
        PeerGone(IOException cause) {
            super(cause.getMessage(), cause);
        }
    }

    static byte[] encode(AttributeList list, String transferSyntaxUid) {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(1024);
            DicomOutputStream d = new DicomOutputStream(b, null, transferSyntaxUid);
            list.write(d);
            d.flush();
            return b.toByteArray();
        } catch (IOException | DicomException e) {
            throw new IllegalStateException("cannot encode a data set: " + e.getMessage(), e);
        }
    }

    /** Reads command fragments; anything but C-CANCEL-RQ for our request is a protocol error. */
    private final class CancelWatcher extends CompositeResponseHandler {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association a) throws DicomNetworkException {
            for (Object o : pdu.getPDVList()) {
                PresentationDataValue pdv = (PresentationDataValue) o;
                if (!pdv.isCommand()) {
                    throw new DicomNetworkException("data set while a request is in progress");
                }
                bytes.write(pdv.getValue(), 0, pdv.getValue().length);
                if (pdv.isLastFragment()) {
                    AttributeList c;
                    try {
                        c = DataSets.read(bytes.toByteArray(), TransferSyntax.ImplicitVRLittleEndian);
                    } catch (IOException | DicomException e) {
                        throw new DicomNetworkException("unreadable command set: " + e.getMessage());
                    }
                    int field = Attribute.getSingleIntegerValueOrDefault(c, TagFromName.CommandField, -1);
                    int about = Attribute.getSingleIntegerValueOrDefault(c, TagFromName.MessageIDBeingRespondedTo, -1);
                    if (field != DimseRequest.C_CANCEL_RQ || about != rq.messageId()) {
                        throw new DicomNetworkException(String.format(
                                "command 0x%04x while request %d is in progress", field, rq.messageId()));
                    }
                    cancelled = true;
                    setDone(true);
                }
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            // never called: sendPDataIndication is ours
        }
    }
}
