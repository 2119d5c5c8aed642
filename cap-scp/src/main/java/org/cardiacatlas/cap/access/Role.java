package org.cardiacatlas.cap.access;

import java.util.Locale;

/** What a user may do (issue 14): admin everything, curator edit and store, researcher read and download. */
public enum Role {
    ADMIN, CURATOR, RESEARCHER;

    public String key() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Role parse(String s) {
        for (Role r : values()) {
            if (r.key().equalsIgnoreCase(s == null ? "" : s.trim())) {
                return r;
            }
        }
        throw new IllegalArgumentException("role must be admin, curator or researcher: " + s);
    }
}
