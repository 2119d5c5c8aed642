package org.cardiacatlas.cap.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.access.WebSessions;

/**
 * Who sends a request: HTTP Basic (RFC 7617), an API token as a Bearer credential (RFC 6750),
 * or the web app's session cookie ({@link WebSessions}). A request that comes with the cookie
 * and changes anything must carry the session's CSRF token (header {@code X-CSRF-Token} or form
 * field {@code _csrf}); Basic and Bearer requests cannot be forged by another site. A request
 * without credentials is refused with 401 unless anonymous reading is configured and the
 * request only reads.
 */
final class HttpAuth {

    static final String PRINCIPAL = "cap.principal";
    static final String SESSION = "cap.session";
    static final String CHALLENGE = "Basic realm=\"CAP Server\", charset=\"UTF-8\"";
    static final String CSRF_HEADER = "X-CSRF-Token";
    static final String CSRF_FIELD = "_csrf";

    private final Accounts accounts;
    private final boolean anonymousRead;
    private final WebSessions sessions;

    HttpAuth(Accounts accounts, boolean anonymousRead, WebSessions sessions) {
        this.accounts = accounts;
        this.anonymousRead = anonymousRead;
        this.sessions = sessions;
    }

    WebSessions sessions() {
        return sessions;
    }

    Accounts accounts() {
        return accounts;
    }

    /** The principal of the request, also left in its attributes for the request log. */
    Principal authenticate(Context ctx) {
        return authenticate(ctx, anonymousRead);
    }

    /**
     * @param anonymousAllowed whether a read without credentials is the anonymous reader
     *        (DICOMweb with --http-anonymous-read; never the web app and its API)
     */
    Principal authenticate(Context ctx, boolean anonymousAllowed) {
        String header = ctx.header("Authorization");
        String remote = ctx.ip();
        Principal p;
        WebSessions.Session session = header == null || header.isBlank() ? sessions.get(ctx.cookie(WebSessions.COOKIE))
                : null;
        if (session != null) {
            Optional<Principal> o = accounts.principal(session.user);
            if (o.isEmpty()) {
                sessions.remove(session.id);
                throw unauthorized("your account no longer exists");
            }
            ctx.attribute(SESSION, session);
            ctx.attribute(PRINCIPAL, o.get());
            if (!safe(ctx)) {
                checkCsrf(ctx, session);
            }
            return o.get();
        }
        if (header == null || header.isBlank()) {
            String m = ctx.method().name();
            if (anonymousAllowed && (m.equals("GET") || m.equals("HEAD"))) {
                p = Principal.ANONYMOUS;
            } else {
                throw unauthorized("authentication required");
            }
        } else if (header.regionMatches(true, 0, "Basic ", 0, 6)) {
            String userPass;
            try {
                userPass = new String(Base64.getDecoder().decode(header.substring(6).trim()), StandardCharsets.UTF_8);
            } catch (IllegalArgumentException e) {
                throw unauthorized("malformed Basic credentials");
            }
            int colon = userPass.indexOf(':');
            if (colon < 0) {
                throw unauthorized("malformed Basic credentials");
            }
            Optional<Principal> o = accounts.authenticate(userPass.substring(0, colon), userPass.substring(colon + 1),
                    "basic", remote);
            p = o.orElseThrow(() -> unauthorized("wrong user name or password"));
        } else if (header.regionMatches(true, 0, "Bearer ", 0, 7)) {
            Optional<Principal> o = accounts.authenticateToken(header.substring(7).trim(), remote);
            p = o.orElseThrow(() -> unauthorized("unknown or revoked token"));
        } else {
            throw unauthorized("unsupported authentication scheme");
        }
        ctx.attribute(PRINCIPAL, p);
        return p;
    }

    static Principal principal(Context ctx) {
        return ctx.attribute(PRINCIPAL);
    }

    static WebSessions.Session session(Context ctx) {
        return ctx.attribute(SESSION);
    }

    static boolean safe(Context ctx) {
        String m = ctx.method().name();
        return m.equals("GET") || m.equals("HEAD") || m.equals("OPTIONS");
    }

    /**
     * The session's CSRF token must come with every change made with the cookie: from htmx and
     * the pages' scripts as a header, from plain forms as a field. The form is only read when
     * the request is a form (never a STOW-RS body).
     */
    static void checkCsrf(Context ctx, WebSessions.Session session) {
        String token = ctx.header(CSRF_HEADER);
        if (token == null) {
            String type = ctx.contentType() == null ? "" : ctx.contentType().toLowerCase();
            if (type.startsWith("application/x-www-form-urlencoded") || type.startsWith("multipart/form-data")) {
                token = ctx.formParam(CSRF_FIELD);
            }
        }
        if (!WebSessions.sameToken(token, session.csrf)) {
            throw new HttpFailure(403, "this change came without the page's security token (CSRF): reload the page"
                    + " and try again");
        }
    }

    private static HttpFailure unauthorized(String reason) {
        return new HttpFailure(401, reason);
    }
}
