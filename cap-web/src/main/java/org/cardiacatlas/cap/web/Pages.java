package org.cardiacatlas.cap.web;

import io.javalin.http.Context;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.access.Role;
import org.cardiacatlas.cap.access.WebSessions;
import org.thymeleaf.TemplateEngine;
import org.thymeleaf.templatemode.TemplateMode;
import org.thymeleaf.templateresolver.ClassLoaderTemplateResolver;

/**
 * The web app's pages: Thymeleaf templates below {@code templates/} in the jar, rendered on the
 * server with the model of the route plus what every page shows (the user, the role, the CSRF
 * token for forms and htmx). Every page is sent with a strict Content-Security-Policy: scripts
 * come from the node only (htmx and uPlot from WebJars, app.js), never inline.
 */
final class Pages {

    static final Pages INSTANCE = new Pages();

    private final TemplateEngine engine = new TemplateEngine();

    private Pages() {
        ClassLoaderTemplateResolver r = new ClassLoaderTemplateResolver(Pages.class.getClassLoader());
        r.setPrefix("templates/");
        r.setSuffix(".html");
        r.setTemplateMode(TemplateMode.HTML);
        r.setCharacterEncoding("UTF-8");
        r.setCacheable(true);
        engine.setTemplateResolver(r);
        // @{/...} links: the app is served at the root, there is no servlet context path
        engine.setLinkBuilder(new org.thymeleaf.linkbuilder.StandardLinkBuilder() {
            @Override
            protected String computeContextPath(org.thymeleaf.context.IExpressionContext context, String base,
                    Map<String, Object> parameters) {
                return "";
            }
        });
    }

    void render(Context ctx, String template, Map<String, Object> model) {
        org.thymeleaf.context.Context c = new org.thymeleaf.context.Context(Locale.ENGLISH);
        Map<String, Object> m = new HashMap<>(model);
        Principal p = HttpAuth.principal(ctx);
        WebSessions.Session s = HttpAuth.session(ctx);
        m.put("me", p);
        m.put("csrf", s == null ? "" : s.csrf);
        m.put("isAdmin", p != null && p.role() == Role.ADMIN);
        m.put("isCurator", p != null && (p.role() == Role.ADMIN || p.role() == Role.CURATOR));
        m.put("path", ctx.path());
        m.putIfAbsent("title", template);
        c.setVariables(m);
        String html = engine.process(template, c);
        headers(ctx);
        ctx.contentType("text/html; charset=utf-8").result(html);
    }

    void error(Context ctx, int status, String reason) {
        ctx.status(status);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Error " + status);
        m.put("status", status);
        m.put("reason", reason == null || reason.isBlank() ? "the request failed" : reason);
        render(ctx, "error", m);
    }

    static void headers(Context ctx) {
        ctx.header("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; style-src 'self'"
                + " 'unsafe-inline'; script-src 'self'; frame-ancestors 'none'; form-action 'self'");
        ctx.header("X-Frame-Options", "DENY");
        ctx.header("Referrer-Policy", "same-origin");
        ctx.header("Cache-Control", "no-store");
    }
}
