package org.cardiacatlas.cap.scp;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.network.Association;
import com.pixelmed.network.DicomNetworkException;
import com.pixelmed.network.PresentationContext;
import java.io.IOException;
import java.util.LinkedHashSet;
import java.util.LinkedList;
import java.util.List;
import java.util.Set;
import org.cardiacatlas.cap.retrieve.AeRow;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.codec.Codec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Patient Root and Study Root Query/Retrieve - MOVE (PS3.4 C.4.2): the instances named by the
 * identifier go to a destination of the {@code ae} table over a new association.
 */
public final class CMoveScp implements DimseService {

    private static final Logger LOG = LoggerFactory.getLogger(CMoveScp.class);
    static final int MOVE_DESTINATION_UNKNOWN = 0xA801;

    private final RetrieveIndex index;
    private final SubOperations subOperations;
    private final String aet;
    private final boolean strict;
    private final Outbound outbound;

    public CMoveScp(RetrieveIndex index, org.cardiacatlas.cap.store.ArchiveStorage storage, String aet,
            boolean verifyMd5) {
        this(index, storage, new Codec(), aet, verifyMd5, false, Outbound.withoutKeys());
    }

    /**
     * @param strict PATIENT level only in the Patient Root model (--strict-queries)
     * @param outbound opens the sub-operations' association, over TLS to destinations marked so
     */
    public CMoveScp(RetrieveIndex index, org.cardiacatlas.cap.store.ArchiveStorage storage, Codec codec, String aet,
            boolean verifyMd5, boolean strict, Outbound outbound) {
        this.index = index;
        this.subOperations = new SubOperations(storage, codec, verifyMd5);
        this.aet = aet;
        this.strict = strict;
        this.outbound = outbound;
    }

    @Override
    public int commandField() {
        return DimseRequest.C_MOVE_RQ;
    }

    @Override
    public boolean acceptsAbstractSyntax(String uid) {
        return uid.equals(RetrieveKeys.PATIENT_ROOT_MOVE) || uid.equals(RetrieveKeys.STUDY_ROOT_MOVE);
    }

    @Override
    public boolean acceptsTransferSyntax(String ts) {
        return DimseService.uncompressedLittleEndian(ts);
    }

    @Override
    public DimseResponse serve(DimseRequest rq, ResponseChannel channel) throws DicomServiceException {
        String destination = Attribute.getSingleStringValueOrEmptyString(rq.command(), TagFromName.MoveDestination).trim();
        AeRow ae = destination.isEmpty() ? null : index.destination(destination);
        if (ae == null || ae.hostname == null || ae.port == null) {
            throw new DicomServiceException(MOVE_DESTINATION_UNKNOWN, "move destination unknown: '" + destination + "'");
        }
        RetrieveKeys keys = RetrieveKeys.parse(rq, strict);
        List<LocatedInstance> instances = index.locate(keys.patientId, keys.studyUids, keys.seriesUids, keys.sopUids);
        rq.association().retrieves++;
        if (!instances.isEmpty()) {
            LocatedInstance first = instances.get(0);
            rq.about(first.patId, first.studyIuid, keys.seriesUids != null && keys.seriesUids.size() == 1
                    ? first.seriesIuid : null, 0);
        }
        LOG.info("C-MOVE {} to {} ({}:{}{}): {} instances", keys.describe(), destination, ae.hostname, ae.port,
                ae.tls() ? " TLS" : "", instances.size());
        SubOperations.Tally empty = new SubOperations.Tally(0);
        if (instances.isEmpty()) {
            return empty.finalResponse(null);
        }
        Association target;
        try {
            target = outbound.open(ae, aet, presentationContexts(instances), null);
            noDelay(target);
        } catch (DicomNetworkException | IOException e) {
            SubOperations.Tally t = new SubOperations.Tally(instances.size());
            t.remaining = 0;
            t.failed = instances.size();
            instances.forEach(li -> t.failedUids.add(li.sopIuid));
            String why = "destination " + destination + " refused or unreachable: " + e.getMessage();
            LOG.warn("C-MOVE {} failed: {}", keys.describe(), why);
            return t.finalResponse(why);
        }
        String[] why = new String[1];
        SubOperations.Tally t = subOperations.run(target, instances, rq.association().callingAet(), rq.messageId(),
                rq, channel, why);
        try {
            target.release();
        } catch (DicomNetworkException e) {
            LOG.debug("release of the association to {} failed: {}", destination, e.getMessage());
        }
        LOG.info("C-MOVE to {} done: {} completed, {} failed, {} warnings{}", destination, t.completed, t.failed, t.warning,
                t.cancelled ? ", cancelled" : "");
        return t.finalResponse(why[0]);
    }

    /**
     * PixelMed opens the socket of an association it initiates itself and leaves Nagle's
     * algorithm on, which with the peer's delayed ACKs stalls each sub-operation by tens of
     * milliseconds; and it writes each PDU header byte by byte, flushing after each PDU, so the
     * stream is buffered as on the associations we accept (PeekedSocket). Its Association keeps
     * both in protected fields.
     */
    static void noDelay(Association a) {
        try {
            java.lang.reflect.Field socket = Association.class.getDeclaredField("socket");
            socket.setAccessible(true);
            ((java.net.Socket) socket.get(a)).setTcpNoDelay(true);
            java.lang.reflect.Field out = Association.class.getDeclaredField("out");
            out.setAccessible(true);
            out.set(a, new java.io.BufferedOutputStream((java.io.OutputStream) out.get(a), 64 * 1024));
        } catch (ReflectiveOperationException | java.net.SocketException | RuntimeException e) {
            LOG.debug("cannot tune the sub-operation association's socket: {}", e.toString());
        }
    }

    private static final List<String> LOSSLESS_COMPRESSED = List.of("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90",
            "1.2.840.10008.1.2.4.70", "1.2.840.10008.1.2.5");

    /**
     * The stored transfer syntax of each SOP class first, uncompressed ones as the fallback, then
     * lossless compressed ones (PS3.8 9.3.2.2).
     */
    static LinkedList<PresentationContext> presentationContexts(List<LocatedInstance> instances) {
        Set<String> stored = new LinkedHashSet<>();
        Set<String> classes = new LinkedHashSet<>();
        for (LocatedInstance li : instances) {
            stored.add(li.sopCuid + "|" + li.fileTsuid);
            classes.add(li.sopCuid);
        }
        LinkedList<PresentationContext> pcs = new LinkedList<>();
        int id = 1;
        for (String s : stored) {
            if (id > 255) {
                break;
            }
            String[] p = s.split("\\|");
            pcs.add(new PresentationContext((byte) id, p[0], p[1]));
            id += 2;
        }
        for (String c : classes) {
            if (id > 255) {
                break;
            }
            LinkedList<String> ts = new LinkedList<>(List.of(TransferSyntax.ExplicitVRLittleEndian,
                    TransferSyntax.ImplicitVRLittleEndian));
            pcs.add(new PresentationContext((byte) id, c, ts));
            id += 2;
        }
        // for a destination without the uncompressed ones: the lossless compressions the codec
        // converts to (Codec.chooseTransferSyntax picks among what was accepted)
        for (String c : classes) {
            if (id > 255) {
                break;
            }
            pcs.add(new PresentationContext((byte) id, c, new LinkedList<>(LOSSLESS_COMPRESSED)));
            id += 2;
        }
        return pcs;
    }
}
