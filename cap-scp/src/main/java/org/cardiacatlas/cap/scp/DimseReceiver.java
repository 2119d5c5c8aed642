package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PDataPDU;
import com.pixelmed.network.PresentationDataValue;
import com.pixelmed.network.CompositeResponseHandler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.dicom.DataSets;

/**
 * Collects one request from P-DATA PDUs (PS3.8 9.3.5): the command fragments in memory, the
 * data set fragments into the sink its service opens. A request the service refuses before
 * its data arrives (or whose sink fails) still has its data consumed, then is answered with
 * the failure.
 *
 * <p>It extends PixelMed's CompositeResponseHandler only because that is the public way to
 * make a ReceivedDataHandler (whose constructor is package-private); it replaces all of its
 * behaviour.
 */
final class DimseReceiver extends CompositeResponseHandler {

    /** A command set is a few hundred bytes; more is not a DICOM peer. */
    private static final int MAX_COMMAND = 64 * 1024;

    private final DimseServiceRegistry registry;
    private final AssociationContext context;
    private final ByteArrayOutputStream commandBytes = new ByteArrayOutputStream(256);
    private DimseRequest request;
    private DataSetSink sink;
    private DicomServiceException refusal;

    DimseReceiver(DimseServiceRegistry registry, AssociationContext context) {
        this.registry = registry;
        this.context = context;
    }

    @Override
    public void sendPDataIndication(PDataPDU pdu, Association association)
            throws DicomNetworkException, DicomException, IOException {
        context.busy = true;
        for (Object o : pdu.getPDVList()) {
            PresentationDataValue pdv = (PresentationDataValue) o;
            byte[] value = pdv.getValue();
            if (pdv.isCommand()) {
                if (request != null) {
                    throw new DicomNetworkException("command fragment after a complete command");
                }
                if (commandBytes.size() + value.length > MAX_COMMAND) {
                    throw new DicomNetworkException("command set larger than " + MAX_COMMAND + " bytes");
                }
                commandBytes.write(value);
                if (pdv.isLastFragment()) {
                    commandComplete(pdv.getPresentationContextID(), association);
                }
            } else {
                if (request == null || !request.hasDataSet()) {
                    throw new DicomNetworkException("data set fragment without a command that announces one");
                }
                if (pdv.getPresentationContextID() != request.presentationContextId()) {
                    throw new DicomNetworkException("data set on presentation context " + pdv.getPresentationContextID()
                            + " but command on " + request.presentationContextId());
                }
                if (sink != null) {
                    try {
                        sink.write(value, 0, value.length);
                    } catch (IOException e) {
                        refusal = new DicomServiceException(DicomServiceException.OUT_OF_RESOURCES,
                                "cannot receive data set: " + e.getMessage(), e);
                        sink.discard();
                        sink = null;
                    }
                }
                if (pdv.isLastFragment()) {
                    setDone(true);
                }
            }
        }
    }

    private void commandComplete(byte pcid, Association association) throws DicomNetworkException, IOException {
        AttributeList command;
        try {
            // command sets are always Implicit VR Little Endian (PS3.7 6.3.1)
            command = DataSets.read(commandBytes.toByteArray(), TransferSyntax.ImplicitVRLittleEndian);
        } catch (DicomException | IOException e) {
            throw new DicomNetworkException("unreadable command set: " + e.getMessage());
        }
        request = new DimseRequest(context, command, pcid, association.getTransferSyntaxForPresentationContextID(pcid));
        if (!request.hasDataSet()) {
            setDone(true);
            return;
        }
        DimseService service = registry.get(request.commandField());
        if (service == null) {
            return;
        }
        try {
            sink = service.openDataSet(request);
            request.setData(sink);
        } catch (DicomServiceException e) {
            refusal = e;
        }
    }

    @Override
    protected void evaluateStatusAndSetSuccess(AttributeList list) {
        // never called: sendPDataIndication is ours
    }

    DimseRequest request() {
        return request;
    }

    DicomServiceException refusal() {
        return refusal;
    }

    /** The association ended in the middle of a request: nothing of it may stay. */
    void abandon() {
        if (sink != null) {
            sink.discard();
            sink = null;
        }
    }
}
