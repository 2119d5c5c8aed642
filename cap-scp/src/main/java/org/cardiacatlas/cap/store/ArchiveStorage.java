package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.TransferSyntax;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.cardiacatlas.cap.common.FileModes;
import org.cardiacatlas.cap.common.Uids;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage unit: archive files below one root folder (one {@code filesystem} row).
 *
 * <p>An instance arrives into a temporary file below {@code .incoming/<server id>/} on the same
 * file system, is flushed to disk and then linked to its place. The place is
 * {@code xx/yy/<study uid>/<series uid>/<sop uid>-<md5 prefix>.dcm}, where xx/yy come from a
 * hash of the study UID so that no folder collects millions of entries; UIDs are validated
 * before they are used as names. Because the name carries the content's MD5, the same
 * content always lands on the same name and different content never overwrites a file
 * that the index still points at.
 */
public final class ArchiveStorage {

    private static final Logger LOG = LoggerFactory.getLogger(ArchiveStorage.class);
    private static final Duration STALE_INCOMING = Duration.ofHours(1);

    private final Path root;
    private final Path incoming;
    private final ExecutorService io = Executors.newCachedThreadPool(r -> {
        Thread t = new Thread(r, "archive-io");
        t.setDaemon(true);
        return t;
    });

    public ArchiveStorage(Path root) throws IOException {
        this(root, UUID.randomUUID().toString());
    }

    /**
     * @param nodeId names this node's temporary folder, the same at every start of the node
     *        (host and port), so that what a crash left in it is removed at the next start
     */
    public ArchiveStorage(Path root, String nodeId) throws IOException {
        this.root = root.toAbsolutePath().normalize();
        FileModes.createDirectories(this.root);
        // closed by default (issue 10): a root made by an older version is restricted too
        FileModes.restrict(this.root, FileModes.DIR);
        Path incomingRoot = this.root.resolve(".incoming");
        FileModes.createDirectories(incomingRoot);
        removeStaleIncoming(incomingRoot);
        // one folder per node: two servers share the root, never each other's temp files
        this.incoming = incomingRoot.resolve(nodeId.replaceAll("[^A-Za-z0-9._-]", "_"));
        FileModes.createDirectories(incoming);
        emptyOwnIncoming();
    }

    public Path root() {
        return root;
    }

    /** Starts an incoming file: the Part 10 header now, the data set as it arrives. */
    public IncomingFile begin(String sopClassUid, String sopInstanceUid, String transferSyntaxUid) throws IOException {
        IncomingFile f = newIncoming(transferSyntaxUid);
        try {
            // the header holds nothing that differs between two sends of the same data set
            // (no source AE title), so identical content gives an identical file and MD5
            FileMetaInformation fmi = new FileMetaInformation(sopClassUid, sopInstanceUid, transferSyntaxUid, null);
            DicomOutputStream dout = new DicomOutputStream(f.headerSink(), TransferSyntax.ExplicitVRLittleEndian, null);
            fmi.getAttributeList().write(dout);
            dout.flush();
        } catch (DicomException | IOException e) {
            f.discard();
            throw new IOException("cannot write the file meta information: " + e.getMessage(), e);
        }
        return f;
    }

    private IncomingFile newIncoming(String transferSyntaxUid) throws IOException {
        Path tmp = newTemporary();
        try {
            return new IncomingFile(tmp, transferSyntaxUid);
        } catch (NoSuchFileException e) {
            // the folder went: another node's start removes a temporary folder idle for an hour
            FileModes.createDirectories(incoming);
            return new IncomingFile(tmp, transferSyntaxUid);
        }
    }

    /** A new temporary file name in this server's incoming folder (same file system as the archive). */
    Path newTemporary() {
        return incoming.resolve(UUID.randomUUID() + ".part");
    }

    /** Where a complete file goes, relative to the root; the UIDs are checked before they become names. */
    public String pathFor(IncomingFile f, String studyUid, String seriesUid, String sopUid) {
        for (String uid : new String[] {studyUid, seriesUid, sopUid}) {
            if (!Uids.isValid(uid)) {
                throw new IllegalArgumentException("not a valid UID, refusing it as a path: " + uid);
            }
        }
        String h = hashPrefix(studyUid);
        return h.substring(0, 2) + "/" + h.substring(2, 4) + "/" + studyUid + "/" + seriesUid + "/"
                + sopUid + "-" + f.md5().substring(0, 12) + ".dcm";
    }

    /**
     * How a file reaches its place: {@code placed} once it is forced and linked (a row may then
     * point at it: whoever reads it finds it, and its content is on disk), {@code durable} once
     * its folder is forced too. Both say whether this store created the file at its place (false:
     * the same content was there already, and it is not this store's to remove).
     */
    public record Placement(CompletableFuture<Boolean> placed, CompletableFuture<Boolean> durable) {
    }

    /**
     * Forces the file to disk, links it to its place and forces the folder, on the storage
     * unit's own threads so that the index can work meanwhile. The folder is forced also when
     * the same content was there already: its first store may still be forcing it, and this
     * store answers success only once the file is durable.
     */
    public Placement place(IncomingFile f, String relativePath) {
        CompletableFuture<Boolean> placed = new CompletableFuture<>();
        CompletableFuture<Boolean> durable = new CompletableFuture<>();
        startForce(f).whenCompleteAsync((forced, failure) -> {
            if (failure != null) {
                placed.completeExceptionally(failure);
                durable.completeExceptionally(failure);
                return;
            }
            Path dir;
            boolean created;
            try {
                Path target = resolve(relativePath);
                dir = target.getParent();
                FileModes.createDirectories(dir);
                try {
                    // link(2) fails if the name exists: never replaces a file another store made
                    Files.createLink(target, f.path());
                    created = true;
                } catch (FileAlreadyExistsException e) {
                    created = false;
                }
            } catch (IOException | RuntimeException e) {
                placed.completeExceptionally(e);
                durable.completeExceptionally(e);
                return;
            }
            placed.complete(created);
            try {
                fsyncDirectory(dir);
                durable.complete(created);
            } catch (IOException | RuntimeException e) {
                durable.completeExceptionally(e);
            }
        }, io);
        return new Placement(placed, durable);
    }

    /**
     * After a crash, for an instance whose rows were committed before its folder was forced
     * (store_pending): true when the file is at its place, its folder then forced; false when
     * the folder lost it.
     */
    public boolean forceIfPresent(Path file) throws IOException {
        if (!Files.exists(file)) {
            return false;
        }
        // its content was forced before it was linked; the link is what may not be durable
        fsyncDirectory(file.getParent());
        return true;
    }

    /**
     * Starts forcing a complete incoming file to disk on the storage unit's threads; the store
     * parses it meanwhile, and {@link #place} links it once forced.
     */
    public CompletableFuture<Void> startForce(IncomingFile f) {
        return f.forceAsync(io);
    }

    public Path resolve(String relativePath) {
        Path p = root.resolve(relativePath).normalize();
        if (!p.startsWith(root)) {
            throw new IllegalArgumentException("path outside the archive: " + relativePath);
        }
        return p;
    }

    /** An archived file's data set (after the Part 10 header), checked against its files row. */
    public static final class StoredData implements AutoCloseable {
        public final String transferSyntaxUid;
        public final long length;
        public final InputStream in;

        StoredData(String transferSyntaxUid, long length, InputStream in) {
            this.transferSyntaxUid = transferSyntaxUid;
            this.length = length;
            this.in = in;
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /**
     * Opens an instance's file for sending as it is stored. A missing file, or one whose size
     * (or, when asked, MD5) differs from its files row, is an IOException saying so.
     */
    public StoredData openDataSet(LocatedInstance li, boolean verifyMd5) throws IOException {
        Path p = checkedFile(li, verifyMd5);
        long size = Files.size(p);
        InputStream in = new BufferedInputStream(Files.newInputStream(p), 256 * 1024);
        try {
            long offset = skipPart10Header(in);
            return new StoredData(li.fileTsuid, size - offset, in);
        } catch (IOException | RuntimeException e) {
            in.close();
            throw e;
        }
    }

    /**
     * Reads an instance's file again and compares it with its files row: present, the recorded
     * size, and the recorded MD5 (storage commitment does not trust the row alone). An
     * IOException says what is wrong.
     */
    public void verify(LocatedInstance li) throws IOException {
        Path p = fileOf(li);
        long size = Files.size(p);
        if (li.fileSize != null && size != li.fileSize) {
            throw new IOException("file " + li.filepath + " has " + size + " bytes, the index recorded " + li.fileSize);
        }
        if (li.fileMd5 == null) {
            throw new IOException("no MD5 recorded for file " + li.filepath);
        }
        String md5 = md5(p);
        if (!md5.equals(li.fileMd5)) {
            throw new IOException("file " + li.filepath + " is damaged: MD5 " + md5 + ", the index recorded " + li.fileMd5);
        }
    }

    /**
     * Opens an instance's whole Part 10 file (header included) for sending as it is stored
     * (WADO-RS, WADO-URI); checked as {@link #file}.
     */
    public StoredData openFile(LocatedInstance li) throws IOException {
        Path p = checkedFile(li, false);
        return new StoredData(li.fileTsuid, Files.size(p), new BufferedInputStream(Files.newInputStream(p), 256 * 1024));
    }

    /**
     * An archived instance's file, for the units that read it whole (codec): missing, or with
     * another size than its files row, is an IOException saying so.
     */
    public Path file(LocatedInstance li) throws IOException {
        return checkedFile(li, false);
    }

    /**
     * An instance's file, checked against its files row: a missing file, or one whose size (or,
     * when asked, MD5) differs, is an IOException saying so.
     */
    public static Path checkedFile(LocatedInstance li, boolean verifyMd5) throws IOException {
        Path p = fileOf(li);
        long size = Files.size(p);
        if (li.fileSize != null && size != li.fileSize) {
            throw new IOException("file " + li.filepath + " has " + size + " bytes, the index recorded " + li.fileSize);
        }
        if (verifyMd5 && li.fileMd5 != null) {
            String md5 = md5(p);
            if (!md5.equals(li.fileMd5)) {
                throw new IOException("file " + li.filepath + " is damaged: MD5 " + md5 + ", the index recorded " + li.fileMd5);
            }
        }
        return p;
    }

    private static Path fileOf(LocatedInstance li) throws IOException {
        if (li.filepath == null || li.dirpath == null) {
            throw new IOException("no file recorded for instance " + li.sopIuid);
        }
        Path dir = Path.of(li.dirpath).toAbsolutePath().normalize();
        Path p = dir.resolve(li.filepath).normalize();
        if (!p.startsWith(dir)) {
            throw new IOException("file path outside its filesystem: " + li.filepath);
        }
        if (!Files.isRegularFile(p)) {
            throw new IOException("file missing: " + p);
        }
        return p;
    }

    /** Preamble, "DICM", then the meta group whose length (0002,0000) tells where the data set starts (PS3.10 7.1). */
    private static long skipPart10Header(InputStream in) throws IOException {
        byte[] head = in.readNBytes(144);
        if (head.length < 144 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M'
                || head[132] != 0x02 || head[133] != 0 || head[134] != 0 || head[135] != 0) {
            throw new IOException("not a DICOM Part 10 file with a meta group length");
        }
        long groupLength = (head[140] & 0xffL) | (head[141] & 0xffL) << 8 | (head[142] & 0xffL) << 16
                | (head[143] & 0xffL) << 24;
        in.skipNBytes(groupLength);
        return 144 + groupLength;
    }

    private static String md5(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("MD5");
            byte[] buf = new byte[256 * 1024];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Whether the received file holds the same values as an archived one, in whatever encoding
     * each was sent (DecodedContent): an identical resend, not different content.
     */
    public boolean sameDecodedContent(IncomingFile received, String relativePath) {
        try {
            // a data set that fits the receive buffer reaches its file on the storage unit's thread
            startForce(received).join();
        } catch (java.util.concurrent.CompletionException e) {
            // not written: the store fails where it waits for the file to be placed
            return false;
        }
        return DecodedContent.same(received.path(), resolve(relativePath));
    }

    /** Removes an archive file; a missing one is not an error (already gone). */
    public void delete(String relativePath) {
        try {
            Files.deleteIfExists(resolve(relativePath));
        } catch (IOException e) {
            LOG.warn("cannot delete archive file {}: {}", relativePath, e.getMessage());
        }
    }

    /** Leaves nothing of this server's temporary folder behind. */
    public void close() {
        io.shutdown();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(incoming)) {
            for (Path p : ds) {
                Files.deleteIfExists(p);
            }
            Files.deleteIfExists(incoming);
        } catch (IOException e) {
            LOG.warn("cannot clean {}: {}", incoming, e.getMessage());
        }
    }

    /** What a crash of this node left in its own temporary folder: nothing of it was acknowledged. */
    private void emptyOwnIncoming() throws IOException {
        int n = 0;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(incoming)) {
            for (Path p : ds) {
                if (Files.isRegularFile(p)) {
                    Files.deleteIfExists(p);
                    n++;
                }
            }
        }
        if (n > 0) {
            LOG.warn("removed {} temporary files left in {} by an earlier run of this node (never acknowledged)", n,
                    incoming);
        }
    }

    /** Temporary files of servers that died: anything untouched for an hour. */
    private static void removeStaleIncoming(Path incomingRoot) throws IOException {
        Instant limit = Instant.now().minus(STALE_INCOMING);
        try (DirectoryStream<Path> servers = Files.newDirectoryStream(incomingRoot)) {
            for (Path server : servers) {
                if (!Files.isDirectory(server)) {
                    continue;
                }
                boolean empty = true;
                try (DirectoryStream<Path> files = Files.newDirectoryStream(server)) {
                    for (Path f : files) {
                        FileTime t = Files.getLastModifiedTime(f);
                        if (t.toInstant().isBefore(limit)) {
                            Files.deleteIfExists(f);
                            LOG.info("removed stale temporary file {}", f);
                        } else {
                            empty = false;
                        }
                    }
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (empty && Files.getLastModifiedTime(server).toInstant().isBefore(limit)) {
                    Files.deleteIfExists(server);
                }
            }
        }
    }

    static void fsyncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }

    private static String hashPrefix(String s) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.US_ASCII));
            return HexFormat.of().formatHex(d, 0, 2);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
