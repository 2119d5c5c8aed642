package org.cardiacatlas.cap.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CFindRequestCommandMessage;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationDataValue;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.LinkedList;
import java.util.List;

/**
 * A Study Root FIND SCU on PixelMed's association classes, for what findscu will not do:
 * identifiers that are not DICOM, C-CANCEL-RQ right behind the request, going away mid-answer.
 */
final class RawFind implements AutoCloseable {

    static final String STUDY_ROOT_FIND = "1.2.840.10008.5.1.4.1.2.2.1";
    private static final byte CONTEXT = 1;

    private final Association association;
    private int messageId;

    /** The statuses of all responses, the identifiers of the pending ones, the final Error Comment. */
    record Responses(List<Integer> statuses, List<AttributeList> identifiers, String errorComment) {
        int finalStatus() {
            return statuses.get(statuses.size() - 1);
        }
    }

    RawFind(int port) throws Exception {
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        pcs.add(new PresentationContext(CONTEXT, STUDY_ROOT_FIND, TransferSyntax.ExplicitVRLittleEndian));
        association = AssociationFactory.createNewAssociation("127.0.0.1", port, "CAPSCP", "RAWFIND", pcs, null, false);
    }

    static byte[] encode(AttributeList identifier) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(b, null, TransferSyntax.ExplicitVRLittleEndian);
        identifier.write(d);
        d.flush();
        return b.toByteArray();
    }

    void send(byte[] identifier) throws Exception {
        CFindRequestCommandMessage rq = new CFindRequestCommandMessage(STUDY_ROOT_FIND);
        messageId = rq.getMessageID();
        association.send(CONTEXT, rq.getBytes(), identifier);
    }

    /** C-CANCEL-RQ for the request just sent (PS3.7 9.3.2.3). */
    void cancel() throws Exception {
        AttributeList c = new AttributeList();
        putUs(c, TagFromName.CommandField, 0x0FFF);
        putUs(c, TagFromName.MessageIDBeingRespondedTo, messageId);
        putUs(c, TagFromName.CommandDataSetType, 0x0101);
        byte[] body = implicit(c);
        UnsignedLongAttribute gl = new UnsignedLongAttribute(new AttributeTag(0x0000, 0x0000));
        gl.addValue(body.length);
        c.put(gl);
        association.send(CONTEXT, implicit(c), null);
    }

    Responses responses() throws Exception {
        Handler h = new Handler();
        association.setReceivedDataHandler(h);
        association.waitForPDataPDUsUntilHandlerReportsDone();
        return new Responses(h.statuses, h.identifiers, h.comment);
    }

    void abort() throws Exception {
        association.abort();
    }

    @Override
    public void close() throws Exception {
        association.release();
    }

    private static void putUs(AttributeList c, AttributeTag t, int v) throws Exception {
        UnsignedShortAttribute a = new UnsignedShortAttribute(t);
        a.addValue(v);
        c.put(a);
    }

    private static byte[] implicit(AttributeList c) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(b, null, TransferSyntax.ImplicitVRLittleEndian);
        c.write(d);
        d.flush();
        return b.toByteArray();
    }

    private static final class Handler extends CompositeResponseHandler {
        final List<Integer> statuses = new ArrayList<>();
        final List<AttributeList> identifiers = new ArrayList<>();
        String comment;
        private final ByteArrayOutputStream command = new ByteArrayOutputStream();
        private final ByteArrayOutputStream data = new ByteArrayOutputStream();
        private int pendingStatus = -1;

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association a) {
            try {
                for (Object o : pdu.getPDVList()) {
                    PresentationDataValue pdv = (PresentationDataValue) o;
                    if (pdv.isCommand()) {
                        command.write(pdv.getValue());
                        if (pdv.isLastFragment()) {
                            AttributeList c = new AttributeList();
                            c.read(new DicomInputStream(new ByteArrayInputStream(command.toByteArray()),
                                    TransferSyntax.ImplicitVRLittleEndian, false));
                            command.reset();
                            int s = Attribute.getSingleIntegerValueOrDefault(c, TagFromName.Status, -1);
                            statuses.add(s);
                            boolean withData = Attribute.getSingleIntegerValueOrDefault(c,
                                    TagFromName.CommandDataSetType, 0x0101) != 0x0101;
                            if (withData) {
                                pendingStatus = s;
                            } else if (s != 0xFF00 && s != 0xFF01) {
                                comment = Attribute.getSingleStringValueOrNull(c, TagFromName.ErrorComment);
                                setDone(true);
                            }
                        }
                    } else {
                        data.write(pdv.getValue());
                        if (pdv.isLastFragment()) {
                            AttributeList d = new AttributeList();
                            d.read(new DicomInputStream(new ByteArrayInputStream(data.toByteArray()),
                                    TransferSyntax.ExplicitVRLittleEndian, false));
                            data.reset();
                            identifiers.add(d);
                            if (pendingStatus != 0xFF00 && pendingStatus != 0xFF01) {
                                setDone(true);
                            }
                        }
                    }
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            // never called: sendPDataIndication is ours
        }
    }
}
