package org.cardiacatlas.cap.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SOPClass;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CStoreRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.PresentationContext;
import java.io.OutputStream;
import java.util.LinkedList;

/**
 * A deliberately misbehaving storage SCU on PixelMed's association classes: sends data sets
 * that no well-behaved tool would, and aborts in the middle of one.
 */
final class RawScu implements AutoCloseable {

    static final byte MR_CONTEXT = 1;

    private final Association association;
    int lastStatus = -1;
    String lastComment;

    RawScu(int port, String calledAet, String callingAet) throws Exception {
        this(port, calledAet, callingAet, TransferSyntax.ExplicitVRLittleEndian);
    }

    /** With MR Image Storage in this transfer syntax. */
    RawScu(int port, String calledAet, String callingAet, String transferSyntax) throws Exception {
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        pcs.add(new PresentationContext(MR_CONTEXT, SOPClass.MRImageStorage, transferSyntax));
        pcs.add(new PresentationContext((byte) 3, SOPClass.Verification, TransferSyntax.ImplicitVRLittleEndian));
        association = AssociationFactory.createNewAssociation("127.0.0.1", port, calledAet, callingAet, pcs, null, false);
    }

    /** Sends a C-STORE-RQ with these data set bytes (explicit VR little endian) and returns the status. */
    int store(String sopClass, String sopInstance, byte[] dataSet) throws Exception {
        byte[] command = new CStoreRequestCommandMessage(sopClass, sopInstance).getBytes();
        association.send(MR_CONTEXT, command, dataSet);
        return awaitResponse();
    }

    /** Sends the command and part of the data set, then A-ABORT. */
    void storePartlyThenAbort(String sopClass, String sopInstance, byte[] part) throws Exception {
        byte[] command = new CStoreRequestCommandMessage(sopClass, sopInstance).getBytes();
        association.send(MR_CONTEXT, command, null);
        OutputStream out = association.getAssociationOutputStream(MR_CONTEXT);
        out.write(part);
        out.flush();
        association.abort();
    }

    private int awaitResponse() throws Exception {
        StatusHandler h = new StatusHandler();
        association.setReceivedDataHandler(h);
        association.waitForCommandPDataPDUs();
        lastStatus = h.status();
        lastComment = h.comment;
        return lastStatus;
    }

    @Override
    public void close() throws Exception {
        association.release();
    }

    private static final class StatusHandler extends CompositeResponseHandler {
        String comment;

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            status = Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Status, -1);
            comment = Attribute.getSingleStringValueOrNull(list, TagFromName.ErrorComment);
            success = status == 0;
        }

        int status() {
            return status;
        }
    }
}
