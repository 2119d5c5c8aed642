package org.cardiacatlas.cap.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Accounts;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.access.WebSessions;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.retrieve.LocatedInstance;

/**
 * The web app's pages at {@code /}: login and logout, the account (password, API tokens), the
 * archive browser (patients, studies, a study's series, a series viewer, ZIP downloads) and the
 * administration of users. Each page asks the same units as the REST API ({@link RestApi}):
 * ArchiveBrowser, Accounts and AccessControl; images come from the WADO-RS rendered and
 * thumbnail routes, with the session cookie.
 */
final class WebApp {

    static final int PAGE_SIZE = 25;

    private final HttpAuth auth;
    private final Accounts accounts;
    private final AccessControl access;
    private final ArchiveBrowser archive;
    private final Pages pages = Pages.INSTANCE;
    private final FailedLogins failedLogins = new FailedLogins();

    /**
     * Refused form logins per user name and address: after {@link #MAX} in {@link #WINDOW} the
     * form refuses at once (429), without checking the password, until the window has passed.
     */
    static final class FailedLogins {
        static final int MAX = 10;
        static final java.time.Duration WINDOW = java.time.Duration.ofMinutes(5);
        private final java.util.concurrent.ConcurrentHashMap<String, java.util.Deque<java.time.Instant>> failures =
                new java.util.concurrent.ConcurrentHashMap<>();

        boolean tooMany(String key) {
            java.util.Deque<java.time.Instant> d = failures.get(key);
            if (d == null) {
                return false;
            }
            synchronized (d) {
                java.time.Instant since = java.time.Instant.now().minus(WINDOW);
                while (!d.isEmpty() && d.peekFirst().isBefore(since)) {
                    d.pollFirst();
                }
                return d.size() >= MAX;
            }
        }

        void failed(String key) {
            if (failures.size() > 100_000) {
                failures.clear();
            }
            java.util.Deque<java.time.Instant> d = failures.computeIfAbsent(key, k -> new java.util.ArrayDeque<>());
            synchronized (d) {
                d.addLast(java.time.Instant.now());
            }
        }

        void clear(String key) {
            failures.remove(key);
        }
    }

    WebApp(HttpAuth auth, AccessControl access, ArchiveBrowser archive) {
        this.auth = auth;
        this.accounts = auth.accounts();
        this.access = access;
        this.archive = archive;
    }

    /** Paths that need no login: the login form, static files, the OpenAPI file. */
    static boolean isPublic(String path) {
        return path.equals("/login") || path.startsWith("/static/") || path.startsWith("/webjars/")
                || path.equals("/api/openapi.json") || path.equals("/favicon.ico");
    }

    void register(Javalin app) {
        app.get("/", ctx -> ctx.redirect("/studies"));
        app.get("/login", this::loginForm);
        app.post("/login", this::login);
        app.post("/logout", this::logout);
        app.get("/account", ctx -> account(ctx, null, null, null));
        app.post("/account/password", this::changePassword);
        app.post("/account/tokens", this::createToken);
        app.post("/account/tokens/{id}/revoke", this::revokeToken);
        app.get("/patients", this::patients);
        app.get("/studies", this::studies);
        app.get("/studies/{study}", this::study);
        app.get("/studies/{study}/series/{series}", this::viewer);
        app.get("/admin/users", ctx -> users(ctx, null, null));
        app.post("/admin/users", this::addUser);
        app.post("/admin/users/{name}/role", this::setRole);
        app.post("/admin/users/{name}/delete", this::deleteUser);
    }

    // ---- login ----

    private void loginForm(Context ctx) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Log in");
        m.put("next", safeNext(ctx.queryParam("next")));
        m.put("error", null);
        pages.render(ctx, "login", m);
    }

    /**
     * The login form. It carries no session yet, so no CSRF token: a cross-site login is refused
     * by its Origin header instead (browsers send it with every form POST).
     */
    private void login(Context ctx) {
        checkOrigin(ctx);
        String user = ctx.formParam("username");
        String password = ctx.formParam("password");
        String next = safeNext(ctx.formParam("next"));
        String name = user == null ? "" : user.trim();
        String key = name + "@" + ctx.ip();
        if (failedLogins.tooMany(key)) {
            ctx.status(429);
            loginAgain(ctx, next, "Too many failed logins for " + name + " from this address: wait "
                    + FailedLogins.WINDOW.toMinutes() + " minutes and try again.");
            return;
        }
        Optional<Principal> p = accounts.authenticate(name, password, "form", ctx.ip());
        if (p.isEmpty()) {
            failedLogins.failed(key);
            ctx.status(401);
            loginAgain(ctx, next, "Wrong user name or password.");
            return;
        }
        failedLogins.clear(key);
        WebSessions.Session s = auth.sessions().create(p.get().name());
        setCookie(ctx, s.id, -1);
        ctx.redirect(next);
    }

    private void loginAgain(Context ctx, String next, String error) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Log in");
        m.put("next", next);
        m.put("error", error);
        pages.render(ctx, "login", m);
    }

    private void logout(Context ctx) {
        WebSessions.Session s = HttpAuth.session(ctx);
        if (s != null) {
            auth.sessions().remove(s.id);
            Audit.event("LOGOUT").with("user", s.user).with("remote", ctx.ip()).write();
        }
        setCookie(ctx, "", 0);
        ctx.redirect("/login");
    }

    static void setCookie(Context ctx, String value, int maxAge) {
        StringBuilder c = new StringBuilder(WebSessions.COOKIE).append('=').append(value)
                .append("; Path=/; HttpOnly; SameSite=Strict");
        if (maxAge >= 0) {
            c.append("; Max-Age=").append(maxAge);
        }
        if ("https".equals(ctx.scheme())) {
            c.append("; Secure");
        }
        ctx.res().addHeader("Set-Cookie", c.toString());
    }

    static void checkOrigin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && !origin.equals("null") && !origin.equals(ctx.scheme() + "://" + ctx.host())) {
            throw new HttpFailure(403, "a login from another site (" + origin + ") is refused");
        }
    }

    static String safeNext(String next) {
        if (next == null || !next.startsWith("/") || next.startsWith("//") || next.startsWith("/\\")
                || next.equals("/login") || next.contains("\r") || next.contains("\n")) {
            return "/";
        }
        return next;
    }

    static String loginRedirect(Context ctx) {
        String q = ctx.queryString();
        String target = ctx.path() + (q == null ? "" : "?" + q);
        return "/login?next=" + URLEncoder.encode(target, StandardCharsets.UTF_8);
    }

    // ---- account ----

    private void account(Context ctx, String message, String error, String newToken) {
        Principal p = HttpAuth.principal(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Account");
        m.put("tokens", RestApi.tokens(accounts, p.name()));
        m.put("message", message);
        m.put("error", error);
        m.put("newToken", newToken);
        pages.render(ctx, "account", m);
    }

    private void changePassword(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        try {
            RestApi.changePassword(accounts, auth.sessions(), ctx, p, ctx.formParam("current"), ctx.formParam("password"),
                    ctx.formParam("confirm"));
        } catch (HttpFailure e) {
            ctx.status(e.status());
            account(ctx, null, e.getMessage(), null);
            return;
        }
        account(ctx, "Password changed. Your other sessions have ended.", null, null);
    }

    private void createToken(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        String token = RestApi.createToken(accounts, p, ctx.formParam("label"));
        account(ctx, "Token created. Copy it now: it is shown only this once.", null, token);
    }

    private void revokeToken(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        RestApi.revokeToken(accounts, p, ctx.pathParam("id"));
        ctx.redirect("/account");
    }

    // ---- archive ----

    private void patients(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        Map<String, String> keys = keys(ctx, ArchiveBrowser.PATIENT_KEYS);
        int offset = offset(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Patients");
        m.put("keys", keys);
        m.put("page", keys.isEmpty() && ctx.queryParam("search") == null ? null
                : archive.patients(p, keys, offset, PAGE_SIZE));
        m.put("query", query(keys));
        m.put("cohorts", p.cohorts());
        pages.render(ctx, "patients", m);
    }

    private void studies(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        Map<String, String> keys = keys(ctx, ArchiveBrowser.STUDY_KEYS);
        int offset = offset(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Studies");
        m.put("keys", keys);
        m.put("page", archive.studies(p, keys, offset, PAGE_SIZE));
        m.put("query", query(keys));
        m.put("cohorts", p.cohorts());
        pages.render(ctx, "studies", m);
    }

    private void study(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        String uid = ctx.pathParam("study");
        ArchiveBrowser.Study s = archive.study(p, uid);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Study " + s.patientId());
        m.put("study", s);
        m.put("series", archive.series(p, uid));
        m.put("dicomweb", QidoRs.baseUrl(ctx) + "/studies/" + uid);
        pages.render(ctx, "study", m);
    }

    private void viewer(Context ctx) {
        Principal p = HttpAuth.principal(ctx);
        String studyUid = ctx.pathParam("study");
        String seriesUid = ctx.pathParam("series");
        ArchiveBrowser.Study s = archive.study(p, studyUid);
        List<ArchiveBrowser.Instance> instances = archive.instances(p, studyUid, seriesUid);
        ArchiveBrowser.Series series = archive.series(p, studyUid).stream()
                .filter(x -> x.seriesUid().equals(seriesUid)).findFirst()
                .orElseThrow(() -> HttpFailure.notFound("no such series"));
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Series " + series.number() + " of " + s.patientId());
        m.put("study", s);
        m.put("series", series);
        m.put("instances", instances);
        m.put("dicomweb", QidoRs.baseUrl(ctx) + "/studies/" + studyUid + "/series/" + seriesUid);
        pages.render(ctx, "viewer", m);
    }

    /** A ZIP download, for the pages and the API alike. */
    static void zip(Context ctx, ArchiveBrowser archive, String study, String series) throws java.io.IOException {
        Principal p = HttpAuth.principal(ctx);
        List<LocatedInstance> found = archive.locate(p, study, series);
        String name = (found.get(0).patId == null ? "study" : found.get(0).patId.replaceAll("[^A-Za-z0-9._-]", "_"))
                + "-" + (series == null ? study : series) + ".zip";
        ctx.status(200).contentType("application/zip");
        ctx.header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        try {
            archive.zip(p, ctx.ip(), found, ctx.outputStream());
        } catch (java.io.IOException e) {
            if (WebServer.clientGone(e)) {
                WebServer.clientGone(ctx, "in the ZIP");
            }
            throw e;
        }
    }

    // ---- users (admin) ----

    private void users(Context ctx, String message, String error) {
        requireAdmin(access, ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Users");
        m.put("users", RestApi.users(accounts));
        m.put("roles", List.of("researcher", "curator", "admin"));
        m.put("message", message);
        m.put("error", error);
        pages.render(ctx, "users", m);
    }

    private void addUser(Context ctx) {
        requireAdmin(access, ctx);
        try {
            RestApi.addUser(accounts, HttpAuth.principal(ctx), ctx.formParam("name"), ctx.formParam("role"),
                    ctx.formParam("cohorts"), ctx.formParam("password"));
        } catch (HttpFailure e) {
            ctx.status(e.status());
            users(ctx, null, e.getMessage());
            return;
        }
        users(ctx, "User " + ctx.formParam("name") + " added.", null);
    }

    private void setRole(Context ctx) {
        requireAdmin(access, ctx);
        String name = ctx.pathParam("name");
        try {
            RestApi.setRole(accounts, HttpAuth.principal(ctx), name, ctx.formParam("role"), ctx.formParam("cohorts"));
            String pw = ctx.formParam("password");
            if (pw != null && !pw.isEmpty()) {
                try {
                    accounts.setPassword(name, pw, HttpAuth.principal(ctx).name());
                } catch (IllegalArgumentException e) {
                    throw HttpFailure.badRequest(e.getMessage());
                }
                // the user's sessions end with the old password
                auth.sessions().removeUser(name, "");
            }
        } catch (HttpFailure e) {
            ctx.status(e.status());
            users(ctx, null, e.getMessage());
            return;
        }
        users(ctx, "User " + name + " changed.", null);
    }

    private void deleteUser(Context ctx) {
        requireAdmin(access, ctx);
        String name = ctx.pathParam("name");
        try {
            RestApi.deleteUser(accounts, auth.sessions(), HttpAuth.principal(ctx), name);
        } catch (HttpFailure e) {
            ctx.status(e.status());
            users(ctx, null, e.getMessage());
            return;
        }
        users(ctx, "User " + name + " deleted.", null);
    }

    // ---- helpers ----

    static void requireAdmin(AccessControl access, Context ctx) {
        if (!access.mayAdminister(HttpAuth.principal(ctx))) {
            throw new HttpFailure(403, "this is for administrators only");
        }
    }

    static void requireCurator(AccessControl access, Context ctx) {
        if (!access.mayCurate(HttpAuth.principal(ctx))) {
            throw new HttpFailure(403, "this is for curators and administrators only");
        }
    }

    /** The search keys given (non-blank), in the order of the level's keys. */
    static Map<String, String> keys(Context ctx, List<String> allowed) {
        Map<String, String> keys = new LinkedHashMap<>();
        for (String k : allowed) {
            String v = ctx.queryParam(k);
            if (v != null && !v.isBlank()) {
                keys.put(k, v.trim());
            }
        }
        return keys;
    }

    static int offset(Context ctx) {
        return RestApi.intParam(ctx, "offset", 0);
    }

    static String query(Map<String, String> keys) {
        StringBuilder sb = new StringBuilder();
        for (Map.Entry<String, String> e : keys.entrySet()) {
            sb.append('&').append(e.getKey()).append('=').append(URLEncoder.encode(e.getValue(), StandardCharsets.UTF_8));
        }
        return sb.toString();
    }

    static Role role(String s) {
        try {
            return Role.parse(s);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
    }
}
