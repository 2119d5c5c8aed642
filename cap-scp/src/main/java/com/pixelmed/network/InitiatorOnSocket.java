package com.pixelmed.network;

import com.pixelmed.utils.ByteArray;
import java.io.IOException;
import java.net.Socket;
import java.util.LinkedList;

/**
 * An association this node requests on a socket it has already connected, e.g. a TLS socket
 * made by the JDK from the node's keystore and truststore (issue 10). PixelMed's own
 * {@code AssociationInitiator} always opens its socket itself, and for TLS only with the JVM's
 * default context, TLS 1.0 and AES-128-CBC-SHA, which today's peers and JDKs refuse.
 *
 * <p>The negotiation is PixelMed's: the same A-ASSOCIATE-RQ PDU class and implementation class
 * UID as {@link AssociationFactory}, the same handling of A-ASSOCIATE-AC, -RJ and A-ABORT. It is
 * in PixelMed's package because those PDU classes are package-private. Everything after the
 * negotiation (P-DATA, release, abort) is {@link Association}'s, unchanged.
 */
public final class InitiatorOnSocket extends Association {

    /** What {@link AssociationFactory} proposes: its maximum PDU length and socket buffers. */
    private static final int OUR_MAXIMUM_LENGTH = AssociationFactory.getDefaultMaximumLengthReceived();
    private static final int BUFFER = AssociationFactory.getDefaultReceiveBufferSize();

    private InitiatorOnSocket() {
    }

    /**
     * Sends the A-ASSOCIATE-RQ on {@code connected} and reads the answer; the socket is closed
     * when no association results.
     */
    @SuppressWarnings({"rawtypes", "unchecked"})
    public static Association open(Socket connected, String calledAet, String callingAet,
            LinkedList presentationContexts, LinkedList scuScpRoleSelections) throws DicomNetworkException, IOException {
        InitiatorOnSocket a = new InitiatorOnSocket();
        a.calledAETitle = calledAet;
        a.callingAETitle = callingAet;
        a.presentationContexts = presentationContexts;
        a.scuSCPRoleSelections = scuScpRoleSelections;
        a.socket = connected;
        try {
            AssociateRequestPDU rq = new AssociateRequestPDU(calledAet, callingAet, "1.3.6.1.4.1.5962.99.2",
                    "PIXELMEDJAVA001", OUR_MAXIMUM_LENGTH, presentationContexts, scuScpRoleSelections, 0, (String) null, (String) null);
            a.setSocketOptions(connected, OUR_MAXIMUM_LENGTH, BUFFER, BUFFER);
            a.in = connected.getInputStream();
            a.out = connected.getOutputStream();
            a.out.write(rq.getBytes());
            a.out.flush();
            byte[] header = new byte[6];
            readInsistently(a.in, header, 0, 6, "type and length of PDU");
            int type = header[0] & 0xff;
            int length = ByteArray.bigEndianToUnsignedInt(header, 2, 4);
            switch (type) {
                case 0x02 -> {
                    AssociateAcceptPDU ac = new AssociateAcceptPDU(getRestOfPDU(a.in, header, length));
                    a.presentationContexts = ac.getAcceptedPresentationContextsWithAbstractSyntaxIncludedFromRequest(
                            a.presentationContexts);
                    if (a.maximumLengthReceived == 0 || ac.getMaximumLengthReceived() < a.maximumLengthReceived) {
                        a.maximumLengthReceived = ac.getMaximumLengthReceived();
                    }
                    return a;
                }
                case 0x03 -> {
                    AssociateRejectPDU rj = new AssociateRejectPDU(getRestOfPDU(a.in, header, length));
                    throw new DicomNetworkException("A-ASSOCIATE-RJ indication - " + rj.getInfo());
                }
                case 0x07 -> {
                    AAbortPDU ab = new AAbortPDU(getRestOfPDU(a.in, header, length));
                    throw new DicomNetworkException("A-ABORT indication - " + ab.getInfo());
                }
                default -> {
                    AAbortPDU ab = new AAbortPDU(2, 2);
                    a.out.write(ab.getBytes());
                    a.out.flush();
                    throw new DicomNetworkException("A-P-ABORT indication - unexpected PDU type 0x"
                            + Integer.toHexString(type) + " in answer to A-ASSOCIATE-RQ");
                }
            }
        } catch (DicomNetworkException | IOException | RuntimeException e) {
            try {
                connected.close();
            } catch (IOException ignored) {
                // the failure is what the caller needs to know
            }
            throw e;
        }
    }

    @Override
    public String getCallingAEHostName() {
        return getLocalHostName();
    }

    @Override
    public String getCalledAEHostName() {
        return getRemoteHostName();
    }

    @Override
    public int getCallingAEPort() {
        return getLocalPort();
    }

    @Override
    public int getCalledAEPort() {
        return getRemotePort();
    }
}
