package org.cardiacatlas.cap.web;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The web app's login sessions, in memory: a random id in an HttpOnly, SameSite=Strict cookie
 * names the account and the session's CSRF token. Only the account's name is kept: its role and
 * cohorts are read again with every request, so a change or a deletion counts at once. A session
 * ends at logout, after {@link #IDLE} without a request, after {@link #ABSOLUTE}, and when the
 * node stops.
 */
final class WebSessions {

    static final String COOKIE = "CAPSESSION";
    static final Duration IDLE = Duration.ofHours(8);
    static final Duration ABSOLUTE = Duration.ofHours(24);
    static final int MAX = 100_000;

    /** One login. */
    static final class Session {
        final String id;
        final String user;
        final String csrf;
        final Instant created;
        volatile Instant lastSeen;

        Session(String id, String user, String csrf) {
            this.id = id;
            this.user = user;
            this.csrf = csrf;
            this.created = Instant.now();
            this.lastSeen = created;
        }
    }

    private final SecureRandom random = new SecureRandom();
    private final ConcurrentHashMap<String, Session> sessions = new ConcurrentHashMap<>();

    Session create(String user) {
        if (sessions.size() >= MAX) {
            expire();
        }
        Session s = new Session(randomId(), user, randomId());
        sessions.put(s.id, s);
        return s;
    }

    /** The live session of the cookie's id, or null. */
    Session get(String id) {
        if (id == null || id.isEmpty()) {
            return null;
        }
        Session s = sessions.get(id);
        if (s == null) {
            return null;
        }
        Instant now = Instant.now();
        if (s.lastSeen.plus(IDLE).isBefore(now) || s.created.plus(ABSOLUTE).isBefore(now)) {
            sessions.remove(id);
            return null;
        }
        s.lastSeen = now;
        return s;
    }

    void remove(String id) {
        if (id != null) {
            sessions.remove(id);
        }
    }

    /** Every session of a user ends (password changed, account deleted) except the one given. */
    void removeUser(String user, String keep) {
        sessions.values().removeIf(s -> s.user.equals(user) && !s.id.equals(keep));
    }

    private void expire() {
        Instant now = Instant.now();
        sessions.values().removeIf(s -> s.lastSeen.plus(IDLE).isBefore(now) || s.created.plus(ABSOLUTE).isBefore(now));
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Compares in constant time. */
    static boolean sameToken(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
