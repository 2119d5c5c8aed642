package org.cardiacatlas.cap.commit;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.SCUSCPRoleSelection;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedList;

/**
 * Sends an N-EVENT-REPORT-RQ on a new association to the requester (PS3.4 J.3.3), proposing
 * the SCP role for the Storage Commitment SOP Class (the association requester is the SCP
 * here, PS3.7 D.3.3.4), and returns the status of the N-EVENT-REPORT-RSP.
 */
final class EventReportScu {

    private EventReportScu() {
    }

    /** @param ae the requester's row: where it is, and whether over TLS */
    static int send(org.cardiacatlas.cap.scp.Outbound outbound, org.cardiacatlas.cap.retrieve.AeRow ae,
            String callingAet, int eventType, AttributeList info) throws IOException {
        String calledAet = ae.aet;
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        LinkedList<String> ts = new LinkedList<>();
        ts.add(TransferSyntax.ExplicitVRLittleEndian);
        ts.add(TransferSyntax.ImplicitVRLittleEndian);
        pcs.add(new PresentationContext((byte) 1, Commitment.SOP_CLASS, ts));
        LinkedList<SCUSCPRoleSelection> roles = new LinkedList<>();
        roles.add(new SCUSCPRoleSelection(Commitment.SOP_CLASS, false, true));
        Association a;
        try {
            a = outbound.open(ae, callingAet, pcs, roles);
        } catch (DicomNetworkException e) {
            throw new IOException("association to " + calledAet + " at " + ae.hostname + ":" + ae.port
                    + (ae.tls() ? " (TLS)" : "") + " failed: " + e.getMessage(), e);
        }
        try {
            byte pc = a.getSuitablePresentationContextID(Commitment.SOP_CLASS);
            byte[] data = encode(info, a.getTransferSyntaxForPresentationContextID(pc));
            StatusHandler h = new StatusHandler();
            a.setReceivedDataHandler(h);
            a.send(pc, Commitment.eventReportCommand(1, eventType), null);
            // through the association's stream, which cuts it into PDUs of the peer's maximum length
            OutputStream out = a.getAssociationOutputStream(pc);
            out.write(data);
            out.close();
            a.waitForCommandPDataPDUs();
            try {
                a.release();
            } catch (DicomNetworkException e) {
                // the report was answered: how the association ends does not change that
            }
            return h.status;
        } catch (DicomNetworkException | AReleaseException e) {
            abort(a);
            throw new IOException(calledAet + " did not take the report: " + e.getMessage(), e);
        } catch (IOException | RuntimeException e) {
            abort(a);
            throw e;
        }
    }

    private static void abort(Association a) {
        try {
            a.abort();
        } catch (DicomNetworkException | RuntimeException ignored) {
            // already gone
        }
    }

    static byte[] encode(AttributeList list, String ts) throws IOException {
        try {
            ByteArrayOutputStream b = new ByteArrayOutputStream(4096);
            DicomOutputStream d = new DicomOutputStream(b, null, ts);
            list.write(d);
            d.flush();
            return b.toByteArray();
        } catch (DicomException e) {
            throw new IOException("cannot encode the report: " + e.getMessage(), e);
        }
    }

    private static final class StatusHandler extends CompositeResponseHandler {
        int status = -1;

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, -1);
            success = status == 0;
        }
    }
}
