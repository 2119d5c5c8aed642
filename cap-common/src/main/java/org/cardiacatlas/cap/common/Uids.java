package org.cardiacatlas.cap.common;

/** DICOM UID syntax, PS3.5 9.1: what may become part of a file path or a query. */
public final class Uids {

    private Uids() {
    }

    /**
     * At most 64 characters, dot-separated numeric components, no empty component and no
     * leading zero in a component of more than one digit.
     */
    public static boolean isValid(String uid) {
        if (uid == null || uid.isEmpty() || uid.length() > 64) {
            return false;
        }
        int componentStart = 0;
        for (int i = 0; i <= uid.length(); i++) {
            char c = i < uid.length() ? uid.charAt(i) : '.';
            if (c == '.') {
                int len = i - componentStart;
                if (len == 0 || (len > 1 && uid.charAt(componentStart) == '0')) {
                    return false;
                }
                componentStart = i + 1;
            } else if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }
}
