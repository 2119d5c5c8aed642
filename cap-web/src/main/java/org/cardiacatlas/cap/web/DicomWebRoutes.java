package org.cardiacatlas.cap.web;

import io.javalin.Javalin;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.server.CapServer;

/** The DICOMweb services below /dicom-web (PS3.18), each handing its work to the node's units. */
final class DicomWebRoutes {

    private final QidoRs qido;

    DicomWebRoutes(CapServer node, long maxRequestBytes) {
        this.qido = new QidoRs(node.query(), node.access(), node.config().integer(CapConfig.Option.MAX_MATCHES));
    }

    void register(Javalin app) {
        // QIDO-RS (PS3.18 10.6)
        app.get("/dicom-web/studies", ctx -> qido.search(ctx, QidoRs.Level.STUDY, null, null));
        app.get("/dicom-web/series", ctx -> qido.search(ctx, QidoRs.Level.SERIES, null, null));
        app.get("/dicom-web/instances", ctx -> qido.search(ctx, QidoRs.Level.IMAGE, null, null));
        app.get("/dicom-web/studies/{study}/series", ctx -> qido.search(ctx, QidoRs.Level.SERIES,
                QidoRs.uid(ctx.pathParam("study")), null));
        app.get("/dicom-web/studies/{study}/instances", ctx -> qido.search(ctx, QidoRs.Level.IMAGE,
                QidoRs.uid(ctx.pathParam("study")), null));
        app.get("/dicom-web/studies/{study}/series/{series}/instances", ctx -> qido.search(ctx, QidoRs.Level.IMAGE,
                QidoRs.uid(ctx.pathParam("study")), QidoRs.uid(ctx.pathParam("series"))));
    }
}
