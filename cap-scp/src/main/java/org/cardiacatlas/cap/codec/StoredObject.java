package org.cardiacatlas.cap.codec;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.nio.file.Path;

/**
 * A stored Part 10 file opened for decoding: its attributes (PixelMed) and a source of its
 * frames as native little-endian pixels. Encapsulated pixel data are not read by PixelMed at
 * all (it stops at Pixel Data) but decoded frame by frame by GDCM from the file; native pixel
 * data (any of the four native syntaxes, deflate and big endian included) come from PixelMed.
 */
final class StoredObject implements AutoCloseable {
    static final AttributeTag ICON_IMAGE_SEQUENCE = new AttributeTag(0x0088, 0x0200);

    final Path file;
    final String transferSyntax;
    /** The data set without Pixel Data (meta information removed). */
    final AttributeList attributes;
    private final Attribute nativePixels;
    private PixelModule module;
    private Gdcm.Frames gdcmFrames;

    StoredObject(Path file) throws CodecException {
        this.file = file;
        AttributeList list = new AttributeList();
        try {
            // first only up to Pixel Data: the transfer syntax decides who reads the pixels
            list.read(file.toFile(), TagFromName.PixelData);
            String ts = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.TransferSyntaxUID).trim();
            if (ts.isEmpty()) {
                throw new CodecException(file + " has no transfer syntax in its meta information");
            }
            if (Syntaxes.NATIVE.contains(ts)) {
                list = new AttributeList();
                list.read(file.toFile());
            }
            transferSyntax = ts;
        } catch (IOException | DicomException | RuntimeException e) {
            throw new CodecException("cannot read " + file + ": " + e.getMessage(), e);
        }
        nativePixels = list.remove(TagFromName.PixelData);
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        attributes = list;
    }

    boolean hasPixels() {
        return nativePixels != null || Syntaxes.isEncapsulated(transferSyntax);
    }

    PixelModule module() throws CodecException {
        if (module == null) {
            if (!hasPixels()) {
                throw new CodecException(file + " has no pixel data");
            }
            module = PixelModule.of(attributes);
        }
        return module;
    }

    /** The module of the decoded frames: GDCM's JPEG and JPEG 2000 decoders give RGB from YCbCr. */
    PixelModule decodedModule() throws CodecException {
        PixelModule m = module();
        if (m.samplesPerPixel() == 3 && Syntaxes.isEncapsulated(transferSyntax) && !Syntaxes.RLE.equals(transferSyntax)
                && m.photometric().startsWith("YBR")) {
            return m.withPhotometric("RGB", 0);
        }
        if (m.samplesPerPixel() == 3 && Syntaxes.isEncapsulated(transferSyntax)) {
            // decoded colour is always colour-by-pixel (frame() interleaves RLE's colour-by-plane)
            return m.withPhotometric(m.photometric(), 0);
        }
        return m;
    }

    /** Frame {@code index} (0-based), native little endian, in {@link #decodedModule()}. */
    byte[] frame(int index) throws CodecException {
        PixelModule m = module();
        if (index < 0 || index >= m.frames()) {
            throw new CodecException("frame " + (index + 1) + " does not exist: " + file + " has " + m.frames());
        }
        int len = m.frameLength();
        if (Syntaxes.isEncapsulated(transferSyntax)) {
            if (!Syntaxes.DECODABLE.contains(transferSyntax)) {
                throw new CodecException("no decoder for transfer syntax " + transferSyntax);
            }
            if (gdcmFrames == null) {
                gdcmFrames = new Gdcm.Frames(file);
            }
            byte[] f = gdcmFrames.frame(index, len);
            if (m.samplesPerPixel() == 3 && m.planarConfiguration() == 1) {
                // GDCM's region reader leaves RLE colour by plane (its segments, PS3.5 G.2)
                f = interleave(f, m);
            }
            return f;
        }
        try {
            byte[] out = new byte[len];
            if ("OW".equals(new String(nativePixels.getVR(), java.nio.charset.StandardCharsets.US_ASCII))) {
                short[] v = nativePixels.getShortValues();
                int from = index * (len / 2);
                if (v.length < from + len / 2) {
                    throw new CodecException("pixel data of " + file + " end before frame " + (index + 1));
                }
                for (int i = 0; i < len / 2; i++) {
                    short s = v[from + i];
                    out[2 * i] = (byte) s;
                    out[2 * i + 1] = (byte) (s >> 8);
                }
            } else {
                byte[] v = nativePixels.getByteValues();
                if (v.length < (long) (index + 1) * len) {
                    throw new CodecException("pixel data of " + file + " end before frame " + (index + 1));
                }
                System.arraycopy(v, index * len, out, 0, len);
            }
            return out;
        } catch (DicomException e) {
            throw new CodecException("cannot read the pixels of " + file + ": " + e.getMessage(), e);
        }
    }

    private static byte[] interleave(byte[] planes, PixelModule m) {
        int bytes = m.bitsAllocated() / 8;
        int n = m.rows() * m.columns();
        byte[] out = new byte[planes.length];
        for (int p = 0; p < 3; p++) {
            for (int i = 0; i < n; i++) {
                System.arraycopy(planes, (p * n + i) * bytes, out, (i * 3 + p) * bytes, bytes);
            }
        }
        return out;
    }

    @Override
    public void close() {
        if (gdcmFrames != null) {
            gdcmFrames.close();
        }
    }
}
