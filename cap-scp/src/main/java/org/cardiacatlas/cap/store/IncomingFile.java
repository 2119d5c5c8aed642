package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TagFromName;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * A file being received: buffered writes, MD5 computed on the way, and {@link #force()}
 * forces it to disk before anything refers to it.
 */
public final class IncomingFile implements AutoCloseable {

    private static final int BUFFER = 256 * 1024;

    private final Path path;
    private final String transferSyntaxUid;
    private final FileChannel channel;
    private final MessageDigest md5;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(BUFFER);
    private long size;
    /** Whether every byte received is still in the buffer: nothing written to the file yet. */
    private boolean allInBuffer = true;
    private String md5Hex;
    private boolean open = true;
    private java.util.concurrent.CompletableFuture<Void> forced;

    IncomingFile(Path path, String transferSyntaxUid) throws IOException {
        this.path = path;
        this.transferSyntaxUid = transferSyntaxUid;
        // 0640: patient data is for the node's user and group only (issue 10)
        this.channel = FileChannel.open(path, java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
                org.cardiacatlas.cap.common.FileModes.fileAttrs());
        try {
            this.md5 = MessageDigest.getInstance("MD5");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    OutputStream headerSink() {
        return new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                IncomingFile.this.write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                IncomingFile.this.write(b, off, len);
            }
        };
    }

    public void write(byte[] b, int off, int len) throws IOException {
        md5.update(b, off, len);
        size += len;
        while (len > 0) {
            int n = Math.min(len, buffer.remaining());
            buffer.put(b, off, n);
            off += n;
            len -= n;
            if (!buffer.hasRemaining()) {
                drain();
            }
        }
    }

    private void drain() throws IOException {
        allInBuffer = false;
        buffer.flip();
        while (buffer.hasRemaining()) {
            channel.write(buffer);
        }
        buffer.clear();
    }

    /**
     * All bytes received: the MD5 is known from here on. What is still buffered is written by
     * {@link #force()}, on the storage unit's thread, while this one parses the data set from
     * memory (issue 16: the association's thread is the critical path of one association).
     */
    public void complete() throws IOException {
        md5Hex = HexFormat.of().formatHex(md5.digest());
        if (allInBuffer) {
            received = buffer.duplicate().flip().asReadOnlyBuffer();
        } else {
            drain();
        }
    }

    /** The whole data set when it never left the buffer, read-only; null otherwise. */
    private ByteBuffer received;

    /**
     * Starts {@link #force()} on the given threads as soon as every byte is written, so that the
     * disk works while the data set is parsed and checked.
     */
    public synchronized java.util.concurrent.CompletableFuture<Void> forceAsync(java.util.concurrent.Executor io) {
        if (forced == null) {
            forced = java.util.concurrent.CompletableFuture.runAsync(() -> {
                try {
                    force();
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }, io);
        }
        return forced;
    }

    /** Writes what is still buffered, forces data and size to disk and closes: after this the content is durable. */
    public void force() throws IOException {
        drain();
        channel.force(true);
        closeChannel();
    }

    private synchronized void closeChannel() throws IOException {
        if (open) {
            open = false;
            channel.close();
        }
    }

    /**
     * The complete file's data set without its pixel data. Up to {@code parseWholeLimit} bytes
     * the whole file is parsed (pixel data left compressed), so a truncated data set fails here;
     * an image that has no pixel data element at all is read (an incomplete IOD is stored, and
     * said so: {@link #hadPixelData()}). A deflated data set that cannot be inflated says so.
     */
    public AttributeList readDataSet(long parseWholeLimit) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        if (size <= parseWholeLimit && NATIVE_HEADER.containsKey(transferSyntaxUid)) {
            AttributeList head = readUpToCompleteNativePixelData();
            if (head != null) {
                hadPixelData = true;
                return head;
            }
        }
        try (InputStream in = open()) {
            DicomInputStream din = new DicomInputStream(in);
            if (size <= parseWholeLimit) {
                list.read(din);
                // PixelMed logs, rather than throws, when the pixel data element is cut short
                if (list.get(TagFromName.Rows) != null && list.get(TagFromName.PixelData) == null
                        && list.get(TagFromName.FloatPixelData) == null
                        && list.get(TagFromName.DoubleFloatPixelData) == null && pixelDataElementPresent()) {
                    throw new DicomException("image without its complete pixel data");
                }
                hadPixelData = list.get(TagFromName.PixelData) != null || list.get(TagFromName.FloatPixelData) != null
                        || list.get(TagFromName.DoubleFloatPixelData) != null;
            } else {
                list.read(din, TagFromName.PixelData);
                hadPixelData = true;
            }
        } catch (java.util.zip.ZipException e) {
            throw new DicomException("deflated data set could not be decoded: " + e.getMessage());
        } catch (IOException | DicomException | RuntimeException e) {
            if (DEFLATED.equals(transferSyntaxUid) && list.get(TagFromName.SOPInstanceUID) == null) {
                throw new DicomException("deflated data set could not be decoded: " + e.getMessage());
            }
            throw e;
        }
        if (DEFLATED.equals(transferSyntaxUid) && list.get(TagFromName.SOPInstanceUID) == null
                && list.get(TagFromName.StudyInstanceUID) == null && list.get(TagFromName.SOPClassUID) == null) {
            // PixelMed stops quietly where the inflater fails: nothing of the data set was read
            throw new DicomException("deflated data set could not be decoded (no attribute could be inflated)");
        }
        list.remove(TagFromName.PixelData);
        return list;
    }

    static final String DEFLATED = "1.2.840.10008.1.2.1.99";

    /**
     * Little endian transfer syntaxes with native pixel data, and the bytes between the Pixel
     * Data tag and its value: VR, reserved and 32-bit length when explicit, the length alone
     * when implicit (PS3.5 7.1.2, 7.1.3).
     */
    private static final java.util.Map<String, Integer> NATIVE_HEADER = java.util.Map.of(
            "1.2.840.10008.1.2", 4,
            "1.2.840.10008.1.2.1", 8);

    /**
     * The common case read cheaply: a native image whose Pixel Data is the last element of the
     * file and exactly as long as its Rows, Columns, Samples per Pixel, Number of Frames and
     * Bits Allocated say. PixelMed reads up to the Pixel Data tag, and the file's remaining
     * length must be the element's header and that value, so a cut-short file is never taken
     * for complete. Null when the file is anything else: the caller then parses it whole.
     */
    private AttributeList readUpToCompleteNativePixelData() throws IOException, DicomException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        long stoppedAt;
        try (InputStream in = open()) {
            stoppedAt = list.read(new DicomInputStream(in), TagFromName.PixelData);
        } catch (IOException | DicomException | RuntimeException e) {
            return null;
        }
        long rows = com.pixelmed.dicom.Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Rows, 0);
        long columns = com.pixelmed.dicom.Attribute.getSingleIntegerValueOrDefault(list, TagFromName.Columns, 0);
        long samples = com.pixelmed.dicom.Attribute.getSingleIntegerValueOrDefault(list, TagFromName.SamplesPerPixel, 0);
        long frames = com.pixelmed.dicom.Attribute.getSingleIntegerValueOrDefault(list, TagFromName.NumberOfFrames, 1);
        int bits = com.pixelmed.dicom.Attribute.getSingleIntegerValueOrDefault(list, TagFromName.BitsAllocated, 0);
        if (rows <= 0 || columns <= 0 || samples <= 0 || frames <= 0 || (bits != 8 && bits != 16 && bits != 32)
                || list.get(TagFromName.PixelData) != null) {
            return null;
        }
        long value = rows * columns * samples * frames * (bits / 8);
        value += value & 1;
        return size - stoppedAt == NATIVE_HEADER.get(transferSyntaxUid) + value ? list : null;
    }

    private boolean hadPixelData;

    /** Whether the data set read by readDataSet had pixel data (float and double float pixel data count). */
    public boolean hadPixelData() {
        return hadPixelData;
    }

    /**
     * Whether parsing stopped at a pixel data element rather than at the end of the file: a
     * cut-short element, not an image sent without one.
     */
    private boolean pixelDataElementPresent() throws IOException, DicomException {
        // PixelMed returns the offset just past the tag it stopped at, or the end of what it read;
        // counting the bytes it pulls would count its read-ahead too
        try (InputStream raw = open()) {
            AttributeList head = new AttributeList();
            return head.read(new DicomInputStream(raw), TagFromName.PixelData) < size;
        } catch (IOException | DicomException | RuntimeException e) {
            return true;
        }
    }

    /** The complete data set's bytes: from memory when they never left the buffer. */
    InputStream open() throws IOException {
        if (received != null) {
            return new BufferStream(received.duplicate());
        }
        return new BufferedInputStream(Files.newInputStream(path), 64 * 1024);
    }

    public Path path() {
        return path;
    }

    public String transferSyntaxUid() {
        return transferSyntaxUid;
    }

    public long size() {
        return size;
    }

    public String md5() {
        if (md5Hex == null) {
            throw new IllegalStateException("not complete");
        }
        return md5Hex;
    }

    /** Removes the temporary name; a file already linked into the archive stays there. */
    public void discard() {
        try {
            // a force still running on the storage unit's thread fails with the channel closed
            closeChannel();
        } catch (IOException ignored) {
            // closing a file we are about to delete
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException ignored) {
            // left for the stale-file sweep at the next start
        }
    }

    @Override
    public void close() {
        discard();
    }

    /**
     * A buffer's remaining bytes as a stream. It marks as a BufferedInputStream does: PixelMed
     * reads the preamble and the meta information differently on a stream that supports marks.
     */
    private static final class BufferStream extends InputStream {
        private final ByteBuffer b;
        private int mark;

        BufferStream(ByteBuffer b) {
            this.b = b;
        }

        @Override
        public boolean markSupported() {
            return true;
        }

        @Override
        public void mark(int readlimit) {
            mark = b.position();
        }

        @Override
        public void reset() {
            b.position(mark);
        }

        @Override
        public int read() {
            return b.hasRemaining() ? b.get() & 0xff : -1;
        }

        @Override
        public int read(byte[] to, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (!b.hasRemaining()) {
                return -1;
            }
            int n = Math.min(len, b.remaining());
            b.get(to, off, n);
            return n;
        }

        @Override
        public long skip(long n) {
            int k = (int) Math.max(0, Math.min(n, b.remaining()));
            b.position(b.position() + k);
            return k;
        }

        @Override
        public int available() {
            return b.remaining();
        }
    }
}
