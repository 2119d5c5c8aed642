package org.cardiacatlas.cap.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedLongAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.CompositeResponseHandler;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationContext;
import com.pixelmed.network.PresentationContextSelectionPolicy;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.network.SCUSCPRoleSelection;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A Storage Commitment SCU of the tests' own, on PixelMed's association classes and attribute
 * lists (independent of the server's message code): sends N-ACTION-RQ, and receives the
 * N-EVENT-REPORT-RQ on the same association or, as {@link Receiver}, on associations the node
 * opens to it.
 */
public final class StgCmtScu {

    static final String SOP_CLASS = "1.2.840.10008.1.20.1";
    static final String SOP_INSTANCE = "1.2.840.10008.1.20.1.1";
    static final DicomDictionary DICT = AttributeList.getDictionary();
    static final AttributeTag TRANSACTION_UID = DICT.getTagFromName("TransactionUID");
    static final AttributeTag FAILED_SOP_SEQUENCE = DICT.getTagFromName("FailedSOPSequence");
    static final AttributeTag FAILURE_REASON = DICT.getTagFromName("FailureReason");
    static final AttributeTag ACTION_TYPE_ID = new AttributeTag(0x0000, 0x1008);
    static final AttributeTag EVENT_TYPE_ID = new AttributeTag(0x0000, 0x1002);

    private StgCmtScu() {
    }

    /** A report as the requester received it. */
    record Report(int eventType, String transactionUid, List<String> committed, Map<String, Integer> failed,
            String retrieveAet, String callingAet, boolean sameAssociation) {
    }

    /** What a request got: the N-ACTION-RSP status and, if it came on the same association, the report. */
    record Outcome(int actionStatus, String errorComment, Report report) {
    }

    /**
     * Requests storage commitment of {cuid, iuid} pairs.
     *
     * @param waitOnSameAssociation propose the SCP/SCU role for Storage Commitment and wait on
     *        the association for the report
     */
    static Outcome request(int port, String calledAet, String callingAet, String transactionUid, List<String[]> refs,
            boolean waitOnSameAssociation) throws Exception {
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        pcs.add(new PresentationContext((byte) 1, SOP_CLASS, TransferSyntax.ExplicitVRLittleEndian));
        LinkedList<SCUSCPRoleSelection> roles = null;
        if (waitOnSameAssociation) {
            roles = new LinkedList<>();
            roles.add(new SCUSCPRoleSelection(SOP_CLASS, true, true));
        }
        Association a = AssociationFactory.createNewAssociation("127.0.0.1", port, calledAet, callingAet, pcs, roles,
                false);
        try {
            AttributeList c = new AttributeList();
            ui(c, TagFromName.RequestedSOPClassUID, SOP_CLASS);
            us(c, TagFromName.CommandField, 0x0130);
            us(c, TagFromName.MessageID, 7);
            us(c, TagFromName.CommandDataSetType, 0x0000);
            ui(c, TagFromName.RequestedSOPInstanceUID, SOP_INSTANCE);
            us(c, ACTION_TYPE_ID, 1);
            AttributeList d = new AttributeList();
            ui(d, TRANSACTION_UID, transactionUid);
            SequenceAttribute seq = new SequenceAttribute(TagFromName.ReferencedSOPSequence);
            for (String[] r : refs) {
                AttributeList item = new AttributeList();
                ui(item, TagFromName.ReferencedSOPClassUID, r[0]);
                ui(item, TagFromName.ReferencedSOPInstanceUID, r[1]);
                seq.addItem(item);
            }
            d.put(seq.getTag(), seq);
            Collector rsp = new Collector();
            a.setReceivedDataHandler(rsp);
            a.send((byte) 1, command(c), encode(d, TransferSyntax.ExplicitVRLittleEndian));
            a.waitForPDataPDUsUntilHandlerReportsDone();
            AttributeList r = rsp.command();
            int field = Attribute.getSingleIntegerValueOrDefault(r, TagFromName.CommandField, -1);
            if (field != 0x8130) {
                throw new IllegalStateException(String.format("0x%04x instead of N-ACTION-RSP", field));
            }
            int status = Attribute.getSingleIntegerValueOrDefault(r, TagFromName.Status, -1);
            String comment = Attribute.getSingleStringValueOrNull(r, TagFromName.ErrorComment);
            Report report = null;
            if (waitOnSameAssociation && status == 0) {
                report = receiveReport(a, callingAet, true);
            }
            a.release();
            return new Outcome(status, comment, report);
        } catch (Exception e) {
            a.abort();
            throw e;
        }
    }

    /** Reads one N-EVENT-REPORT-RQ and answers it with success. */
    static Report receiveReport(Association a, String calledBy, boolean same) throws Exception {
        Collector rq = new Collector();
        a.setReceivedDataHandler(rq);
        a.waitForPDataPDUsUntilHandlerReportsDone();
        AttributeList c = rq.command();
        int field = Attribute.getSingleIntegerValueOrDefault(c, TagFromName.CommandField, -1);
        if (field != 0x0100) {
            throw new IllegalStateException(String.format("0x%04x instead of N-EVENT-REPORT-RQ", field));
        }
        byte pc = rq.pc;
        AttributeList d = new AttributeList();
        d.read(new DicomInputStream(new ByteArrayInputStream(rq.data.toByteArray()),
                a.getTransferSyntaxForPresentationContextID(pc), false));
        AttributeList r = new AttributeList();
        ui(r, TagFromName.AffectedSOPClassUID, SOP_CLASS);
        us(r, TagFromName.CommandField, 0x8100);
        us(r, TagFromName.MessageIDBeingRespondedTo,
                Attribute.getSingleIntegerValueOrDefault(c, TagFromName.MessageID, 0));
        us(r, TagFromName.CommandDataSetType, 0x0101);
        us(r, TagFromName.Status, 0);
        ui(r, TagFromName.AffectedSOPInstanceUID, SOP_INSTANCE);
        us(r, EVENT_TYPE_ID, Attribute.getSingleIntegerValueOrDefault(c, EVENT_TYPE_ID, 0));
        a.send(pc, command(r), null);
        List<String> ok = new ArrayList<>();
        Map<String, Integer> failed = new LinkedHashMap<>();
        if (d.get(TagFromName.ReferencedSOPSequence) instanceof SequenceAttribute s) {
            for (int i = 0; i < s.getNumberOfItems(); i++) {
                ok.add(Attribute.getSingleStringValueOrEmptyString(s.getItem(i).getAttributeList(),
                        TagFromName.ReferencedSOPInstanceUID));
            }
        }
        if (d.get(FAILED_SOP_SEQUENCE) instanceof SequenceAttribute s) {
            for (int i = 0; i < s.getNumberOfItems(); i++) {
                AttributeList item = s.getItem(i).getAttributeList();
                failed.put(Attribute.getSingleStringValueOrEmptyString(item, TagFromName.ReferencedSOPInstanceUID),
                        Attribute.getSingleIntegerValueOrDefault(item, FAILURE_REASON, -1));
            }
        }
        return new Report(Attribute.getSingleIntegerValueOrDefault(c, EVENT_TYPE_ID, -1),
                Attribute.getSingleStringValueOrEmptyString(d, TRANSACTION_UID), ok, failed,
                Attribute.getSingleStringValueOrEmptyString(d, TagFromName.RetrieveAETitle), calledBy, same);
    }

    /** The requester's own listening side: takes N-EVENT-REPORTs on associations the node opens. */
    static final class Receiver implements AutoCloseable {
        final int port;
        final BlockingQueue<Report> reports = new LinkedBlockingQueue<>();
        private final ServerSocket server;
        private final Thread thread;

        Receiver(String aet, int port) throws IOException {
            this(aet, plain(port));
        }

        private static ServerSocket plain(int port) throws IOException {
            ServerSocket s = new ServerSocket();
            s.setReuseAddress(true);
            s.bind(new InetSocketAddress("127.0.0.1", port));
            return s;
        }

        /** On a socket already listening, e.g. a TLS one (TlsTest). */
        Receiver(String aet, ServerSocket listening) {
            this.port = listening.getLocalPort();
            server = listening;
            thread = new Thread(() -> {
                while (!server.isClosed()) {
                    Socket s;
                    try {
                        s = server.accept();
                    } catch (IOException e) {
                        continue;
                    }
                    // one thread per association: PixelMed lingers after a release
                    Thread t = new Thread(() -> serve(aet, s), "stgcmt-receiver-assoc");
                    t.setDaemon(true);
                    t.start();
                }
            }, "stgcmt-receiver-" + aet);
            thread.setDaemon(true);
            thread.start();
        }

        private void serve(String aet, Socket s) {
            try (s) {
                Association a = AssociationFactory.createNewAssociation(s, aet, new AcceptCommitment());
                Report r = receiveReport(a, a.getCallingAETitle(), false);
                reports.add(new Report(r.eventType(), r.transactionUid(), r.committed(), r.failed(), r.retrieveAet(),
                        a.getCallingAETitle(), false));
                try {
                    a.waitForPDataPDUsUntilHandlerReportsDone();
                } catch (AReleaseException released) {
                    // the node released the association: done
                }
            } catch (Exception e) {
                // the next connection
            }
        }

        Report next(long seconds) throws InterruptedException {
            return reports.poll(seconds, TimeUnit.SECONDS);
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** Accepts the Storage Commitment SOP Class in Explicit or Implicit VR Little Endian. */
    static final class AcceptCommitment implements PresentationContextSelectionPolicy {
        @Override
        public LinkedList applyPresentationContextSelectionPolicy(LinkedList pcs, int n, int debugLevel) {
            return applyPresentationContextSelectionPolicy(pcs, n);
        }

        @Override
        public LinkedList applyPresentationContextSelectionPolicy(LinkedList pcs, int n) {
            for (Object o : pcs) {
                PresentationContext pc = (PresentationContext) o;
                String chosen = null;
                for (Object t : pc.getTransferSyntaxUIDs()) {
                    if (TransferSyntax.ExplicitVRLittleEndian.equals(t) || TransferSyntax.ImplicitVRLittleEndian.equals(t)) {
                        chosen = (String) t;
                        break;
                    }
                }
                pc.newTransferSyntaxUIDs();
                if (!SOP_CLASS.equals(pc.getAbstractSyntaxUID()) || chosen == null) {
                    pc.setResultReason((byte) 3);
                } else {
                    pc.addTransferSyntaxUID(chosen);
                    pc.setResultReason((byte) 0);
                }
            }
            return pcs;
        }
    }

    /** Collects one message: command, and data set when the command announces one. */
    static final class Collector extends CompositeResponseHandler {
        final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream();
        final ByteArrayOutputStream data = new ByteArrayOutputStream();
        byte pc;
        private AttributeList command;

        @Override
        public void sendPDataIndication(PDataPDU pdu, Association association) throws IOException {
            for (Object o : pdu.getPDVList()) {
                PresentationDataValue pdv = (PresentationDataValue) o;
                pc = pdv.getPresentationContextID();
                if (pdv.isCommand()) {
                    commandBytes.write(pdv.getValue());
                    if (pdv.isLastFragment()) {
                        command = new AttributeList();
                        try {
                            command.read(new DicomInputStream(new ByteArrayInputStream(commandBytes.toByteArray()),
                                    TransferSyntax.ImplicitVRLittleEndian, false));
                        } catch (com.pixelmed.dicom.DicomException e) {
                            throw new IOException(e);
                        }
                        if (Attribute.getSingleIntegerValueOrDefault(command, TagFromName.CommandDataSetType, 0x0101)
                                == 0x0101) {
                            setDone(true);
                        }
                    }
                } else {
                    data.write(pdv.getValue());
                    if (pdv.isLastFragment()) {
                        setDone(true);
                    }
                }
            }
        }

        AttributeList command() {
            return command;
        }

        @Override
        protected void evaluateStatusAndSetSuccess(AttributeList list) {
            // not used: sendPDataIndication is ours
        }
    }

    static byte[] command(AttributeList c) throws Exception {
        byte[] body = encode(c, TransferSyntax.ImplicitVRLittleEndian);
        UnsignedLongAttribute gl = new UnsignedLongAttribute(new AttributeTag(0, 0));
        gl.addValue(body.length);
        c.put(gl.getTag(), gl);
        return encode(c, TransferSyntax.ImplicitVRLittleEndian);
    }

    public static byte[] encode(AttributeList l, String ts) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(b, null, ts);
        l.write(d);
        d.flush();
        return b.toByteArray();
    }

    static void ui(AttributeList l, AttributeTag t, String v) throws Exception {
        UniqueIdentifierAttribute a = new UniqueIdentifierAttribute(t);
        a.addValue(v);
        l.put(t, a);
    }

    static void us(AttributeList l, AttributeTag t, int v) throws Exception {
        UnsignedShortAttribute a = new UnsignedShortAttribute(t);
        a.addValue(v);
        l.put(t, a);
    }
}
