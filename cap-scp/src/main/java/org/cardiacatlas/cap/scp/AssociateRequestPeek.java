package org.cardiacatlas.cap.scp;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * The first PDU of a connection, read before PixelMed sees it, so that the calling and called
 * AE titles can be checked and refused with a proper A-ASSOCIATE-RJ (PixelMed's acceptor only
 * checks the called title). Layout of the A-ASSOCIATE-RQ: PS3.8 9.3.2.
 */
final class AssociateRequestPeek {

    /** An A-ASSOCIATE-RQ with a hundred presentation contexts is a few kilobytes. */
    static final int MAX_LENGTH = 1 << 20;

    final byte[] bytes;
    final String calledAet;
    final String callingAet;

    private AssociateRequestPeek(byte[] bytes, String calledAet, String callingAet) {
        this.bytes = bytes;
        this.calledAet = calledAet;
        this.callingAet = callingAet;
    }

    /** Thrown for whatever is not an A-ASSOCIATE-RQ: garbage, another protocol, an early close. */
    static final class NotAnAssociationRequest extends IOException {
        NotAnAssociationRequest(String message) {
            super(message);
        }
    }

    static AssociateRequestPeek read(InputStream in) throws IOException {
        byte[] head = new byte[6];
        int n = readFully(in, head, 0, 6);
        if (n == 0) {
            throw new NotAnAssociationRequest("connection closed before any PDU");
        }
        if (n < 6) {
            throw new NotAnAssociationRequest("connection closed after " + n + " bytes");
        }
        int type = head[0] & 0xff;
        long length = ((head[2] & 0xffL) << 24) | ((head[3] & 0xffL) << 16) | ((head[4] & 0xffL) << 8) | (head[5] & 0xffL);
        if (type != 0x01) {
            throw new NotAnAssociationRequest(String.format("first PDU is not an A-ASSOCIATE-RQ (type 0x%02x, bytes %s)",
                    type, printable(head)));
        }
        if (length < 68 || length > MAX_LENGTH) {
            throw new NotAnAssociationRequest("A-ASSOCIATE-RQ with implausible length " + length);
        }
        byte[] all = new byte[6 + (int) length];
        System.arraycopy(head, 0, all, 0, 6);
        if (readFully(in, all, 6, (int) length) < length) {
            throw new NotAnAssociationRequest("connection closed inside the A-ASSOCIATE-RQ");
        }
        // after the 6-byte header: protocol version (2), reserved (2), called AE (16), calling AE (16)
        String called = new String(all, 10, 16, StandardCharsets.US_ASCII).trim();
        String calling = new String(all, 26, 16, StandardCharsets.US_ASCII).trim();
        return new AssociateRequestPeek(all, called, calling);
    }

    /**
     * The abstract syntaxes of the request's SCP/SCU Role Selection sub-items, read by PixelMed's
     * own A-ASSOCIATE-RQ parser (package-private there, so reached by reflection; its acceptor
     * reads them but does not keep them). Empty when there are none or they cannot be read.
     */
    java.util.Set<String> roleSelections() {
        try {
            Class<?> c = Class.forName("com.pixelmed.network.AssociateRequestPDU");
            java.lang.reflect.Constructor<?> k = c.getDeclaredConstructor(byte[].class);
            k.setAccessible(true);
            Object pdu = k.newInstance((Object) bytes);
            java.lang.reflect.Method m = c.getMethod("getSCUSCPRoleSelections");
            m.setAccessible(true);
            java.util.Set<String> out = new java.util.HashSet<>();
            for (Object o : (java.util.List<?>) m.invoke(pdu)) {
                out.add(((com.pixelmed.network.SCUSCPRoleSelection) o).getAbstractSyntaxUID().trim());
            }
            return out;
        } catch (ReflectiveOperationException | RuntimeException e) {
            return java.util.Set.of();
        }
    }

    private static int readFully(InputStream in, byte[] b, int off, int len) throws IOException {
        int total = 0;
        while (total < len) {
            int r;
            try {
                r = in.read(b, off + total, len - total);
            } catch (EOFException e) {
                r = -1;
            }
            if (r < 0) {
                break;
            }
            total += r;
        }
        return total;
    }

    private static String printable(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte x : b) {
            sb.append(x >= 32 && x < 127 ? (char) x : '.');
        }
        return "'" + sb + "'";
    }
}
