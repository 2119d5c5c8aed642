package org.cardiacatlas.cap.web;

import org.cardiacatlas.cap.server.CapServer;
import org.cardiacatlas.cap.server.NodeModule;

/** Starts the HTTP server with the node (found by ServiceLoader: META-INF/services). */
public final class WebModule implements NodeModule {

    @Override
    public AutoCloseable start(CapServer node) throws Exception {
        WebServer server = WebServer.start(node);
        return server == null ? () -> { } : server;
    }
}
