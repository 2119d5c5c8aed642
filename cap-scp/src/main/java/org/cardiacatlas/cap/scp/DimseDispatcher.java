package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.network.AReleaseException;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import java.io.InputStream;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The service loop of one association: receive a request, hand it to its service, turn the
 * outcome (or the {@link DicomServiceException}) into the response. The only place where
 * failures become responses.
 */
final class DimseDispatcher {

    private static final Logger LOG = LoggerFactory.getLogger(DimseDispatcher.class);

    private final DimseServiceRegistry registry;
    private final java.util.function.BooleanSupplier stopping;

    DimseDispatcher(DimseServiceRegistry registry, java.util.function.BooleanSupplier stopping) {
        this.registry = registry;
        this.stopping = stopping;
    }

    /**
     * Serves requests until the peer releases (normal return) or the association fails
     * (exception). When the server is stopping, the association ends after the response to the
     * request in progress.
     */
    void serve(Association association, InputStream peerInput, AssociationContext context)
            throws DicomNetworkException {
        while (true) {
            DimseReceiver receiver = new DimseReceiver(registry, context);
            association.setReceivedDataHandler(receiver);
            try {
                association.waitForPDataPDUsUntilHandlerReportsDone();
            } catch (AReleaseException e) {
                receiver.abandon();
                return;
            } catch (DicomNetworkException | RuntimeException e) {
                receiver.abandon();
                throw e;
            }
            DimseRequest rq = receiver.request();
            if ((rq.commandField() & 0x8000) != 0) {
                // the response to a request this node sent on the association (PeerRequests)
                if (!context.peerRequests().complete(rq.command())) {
                    LOG.warn("unexpected response command 0x{} ignored", Integer.toHexString(rq.commandField()));
                }
                context.busy = false;
                continue;
            }
            if (rq.commandField() == DimseRequest.C_CANCEL_RQ) {
                // it came after the final response of its request: nothing left to cancel, and a
                // C-CANCEL-RQ has no response (PS3.7 9.3.2.3)
                LOG.debug("C-CANCEL-RQ for message {} after its final response: ignored",
                        Attribute.getSingleIntegerValueOrDefault(rq.command(),
                                TagFromName.MessageIDBeingRespondedTo, -1));
                context.busy = false;
                continue;
            }
            DimseResponse response;
            try {
                response = dispatch(rq, receiver.refusal(), new ResponseChannel(association, peerInput, rq));
            } catch (ResponseChannel.PeerGone e) {
                // the peer went away while pending responses were sent: nothing left to answer
                throw new DicomNetworkException(e.getMessage());
            }
            byte[] data = response.dataSet() == null ? null
                    : ResponseChannel.encode(response.dataSet(), rq.transferSyntaxUid());
            synchronized (context.peerRequests().sendLock()) {
                Messages.send(association, rq.presentationContextId(), CommandSets.response(rq, response, data != null),
                        data);
            }
            for (Runnable r : rq.afterResponse()) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    LOG.warn("after the response to {}: {}", rq.describe(), e.toString());
                }
            }
            context.busy = false;
            if (stopping.getAsBoolean()) {
                throw new DicomNetworkException("server stopping");
            }
        }
    }

    private DimseResponse dispatch(DimseRequest rq, DicomServiceException refusal, ResponseChannel channel) {
        DimseService service = registry.get(rq.commandField());
        try {
            if (refusal != null) {
                throw refusal;
            }
            if (service == null) {
                throw new DicomServiceException(DicomServiceException.UNRECOGNIZED_OPERATION,
                        String.format("command 0x%04x not supported", rq.commandField()));
            }
            DimseResponse r = service.serve(rq, channel);
            rq.audit(r.status(), r.errorComment()).write();
            return r;
        } catch (DicomServiceException e) {
            rq.association().failures++;
            LOG.warn("{} failed: status {} ({}){}", rq.describe(), String.format("0x%04X", e.status()), e.getMessage(),
                    e.getCause() == null ? "" : ", cause: " + e.getCause());
            LOG.debug("failure trace", e);
            rq.audit(e.status(), e.getMessage()).write();
            return new DimseResponse(e.status(), e.errorComment(), null);
        } catch (ResponseChannel.PeerGone e) {
            throw e;
        } catch (RuntimeException e) {
            rq.association().failures++;
            LOG.error("{} failed: status 0x0110 (internal error: {})", rq.describe(), e.toString());
            LOG.debug("failure trace", e);
            rq.audit(DicomServiceException.PROCESSING_FAILURE, "internal error: " + e).write();
            return new DimseResponse(DicomServiceException.PROCESSING_FAILURE, "internal error: " + e, null);
        } finally {
            if (rq.data() != null) {
                rq.data().discard();
            }
        }
    }
}
