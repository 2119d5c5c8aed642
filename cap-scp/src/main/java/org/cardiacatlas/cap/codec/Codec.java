package org.cardiacatlas.cap.codec;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.OtherByteAttributeMultipleCompressedFrames;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;

/**
 * The codec unit: decodes a stored object of any transfer syntax the archive accepts, encodes
 * it in the lossless syntaxes a peer accepts, and renders its frames. Used by retrieve
 * (C-MOVE, C-GET), store compression, {@code capserver render} and the web face.
 *
 * <p>PixelMed reads and writes the data sets and the native pixel data; GDCM (Debian's
 * libgdcm-java: libjpeg 8/12/16-bit, CharLS, OpenJPEG, RLE) decodes and encodes encapsulated
 * pixel data, one frame at a time, so a multiframe object is never held twice in memory.
 * Only lossless syntaxes are ever encoded: nothing that was lossless becomes lossy.
 */
public final class Codec {

    public Codec() {
        // GDCM's JNI library is loaded on first use (Gdcm.load)
    }

    /**
     * Best syntax to send a stored object in, given what the peer accepts (null: none possible).
     * Stored syntax if accepted; else lossless before lossy, never lossy from lossless.
     */
    public String chooseTransferSyntax(String storedTs, Collection<String> accepted) {
        if (accepted.contains(storedTs)) {
            return storedTs;
        }
        for (String ts : Syntaxes.PREFERENCE) {
            if (accepted.contains(ts) && canTranscode(storedTs, ts)) {
                return ts;
            }
        }
        return null;
    }

    /** Whether decode/encode between the two syntaxes is possible. */
    public boolean canTranscode(String fromTs, String toTs) {
        if (fromTs.equals(toTs)) {
            return true;
        }
        boolean decodable = Syntaxes.NATIVE.contains(fromTs) || Syntaxes.DECODABLE.contains(fromTs);
        boolean encodable = Syntaxes.WRITABLE_NATIVE.contains(toTs) || Syntaxes.ENCODABLE.contains(toTs);
        return decodable && encodable;
    }

    /** Writes the stored Part 10 file as a Part 10 file (part10=true) or a bare data set in targetTs. */
    public void transcode(Path storedFile, String targetTs, OutputStream out, boolean part10) throws CodecException {
        try (StoredObject so = new StoredObject(storedFile)) {
            if (so.transferSyntax.equals(targetTs)) {
                copy(storedFile, out, part10);
                return;
            }
            if (!canTranscode(so.transferSyntax, targetTs)) {
                throw new CodecException("cannot transcode " + so.transferSyntax + " to " + targetTs);
            }
            new Transcoder(so, targetTs).write(out, part10);
        } catch (IOException e) {
            throw new CodecException("cannot write " + storedFile + " in " + targetTs + ": " + e.getMessage(), e);
        }
    }

    /** Number of frames of the stored object. */
    public int frames(Path storedFile) throws CodecException {
        try (StoredObject so = new StoredObject(storedFile)) {
            return so.module().frames();
        }
    }

    /**
     * One frame (1-based) as raw native pixel bytes (targetTs = explicit VR LE) or as the stored
     * compressed fragment(s) when targetTs equals the stored syntax.
     */
    public byte[] frame(Path storedFile, int frame, String targetTs) throws CodecException {
        try (StoredObject so = new StoredObject(storedFile)) {
            PixelModule m = so.module();
            if (frame < 1 || frame > m.frames()) {
                throw new CodecException("frame " + frame + " does not exist: " + storedFile + " has " + m.frames());
            }
            if (targetTs.equals(so.transferSyntax) && Syntaxes.isEncapsulated(targetTs)) {
                return compressedFrame(storedFile, frame);
            }
            if (Syntaxes.EXPLICIT_LE.equals(targetTs) || Syntaxes.IMPLICIT_LE.equals(targetTs)) {
                return so.frame(frame - 1);
            }
            if (Syntaxes.ENCODABLE.contains(targetTs) && canTranscode(so.transferSyntax, targetTs)) {
                Gdcm.Encoded e = Gdcm.encode(so.decodedModule(), so.frame(frame - 1), targetTs);
                ByteArrayOutputStream b = new ByteArrayOutputStream();
                for (byte[] f : e.fragments()) {
                    b.writeBytes(f);
                }
                return b.toByteArray();
            }
            throw new CodecException("cannot give frame " + frame + " of " + so.transferSyntax + " in " + targetTs);
        }
    }

    /** Renders one frame to PNG or JPEG. */
    public void render(Path storedFile, RenderRequest request, OutputStream out) throws CodecException {
        try (StoredObject so = new StoredObject(storedFile)) {
            PixelModule m = so.decodedModule();
            if (request.frame() > m.frames()) {
                throw new CodecException("frame " + request.frame() + " does not exist: " + storedFile + " has " + m.frames());
            }
            Renderer.render(so.attributes, m, so.frame(request.frame() - 1), request, out);
        } catch (IOException e) {
            throw new CodecException("cannot write the rendered image: " + e.getMessage(), e);
        }
    }

    /** The stored fragments of one frame, as PixelMed splits encapsulated pixel data into frames. */
    private static byte[] compressedFrame(Path storedFile, int frame) throws CodecException {
        AttributeList list = new AttributeList();
        list.setDecompressPixelData(false);
        try {
            list.read(storedFile.toFile());
            Attribute px = list.get(TagFromName.PixelData);
            if (!(px instanceof OtherByteAttributeMultipleCompressedFrames c)) {
                throw new CodecException("no encapsulated pixel data in " + storedFile);
            }
            return c.getByteValuesForSelectedFrame(frame - 1);
        } catch (IOException | DicomException e) {
            throw new CodecException("cannot read frame " + frame + " of " + storedFile + ": " + e.getMessage(), e);
        }
    }

    private static void copy(Path file, OutputStream out, boolean part10) throws IOException, CodecException {
        try (InputStream in = Files.newInputStream(file)) {
            if (!part10) {
                byte[] head = in.readNBytes(144);
                if (head.length < 144 || head[128] != 'D' || head[129] != 'I' || head[130] != 'C' || head[131] != 'M') {
                    throw new CodecException(file + " is not a Part 10 file");
                }
                // (0002,0000) File Meta Information Group Length tells where the data set starts (PS3.10 7.1)
                long groupLength = (head[140] & 0xffL) | (head[141] & 0xffL) << 8 | (head[142] & 0xffL) << 16
                        | (head[143] & 0xffL) << 24;
                in.skipNBytes(groupLength);
            }
            in.transferTo(out);
        }
    }

    /** Writes one stored object in another syntax: the attributes, then the pixel data frame by frame. */
    private static final class Transcoder {
        private final StoredObject so;
        private final String target;

        Transcoder(StoredObject so, String target) {
            this.so = so;
            this.target = target;
        }

        void write(OutputStream out, boolean part10) throws CodecException, IOException {
            AttributeList list = so.attributes;
            if (!so.hasPixels()) {
                writeAttributes(list, out, part10);
                return;
            }
            PixelModule m = so.decodedModule();
            boolean encapsulated = Syntaxes.isEncapsulated(target);
            Gdcm.Encoded first = null;
            String pi = m.photometric();
            if (encapsulated) {
                // the encoder may change the photometric interpretation (RGB -> YBR_RCT): know it before the header
                first = Gdcm.encode(m, so.frame(0), target);
                pi = first.photometric();
            }
            try {
                putCs(list, TagFromName.PhotometricInterpretation, pi);
                if (m.samplesPerPixel() > 1) {
                    putUs(list, TagFromName.PlanarConfiguration, m.planarConfiguration());
                }
                if (Syntaxes.LOSSY.contains(so.transferSyntax)) {
                    // PS3.3 C.7.6.1.1.5: once lossy, always said to be lossy
                    putCs(list, TagFromName.LossyImageCompression, "01");
                    String method = Syntaxes.lossyMethod(so.transferSyntax);
                    String methods = Attribute.getDelimitedStringValuesOrEmptyString(list,
                            TagFromName.LossyImageCompressionMethod);
                    if (!methods.contains(method)) {
                        CodeStringAttribute a = new CodeStringAttribute(TagFromName.LossyImageCompressionMethod);
                        String[] old = Attribute.getStringValues(list, TagFromName.LossyImageCompressionMethod);
                        for (String v : old == null ? new String[0] : old) {
                            a.addValue(v);
                        }
                        a.addValue(method);
                        list.put(a);
                    }
                }
            } catch (DicomException e) {
                throw new CodecException("cannot update the pixel module: " + e.getMessage(), e);
            }
            // an icon may be encapsulated in the stored syntax, and is not worth transcoding
            list.remove(StoredObject.ICON_IMAGE_SEQUENCE);
            writeAttributes(list, out, part10);
            if (encapsulated) {
                writeEncapsulated(m, first, out);
            } else {
                writeNative(m, out);
            }
            out.flush();
        }

        private void writeAttributes(AttributeList list, OutputStream out, boolean part10) throws CodecException, IOException {
            try {
                if (part10) {
                    String cuid = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPClassUID);
                    String iuid = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID);
                    FileMetaInformation fmi = new FileMetaInformation(cuid, iuid, target, null);
                    DicomOutputStream meta = new DicomOutputStream(out, TransferSyntax.ExplicitVRLittleEndian, null);
                    fmi.getAttributeList().write(meta);
                    meta.flush();
                }
                DicomOutputStream d = new DicomOutputStream(out, null, target);
                list.write(d);
                d.flush();
            } catch (DicomException e) {
                throw new CodecException("cannot write the attributes in " + target + ": " + e.getMessage(), e);
            }
        }

        /** Native Pixel Data (PS3.5 A.1-A.3): OW above 8 bits allocated, else OB; byte swapped for big endian. */
        private void writeNative(PixelModule m, OutputStream out) throws CodecException, IOException {
            long total = (long) m.frameLength() * m.frames();
            boolean pad = (total & 1) != 0;
            if (total + (pad ? 1 : 0) > 0xFFFFFFFEL) {
                throw new CodecException("pixel data of " + total + " bytes do not fit a native data set");
            }
            boolean bigEndian = Syntaxes.EXPLICIT_BE.equals(target);
            boolean ow = m.bitsAllocated() > 8;
            out.write(elementHeader(0x7FE0, 0x0010, ow ? "OW" : "OB", total + (pad ? 1 : 0),
                    Syntaxes.IMPLICIT_LE.equals(target), bigEndian));
            for (int i = 0; i < m.frames(); i++) {
                byte[] f = so.frame(i);
                if (bigEndian && ow) {
                    for (int j = 0; j + 1 < f.length; j += 2) {
                        byte t = f[j];
                        f[j] = f[j + 1];
                        f[j + 1] = t;
                    }
                }
                out.write(f);
            }
            if (pad) {
                out.write(0);
            }
        }

        /** Encapsulated Pixel Data (PS3.5 A.4): an empty Basic Offset Table, then each frame's fragments. */
        private void writeEncapsulated(PixelModule m, Gdcm.Encoded first, OutputStream out) throws CodecException, IOException {
            out.write(elementHeader(0x7FE0, 0x0010, "OB", 0xFFFFFFFFL, false, false));
            out.write(item(0));
            for (int i = 0; i < m.frames(); i++) {
                Gdcm.Encoded e = i == 0 ? first : Gdcm.encode(m, so.frame(i), target);
                for (byte[] f : e.fragments()) {
                    int padded = f.length + (f.length & 1);
                    out.write(item(padded));
                    out.write(f);
                    if (padded != f.length) {
                        out.write(0);
                    }
                }
            }
            // Sequence Delimitation Item
            out.write(new byte[] {(byte) 0xFE, (byte) 0xFF, (byte) 0xDD, (byte) 0xE0, 0, 0, 0, 0});
        }

        private static byte[] item(long length) {
            return new byte[] {(byte) 0xFE, (byte) 0xFF, 0x00, (byte) 0xE0, (byte) length, (byte) (length >> 8),
                (byte) (length >> 16), (byte) (length >> 24)};
        }

        private static byte[] elementHeader(int group, int element, String vr, long length, boolean implicit,
                boolean bigEndian) {
            ByteArrayOutputStream b = new ByteArrayOutputStream(12);
            put16(b, group, bigEndian);
            put16(b, element, bigEndian);
            if (implicit) {
                put32(b, length, false);
            } else {
                b.write(vr.charAt(0));
                b.write(vr.charAt(1));
                b.write(0);
                b.write(0);
                put32(b, length, bigEndian);
            }
            return b.toByteArray();
        }

        private static void put16(ByteArrayOutputStream b, int v, boolean bigEndian) {
            if (bigEndian) {
                b.write(v >> 8);
                b.write(v);
            } else {
                b.write(v);
                b.write(v >> 8);
            }
        }

        private static void put32(ByteArrayOutputStream b, long v, boolean bigEndian) {
            if (bigEndian) {
                put16(b, (int) (v >> 16) & 0xffff, true);
                put16(b, (int) v & 0xffff, true);
            } else {
                put16(b, (int) v & 0xffff, false);
                put16(b, (int) (v >> 16) & 0xffff, false);
            }
        }

        private static void putCs(AttributeList list, com.pixelmed.dicom.AttributeTag t, String v) throws DicomException {
            CodeStringAttribute a = new CodeStringAttribute(t);
            a.addValue(v);
            list.put(a);
        }

        private static void putUs(AttributeList list, com.pixelmed.dicom.AttributeTag t, int v) throws DicomException {
            UnsignedShortAttribute a = new UnsignedShortAttribute(t);
            a.addValue(v);
            list.put(a);
        }
    }
}
