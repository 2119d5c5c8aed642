package org.cardiacatlas.cap.access;

import at.favre.lib.crypto.bcrypt.BCrypt;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.Audit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The accounts unit: users (bcrypt-hashed passwords, a role, cohorts) and their API tokens
 * (stored as SHA-256, shown once, revocable) in the PACS schema. Every change and every
 * refused login is an audit record; passwords and tokens never reach a log.
 */
public final class Accounts {

    private static final Logger LOG = LoggerFactory.getLogger(Accounts.class);

    /** bcrypt cost: about 50 ms a hash on the 2-core CI machine. */
    static final int COST = 10;
    public static final int MIN_PASSWORD_LENGTH = 8;
    /** Prefix of API tokens, so that a leaked one is recognisable (as GitHub's ghp_). */
    public static final String TOKEN_PREFIX = "cap_";

    /** One account as listed. */
    public record Account(String name, Role role, List<String> cohorts, LocalDateTime created) {
    }

    /** One API token as listed (its value is never kept). */
    public record Token(long id, String label, LocalDateTime created, LocalDateTime lastUsed, LocalDateTime revoked) {
    }

    private final SqlSessionFactory readSessions;
    private final SqlSessionFactory sessions;
    private final SecureRandom random = new SecureRandom();
    /**
     * Verified (stored hash, password) pairs, as salted SHA-256: HTTP Basic sends the password
     * with every request and bcrypt is slow on purpose. A changed password has a new hash, so
     * an entry can never let an old password in.
     */
    private final ConcurrentHashMap<String, Boolean> verified = new ConcurrentHashMap<>();
    private final byte[] cacheSalt = new byte[32];

    public Accounts(SqlSessionFactory sessions) {
        this(sessions, sessions);
    }

    /** @param readSessions for the lookups of every request (Database.readSessions) */
    public Accounts(SqlSessionFactory sessions, SqlSessionFactory readSessions) {
        this.sessions = sessions;
        this.readSessions = readSessions;
        random.nextBytes(cacheSalt);
    }

    public static List<Class<?>> mappers() {
        return List.of(UserMapper.class, TokenMapper.class);
    }

    // ---- changes ----

    public void add(String name, Role role, List<String> cohorts, String password, String actor) {
        checkName(name);
        checkPassword(password);
        String c = cohortsColumn(cohorts);
        LocalDateTime now = LocalDateTime.now();
        UserRow row = new UserRow();
        row.setUsername(name);
        row.setPasswordHash(hash(password));
        row.setUserRole(role.key());
        row.setCohorts(c);
        row.setCreatedTime(now);
        row.setUpdatedTime(now);
        try (SqlSession s = sessions.openSession()) {
            UserMapper m = s.getMapper(UserMapper.class);
            if (m.selectByName(name) != null) {
                throw new IllegalArgumentException("user '" + name + "' exists");
            }
            m.insert(row);
            s.commit();
        }
        Audit.event("USER-ADD").with("user", name).with("role", role.key()).with("cohorts", c).with("by", actor)
                .write();
        LOG.info("user {} added ({}, cohorts '{}') by {}", name, role.key(), c, actor);
    }

    public void setPassword(String name, String password, String actor) {
        checkPassword(password);
        try (SqlSession s = sessions.openSession()) {
            if (s.getMapper(UserMapper.class).updatePassword(name, hash(password), LocalDateTime.now()) != 1) {
                throw new IllegalArgumentException("no user '" + name + "'");
            }
            s.commit();
        }
        Audit.event("USER-PASSWD").with("user", name).with("by", actor).write();
        LOG.info("password of user {} changed by {}", name, actor);
    }

    public void setRole(String name, Role role, List<String> cohorts, String actor) {
        String c = cohortsColumn(cohorts);
        try (SqlSession s = sessions.openSession()) {
            if (s.getMapper(UserMapper.class).updateRoleAndCohorts(name, role.key(), c, LocalDateTime.now()) != 1) {
                throw new IllegalArgumentException("no user '" + name + "'");
            }
            s.commit();
        }
        Audit.event("USER-ROLE").with("user", name).with("role", role.key()).with("cohorts", c).with("by", actor)
                .write();
        LOG.info("user {} now {} with cohorts '{}' (by {})", name, role.key(), c, actor);
    }

    public void delete(String name, String actor) {
        try (SqlSession s = sessions.openSession()) {
            if (s.getMapper(UserMapper.class).deleteByName(name) != 1) {
                throw new IllegalArgumentException("no user '" + name + "'");
            }
            s.commit();
        }
        Audit.event("USER-DELETE").with("user", name).with("by", actor).write();
        LOG.info("user {} deleted by {}", name, actor);
    }

    /** A new API token of the user: returned once, only its hash is kept. */
    public String createToken(String name, String label, String actor) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String token = TOKEN_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        try (SqlSession s = sessions.openSession()) {
            UserRow u = s.getMapper(UserMapper.class).selectByName(name);
            if (u == null) {
                throw new IllegalArgumentException("no user '" + name + "'");
            }
            TokenRow t = new TokenRow();
            t.setUserFk(u.getPk());
            t.setTokenHash(sha256(token));
            t.setLabel(label == null ? "" : label);
            t.setCreatedTime(LocalDateTime.now());
            s.getMapper(TokenMapper.class).insert(t);
            s.commit();
            Audit.event("TOKEN-ADD").with("user", name).with("token", t.getPk()).with("by", actor).write();
            LOG.info("API token {} of user {} created by {}", t.getPk(), name, actor);
        }
        return token;
    }

    public List<Token> tokens(String name) {
        try (SqlSession s = sessions.openSession()) {
            List<Token> out = new ArrayList<>();
            for (TokenRow t : s.getMapper(TokenMapper.class).selectByUser(name)) {
                out.add(new Token(t.getPk(), t.getLabel(), t.getCreatedTime(), t.getLastUsed(), t.getRevokedTime()));
            }
            return out;
        }
    }

    public void revokeToken(String name, long id, String actor) {
        try (SqlSession s = sessions.openSession()) {
            if (s.getMapper(TokenMapper.class).revoke(id, name, LocalDateTime.now()) != 1) {
                throw new IllegalArgumentException("user '" + name + "' has no active token " + id);
            }
            s.commit();
        }
        Audit.event("TOKEN-REVOKE").with("user", name).with("token", id).with("by", actor).write();
        LOG.info("API token {} of user {} revoked by {}", id, name, actor);
    }

    // ---- reading ----

    public List<Account> list() {
        try (SqlSession s = sessions.openSession()) {
            List<Account> out = new ArrayList<>();
            for (UserRow u : s.getMapper(UserMapper.class).selectAll()) {
                out.add(new Account(u.getUsername(), Role.parse(u.getUserRole()), cohorts(u.getCohorts()),
                        u.getCreatedTime()));
            }
            return out;
        }
    }

    public Optional<Principal> principal(String name) {
        try (SqlSession s = readSessions.openSession()) {
            UserRow u = s.getMapper(UserMapper.class).selectByName(name);
            return u == null ? Optional.empty() : Optional.of(toPrincipal(u));
        }
    }

    // ---- authentication: LOGIN when a password is checked (not again for each request that
    // repeats it), LOGIN-FAILED for every refusal ----

    /**
     * The user if the password is theirs; empty for an unknown user or a wrong password.
     *
     * @param method how the credentials came (basic, form), for the audit record
     * @param remote the client's address, for the audit record
     */
    public Optional<Principal> authenticate(String name, String password, String method, String remote) {
        if (name == null || password == null) {
            return Optional.empty();
        }
        UserRow u;
        try (SqlSession s = readSessions.openSession()) {
            u = s.getMapper(UserMapper.class).selectByName(name);
        }
        if (u == null) {
            // as slow as a wrong password, so that the time does not tell which names exist
            BCrypt.verifyer().verify(password.toCharArray(), DUMMY_HASH);
            loginFailed(name, method, remote, "unknown user");
            return Optional.empty();
        }
        String key = cacheKey(u.getPasswordHash(), password);
        if (verified.containsKey(key)) {
            if (!"basic".equals(method)) {
                // a login form's or a password check's: each is a login of its own
                Audit.event("LOGIN").with("user", name).with("method", method).with("remote", remote).write();
            }
            return Optional.of(toPrincipal(u));
        }
        if (!BCrypt.verifyer().verify(password.toCharArray(), u.getPasswordHash().toCharArray()).verified) {
            loginFailed(name, method, remote, "wrong password");
            return Optional.empty();
        }
        if (verified.size() > 10_000) {
            verified.clear();
        }
        verified.put(key, Boolean.TRUE);
        Audit.event("LOGIN").with("user", name).with("method", method).with("remote", remote).write();
        return Optional.of(toPrincipal(u));
    }

    private static void loginFailed(String name, String method, String remote, String why) {
        Audit.event("LOGIN-FAILED").with("user", name).with("method", method).with("remote", remote)
                .with("detail", why).write();
        LOG.warn("login of '{}' from {} ({}) refused: {}", name, remote, method, why);
    }

    /** The token's user if the token is known and not revoked. */
    public Optional<Principal> authenticateToken(String token, String remote) {
        if (token == null || !token.startsWith(TOKEN_PREFIX) || token.length() > 200) {
            loginFailed("", "token", remote, "not a token of this server");
            return Optional.empty();
        }
        try (SqlSession s = sessions.openSession()) {
            TokenRow t = s.getMapper(TokenMapper.class).selectActiveByHash(sha256(token));
            if (t == null) {
                loginFailed("", "token", remote, "unknown or revoked token");
                return Optional.empty();
            }
            UserRow u = s.getMapper(UserMapper.class).selectByName(t.getUsername());
            if (u == null) {
                loginFailed(t.getUsername(), "token", remote, "user deleted");
                return Optional.empty();
            }
            LocalDateTime now = LocalDateTime.now();
            // last use to the minute: not one write per request
            if (t.getLastUsed() == null || t.getLastUsed().isBefore(now.minusMinutes(1))) {
                s.getMapper(TokenMapper.class).touch(t.getPk(), now);
                s.commit();
                Audit.event("LOGIN").with("user", u.getUsername()).with("method", "token").with("token", t.getPk())
                        .with("remote", remote).write();
            }
            return Optional.of(toPrincipal(u));
        }
    }

    /**
     * At first start, when there is no account: {@code admin} with a random password written to
     * {@code <data-dir>/initial-admin-password} (mode 0600). Returns that file, or null when
     * accounts existed. Two nodes starting together on one database: the unique key lets one win.
     */
    public Path ensureInitialAdmin(Path dataDir) throws IOException {
        try (SqlSession s = sessions.openSession()) {
            if (s.getMapper(UserMapper.class).count() > 0) {
                return null;
            }
        }
        byte[] b = new byte[18];
        random.nextBytes(b);
        String password = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        try {
            add("admin", Role.ADMIN, List.of(), password, "first start");
        } catch (RuntimeException e) {
            LOG.info("initial admin not created: {}", e.getMessage());
            return null;
        }
        Files.createDirectories(dataDir);
        Path file = dataDir.resolve("initial-admin-password");
        Files.deleteIfExists(file);
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, password + "\n", StandardCharsets.UTF_8, StandardOpenOption.WRITE);
        return file;
    }

    // ---- helpers ----

    private static final char[] DUMMY_HASH = BCrypt.withDefaults()
            .hashToString(COST, "not a password of anyone".toCharArray()).toCharArray();

    static String hash(String password) {
        return BCrypt.withDefaults().hashToString(COST, password.toCharArray());
    }

    private String cacheKey(String storedHash, String password) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(cacheSalt);
            md.update(storedHash.getBytes(StandardCharsets.US_ASCII));
            md.update((byte) 0);
            md.update(password.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static Principal toPrincipal(UserRow u) {
        return new Principal(u.getUsername(), Role.parse(u.getUserRole()), cohorts(u.getCohorts()));
    }

    static List<String> cohorts(String column) {
        if (column == null || column.isBlank()) {
            return List.of();
        }
        return Arrays.stream(column.split(",")).map(String::trim).filter(c -> !c.isEmpty()).toList();
    }

    /** Cohorts are CAP ID prefixes: letters and digits only, so they are safe in a LIKE pattern and a log. */
    static String cohortsColumn(List<String> cohorts) {
        for (String c : cohorts) {
            if (!c.matches("[A-Za-z0-9]{1,32}")) {
                throw new IllegalArgumentException("a cohort is a CAP ID prefix of letters and digits: '" + c + "'");
            }
        }
        String s = String.join(",", cohorts);
        if (s.length() > 1000) {
            throw new IllegalArgumentException("too many cohorts");
        }
        return s;
    }

    static void checkName(String name) {
        if (name == null || !name.matches("[A-Za-z0-9._@-]{1,64}")) {
            throw new IllegalArgumentException("a user name is 1 to 64 letters, digits, '.', '_', '@' or '-'");
        }
    }

    static void checkPassword(String password) {
        if (password == null || password.length() < MIN_PASSWORD_LENGTH) {
            throw new IllegalArgumentException("a password has at least " + MIN_PASSWORD_LENGTH + " characters");
        }
        if (password.length() > 72) {
            // bcrypt reads 72 bytes at most; longer would silently ignore the rest
            throw new IllegalArgumentException("a password has at most 72 characters");
        }
    }
}
