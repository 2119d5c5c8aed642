package org.cardiacatlas.cap.server;

/**
 * A part of the node that lives in another module and starts with it, found with
 * {@link java.util.ServiceLoader} (META-INF/services): the HTTP server of cap-web, so that
 * cap-scp need not depend on it. Modules start after the DICOM listener and stop before it.
 */
public interface NodeModule {

    /** Starts the module on the node's units; the handle is closed when the node stops. */
    AutoCloseable start(CapServer node) throws Exception;
}
