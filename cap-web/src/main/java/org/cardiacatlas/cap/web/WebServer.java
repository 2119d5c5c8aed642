package org.cardiacatlas.cap.web;

import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HandlerType;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.server.CapServer;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.io.EofException;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The node's one HTTP server (Javalin 6 on Jetty): plain HTTP on {@code --http-port}, HTTPS on
 * {@code --https-port} with the node's keystore. Routes are small classes registered here;
 * every request is authenticated before its route runs, and logged afterwards in capserver.log
 * and audit.log (method, path, user, status, bytes, duration). Failures travel as
 * {@link HttpFailure} (or the units' DicomServiceException) to one dispatcher, which answers
 * DICOMweb in plain text, the REST API in JSON and the web app's pages with a page (or the
 * login form). Besides DICOMweb it serves the web app (WebApp, RestApi, XpacsRoutes,
 * AdminRoutes) and its static files and WebJars.
 */
public final class WebServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebServer.class);
    private static final AtomicLong SEQ = new AtomicLong();
    private static final String START = "cap.start";
    private static final String REQUEST_ID = "cap.request";

    private final Javalin app;
    private final List<ServerConnector> http = new ArrayList<>();
    private final List<ServerConnector> https = new ArrayList<>();

    private WebServer(Javalin app) {
        this.app = app;
    }

    /** Null when both ports are 0. */
    public static WebServer start(CapServer node) {
        CapConfig config = node.config();
        int httpPort = config.integer(CapConfig.Option.HTTP_PORT);
        int httpsPort = config.integer(CapConfig.Option.HTTPS_PORT);
        if (httpPort == 0 && httpsPort == 0) {
            LOG.info("HTTP server disabled (--http-port 0, no --https-port)");
            return null;
        }
        String bind = config.get(CapConfig.Option.HTTP_BIND).trim();
        long maxRequest = config.integer(CapConfig.Option.HTTP_MAX_REQUEST_MB) * 1024L * 1024L;
        HttpAuth auth = new HttpAuth(node.accounts(), config.bool(CapConfig.Option.HTTP_ANONYMOUS_READ),
                node.webSessions());
        Set<String> corsOrigins = new TreeSet<>();
        for (String o : config.get(CapConfig.Option.HTTP_CORS_ORIGINS).split(",")) {
            if (!o.isBlank()) {
                corsOrigins.add(o.trim());
            }
        }
        List<ServerConnector> httpConnectors = new ArrayList<>();
        List<ServerConnector> httpsConnectors = new ArrayList<>();
        Javalin app = Javalin.create(cfg -> {
            cfg.showJavalinBanner = false;
            // DICOM is not worth compressing, and a compressing wrapper would hide the byte count
            cfg.http.disableCompression();
            cfg.router.ignoreTrailingSlashes = true;
            cfg.http.maxRequestSize = maxRequest;
            cfg.jetty.modifyHttpConfiguration(hc -> {
                hc.setSendServerVersion(false);
                hc.setSendXPoweredBy(false);
            });
            if (httpPort != 0) {
                cfg.jetty.addConnector((server, hc) -> {
                    ServerConnector c = new ServerConnector(server, new HttpConnectionFactory(hc));
                    c.setPort(httpPort);
                    c.setHost(bind.isEmpty() ? null : bind);
                    httpConnectors.add(c);
                    return c;
                });
            }
            if (httpsPort != 0) {
                cfg.jetty.addConnector((server, hc) -> {
                    ServerConnector c = httpsConnector(server, hc, config);
                    c.setPort(httpsPort);
                    c.setHost(bind.isEmpty() ? null : bind);
                    httpsConnectors.add(c);
                    return c;
                });
            }
            // Jetty's request log runs when the response is complete: the byte count is final
            cfg.jetty.modifyServer(server -> server.setRequestLog(WebServer::logRequest));
            // the web app's scripts and styles, and htmx and uPlot from their WebJars
            cfg.staticFiles.add(sf -> {
                sf.hostedPath = "/static";
                sf.directory = "/static";
                sf.location = io.javalin.http.staticfiles.Location.CLASSPATH;
            });
            cfg.staticFiles.enableWebjars();
        });

        app.before(ctx -> {
            ctx.attribute(START, System.nanoTime());
            long id = SEQ.incrementAndGet();
            ctx.attribute(REQUEST_ID, id);
            MDC.put("assoc", "http-" + id + " " + ctx.ip());
            cors(ctx, corsOrigins);
            ctx.header("X-Content-Type-Options", "nosniff");
        });
        // every route below /dicom-web needs an account (or anonymous reading); a CORS
        // preflight carries no credentials (Fetch standard) and is answered by cors()
        for (String protectedPath : List.of("/dicom-web/*", "/wado")) {
            app.before(protectedPath, ctx -> {
                if (ctx.method() == HandlerType.OPTIONS) {
                    return;
                }
                Principal p = auth.authenticate(ctx);
                MDC.put("assoc", "http-" + ctx.attribute(REQUEST_ID) + " " + p.name() + "@" + ctx.ip());
            });
        }
        // the web app and its API: a session cookie (or Basic, or a token) for all but the login
        // form, static files and the OpenAPI file
        app.before(ctx -> {
            String path = ctx.path();
            if (path.startsWith("/dicom-web") || path.equals("/wado") || WebApp.isPublic(path)
                    || ctx.method() == HandlerType.OPTIONS) {
                return;
            }
            // --http-anonymous-read opens DICOMweb, not the web app
            Principal p = auth.authenticate(ctx, false);
            MDC.put("assoc", "http-" + ctx.attribute(REQUEST_ID) + " " + p.name() + "@" + ctx.ip());
        });
        app.options("/dicom-web/*", ctx -> ctx.status(corsOrigins.isEmpty() ? 405 : 204));

        app.exception(HttpFailure.class, (e, ctx) -> fail(ctx, e.status(), e.getMessage(), e.getCause()));
        app.exception(DicomServiceException.class, (e, ctx) -> fail(ctx, httpStatus(e), e.getMessage(), e));
        app.exception(Exception.class, (e, ctx) -> {
            if (clientGone(e)) {
                LOG.info("{} {}: client disconnected mid-response ({})", ctx.method(), ctx.path(), e.toString());
                ctx.status(499);
                return;
            }
            LOG.error("{} {} failed: {}", ctx.method(), ctx.path(), e.toString(), e);
            fail(ctx, 500, "internal error: " + e.getClass().getSimpleName(), null);
        });
        app.error(404, ctx -> {
            if (ctx.result() == null) {
                fail(ctx, 404, "no such page or resource: " + ctx.path(), null);
            }
        });

        new DicomWebRoutes(node, maxRequest).register(app);
        ArchiveBrowser archive = new ArchiveBrowser(new PacsQuery(node.database().readSessions(), config.aet(), 0,
                config.bool(CapConfig.Option.CASE_SENSITIVE_NAMES)), node.retrieve(), node.storage(), node.access());
        new WebApp(auth, node.access(), archive).register(app);
        new RestApi(auth, node.access(), archive).register(app);
        org.cardiacatlas.cap.xpacs.XpacsCommands xpacs = new org.cardiacatlas.cap.xpacs.XpacsCommands(
                node.database().sessions(), node.database().xpacsSessions(),
                new org.cardiacatlas.cap.xpacs.XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN)));
        new XpacsRoutes(xpacs, new org.cardiacatlas.cap.xpacs.XpacsNotes(node.database().xpacsSessions()),
                new org.cardiacatlas.cap.xpacs.XpacsImport(node.database().xpacsSessions(), config.storageDir()),
                new org.cardiacatlas.cap.xpacs.XpacsRecords(node.database().xpacsSessions(), config.storageDir()),
                node.access()).register(app);
        new AdminRoutes(node, xpacs).register(app);

        app.start();
        WebServer ws = new WebServer(app);
        ws.http.addAll(httpConnectors);
        ws.https.addAll(httpsConnectors);
        for (ServerConnector c : httpConnectors) {
            LOG.info("HTTP on {}:{} (DICOMweb at /dicom-web)", bind.isEmpty() ? "*" : bind, c.getLocalPort());
        }
        for (ServerConnector c : httpsConnectors) {
            LOG.info("HTTPS on {}:{} (DICOMweb at /dicom-web)", bind.isEmpty() ? "*" : bind, c.getLocalPort());
        }
        MDC.remove("assoc");
        return ws;
    }

    private static ServerConnector httpsConnector(Server server, HttpConfiguration hc, CapConfig config) {
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(Path.of(config.get(CapConfig.Option.TLS_KEYSTORE).trim()).toAbsolutePath().toString());
        ssl.setKeyStorePassword(config.get(CapConfig.Option.TLS_KEYSTORE_PASSWORD));
        ssl.setKeyStoreType("PKCS12");
        ssl.setIncludeProtocols("TLSv1.3", "TLSv1.2");
        HttpConfiguration secure = new HttpConfiguration(hc);
        SecureRequestCustomizer src = new SecureRequestCustomizer();
        // clients reach the node by address or by names its certificate may not list
        src.setSniHostCheck(false);
        secure.addCustomizer(src);
        return new ServerConnector(server, new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(secure));
    }

    private static void cors(Context ctx, Set<String> origins) {
        String origin = ctx.header("Origin");
        if (origin == null || !(origins.contains(origin) || origins.contains("*"))) {
            return;
        }
        ctx.header("Access-Control-Allow-Origin", origin);
        ctx.header("Vary", "Origin");
        ctx.header("Access-Control-Allow-Credentials", "true");
        ctx.header("Access-Control-Allow-Methods", "GET, HEAD, POST, OPTIONS");
        ctx.header("Access-Control-Allow-Headers", "Authorization, Accept, Content-Type");
        ctx.header("Access-Control-Expose-Headers", "Warning, Content-Type, Content-Length");
        ctx.header("Access-Control-Max-Age", "600");
    }

    /** PS3.18 8.7.4: the body says why, in plain text; the log says it too. */
    private static void fail(Context ctx, int status, String reason, Throwable cause) {
        if (status >= 500) {
            LOG.error("{} {} -> {}: {}", ctx.method(), ctx.path(), status, reason, cause);
        } else if (status != 401) {
            LOG.warn("{} {} -> {}: {}", ctx.method(), ctx.path(), status, reason);
        }
        ctx.attribute("cap.reason", reason);
        try {
            ctx.res().resetBuffer();
        } catch (IllegalStateException committed) {
            // the response has begun (a multipart stream): the status cannot change any more
            return;
        }
        String path = ctx.path();
        if (path.startsWith("/api/")) {
            // scripts read JSON; a Basic challenge would make a browser ask for a password
            if (status == 401) {
                ctx.header("WWW-Authenticate", "Bearer realm=\"CAP Server\"");
            }
            ctx.status(status).contentType("application/json").result(RestApi.JSON.createObjectNode()
                    .put("error", reason == null ? "" : reason).put("status", status).toString());
        } else if (path.startsWith("/dicom-web") || path.equals("/wado")) {
            if (status == 401) {
                ctx.header("WWW-Authenticate", HttpAuth.CHALLENGE);
            }
            ctx.status(status).contentType("text/plain; charset=utf-8").result(reason == null ? "" : reason);
        } else if (status == 401 && HttpAuth.safe(ctx)) {
            // a page: log in first, then come back
            ctx.redirect(WebApp.loginRedirect(ctx), io.javalin.http.HttpStatus.SEE_OTHER);
        } else {
            try {
                Pages.INSTANCE.error(ctx, status, reason);
            } catch (RuntimeException e) {
                LOG.error("error page failed: {}", e.toString(), e);
                ctx.status(status).contentType("text/plain; charset=utf-8").result(reason == null ? "" : reason);
            }
        }
    }

    /** The DIMSE statuses of the shared units, as HTTP statuses. */
    static int httpStatus(DicomServiceException e) {
        return switch (e.status()) {
            case DicomServiceException.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS -> 400;
            case DicomServiceException.CANNOT_UNDERSTAND -> 400;
            case DicomServiceException.OUT_OF_RESOURCES -> 413;
            default -> 500;
        };
    }

    /** Says in the log, and in the request's audit record, that the client left mid-response. */
    static void clientGone(Context ctx, String where) {
        LOG.info("{} {}: client disconnected mid-response, {}", ctx.method(), ctx.path(), where);
        ctx.attribute("cap.reason", "client disconnected mid-response, " + where);
    }

    static boolean clientGone(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof EofException) {
                return true;
            }
            if (t instanceof IOException && t.getMessage() != null
                    && (t.getMessage().contains("Broken pipe") || t.getMessage().contains("Connection reset")
                    || t.getMessage().contains("Closed"))) {
                return true;
            }
        }
        return false;
    }

    /**
     * One line in capserver.log and one JSON record in audit.log per request (the query string,
     * which may hold patient names, only in capserver.log).
     */
    private static void logRequest(Request rq, org.eclipse.jetty.server.Response rs) {
        long bytes = rs.getHttpChannel().getBytesWritten();
        long ms = System.currentTimeMillis() - rq.getTimeStamp();
        Principal p = rq.getAttribute(HttpAuth.PRINCIPAL) instanceof Principal pr ? pr : null;
        String user = p == null ? "-" : p.name();
        int status = rs.getCommittedMetaData() != null ? rs.getCommittedMetaData().getStatus() : rs.getStatus();
        String query = rq.getQueryString();
        Object id = rq.getAttribute(REQUEST_ID);
        MDC.put("assoc", "http-" + (id == null ? "?" : id) + " " + user + "@" + rq.getRemoteAddr());
        try {
            LOG.info("{} {}{} {} {} bytes {} ms user {}", rq.getMethod(), rq.getRequestURI(),
                    query == null ? "" : "?" + query, status, bytes, ms, user);
            Audit.event("HTTP").with("method", rq.getMethod()).with("path", rq.getRequestURI()).with("user", user)
                    .with("remote", rq.getRemoteAddr()).with("status", String.valueOf(status)).with("bytes", bytes)
                    .with("millis", ms).with("detail", rq.getAttribute("cap.reason")).write();
        } finally {
            MDC.remove("assoc");
        }
    }

    public int httpPort() {
        return http.isEmpty() ? 0 : http.get(0).getLocalPort();
    }

    public int httpsPort() {
        return https.isEmpty() ? 0 : https.get(0).getLocalPort();
    }

    @Override
    public void close() {
        LOG.info("HTTP server stopping");
        app.stop();
    }
}
