package org.cardiacatlas.cap.scp;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The two fixed-size PDUs this server sends before PixelMed takes a connection over:
 * A-ASSOCIATE-RJ (PS3.8 9.3.4) and A-ABORT (PS3.8 9.3.8).
 */
final class UpperLayerReplies {

    /** Result 1 = rejected-permanent, 2 = rejected-transient. */
    static final int PERMANENT = 1;
    static final int TRANSIENT = 2;
    /** Source 1 = service-user; reasons 3 calling AE not recognized, 7 called AE not recognized. */
    static final int SERVICE_USER = 1;
    static final int CALLING_AE_NOT_RECOGNIZED = 3;
    static final int CALLED_AE_NOT_RECOGNIZED = 7;
    /** Source 3 = service-provider (presentation); reason 2 = local limit exceeded. */
    static final int SERVICE_PROVIDER_PRESENTATION = 3;
    static final int LOCAL_LIMIT_EXCEEDED = 2;

    private UpperLayerReplies() {
    }

    static void reject(OutputStream out, int result, int source, int reason) throws IOException {
        out.write(new byte[] {0x03, 0, 0, 0, 0, 4, 0, (byte) result, (byte) source, (byte) reason});
        out.flush();
    }

    /** Source 2 = service-provider, reason 1 = unrecognized PDU. */
    static void abortUnrecognizedPdu(OutputStream out) throws IOException {
        out.write(new byte[] {0x07, 0, 0, 0, 0, 4, 0, 0, 2, 1});
        out.flush();
    }
}
