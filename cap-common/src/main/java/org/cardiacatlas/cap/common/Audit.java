package org.cardiacatlas.cap.common;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log: one JSON object per line for each association, and each object stored, sent,
 * queried or refused (logger "audit", its own rolling file in conf/logback.xml). Field names:
 * time, assoc, calling, called, remote, op, status, patient, study, series, sop, bytes, matches,
 * detail. No patient names, no credentials.
 */
public final class Audit {

    private static final Logger LOG = LoggerFactory.getLogger("audit");

    private Audit() {
    }

    private static final java.util.HexFormat STATUS_HEX = java.util.HexFormat.of().withUpperCase();

    /**
     * A DIMSE status (16 bits, US) as four upper-case hex digits; String.format would parse its
     * pattern at every store.
     */
    static String statusHex(int status) {
        return STATUS_HEX.toHexDigits((short) status);
    }

    public static Event event(String op) {
        return new Event(op);
    }

    /** One line of the audit log, filled in and then written. */
    public static final class Event {
        private final Map<String, Object> fields = new LinkedHashMap<>();

        private Event(String op) {
            fields.put("time", Instant.now().toString());
            fields.put("op", op);
        }

        /** Any field; a null value is left out. */
        public Event with(String name, Object value) {
            if (value != null) {
                fields.put(name, value);
            }
            return this;
        }

        public Event status(int status) {
            return with("status", statusHex(status));
        }

        public void write() {
            if (LOG.isInfoEnabled()) {
                LOG.info(json(fields));
            }
        }
    }

    static String json(Map<String, Object> fields) {
        StringBuilder sb = new StringBuilder(256).append('{');
        boolean first = true;
        for (Map.Entry<String, Object> f : fields.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            quote(sb, f.getKey());
            sb.append(':');
            Object v = f.getValue();
            if (v instanceof Number || v instanceof Boolean) {
                sb.append(v);
            } else {
                quote(sb, String.valueOf(v));
            }
        }
        return sb.append('}').toString();
    }

    static void quote(StringBuilder sb, String s) {
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
                }
            }
        }
        sb.append('"');
    }
}
