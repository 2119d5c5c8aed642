package org.cardiacatlas.cap.common.log;

/**
 * Makes a value that may come from a peer (AE titles, UIDs, Patient IDs, error texts) safe for
 * a one-line log record: control characters (C0, DEL, C1) and the line and paragraph separators
 * become visible escapes, so a peer cannot start a forged line or send terminal escapes.
 */
public final class LogEscape {

    private LogEscape() {
    }

    public static String escape(String s) {
        if (s == null) {
            return null;
        }
        int i = 0;
        while (i < s.length() && !needsEscape(s.charAt(i))) {
            i++;
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(s.length() + 16).append(s, 0, i);
        for (; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!needsEscape(c)) {
                sb.append(c);
                continue;
            }
            switch (c) {
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> sb.append(String.format("\\x%02x", (int) c & 0xffff));
            }
        }
        return sb.toString();
    }

    static boolean needsEscape(char c) {
        return c < 0x20 || (c >= 0x7f && c <= 0x9f) || c == '\u2028' || c == '\u2029';
    }
}
