package org.cardiacatlas.cap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.UploadedFile;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.server.AeCommand;
import org.cardiacatlas.cap.server.CapServer;
import org.cardiacatlas.cap.server.LogCommand;
import org.cardiacatlas.cap.server.StatusCommand;
import org.cardiacatlas.cap.xpacs.XpacsCommands;
import org.cardiacatlas.cap.xpacs.XpacsImport;

/**
 * Administration and the XPACS tools in the web app, each through the unit of its command:
 * the status dashboard ({@code capserver status}, with plots per hour from the audit log), the
 * audit log with the filters of {@code capserver log}, the AE registry ({@code capserver ae},
 * with C-ECHO), the configuration (secrets masked), the CSV import ({@code capserver xpacs
 * import}, its file:line report shown) and {@code xpacs check}.
 */
final class AdminRoutes {

    static final int AUDIT_ROWS = 500;
    static final int PLOT_DAYS = 3;

    private final CapServer node;
    private final AccessControl access;
    private final XpacsCommands xpacs;
    private final Pages pages = Pages.INSTANCE;

    AdminRoutes(CapServer node, XpacsCommands xpacs) {
        this.node = node;
        this.access = node.access();
        this.xpacs = xpacs;
    }

    void register(Javalin app) {
        app.get("/admin", this::dashboard);
        app.get("/api/admin/status", ctx -> {
            WebApp.requireAdmin(access, ctx);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", status());
            m.put("hours", hourly());
            RestApi.json(ctx, 200, m);
        });
        app.get("/admin/audit", this::audit);
        app.get("/api/admin/audit", ctx -> {
            WebApp.requireAdmin(access, ctx);
            List<JsonNode> rows = new ArrayList<>();
            for (String l : log(auditArgs(ctx, true))) {
                rows.add(RestApi.JSON.readTree(l));
            }
            RestApi.json(ctx, 200, rows);
        });
        app.get("/admin/aes", ctx -> aes(ctx, null));
        app.post("/admin/aes", ctx -> {
            WebApp.requireAdmin(access, ctx);
            List<String> args = new ArrayList<>(List.of("add", field(ctx, "aet"), field(ctx, "host"), field(ctx, "port")));
            String desc = ctx.formParam("description");
            if (desc != null && !desc.isBlank()) {
                args.add(desc.trim());
            }
            aes(ctx, ae(args));
        });
        app.post("/admin/aes/{aet}/remove", ctx -> {
            WebApp.requireAdmin(access, ctx);
            aes(ctx, ae(List.of("remove", ctx.pathParam("aet"))));
        });
        app.post("/admin/aes/{aet}/echo", ctx -> {
            WebApp.requireAdmin(access, ctx);
            aes(ctx, ae(List.of("echo", ctx.pathParam("aet"))));
        });
        app.get("/api/admin/aes", ctx -> {
            WebApp.requireAdmin(access, ctx);
            List<Map<String, Object>> out = new ArrayList<>();
            node.retrieve().destinations().forEach(a -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("aet", a.aet);
                m.put("host", a.hostname);
                m.put("port", a.port);
                m.put("description", a.aeDesc);
                out.add(m);
            });
            RestApi.json(ctx, 200, out);
        });
        app.get("/admin/config", ctx -> {
            WebApp.requireAdmin(access, ctx);
            pages.render(ctx, "config", Map.of("title", "Configuration", "lines", node.config().describe()));
        });
        // XPACS tools: curators and admins
        app.get("/xpacs/import", ctx -> {
            WebApp.requireCurator(access, ctx);
            importPage(ctx, null, null);
        });
        app.post("/xpacs/import", this::importCsv);
        app.get("/xpacs/check", ctx -> {
            WebApp.requireCurator(access, ctx);
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int bad;
            try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
                bad = xpacs.check(out);
            }
            pages.render(ctx, "report", Map.of("title", "XPACS check", "heading", "XPACS check",
                    "ok", bad == 0, "report", b.toString(StandardCharsets.UTF_8)));
        });
    }

    // ---- status ----

    private String status() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
            StatusCommand.run(node.database(), node.config().logDir(), out);
        }
        return b.toString(StandardCharsets.UTF_8);
    }

    /** Stores, bytes stored and failures per hour over the last days, from the audit log. */
    private Map<String, Object> hourly() throws IOException, InterruptedException {
        Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
        Instant from = now.minus(PLOT_DAYS * 24L - 1, ChronoUnit.HOURS);
        TreeMap<Long, long[]> hours = new TreeMap<>();
        for (Instant h = from; !h.isAfter(now); h = h.plus(1, ChronoUnit.HOURS)) {
            hours.put(h.getEpochSecond(), new long[3]);
        }
        for (String l : log(List.of("--json", "--from", from.toString()), Integer.MAX_VALUE)) {
            JsonNode e = RestApi.JSON.readTree(l);
            Instant t;
            try {
                t = Instant.parse(e.path("time").asText());
            } catch (RuntimeException ex) {
                continue;
            }
            long[] c = hours.get(t.truncatedTo(ChronoUnit.HOURS).getEpochSecond());
            if (c == null) {
                continue;
            }
            String op = e.path("op").asText();
            String st = e.path("status").asText();
            if ((op.equals("C-STORE") || op.equals("STOW-RS")) && st.equals("0000")) {
                c[0]++;
                c[1] += e.path("bytes").asLong(0);
            }
            if (failure(op, st)) {
                c[2]++;
            }
        }
        List<Long> x = new ArrayList<>();
        List<Long> stores = new ArrayList<>();
        List<Long> bytes = new ArrayList<>();
        List<Long> failures = new ArrayList<>();
        hours.forEach((k, v) -> {
            x.add(k);
            stores.add(v[0]);
            bytes.add(v[1]);
            failures.add(v[2]);
        });
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("hour", x);
        m.put("stores", stores);
        m.put("bytes", bytes);
        m.put("failures", failures);
        return m;
    }

    /** As capserver log --failures counts them (AuditReader.Event.failure). */
    static boolean failure(String op, String s) {
        if (op.equals("HTTP")) {
            return s.isEmpty() || s.charAt(0) >= '4';
        }
        if (op.equals("LOGIN-FAILED")) {
            return true;
        }
        if (op.startsWith("USER-") || op.startsWith("TOKEN-") || op.startsWith("LOGIN") || op.startsWith("LOGOUT")
                || op.startsWith("XPACS-") || op.equals("ASSOCIATION")) {
            return false;
        }
        return !(s.equals("0000") || s.equals("released") || s.startsWith("FF") || s.startsWith("B") || s.isEmpty());
    }

    private void dashboard(Context ctx) throws Exception {
        WebApp.requireAdmin(access, ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Status");
        m.put("status", status());
        pages.render(ctx, "dashboard", m);
    }

    // ---- audit ----

    // the filters of capserver log, by their names there (issue 11: --aet is the node's own AE title)
    static final List<String> AUDIT_FILTERS = List.of("from", "to", "calling-aet", "called-aet", "destination", "op",
            "patient", "study");

    private List<String> auditArgs(Context ctx, boolean json) {
        List<String> args = new ArrayList<>();
        for (String k : AUDIT_FILTERS) {
            String v = ctx.queryParam(k);
            if (v != null && !v.isBlank()) {
                args.add("--" + k);
                args.add(v.trim());
            }
        }
        if (ctx.queryParam("failures") != null) {
            args.add("--failures");
        }
        if (json) {
            args.add("--json");
        }
        return args;
    }

    private List<String> log(List<String> args) throws IOException, InterruptedException {
        return log(args, AUDIT_ROWS);
    }

    /** The last lines of capserver log with these arguments (the header of the table left out). */
    private List<String> log(List<String> args, int max) throws IOException, InterruptedException {
        LastLines lines = new LastLines(max);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(lines, true, StandardCharsets.UTF_8);
                PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8)) {
            LogCommand.run(node.config().logDir(), args, out, e);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage().split("\n")[0]);
        }
        List<String> out = new ArrayList<>(lines.lines());
        if (!args.contains("--json") && !out.isEmpty() && out.get(0).startsWith("time ")) {
            out.remove(0);
        }
        return out;
    }

    private void audit(Context ctx) throws Exception {
        WebApp.requireAdmin(access, ctx);
        // the records as capserver log --json gives them, shown as a table with the user
        List<Map<String, String>> rows = new ArrayList<>();
        java.time.format.DateTimeFormatter local = java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                .withZone(java.time.ZoneId.systemDefault());
        for (String l : log(auditArgs(ctx, true))) {
            JsonNode e = RestApi.JSON.readTree(l);
            Map<String, String> r = new LinkedHashMap<>();
            String time = e.path("time").asText();
            try {
                time = local.format(Instant.parse(time));
            } catch (RuntimeException ignored) {
                // shown as written
            }
            r.put("time", time);
            r.put("op", e.path("op").asText());
            r.put("status", e.path("status").asText());
            r.put("user", e.path("user").asText(e.path("by").asText()));
            String calling = e.path("calling").asText();
            String called = e.path("called").asText();
            r.put("aet", calling.isEmpty() && called.isEmpty() ? "" : calling + " -> " + called);
            r.put("remote", e.path("remote").asText());
            r.put("patient", e.path("patient").asText());
            StringBuilder what = new StringBuilder();
            for (String k : List.of("method", "path", "study", "sop", "transaction", "detail", "level", "matches",
                    "instances", "bytes")) {
                if (!e.path(k).asText().isEmpty()) {
                    what.append(what.length() > 0 ? " " : "").append(k.equals("method") || k.equals("path")
                            || k.equals("study") || k.equals("sop") || k.equals("detail") ? "" : k + " ")
                            .append(e.path(k).asText());
                }
            }
            r.put("what", what.toString());
            r.put("failure", failure(r.get("op"), r.get("status")) ? "failure" : "");
            rows.add(r);
        }
        java.util.Collections.reverse(rows);
        Map<String, Object> m = new HashMap<>();
        Map<String, String> f = new HashMap<>();
        for (String k : AUDIT_FILTERS) {
            f.put(k, ctx.queryParam(k) == null ? "" : ctx.queryParam(k));
        }
        m.put("title", "Audit log");
        m.put("f", f);
        m.put("failures", ctx.queryParam("failures") != null);
        // live tail: the rows reload themselves (htmx) with the same filters
        boolean live = ctx.queryParam("live") != null;
        m.put("live", live);
        m.put("liveUrl", "/admin/audit?" + (ctx.queryString() == null ? "live=on" : ctx.queryString()));
        m.put("rows", rows);
        m.put("max", AUDIT_ROWS);
        pages.render(ctx, "audit", m);
    }

    /** Keeps the last lines written, at most max. */
    static final class LastLines extends java.io.OutputStream {
        private final int max;
        private final Deque<String> lines = new ArrayDeque<>();
        private final ByteArrayOutputStream line = new ByteArrayOutputStream();

        LastLines(int max) {
            this.max = max;
        }

        @Override
        public void write(int b) {
            if (b == '\n') {
                lines.addLast(line.toString(StandardCharsets.UTF_8));
                line.reset();
                if (lines.size() > max) {
                    lines.removeFirst();
                }
            } else {
                line.write(b);
            }
        }

        List<String> lines() {
            return new ArrayList<>(lines);
        }
    }

    // ---- AE registry ----

    private String ae(List<String> args) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
            AeCommand.run(node.retrieve(), node.config().aet(), node::outbound, args, out);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage().split("\n")[0]);
        }
        return b.toString(StandardCharsets.UTF_8).trim();
    }

    private void aes(Context ctx, String message) {
        WebApp.requireAdmin(access, ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "AE registry");
        m.put("aes", node.retrieve().destinations());
        m.put("message", message);
        m.put("ourAet", node.config().aet());
        pages.render(ctx, "aes", m);
    }

    private static String field(Context ctx, String name) {
        String v = ctx.formParam(name);
        if (v == null || v.isBlank()) {
            throw HttpFailure.badRequest(name + " is empty");
        }
        return v.trim();
    }

    // ---- XPACS import ----

    private void importPage(Context ctx, String report, Boolean ok) {
        Map<String, Object> m = new HashMap<>();
        m.put("title", "XPACS import");
        m.put("report", report);
        m.put("ok", ok);
        m.put("kinds", List.of("patients", "notes", "baseline", "files", "models"));
        pages.render(ctx, "xpacs-import", m);
    }

    /**
     * The uploaded CSV (with the files its rows name, uploaded beside it) goes to the import
     * unit as {@code capserver xpacs import} gets it; its report, file:line for each problem, is
     * the page.
     */
    private void importCsv(Context ctx) throws IOException {
        WebApp.requireCurator(access, ctx);
        XpacsImport.Kind kind;
        try {
            kind = XpacsImport.Kind.parse(ctx.formParam("kind") == null ? "" : ctx.formParam("kind"));
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
        List<UploadedFile> files = ctx.uploadedFiles("files");
        if (files.isEmpty()) {
            throw HttpFailure.badRequest("no file uploaded: choose a CSV file");
        }
        Path dir = Files.createTempDirectory("cap-import");
        try {
            Path csv = null;
            for (UploadedFile u : files) {
                String name = Path.of(u.filename()).getFileName().toString().replaceAll("[^A-Za-z0-9._-]", "_");
                if (name.isEmpty() || name.startsWith(".")) {
                    name = "upload" + name;
                }
                Path p = dir.resolve(name);
                try (InputStream in = u.content()) {
                    Files.copy(in, p);
                }
                if (csv == null && name.toLowerCase().endsWith(".csv")) {
                    csv = p;
                }
            }
            if (csv == null) {
                throw HttpFailure.badRequest("none of the uploaded files is a .csv file");
            }
            ByteArrayOutputStream b = new ByteArrayOutputStream();
            int n;
            try (PrintStream out = new PrintStream(b, true, StandardCharsets.UTF_8)) {
                n = new XpacsImport(node.database().xpacsSessions(), node.config().storageDir()).run(kind, csv, out);
            }
            // the report names the file as it was uploaded, not the temporary folder it was read from
            String report = b.toString(StandardCharsets.UTF_8).replace(dir.toString() + "/", "");
            if (n < 0) {
                ctx.status(400);
            }
            importPage(ctx, report, n >= 0);
        } finally {
            try (var walk = Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
