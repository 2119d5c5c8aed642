package org.cardiacatlas.cap.scp;

import com.pixelmed.network.Association;
import com.pixelmed.network.AssociationFactory;
import com.pixelmed.network.DicomNetworkException;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * One connection, from the first PDU to the close: access control on the A-ASSOCIATE-RQ,
 * PixelMed's acceptor for the negotiation, then the DIMSE service loop. Logs one line when the
 * association opens (or is refused) and one when it ends, with its totals.
 */
final class AssociationHandler implements Runnable {

    private static final Logger LOG = LoggerFactory.getLogger(AssociationHandler.class);

    /** Settings of the acceptor that do not change while the server runs. */
    record Settings(String aet, boolean checkCalledAet, Set<String> allowedCallingAets, int maxPduLength,
            int idleTimeoutMillis, int maxAssociations, int associateTimeoutMillis, int maxPerAddress) {
    }

    /** Where the listener decides whether a complete A-ASSOCIATE-RQ gets a slot. */
    interface Admission {
        /** Called once the request is complete: null if admitted, else why not (a transient rejection). */
        String admit();
    }

    private final Socket socket;
    private final AssociationContext ctx;
    private final Settings settings;
    private final DimseDispatcher dispatcher;
    private final ServicePresentationContextPolicy policy;
    private final Admission admission;
    private final Runnable onEnd;

    AssociationHandler(Socket socket, AssociationContext ctx, Settings settings, DimseDispatcher dispatcher,
            ServicePresentationContextPolicy policy, Admission admission, Runnable onEnd) {
        this.socket = socket;
        this.ctx = ctx;
        this.settings = settings;
        this.dispatcher = dispatcher;
        this.policy = policy;
        this.admission = admission;
        this.onEnd = onEnd;
    }

    @Override
    public void run() {
        MDC.put("assoc", ctx.toString());
        try {
            serve(ctx);
        } finally {
            MDC.remove("assoc");
            closeQuietly();
            onEnd.run();
        }
    }

    private void serve(AssociationContext ctx) {
        AssociateRequestPeek rq;
        PduDeadlineStream in;
        try {
            socket.setTcpNoDelay(true);
            // the whole request within the associate timeout, however it is trickled
            in = new PduDeadlineStream(socket, settings.associateTimeoutMillis(), settings.idleTimeoutMillis());
            rq = AssociateRequestPeek.read(in);
        } catch (AssociateRequestPeek.NotAnAssociationRequest e) {
            LOG.warn("connection refused: {}", e.getMessage());
            ctx.audit("CONNECT").with("status", "refused").with("detail", e.getMessage()).write();
            try {
                UpperLayerReplies.abortUnrecognizedPdu(socket.getOutputStream());
            } catch (IOException ignored) {
                // the peer is gone already
            }
            return;
        } catch (SocketTimeoutException e) {
            LOG.warn("connection closed: no complete A-ASSOCIATE-RQ within {} ms", settings.associateTimeoutMillis());
            ctx.audit("CONNECT").with("status", "refused").with("detail", "associate timeout").write();
            return;
        } catch (javax.net.ssl.SSLException e) {
            // a plain client on the TLS port, an untrusted certificate, an old protocol
            LOG.warn("connection refused: TLS handshake failed: {}", e.getMessage());
            ctx.audit("CONNECT").with("status", "refused").with("detail", "TLS handshake failed: " + e.getMessage()).write();
            return;
        } catch (IOException e) {
            LOG.warn("connection lost before association: {}", e.getMessage());
            return;
        }
        ctx.setAets(rq.callingAet, rq.calledAet);
        ctx.setRoleSelections(rq.roleSelections());
        MDC.put("assoc", ctx.toString());
        if (refused(ctx, rq)) {
            return;
        }
        Association association;
        PeekedSocket peeked;
        try {
            // relational queries where the SCU asks for them (PS3.4 C.5.1.1.1), answered in the accept
            java.util.Map<String, byte[]> extended = ExtendedNegotiation.requested(rq.bytes);
            java.util.Set<String> relational = ExtendedNegotiation.relationalQueries(extended);
            ctx.relationalQueries = relational;
            // and fuzzy semantic matching of person names (PS3.4 C.5.1.1.2), the query unit's rule
            java.util.Set<String> fuzzy = ExtendedNegotiation.fuzzyNameQueries(extended);
            ctx.fuzzyNameQueries = fuzzy;
            peeked = new PeekedSocket(socket, rq.bytes, in, ExtendedNegotiation.acceptSubItems(extended, relational,
                    fuzzy));
            // called AE title already checked (or deliberately not): let PixelMed accept the one asked for
            association = AssociationFactory.createNewAssociation(peeked,
                    settings.checkCalledAet() ? settings.aet() : rq.calledAet, settings.maxPduLength(), 0, 0, policy);
            peeked.wakeAfterRelease(association);
            ctx.peerRequests().attach(association);
        } catch (DicomNetworkException | IOException e) {
            LOG.warn("association negotiation failed: {}", e.getMessage());
            ctx.audit("ASSOCIATE").with("status", "failed").with("detail", e.getMessage()).write();
            return;
        }
        LOG.info("association accepted");
        String end = "released";
        String why = null;
        try {
            dispatcher.serve(association, peeked.getInputStream(), ctx);
            LOG.info("association released: {}", ctx.totals());
        } catch (DicomNetworkException e) {
            end = "aborted";
            why = ctx.closedByStop ? "server stopping" : e.getMessage();
            LOG.warn("association aborted ({}): {}", why, ctx.totals());
            abortQuietly(association);
        } catch (RuntimeException | Error e) {
            end = "aborted";
            why = "internal error: " + e;
            LOG.error("association aborted by an internal error: {}: {}", e, ctx.totals());
            LOG.debug("internal error", e);
            abortQuietly(association);
        }
        ctx.peerRequests().close();
        ctx.audit("ASSOCIATION").with("status", end).with("stored", ctx.stored).with("bytes", ctx.storedBytes)
                .with("failures", ctx.failures).with("queries", ctx.queries).with("matches", ctx.matches)
                .with("retrieves", ctx.retrieves).with("suboperations", ctx.subOperations)
                .with("millis", ctx.millis()).with("detail", why).write();
    }

    private boolean refused(AssociationContext ctx, AssociateRequestPeek rq) {
        try {
            if (settings.checkCalledAet() && !settings.aet().equals(rq.calledAet)) {
                LOG.warn("association rejected: called AE title '{}' is not ours ('{}')", rq.calledAet, settings.aet());
                ctx.audit("ASSOCIATE").with("status", "rejected").with("detail", "called AE title not recognized").write();
                UpperLayerReplies.reject(socket.getOutputStream(), UpperLayerReplies.PERMANENT,
                        UpperLayerReplies.SERVICE_USER, UpperLayerReplies.CALLED_AE_NOT_RECOGNIZED);
                return true;
            }
            if (!settings.allowedCallingAets().isEmpty() && !settings.allowedCallingAets().contains(rq.callingAet)) {
                LOG.warn("association rejected: calling AE title '{}' is not in the allow-list", rq.callingAet);
                ctx.audit("ASSOCIATE").with("status", "rejected").with("detail", "calling AE title not recognized").write();
                UpperLayerReplies.reject(socket.getOutputStream(), UpperLayerReplies.PERMANENT,
                        UpperLayerReplies.SERVICE_USER, UpperLayerReplies.CALLING_AE_NOT_RECOGNIZED);
                return true;
            }
            String limit = admission.admit();
            if (limit != null) {
                LOG.warn("association rejected: {}", limit);
                ctx.audit("ASSOCIATE").with("status", "rejected").with("detail", "local limit exceeded: " + limit).write();
                UpperLayerReplies.reject(socket.getOutputStream(), UpperLayerReplies.TRANSIENT,
                        UpperLayerReplies.SERVICE_PROVIDER_PRESENTATION, UpperLayerReplies.LOCAL_LIMIT_EXCEEDED);
                return true;
            }
        } catch (IOException e) {
            LOG.warn("association rejected, and the rejection could not be sent: {}", e.getMessage());
            return true;
        }
        return false;
    }

    private void abortQuietly(Association association) {
        try {
            association.abort();
        } catch (DicomNetworkException | RuntimeException ignored) {
            // the transport is gone: nothing to tell the peer
        }
    }

    private void closeQuietly() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
