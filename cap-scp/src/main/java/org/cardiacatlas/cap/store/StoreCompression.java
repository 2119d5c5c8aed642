package org.cardiacatlas.cap.store;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.codec.Codec;
import org.cardiacatlas.cap.codec.CodecException;
import org.cardiacatlas.cap.common.Uids;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Compression on store ({@code --store-compression}): a background pass over the files of this
 * archive that are stored uncompressed, which replaces each by a lossless JPEG-LS or JPEG 2000
 * copy. A file is replaced only once its copy is durable and decodes to the same pixels;
 * the files row (path, syntax, MD5, size) and the store_compression row change in one
 * transaction that holds the files row locked, so a store replacing the instance meanwhile,
 * or another server doing the same, wins or loses cleanly. The old file goes only after that
 * commit: a kill at any point leaves the old file and its rows, or the new ones.
 */
public final class StoreCompression implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StoreCompression.class);
    private static final List<String> UNCOMPRESSED = List.of("1.2.840.10008.1.2", "1.2.840.10008.1.2.1",
            "1.2.840.10008.1.2.1.99", "1.2.840.10008.1.2.2");
    private static final int BATCH = 100;

    private final SqlSessionFactory sessions;
    private final ArchiveStorage storage;
    private final long filesystemPk;
    private final Codec codec;
    private final String targetTs;
    private volatile boolean stopping;
    private Thread worker;
    private long afterPk;

    public StoreCompression(SqlSessionFactory sessions, ArchiveStorage storage, long filesystemPk, Codec codec,
            String targetTs) {
        this.sessions = sessions;
        this.storage = storage;
        this.filesystemPk = filesystemPk;
        this.codec = codec;
        this.targetTs = targetTs;
    }

    public static List<Class<?>> mappers() {
        return List.of(StoreCompressionMapper.class);
    }

    /** The transfer syntax of a {@code --store-compression} value; null for none. */
    public static String syntaxOf(String option) {
        switch (option.trim()) {
            case "jpeg-ls-lossless":
                return "1.2.840.10008.1.2.4.80";
            case "j2k-lossless":
                return "1.2.840.10008.1.2.4.90";
            case "none":
            case "":
                return null;
            default:
                throw new IllegalArgumentException("--store-compression must be jpeg-ls-lossless, j2k-lossless or none: '"
                        + option + "'");
        }
    }

    /** Files compressed by the pass that still hold that content, and the bytes saved on them. */
    public static long[] saved(SqlSessionFactory sessions) {
        try (SqlSession s = sessions.openSession(false)) {
            StoreCompressionMapper m = s.getMapper(StoreCompressionMapper.class);
            Long n = m.countCurrent();
            Long b = m.savedCurrent();
            return new long[] {n == null ? 0 : n, b == null ? 0 : b};
        }
    }

    /** Runs the pass every {@code pollMillis} on a thread of its own. */
    public void start(long pollMillis) {
        worker = new Thread(() -> {
            while (!stopping) {
                try {
                    runOnce();
                } catch (RuntimeException e) {
                    LOG.warn("store compression pass failed: {}", e.toString());
                }
                synchronized (this) {
                    try {
                        if (!stopping) {
                            wait(pollMillis);
                        }
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }
        }, "store-compression");
        worker.setDaemon(true);
        worker.start();
        LOG.info("store compression to {} running", targetTs);
    }

    /** One pass over the files stored uncompressed since the last one; returns how many it replaced. */
    public int runOnce() {
        int done = 0;
        long saved = 0;
        while (!stopping) {
            List<CompressionCandidate> batch;
            try (SqlSession s = sessions.openSession(false)) {
                batch = s.getMapper(StoreCompressionMapper.class).selectCandidates(filesystemPk, afterPk, UNCOMPRESSED,
                        BATCH);
            }
            if (batch.isEmpty()) {
                break;
            }
            for (CompressionCandidate c : batch) {
                if (stopping) {
                    break;
                }
                // a file that cannot be compressed is not tried again until the next start
                afterPk = c.pk;
                long gain = compress(c);
                if (gain > 0) {
                    done++;
                    saved += gain;
                }
            }
        }
        if (done > 0) {
            LOG.info("store compression: {} files compressed to {}, {} bytes saved", done, targetTs, saved);
        }
        return done;
    }

    /** Compresses one file; returns the bytes saved, 0 when it was left as it is. */
    long compress(CompressionCandidate c) {
        Path tmp = storage.newTemporary();
        Path created = null;
        boolean committed = false;
        try {
            Path old = storage.resolve(c.filepath);
            if (!Files.isRegularFile(old) || Files.size(old) != c.fileSize) {
                LOG.warn("store compression: file {} of instance {} is missing or not the size the index says; left alone",
                        c.filepath, c.sopIuid);
                return 0;
            }
            if (!Uids.isValid(c.sopIuid)) {
                return 0;
            }
            MessageDigest md = MessageDigest.getInstance("MD5");
            try (OutputStream o = new DigestOutputStream(new BufferedOutputStream(
                    Files.newOutputStream(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 20), md)) {
                codec.transcode(old, targetTs, o, true);
            }
            try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            long newSize = Files.size(tmp);
            if (newSize >= c.fileSize) {
                LOG.debug("store compression: {} would not shrink ({} -> {} bytes)", c.sopIuid, c.fileSize, newSize);
                return 0;
            }
            if (!codec.samePixels(old, tmp)) {
                LOG.warn("store compression: the {} copy of instance {} does not decode to the stored pixels; left alone",
                        targetTs, c.sopIuid);
                return 0;
            }
            String md5 = HexFormat.of().formatHex(md.digest());
            String dir = c.filepath.substring(0, c.filepath.lastIndexOf('/') + 1);
            String rel = dir + c.sopIuid + "-" + md5.substring(0, 12) + ".dcm";
            try (SqlSession s = sessions.openSession(false)) {
                StoreCompressionMapper m = s.getMapper(StoreCompressionMapper.class);
                CompressionCandidate now = m.lockFile(c.pk);
                if (now == null || !c.filepath.equals(now.filepath) || !String.valueOf(c.fileMd5).equals(now.fileMd5)) {
                    LOG.debug("store compression: instance {} changed meanwhile; left to the store", c.sopIuid);
                    s.rollback();
                    return 0;
                }
                Path target = storage.resolve(rel);
                try {
                    Files.createLink(target, tmp);
                    created = target;
                } catch (FileAlreadyExistsException e) {
                    // the same content is there already (named by its MD5)
                }
                ArchiveStorage.fsyncDirectory(target.getParent());
                m.updateFile(c.pk, rel, targetTs, md5, newSize);
                m.insert(c.pk, c.fileTsuid, c.fileSize, targetTs, newSize, md5);
                s.commit();
                committed = true;
            }
            if (!rel.equals(c.filepath)) {
                Files.deleteIfExists(old);
                ArchiveStorage.fsyncDirectory(old.getParent());
            }
            LOG.debug("store compression: {} {} -> {} bytes in {}", c.sopIuid, c.fileSize, newSize, targetTs);
            return c.fileSize - newSize;
        } catch (CodecException e) {
            LOG.debug("store compression: instance {} not compressed: {}", c.sopIuid, e.getMessage());
            return 0;
        } catch (IOException | RuntimeException | NoSuchAlgorithmException e) {
            LOG.warn("store compression of instance {} failed; the stored file stays: {}", c.sopIuid, e.toString());
            return 0;
        } finally {
            try {
                if (created != null && !committed) {
                    Files.deleteIfExists(created);
                }
                Files.deleteIfExists(tmp);
            } catch (IOException e) {
                LOG.debug("cannot remove {}: {}", tmp, e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            stopping = true;
            notifyAll();
        }
        if (worker != null) {
            // the file in hand is finished (or left) cleanly: no interrupt in the middle of its I/O
            try {
                worker.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
