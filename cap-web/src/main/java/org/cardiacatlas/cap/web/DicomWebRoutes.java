package org.cardiacatlas.cap.web;

import io.javalin.Javalin;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.query.PacsQuery;
import org.cardiacatlas.cap.server.CapServer;

/**
 * The DICOMweb services below /dicom-web (PS3.18) and WADO-URI at /wado, registered in one
 * place; each hands its work to the node's units (query, retrieve, store, codec).
 */
final class DicomWebRoutes {

    private final QidoRs qido;
    private final WadoRs wado;
    private final StowRs stow;

    DicomWebRoutes(CapServer node, long maxRequestBytes) {
        CapConfig config = node.config();
        this.qido = new QidoRs(node.query(), node.access(), config.integer(CapConfig.Option.MAX_MATCHES));
        PacsQuery unlimited = new PacsQuery(node.database().readSessions(), config.aet(), 0,
                config.bool(CapConfig.Option.CASE_SENSITIVE_NAMES));
        this.wado = new WadoRs(node.retrieve(), node.storage(), node.access(), unlimited, node.codec());
        this.stow = new StowRs(node.store(), node.access(), maxRequestBytes);
    }

    void register(Javalin app) {
        String b = "/dicom-web";
        String st = b + "/studies/{study}";
        String se = st + "/series/{series}";
        String in = se + "/instances/{instance}";
        // QIDO-RS (PS3.18 10.6)
        app.get(b + "/studies", ctx -> qido.search(ctx, QidoRs.Level.STUDY, null, null));
        app.get(b + "/series", ctx -> qido.search(ctx, QidoRs.Level.SERIES, null, null));
        app.get(b + "/instances", ctx -> qido.search(ctx, QidoRs.Level.IMAGE, null, null));
        app.get(st + "/series", ctx -> qido.search(ctx, QidoRs.Level.SERIES, QidoRs.uid(ctx.pathParam("study")), null));
        app.get(st + "/instances", ctx -> qido.search(ctx, QidoRs.Level.IMAGE, QidoRs.uid(ctx.pathParam("study")),
                null));
        app.get(se + "/instances", ctx -> qido.search(ctx, QidoRs.Level.IMAGE, QidoRs.uid(ctx.pathParam("study")),
                QidoRs.uid(ctx.pathParam("series"))));
        // WADO-RS (PS3.18 10.4)
        app.get(st, ctx -> wado.retrieve(ctx, ctx.pathParam("study"), null, null));
        app.get(se, ctx -> wado.retrieve(ctx, ctx.pathParam("study"), ctx.pathParam("series"), null));
        app.get(in, ctx -> wado.retrieve(ctx, ctx.pathParam("study"), ctx.pathParam("series"),
                ctx.pathParam("instance")));
        app.get(st + "/metadata", ctx -> wado.metadata(ctx, ctx.pathParam("study"), null, null));
        app.get(se + "/metadata", ctx -> wado.metadata(ctx, ctx.pathParam("study"), ctx.pathParam("series"), null));
        app.get(in + "/metadata", ctx -> wado.metadata(ctx, ctx.pathParam("study"), ctx.pathParam("series"),
                ctx.pathParam("instance")));
        app.get(in + "/frames/{frames}", ctx -> wado.frames(ctx, ctx.pathParam("study"), ctx.pathParam("series"),
                ctx.pathParam("instance"), ctx.pathParam("frames")));
        app.get(in + "/bulkdata/{tag}", ctx -> wado.bulkdata(ctx, ctx.pathParam("study"), ctx.pathParam("series"),
                ctx.pathParam("instance"), ctx.pathParam("tag")));
        app.get(st + "/rendered", ctx -> wado.rendered(ctx, ctx.pathParam("study"), null, null, null, false));
        app.get(se + "/rendered", ctx -> wado.rendered(ctx, ctx.pathParam("study"), ctx.pathParam("series"), null,
                null, false));
        app.get(in + "/rendered", ctx -> wado.rendered(ctx, ctx.pathParam("study"), ctx.pathParam("series"),
                ctx.pathParam("instance"), null, false));
        app.get(in + "/frames/{frame}/rendered", ctx -> wado.rendered(ctx, ctx.pathParam("study"),
                ctx.pathParam("series"), ctx.pathParam("instance"), frame(ctx.pathParam("frame")), false));
        app.get(st + "/thumbnail", ctx -> wado.rendered(ctx, ctx.pathParam("study"), null, null, null, true));
        app.get(se + "/thumbnail", ctx -> wado.rendered(ctx, ctx.pathParam("study"), ctx.pathParam("series"), null,
                null, true));
        app.get(in + "/thumbnail", ctx -> wado.rendered(ctx, ctx.pathParam("study"), ctx.pathParam("series"),
                ctx.pathParam("instance"), null, true));
        app.get(in + "/frames/{frame}/thumbnail", ctx -> wado.rendered(ctx, ctx.pathParam("study"),
                ctx.pathParam("series"), ctx.pathParam("instance"), frame(ctx.pathParam("frame")), true));
        // STOW-RS (PS3.18 10.5)
        app.post(b + "/studies", ctx -> stow.store(ctx, null));
        app.post(st, ctx -> stow.store(ctx, ctx.pathParam("study")));
        // WADO-URI (PS3.18 9)
        app.get("/wado", wado::wadoUri);
    }

    private static Integer frame(String s) {
        try {
            int f = Integer.parseInt(s);
            if (f < 1) {
                throw new NumberFormatException();
            }
            return f;
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest("a frame number is 1, 2, ...: " + s);
        }
    }
}
