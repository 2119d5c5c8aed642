package org.cardiacatlas.cap.web;

import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.access.Principal;

/**
 * Who sends a request: HTTP Basic (RFC 7617) or an API token as a Bearer credential
 * (RFC 6750). A request without credentials is refused with 401 unless anonymous reading is
 * configured and the request only reads.
 */
final class HttpAuth {

    static final String PRINCIPAL = "cap.principal";
    static final String CHALLENGE = "Basic realm=\"CAP Server\", charset=\"UTF-8\"";

    private final Accounts accounts;
    private final boolean anonymousRead;

    HttpAuth(Accounts accounts, boolean anonymousRead) {
        this.accounts = accounts;
        this.anonymousRead = anonymousRead;
    }

    /** The principal of the request, also left in its attributes for the request log. */
    Principal authenticate(Context ctx) {
        String header = ctx.header("Authorization");
        String remote = ctx.ip();
        Principal p;
        if (header == null || header.isBlank()) {
            String m = ctx.method().name();
            if (anonymousRead && (m.equals("GET") || m.equals("HEAD"))) {
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

    private static HttpFailure unauthorized(String reason) {
        return new HttpFailure(401, reason);
    }
}
