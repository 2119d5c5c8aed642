package org.cardiacatlas.cap.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

/** A multipart/related body (RFC 2387) written part by part to the response as it goes. */
final class MultipartOut {

    final String boundary = UUID.randomUUID().toString();
    private final OutputStream out;
    private boolean first = true;

    MultipartOut(OutputStream out) {
        this.out = out;
    }

    /** The response's Content-Type for parts of this type. */
    String contentType(String type) {
        return "multipart/related; type=\"" + type + "\"; boundary=" + boundary;
    }

    /** Starts a part; its body follows through {@link #body()}. */
    OutputStream part(String contentType, long length) throws IOException {
        StringBuilder h = new StringBuilder();
        h.append(first ? "" : "\r\n").append("--").append(boundary).append("\r\n");
        h.append("Content-Type: ").append(contentType).append("\r\n");
        if (length >= 0) {
            h.append("Content-Length: ").append(length).append("\r\n");
        }
        h.append("\r\n");
        out.write(h.toString().getBytes(StandardCharsets.US_ASCII));
        first = false;
        return out;
    }

    void end() throws IOException {
        out.write(((first ? "" : "\r\n") + "--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }
}
