package org.cardiacatlas.cap.access;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/**
 * The web app's login sessions, in the PACS schema's {@code web_session} table: a random id in
 * an HttpOnly, SameSite=Strict cookie names the account and the session's CSRF token. The table
 * keeps the id's SHA-256 only, never the cookie value. Sessions survive a restart of the node,
 * and every node on the database accepts them (two nodes behind one proxy). Only the account's
 * name is kept: its role and cohorts are read again with every request, so a change or a
 * deletion counts at once. A session ends at logout, after {@link #IDLE} without a request,
 * after {@link #ABSOLUTE}, and when the user's password changes or the account is deleted.
 * Expired rows are deleted when looked up and by a sweep at most once a minute, at a login.
 */
public final class WebSessions {

    public static final String COOKIE = "CAPSESSION";
    public static final Duration IDLE = Duration.ofHours(8);
    public static final Duration ABSOLUTE = Duration.ofHours(24);
    /** last_seen is written again only when older than this: not one write per request. */
    static final Duration TOUCH = Duration.ofMinutes(1);
    static final Duration SWEEP = Duration.ofMinutes(1);

    /** One login; {@code id} is the cookie's value, held only while its request runs. */
    public static final class Session {
        public final String id;
        public final String user;
        public final String csrf;
        public final LocalDateTime created;
        public final LocalDateTime lastSeen;

        Session(String id, String user, String csrf, LocalDateTime created, LocalDateTime lastSeen) {
            this.id = id;
            this.user = user;
            this.csrf = csrf;
            this.created = created;
            this.lastSeen = lastSeen;
        }
    }

    private final SqlSessionFactory sessions;
    private final SecureRandom random = new SecureRandom();
    private final AtomicLong lastSweep = new AtomicLong();

    public WebSessions(SqlSessionFactory sessions) {
        this.sessions = sessions;
    }

    public static List<Class<?>> mappers() {
        return List.of(WebSessionMapper.class);
    }

    public Session create(String user) {
        sweep();
        LocalDateTime now = now();
        WebSessionRow row = new WebSessionRow();
        String id = randomId();
        row.setSessionHash(Accounts.sha256(id));
        row.setUsername(user);
        row.setCsrfToken(randomId());
        row.setCreatedTime(now);
        row.setLastSeen(now);
        row.setExpiryTime(expiry(now, now));
        try (SqlSession s = sessions.openSession()) {
            s.getMapper(WebSessionMapper.class).insert(row);
            s.commit();
        }
        return new Session(id, user, row.getCsrfToken(), now, now);
    }

    /** The live session of the cookie's id, or null; an expired one is deleted. */
    public Session get(String id) {
        if (id == null || id.isEmpty() || id.length() > 100) {
            return null;
        }
        String hash = Accounts.sha256(id);
        LocalDateTime now = now();
        try (SqlSession s = sessions.openSession()) {
            WebSessionMapper m = s.getMapper(WebSessionMapper.class);
            WebSessionRow row = m.selectByHash(hash);
            if (row == null) {
                return null;
            }
            if (row.getExpiryTime().isBefore(now)
                    || row.getLastSeen().plus(IDLE).isBefore(now)
                    || row.getCreatedTime().plus(ABSOLUTE).isBefore(now)) {
                m.deleteByHash(hash);
                s.commit();
                return null;
            }
            LocalDateTime seen = row.getLastSeen();
            if (seen.plus(TOUCH).isBefore(now)) {
                m.touch(row.getPk(), now, expiry(row.getCreatedTime(), now));
                s.commit();
                seen = now;
            }
            return new Session(id, row.getUsername(), row.getCsrfToken(), row.getCreatedTime(), seen);
        }
    }

    public void remove(String id) {
        if (id == null || id.isEmpty()) {
            return;
        }
        try (SqlSession s = sessions.openSession()) {
            s.getMapper(WebSessionMapper.class).deleteByHash(Accounts.sha256(id));
            s.commit();
        }
    }

    /** Every session of a user ends (password changed, account deleted) except the one given. */
    public void removeUser(String user, String keep) {
        String keepHash = keep == null || keep.isEmpty() ? "" : Accounts.sha256(keep);
        try (SqlSession s = sessions.openSession()) {
            s.getMapper(WebSessionMapper.class).deleteByUser(user, keepHash);
            s.commit();
        }
    }

    /** Deletes the expired rows; returns how many. */
    public int expire() {
        try (SqlSession s = sessions.openSession()) {
            int n = s.getMapper(WebSessionMapper.class).deleteExpired(now());
            s.commit();
            return n;
        }
    }

    private void sweep() {
        long t = System.nanoTime();
        long last = lastSweep.get();
        if ((last == 0 || t - last > SWEEP.toNanos()) && lastSweep.compareAndSet(last, t)) {
            expire();
        }
    }

    private static LocalDateTime expiry(LocalDateTime created, LocalDateTime seen) {
        LocalDateTime idle = seen.plus(IDLE);
        LocalDateTime absolute = created.plus(ABSOLUTE);
        return idle.isBefore(absolute) ? idle : absolute;
    }

    /** UTC, whatever the zone of each node: the rows are shared. */
    private static LocalDateTime now() {
        return LocalDateTime.now(ZoneOffset.UTC);
    }

    private String randomId() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** Compares in constant time. */
    public static boolean sameToken(String a, String b) {
        if (a == null || b == null) {
            return false;
        }
        return MessageDigest.isEqual(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
    }
}
