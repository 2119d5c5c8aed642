package org.cardiacatlas.cap.scp;

import java.io.ByteArrayOutputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.cardiacatlas.cap.query.InformationModel;

/**
 * SOP Class Extended Negotiation (PS3.7 D.3.3.5, PS3.8 9.3.2.3) for relational queries
 * (PS3.4 C.5.1.1.1): read from the A-ASSOCIATE-RQ, answered in the A-ASSOCIATE-AC. PixelMed's
 * acceptor neither reports the request's sub-items nor writes any in its accept, so the
 * request is read here from the peeked PDU and the accept PixelMed writes gets the answering
 * sub-items appended to its User Information item ({@link #acceptRewriter}).
 */
final class ExtendedNegotiation {

    static final int USER_INFORMATION_ITEM = 0x50;
    static final int SOP_CLASS_EXTENDED_NEGOTIATION = 0x56;

    private ExtendedNegotiation() {
    }

    /** The sub-items 56H of an A-ASSOCIATE-RQ: SOP Class UID to its service-class application information. */
    static Map<String, byte[]> requested(byte[] pdu) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        // 6-byte PDU header, then protocol version, reserved, two AE titles, 32 reserved bytes
        int p = 74;
        while (p + 4 <= pdu.length) {
            int type = pdu[p] & 0xff;
            int len = u16(pdu, p + 2);
            int end = Math.min(pdu.length, p + 4 + len);
            if (type == USER_INFORMATION_ITEM) {
                int q = p + 4;
                while (q + 4 <= end) {
                    int subType = pdu[q] & 0xff;
                    int subLen = u16(pdu, q + 2);
                    int subEnd = q + 4 + subLen;
                    if (subEnd > end) {
                        break;
                    }
                    if (subType == SOP_CLASS_EXTENDED_NEGOTIATION && subLen >= 2) {
                        int uidLen = u16(pdu, q + 4);
                        if (q + 6 + uidLen <= subEnd) {
                            String uid = new String(pdu, q + 6, uidLen, StandardCharsets.US_ASCII).trim()
                                    .replace("\0", "");
                            byte[] info = new byte[subEnd - (q + 6 + uidLen)];
                            System.arraycopy(pdu, q + 6 + uidLen, info, 0, info.length);
                            out.put(uid, info);
                        }
                    }
                    q = subEnd;
                }
            }
            p = end;
        }
        return out;
    }

    /** The FIND SOP Classes for which the SCU asked for relational queries (first byte 1). */
    static Set<String> relationalQueries(Map<String, byte[]> requested) {
        Set<String> out = new LinkedHashSet<>();
        requested.forEach((uid, info) -> {
            if (InformationModel.ofFindSopClass(uid) != null && info.length >= 1 && info[0] == 1) {
                out.add(uid);
            }
        });
        return out;
    }

    /**
     * The FIND SOP Classes for which the SCU asked for fuzzy semantic matching of person names
     * (third byte 1, PS3.4 C.5.1.1.2): the query unit's rule, as QIDO-RS fuzzymatching=true.
     */
    static Set<String> fuzzyNameQueries(Map<String, byte[]> requested) {
        Set<String> out = new LinkedHashSet<>();
        requested.forEach((uid, info) -> {
            if (InformationModel.ofFindSopClass(uid) != null && info.length >= 3 && info[2] == 1) {
                out.add(uid);
            }
        });
        return out;
    }

    /** As {@link #acceptSubItems(Map, Set, Set)} without fuzzy matching. */
    static byte[] acceptSubItems(Map<String, byte[]> requested, Set<String> granted) {
        return acceptSubItems(requested, granted, Set.of());
    }

    /**
     * The sub-items of the accept: relational queries (first byte) and fuzzy semantic matching
     * of person names (third byte) supported (1) where asked and granted, and 0 for whatever
     * else the SCU asked about (combined date-time matching, timezone adjustment: PS3.4 C.5.1.1.2).
     */
    static byte[] acceptSubItems(Map<String, byte[]> requested, Set<String> granted, Set<String> fuzzy) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        Set<String> answered = new LinkedHashSet<>(granted);
        answered.addAll(fuzzy);
        for (String uid : answered) {
            byte[] info = new byte[Math.max(fuzzy.contains(uid) ? 3 : 1, requested.get(uid).length)];
            info[0] = (byte) (granted.contains(uid) ? 1 : 0);
            if (fuzzy.contains(uid)) {
                info[2] = 1;
            }
            byte[] u = uid.getBytes(StandardCharsets.US_ASCII);
            int len = 2 + u.length + info.length;
            b.write(SOP_CLASS_EXTENDED_NEGOTIATION);
            b.write(0);
            b.write(len >> 8);
            b.write(len);
            b.write(u.length >> 8);
            b.write(u.length);
            b.writeBytes(u);
            b.writeBytes(info);
        }
        return b.toByteArray();
    }

    /** The A-ASSOCIATE-AC with the sub-items added to its User Information item; other PDUs unchanged. */
    static byte[] addToAccept(byte[] pdu, byte[] subItems) {
        if (subItems.length == 0 || pdu.length < 74 || (pdu[0] & 0xff) != 0x02) {
            return pdu;
        }
        int p = 74;
        while (p + 4 <= pdu.length) {
            int len = u16(pdu, p + 2);
            if ((pdu[p] & 0xff) == USER_INFORMATION_ITEM && p + 4 + len <= pdu.length) {
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                b.write(pdu, 0, p + 4 + len);
                b.writeBytes(subItems);
                b.write(pdu, p + 4 + len, pdu.length - (p + 4 + len));
                byte[] out = b.toByteArray();
                put16(out, p + 2, len + subItems.length);
                put32(out, 2, out.length - 6);
                return out;
            }
            p += 4 + len;
        }
        return pdu;
    }

    /**
     * A stream that holds back the first PDU written through it until it is whole, adds the
     * sub-items if it is an A-ASSOCIATE-AC, and passes everything after it through unchanged.
     */
    static OutputStream acceptRewriter(OutputStream out, byte[] subItems) {
        if (subItems == null || subItems.length == 0) {
            return out;
        }
        return new FilterOutputStream(out) {
            private ByteArrayOutputStream first = new ByteArrayOutputStream();

            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                if (first == null) {
                    out.write(b, off, len);
                    return;
                }
                first.write(b, off, len);
                byte[] sofar = first.toByteArray();
                if (sofar.length < 6) {
                    return;
                }
                long total = 6 + (((sofar[2] & 0xffL) << 24) | ((sofar[3] & 0xffL) << 16) | ((sofar[4] & 0xffL) << 8)
                        | (sofar[5] & 0xffL));
                if (sofar.length < total) {
                    return;
                }
                first = null;
                byte[] pdu = new byte[(int) total];
                System.arraycopy(sofar, 0, pdu, 0, pdu.length);
                out.write(addToAccept(pdu, subItems));
                out.write(sofar, pdu.length, sofar.length - pdu.length);
            }
        };
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static void put16(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 8);
        b[off + 1] = (byte) v;
    }

    private static void put32(byte[] b, int off, int v) {
        b[off] = (byte) (v >> 24);
        b[off + 1] = (byte) (v >> 16);
        b[off + 2] = (byte) (v >> 8);
        b[off + 3] = (byte) v;
    }
}
