package org.cardiacatlas.cap.scp;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Holds a transcoded data set until it is complete: in memory up to 32 MB, then in a temporary
 * file readable by its owner only, removed on close.
 */
final class TranscodeBuffer extends OutputStream implements AutoCloseable {
    private static final int IN_MEMORY = 32 << 20;
    private ByteArrayOutputStream memory = new ByteArrayOutputStream(1 << 20);
    private Path spill;
    private OutputStream spillOut;

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        if (spillOut == null && memory.size() + len > IN_MEMORY) {
            spill = Files.createTempFile("capserver-transcode", ".dcm");
            spillOut = new java.io.BufferedOutputStream(Files.newOutputStream(spill), 1 << 20);
            memory.writeTo(spillOut);
            memory = null;
        }
        if (spillOut != null) {
            spillOut.write(b, off, len);
        } else {
            memory.write(b, off, len);
        }
    }

    /** Copies everything written so far to {@code out}, in large writes. */
    void writeTo(OutputStream out) throws IOException {
        if (spillOut == null) {
            memory.writeTo(out);
            return;
        }
        spillOut.flush();
        try (InputStream in = Files.newInputStream(spill)) {
            byte[] buf = new byte[4 << 20];
            for (int n; (n = in.readNBytes(buf, 0, buf.length)) > 0; ) {
                out.write(buf, 0, n);
            }
        }
    }

    @Override
    public void close() throws IOException {
        if (spillOut != null) {
            spillOut.close();
            Files.deleteIfExists(spill);
        }
        memory = null;
    }
}
