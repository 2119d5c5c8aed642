package org.cardiacatlas.cap.web;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.access.WebSessions;

/**
 * The JSON REST API below {@code /api}, described by {@code /api/openapi.json}: what the pages
 * show and change, for scripts (with an API token as Bearer credential, or Basic) and for the
 * pages' own scripts (with the session cookie and the CSRF header). Failures are
 * {@code {"error": "...", "status": n}}.
 */
final class RestApi {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpAuth auth;
    private final Accounts accounts;
    private final AccessControl access;
    private final ArchiveBrowser archive;

    RestApi(HttpAuth auth, AccessControl access, ArchiveBrowser archive) {
        this.auth = auth;
        this.accounts = auth.accounts();
        this.access = access;
        this.archive = archive;
    }

    void register(Javalin app) {
        app.get("/api/openapi.json", this::openapi);
        app.get("/api/me", ctx -> {
            Principal p = HttpAuth.principal(ctx);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("name", p.name());
            m.put("role", p.role().key());
            m.put("cohorts", p.cohorts());
            json(ctx, 200, m);
        });
        // archive
        app.get("/api/patients", ctx -> json(ctx, 200, archive.patients(HttpAuth.principal(ctx),
                WebApp.keys(ctx, ArchiveBrowser.PATIENT_KEYS), intParam(ctx, "offset", 0), limit(ctx))));
        app.get("/api/studies", ctx -> {
            checkKeys(ctx, ArchiveBrowser.STUDY_KEYS);
            json(ctx, 200, archive.studies(HttpAuth.principal(ctx), WebApp.keys(ctx, ArchiveBrowser.STUDY_KEYS),
                    intParam(ctx, "offset", 0), limit(ctx)));
        });
        app.get("/api/studies/{study}", ctx -> {
            Principal p = HttpAuth.principal(ctx);
            String uid = ctx.pathParam("study");
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("study", archive.study(p, uid));
            m.put("series", archive.series(p, uid));
            m.put("dicomweb", QidoRs.baseUrl(ctx) + "/studies/" + uid);
            json(ctx, 200, m);
        });
        app.get("/api/studies/{study}/series/{series}/instances", ctx -> json(ctx, 200,
                archive.instances(HttpAuth.principal(ctx), ctx.pathParam("study"), ctx.pathParam("series"))));
        app.get("/api/studies/{study}/zip", ctx -> WebApp.zip(ctx, archive, ctx.pathParam("study"), null));
        app.get("/api/studies/{study}/series/{series}/zip", ctx -> WebApp.zip(ctx, archive, ctx.pathParam("study"),
                ctx.pathParam("series")));
        // account
        app.get("/api/account/tokens", ctx -> json(ctx, 200, tokens(accounts, HttpAuth.principal(ctx).name())));
        app.post("/api/account/tokens", ctx -> {
            JsonNode b = body(ctx);
            String token = createToken(accounts, HttpAuth.principal(ctx), b.path("label").asText(""));
            json(ctx, 201, Map.of("token", token, "note", "shown only this once"));
        });
        app.delete("/api/account/tokens/{id}", ctx -> {
            revokeToken(accounts, HttpAuth.principal(ctx), ctx.pathParam("id"));
            ctx.status(204);
        });
        app.post("/api/account/password", ctx -> {
            JsonNode b = body(ctx);
            String pw = b.path("password").asText(null);
            changePassword(accounts, auth.sessions(), ctx, HttpAuth.principal(ctx), b.path("current").asText(null), pw,
                    pw);
            ctx.status(204);
        });
        // users
        app.get("/api/users", ctx -> {
            WebApp.requireAdmin(access, ctx);
            json(ctx, 200, users(accounts));
        });
        app.post("/api/users", ctx -> {
            WebApp.requireAdmin(access, ctx);
            JsonNode b = body(ctx);
            addUser(accounts, HttpAuth.principal(ctx), b.path("name").asText(null), b.path("role").asText(null),
                    cohorts(b), b.path("password").asText(null));
            ctx.status(201);
        });
        app.put("/api/users/{name}", ctx -> {
            WebApp.requireAdmin(access, ctx);
            JsonNode b = body(ctx);
            setRole(accounts, HttpAuth.principal(ctx), ctx.pathParam("name"), b.path("role").asText(null), cohorts(b));
            if (b.hasNonNull("password")) {
                try {
                    accounts.setPassword(ctx.pathParam("name"), b.get("password").asText(), HttpAuth.principal(ctx).name());
                } catch (IllegalArgumentException e) {
                    throw HttpFailure.badRequest(e.getMessage());
                }
                auth.sessions().removeUser(ctx.pathParam("name"), "");
            }
            ctx.status(204);
        });
        app.delete("/api/users/{name}", ctx -> {
            WebApp.requireAdmin(access, ctx);
            deleteUser(accounts, auth.sessions(), HttpAuth.principal(ctx), ctx.pathParam("name"));
            ctx.status(204);
        });
    }

    private void openapi(Context ctx) throws IOException {
        try (InputStream in = RestApi.class.getResourceAsStream("/openapi.json")) {
            if (in == null) {
                throw HttpFailure.notFound("openapi.json is missing from the jar");
            }
            ctx.status(200).contentType("application/json").result(in.readAllBytes());
        }
    }

    // ---- shared with the pages ----

    record TokenView(long id, String label, String created, String lastUsed, String revoked) {
    }

    record UserView(String name, String role, String cohorts, String created) {
    }

    static List<TokenView> tokens(Accounts accounts, String user) {
        List<TokenView> out = new ArrayList<>();
        for (Accounts.Token t : accounts.tokens(user)) {
            out.add(new TokenView(t.id(), t.label(), time(t.created()), time(t.lastUsed()), time(t.revoked())));
        }
        return out;
    }

    static List<UserView> users(Accounts accounts) {
        List<UserView> out = new ArrayList<>();
        for (Accounts.Account a : accounts.list()) {
            out.add(new UserView(a.name(), a.role().key(), String.join(",", a.cohorts()), time(a.created())));
        }
        return out;
    }

    static String createToken(Accounts accounts, Principal p, String label) {
        String l = label == null ? "" : label.trim();
        if (l.length() > 100) {
            throw HttpFailure.badRequest("a token's label has at most 100 characters");
        }
        return accounts.createToken(p.name(), l, p.name());
    }

    static void revokeToken(Accounts accounts, Principal p, String id) {
        long n;
        try {
            n = Long.parseLong(id);
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest("a token id is a number: " + id);
        }
        try {
            accounts.revokeToken(p.name(), n, p.name());
        } catch (IllegalArgumentException e) {
            throw HttpFailure.notFound(e.getMessage());
        }
    }

    /** The current password is checked again (a LOGIN or LOGIN-FAILED record), then the new one set. */
    static void changePassword(Accounts accounts, WebSessions sessions, Context ctx, Principal p, String current,
            String password, String confirm) {
        if (current == null || accounts.authenticate(p.name(), current, "password-change", ctx.ip()).isEmpty()) {
            throw new HttpFailure(403, "the current password is wrong");
        }
        if (password == null || !password.equals(confirm)) {
            throw HttpFailure.badRequest("the new password and its confirmation differ");
        }
        try {
            accounts.setPassword(p.name(), password, p.name());
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        WebSessions.Session s = HttpAuth.session(ctx);
        sessions.removeUser(p.name(), s == null ? "" : s.id);
    }

    static void addUser(Accounts accounts, Principal by, String name, String role, String cohorts, String password) {
        try {
            accounts.add(name == null ? "" : name.trim(), WebApp.role(role), cohortList(cohorts), password, by.name());
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
    }

    static void setRole(Accounts accounts, Principal by, String name, String role, String cohorts) {
        try {
            accounts.setRole(name, WebApp.role(role), cohortList(cohorts), by.name());
        } catch (IllegalArgumentException e) {
            throw e.getMessage().startsWith("no user") ? HttpFailure.notFound(e.getMessage())
                    : HttpFailure.badRequest(e.getMessage());
        }
    }

    static void deleteUser(Accounts accounts, WebSessions sessions, Principal by, String name) {
        if (name.equals(by.name())) {
            throw HttpFailure.badRequest("you cannot delete your own account");
        }
        try {
            accounts.delete(name, by.name());
        } catch (IllegalArgumentException e) {
            throw HttpFailure.notFound(e.getMessage());
        }
        sessions.removeUser(name, "");
    }

    static List<String> cohortList(String s) {
        if (s == null || s.isBlank()) {
            return List.of();
        }
        return Arrays.stream(s.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList();
    }

    private static String cohorts(JsonNode b) {
        JsonNode c = b.path("cohorts");
        if (c.isArray()) {
            List<String> l = new ArrayList<>();
            c.forEach(x -> l.add(x.asText()));
            return String.join(",", l);
        }
        return c.asText("");
    }

    // ---- JSON ----

    static void json(Context ctx, int status, Object body) throws IOException {
        ctx.status(status).contentType("application/json");
        ctx.result(JSON.writeValueAsBytes(body));
    }

    static JsonNode body(Context ctx) {
        try {
            JsonNode n = JSON.readTree(ctx.bodyAsBytes());
            if (n == null || !n.isObject()) {
                throw HttpFailure.badRequest("the body is a JSON object");
            }
            return n;
        } catch (IOException e) {
            throw HttpFailure.badRequest("the body is not JSON: " + e.getMessage().split("\n")[0]);
        }
    }

    static int intParam(Context ctx, String name, int dflt) {
        String v = ctx.queryParam(name);
        if (v == null || v.isBlank()) {
            return dflt;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest(name + " must be a number, 0 or more: " + v);
        }
    }

    static int limit(Context ctx) {
        int l = intParam(ctx, "limit", 50);
        if (l < 1 || l > ArchiveBrowser.MAX_PAGE) {
            throw HttpFailure.badRequest("limit is 1 to " + ArchiveBrowser.MAX_PAGE);
        }
        return l;
    }

    private static void checkKeys(Context ctx, List<String> allowed) {
        for (String k : ctx.queryParamMap().keySet()) {
            if (!allowed.contains(k) && !k.equals("offset") && !k.equals("limit")) {
                throw HttpFailure.badRequest("unknown search key '" + k + "': one of " + String.join(", ", allowed)
                        + ", offset, limit");
            }
        }
    }

    static String time(LocalDateTime t) {
        return t == null ? null : t.withNano(0).toString().replace('T', ' ');
    }
}
