package org.cardiacatlas.cap.common.log;

import ch.qos.logback.core.recovery.ResilientFileOutputStream;
import ch.qos.logback.core.rolling.RollingFileAppender;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The audit log's appender: a record is written whole or not at all. A write that fails (disk
 * full) is cut back to where the record began, so no line is left half written; the first time
 * that happens a reserve file kept beside the log ({@code .audit-reserve}, made at start) is
 * shortened by a slice and the write tried again, so the failures of a full disk still reach
 * the audit log.
 * Records that cannot be written at all are counted and said in capserver.log.
 */
public class AuditFileAppender<E> extends RollingFileAppender<E> {

    /** Room for a few thousand records while the disk is full. */
    static final int RESERVE_BYTES = 1 << 20;

    private static final Logger LOG = LoggerFactory.getLogger(AuditFileAppender.class);

    static final int RESERVE_SLICE = 16 * 1024;

    private final AtomicLong lost = new AtomicLong();
    private boolean reserveUsed;
    private volatile long lastReportNanos;
    private Path reserve;

    @Override
    public void start() {
        super.start();
        if (getFile() != null) {
            reserve = Path.of(getFile()).toAbsolutePath().resolveSibling(".audit-reserve");
            makeReserve();
        }
    }

    private void makeReserve() {
        try {
            if (Files.exists(reserve) && Files.size(reserve) >= RESERVE_BYTES) {
                return;
            }
            try (FileChannel ch = FileChannel.open(reserve, StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
                // real blocks, not a sparse file: they are what a full disk gives back
                ByteBuffer zeros = ByteBuffer.allocate(64 * 1024);
                for (long pos = 0; pos < RESERVE_BYTES; pos += zeros.capacity()) {
                    zeros.clear();
                    while (zeros.hasRemaining()) {
                        ch.write(zeros, pos + zeros.position());
                    }
                }
                ch.force(true);
            }
        } catch (IOException e) {
            addWarn("cannot make the audit reserve file " + reserve + ": " + e.getMessage());
            try {
                Files.deleteIfExists(reserve);
            } catch (IOException ignored) {
                // nothing more to do
            }
        }
    }

    @Override
    protected void writeOut(E event) throws IOException {
        byte[] bytes = encoder.encode(event);
        if (bytes == null || bytes.length == 0) {
            return;
        }
        streamWriteLock.lock();
        try {
            OutputStream os = getOutputStream();
            if (!(os instanceof ResilientFileOutputStream rfos)) {
                super.writeOut(event);
                return;
            }
            FileChannel ch = rfos.getChannel();
            boolean written = writeWhole(ch, bytes);
            // give back the reserve a slice at a time, so that it serves the audit log and is not
            // taken at once by whatever else writes to the full disk
            while (!written && reserve != null && Files.exists(reserve)) {
                long left = Files.size(reserve) - Math.max(RESERVE_SLICE, bytes.length);
                if (!reserveUsed) {
                    reserveUsed = true;
                    LOG.warn("audit log: the disk is full; its reserve of {} bytes is given back for audit records",
                            RESERVE_BYTES);
                }
                if (left <= 0) {
                    Files.deleteIfExists(reserve);
                } else {
                    try (FileChannel r = FileChannel.open(reserve, StandardOpenOption.WRITE)) {
                        r.truncate(left);
                    }
                }
                written = writeWhole(ch, bytes);
            }
            if (written) {
                updateByteCount(bytes);
            } else {
                long n = lost.incrementAndGet();
                long now = System.nanoTime();
                if (n == 1 || now - lastReportNanos > 10_000_000_000L) {
                    lastReportNanos = now;
                    LOG.error("audit log: {} records could not be written to {} (disk full?)", n, getFile());
                }
            }
        } finally {
            streamWriteLock.unlock();
        }
    }

    /** Appends the record; on failure cuts the file back to where it began. */
    private boolean writeWhole(FileChannel ch, byte[] bytes) {
        long before;
        try {
            before = ch.size();
        } catch (IOException e) {
            return false;
        }
        try {
            ByteBuffer b = ByteBuffer.wrap(bytes);
            while (b.hasRemaining()) {
                ch.write(b);
            }
            return true;
        } catch (IOException e) {
            try {
                ch.truncate(before);
            } catch (IOException ignored) {
                // truncating only frees space; if even that fails the reader reports the line
            }
            return false;
        }
    }

    /** Records lost since start (for tests and capserver status). */
    public long lostRecords() {
        return lost.get();
    }
}
