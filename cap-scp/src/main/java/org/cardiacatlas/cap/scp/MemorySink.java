package org.cardiacatlas.cap.scp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;

/** A small data set kept in memory: query and retrieve identifiers, storage commitment requests. */
public final class MemorySink implements DataSetSink {

    private final int limit;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    public MemorySink(int limit) {
        this.limit = limit;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (bytes.size() + len > limit) {
            throw new IOException("data set larger than " + limit + " bytes");
        }
        bytes.write(b, off, len);
    }

    byte[] bytes() {
        return bytes.toByteArray();
    }

    @Override
    public void discard() {
        bytes.reset();
    }
}
