package com.pixelmed.network;

/**
 * What the peer announced in association negotiation that PixelMed keeps to itself: the maximum
 * length of the P-DATA-TF PDUs it receives (PS3.8 D.1.1), which decides whether a small message
 * fits one PDU. In PixelMed's package because the field is protected and has no getter.
 */
public final class PeerLimits {

    private PeerLimits() {
    }

    /** The variable field's maximum length of a P-DATA-TF PDU to the peer; 0: no maximum. */
    public static int maximumPDataLength(Association a) {
        return a.maximumLengthReceived;
    }
}
