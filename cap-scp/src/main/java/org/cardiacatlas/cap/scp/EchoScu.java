package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CEchoRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import java.io.IOException;
import java.util.LinkedList;

/** C-ECHO to another application entity (PS3.4 A.4): is that destination there and does it answer. */
public final class EchoScu {

    private EchoScu() {
    }

    /** @return the C-ECHO-RSP status; throws when no association could be made */
    public static int echo(String host, int port, String calledAet, String callingAet)
            throws IOException, DicomNetworkException, DicomException, AReleaseException {
        return echo(AssociationFactory.createNewAssociation(host, port, calledAet, callingAet, contexts(), null, false));
    }

    /** C-ECHO to a destination of the {@code ae} table, over TLS when it is marked so. */
    public static int echo(Outbound outbound, org.cardiacatlas.cap.retrieve.AeRow ae, String callingAet)
            throws IOException, DicomNetworkException, DicomException, AReleaseException {
        return echo(outbound.open(ae, callingAet, contexts(), null));
    }

    private static LinkedList<PresentationContext> contexts() {
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        pcs.add(new PresentationContext((byte) 1, SOPClass.Verification, TransferSyntax.ImplicitVRLittleEndian));
        return pcs;
    }

    private static int echo(Association a) throws IOException, DicomNetworkException, DicomException, AReleaseException {
        try {
            StatusHandler h = new StatusHandler();
            a.setReceivedDataHandler(h);
            a.send(a.getSuitablePresentationContextID(SOPClass.Verification),
                    new CEchoRequestCommandMessage().getBytes(), null);
            a.waitForCommandPDataPDUs();
            return h.status;
        } finally {
            a.release();
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
