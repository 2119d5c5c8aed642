package org.cardiacatlas.cap.codec;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.cardiacatlas.cap.tools.SyntheticStudies;

/**
 * Test images of every stored syntax: uncompressed originals from SyntheticStudies (and
 * variants of them made with PixelMed: 8 and 32 bit, multiframe, RGB), encoded by
 * {@code gdcmconv} (GDCM's command-line tool) and DCMTK's {@code dcmconv}.
 */
public final class CodecSamples {

    /** An encoded file, the uncompressed file it came from, and whether it is lossy. */
    public record Sample(String name, Path file, Path original, String transferSyntax, boolean lossy) {
    }

    private CodecSamples() {
    }

    /** The uncompressed originals: mono 16 bit (12 stored), mono 8, mono 32, 3-frame mono 16, RGB 8. */
    public static Map<String, Path> originals(Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Path> files = SyntheticStudies.builder().patients(1).sessionsPerPatient(1).seriesPerStudy(1)
                .imagesPerSeries(3).rows(64).columns(48).seed(12).build().writeTo(dir.resolve("synthetic"));
        files = new ArrayList<>(files);
        files.sort(null);
        Map<String, Path> m = new LinkedHashMap<>();
        m.put("mono16", files.get(0));
        try {
            m.put("mono8", variant(files.get(1), dir.resolve("mono8.dcm"), 8, 1, 1, false));
            m.put("mono32", variant(files.get(1), dir.resolve("mono32.dcm"), 32, 1, 1, false));
            m.put("multiframe", variant(files.get(2), dir.resolve("multiframe.dcm"), 16, 3, 1, false));
            m.put("rgb", variant(files.get(2), dir.resolve("rgb.dcm"), 8, 1, 3, false));
            m.put("signed", variant(files.get(2), dir.resolve("signed.dcm"), 16, 1, 1, true));
        } catch (DicomException e) {
            throw new IOException(e);
        }
        return m;
    }

    /** Every stored syntax the archive accepts, made from the originals. */
    public static List<Sample> encoded(Path dir, Map<String, Path> originals) throws IOException {
        List<Sample> s = new ArrayList<>();
        Path mono16 = originals.get("mono16");
        Path mono8 = originals.get("mono8");
        Path multi = originals.get("multiframe");
        s.add(gdcm(dir, "j2k-lossless", mono16, "1.2.840.10008.1.2.4.90", false, "-K"));
        s.add(gdcm(dir, "j2k-lossy", mono16, "1.2.840.10008.1.2.4.91", true, "-K", "--lossy", "-r", "10"));
        s.add(gdcm(dir, "jpeg-ls-lossless", mono16, "1.2.840.10008.1.2.4.80", false, "-L"));
        s.add(gdcm(dir, "jpeg-ls-near-lossless", mono16, "1.2.840.10008.1.2.4.81", true, "-L", "--lossy", "-e", "2"));
        s.add(gdcm(dir, "jpeg-baseline", mono8, "1.2.840.10008.1.2.4.50", true, "-J", "--lossy"));
        s.add(gdcm(dir, "jpeg-extended-12bit", mono16, "1.2.840.10008.1.2.4.51", true, "-J", "--lossy"));
        s.add(gdcm(dir, "jpeg-lossless", mono16, "1.2.840.10008.1.2.4.70", false, "-J"));
        s.add(gdcm(dir, "rle-8bit", mono8, "1.2.840.10008.1.2.5", false, "-R"));
        s.add(gdcm(dir, "rle-16bit", mono16, "1.2.840.10008.1.2.5", false, "-R"));
        s.add(gdcm(dir, "rle-32bit", originals.get("mono32"), "1.2.840.10008.1.2.5", false, "-R"));
        s.add(gdcm(dir, "rle-rgb", originals.get("rgb"), "1.2.840.10008.1.2.5", false, "-R"));
        s.add(gdcm(dir, "j2k-lossless-rgb", originals.get("rgb"), "1.2.840.10008.1.2.4.90", false, "-K"));
        s.add(gdcm(dir, "jpeg-ls-lossless-signed", originals.get("signed"), "1.2.840.10008.1.2.4.80", false, "-L"));
        s.add(gdcm(dir, "j2k-lossless-multiframe", multi, "1.2.840.10008.1.2.4.90", false, "-K"));
        s.add(gdcm(dir, "jpeg-ls-lossless-multiframe", multi, "1.2.840.10008.1.2.4.80", false, "-L"));
        s.add(gdcm(dir, "rle-multiframe", multi, "1.2.840.10008.1.2.5", false, "-R"));
        s.add(gdcm(dir, "deflate", mono16, "1.2.840.10008.1.2.1.99", false, "-d"));
        s.add(gdcm(dir, "implicit", mono16, "1.2.840.10008.1.2", false, "-M", "-w"));
        s.add(dcmtk(dir, "big-endian", mono16, "1.2.840.10008.1.2.2", "dcmconv", "+tb"));
        s.add(dcmtk(dir, "dcmtk-jpeg-lossless", mono16, "1.2.840.10008.1.2.4.70", "dcmcjpeg", "+e1"));
        s.add(dcmtk(dir, "dcmtk-jpeg-ls", mono16, "1.2.840.10008.1.2.4.80", "dcmcjpls"));
        s.add(dcmtk(dir, "dcmtk-rle-multiframe", multi, "1.2.840.10008.1.2.5", "dcmcrle"));
        s.add(new Sample("explicit", mono16, mono16, "1.2.840.10008.1.2.1", false));
        return s;
    }

    private static Sample gdcm(Path dir, String name, Path original, String ts, boolean lossy, String... options)
            throws IOException {
        Path out = dir.resolve(name + ".dcm");
        List<String> c = new ArrayList<>(List.of("gdcmconv", "--quiet"));
        c.addAll(List.of(options));
        c.addAll(List.of(original.toString(), out.toString()));
        run(c);
        check(out, ts);
        return new Sample(name, out, original, ts, lossy);
    }

    private static Sample dcmtk(Path dir, String name, Path original, String ts, String tool, String... options)
            throws IOException {
        Path out = dir.resolve(name + ".dcm");
        List<String> c = new ArrayList<>(List.of(tool));
        c.addAll(List.of(options));
        c.addAll(List.of(original.toString(), out.toString()));
        run(c);
        check(out, ts);
        return new Sample(name, out, original, ts, false);
    }

    private static void check(Path file, String ts) throws IOException {
        String got = transferSyntaxOf(file);
        if (!ts.equals(got)) {
            throw new IOException(file + " came out in " + got + ", not " + ts);
        }
    }

    public static String transferSyntaxOf(Path file) throws IOException {
        AttributeList l = new AttributeList();
        try {
            l.read(file.toFile(), TagFromName.PixelData);
        } catch (DicomException e) {
            throw new IOException(e);
        }
        return Attribute.getSingleStringValueOrEmptyString(l, TagFromName.TransferSyntaxUID);
    }

    /** {@code gdcmconv --raw}: GDCM's own decompression of a whole file, the reference for the codec. */
    public static Path gdcmRaw(Path file, Path out) throws IOException {
        run(List.of("gdcmconv", "--quiet", "--raw", file.toString(), out.toString()));
        return out;
    }

    /** The native pixel bytes (little endian) of an uncompressed file, as PixelMed reads them. */
    public static byte[] nativePixels(Path file) throws IOException {
        AttributeList l = new AttributeList();
        try {
            l.read(file.toFile());
            Attribute px = l.get(TagFromName.PixelData);
            int bitsAllocated = Attribute.getSingleIntegerValueOrDefault(l, TagFromName.BitsAllocated, 16);
            int length = Attribute.getSingleIntegerValueOrDefault(l, TagFromName.Rows, 0)
                    * Attribute.getSingleIntegerValueOrDefault(l, TagFromName.Columns, 0)
                    * Attribute.getSingleIntegerValueOrDefault(l, TagFromName.SamplesPerPixel, 1)
                    * Math.max(1, Attribute.getSingleIntegerValueOrDefault(l, TagFromName.NumberOfFrames, 1))
                    * (bitsAllocated / 8);
            byte[] out = new byte[length];
            if ("OW".equals(new String(px.getVR(), StandardCharsets.US_ASCII))) {
                short[] v = px.getShortValues();
                for (int i = 0; i < length / 2; i++) {
                    out[2 * i] = (byte) v[i];
                    out[2 * i + 1] = (byte) (v[i] >> 8);
                }
            } else {
                System.arraycopy(px.getByteValues(), 0, out, 0, length);
            }
            return out;
        } catch (DicomException e) {
            throw new IOException(e);
        }
    }

    static void run(List<String> command) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        Process p = pb.start();
        byte[] out = p.getInputStream().readAllBytes();
        try {
            if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(command + " failed: " + new String(out, StandardCharsets.UTF_8));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * A variant of an uncompressed synthetic image: another bit depth, more frames, RGB or
     * signed; the pixels derive from the original's so they stay image-like.
     */
    private static Path variant(Path from, Path to, int bits, int frames, int samples, boolean signed)
            throws IOException, DicomException {
        AttributeList l = new AttributeList();
        l.read(from.toFile());
        int rows = Attribute.getSingleIntegerValueOrDefault(l, TagFromName.Rows, 0);
        int cols = Attribute.getSingleIntegerValueOrDefault(l, TagFromName.Columns, 0);
        short[] src = l.get(TagFromName.PixelData).getShortValues();
        int n = rows * cols;
        l.remove(TagFromName.PixelData);
        l.removeMetaInformationHeaderAttributes();
        String uid = Attribute.getSingleStringValueOrEmptyString(l, TagFromName.SOPInstanceUID) + "." + bits + frames
                + samples + (signed ? 1 : 0);
        put(l, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), uid);
        put(l, new UnsignedShortAttribute(TagFromName.SamplesPerPixel), String.valueOf(samples));
        put(l, new CodeStringAttribute(TagFromName.PhotometricInterpretation), samples == 3 ? "RGB" : "MONOCHROME2");
        if (samples == 3) {
            put(l, new UnsignedShortAttribute(TagFromName.PlanarConfiguration), "0");
        }
        put(l, new UnsignedShortAttribute(TagFromName.BitsAllocated), String.valueOf(bits));
        int stored = bits == 16 ? (signed ? 16 : 12) : bits;
        put(l, new UnsignedShortAttribute(TagFromName.BitsStored), String.valueOf(stored));
        put(l, new UnsignedShortAttribute(TagFromName.HighBit), String.valueOf(stored - 1));
        put(l, new UnsignedShortAttribute(TagFromName.PixelRepresentation), signed ? "1" : "0");
        l.remove(TagFromName.WindowCenter);
        l.remove(TagFromName.WindowWidth);
        if (frames > 1) {
            put(l, new IntegerStringAttribute(TagFromName.NumberOfFrames), String.valueOf(frames));
        }
        int count = n * frames * samples;
        if (bits == 8) {
            byte[] b = new byte[count];
            for (int i = 0; i < count; i++) {
                int p = i / samples % n;
                b[i] = (byte) ((src[p] >> 4) + 40 * (i % samples));
            }
            OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
            a.setValues(b);
            l.put(a);
        } else if (bits == 16) {
            short[] w = new short[count];
            for (int i = 0; i < count; i++) {
                int f = i / n;
                int v = src[i % n] & 0xfff;
                w[i] = (short) (signed ? v * 4 - 9000 : (v + 300 * f) & 0xfff);
            }
            OtherWordAttribute a = new OtherWordAttribute(TagFromName.PixelData);
            a.setValues(w);
            l.put(a);
        } else {
            byte[] b = new byte[count * 4];
            for (int i = 0; i < count; i++) {
                long v = (src[i % n] & 0xfffL) * 1_000_003L + i;
                for (int k = 0; k < 4; k++) {
                    b[4 * i + k] = (byte) (v >> (8 * k));
                }
            }
            OtherByteAttribute a = new OtherByteAttribute(TagFromName.PixelData);
            a.setValues(b);
            l.put(a);
        }
        FileMetaInformation.addFileMetaInformation(l, TransferSyntax.ExplicitVRLittleEndian, "CAPTEST");
        l.write(to.toFile(), TransferSyntax.ExplicitVRLittleEndian, true, true);
        return to;
    }

    private static void put(AttributeList l, Attribute a, String v) throws DicomException {
        a.addValue(v);
        l.put(a);
    }

    static AttributeTag tag(int g, int e) {
        return new AttributeTag(g, e);
    }
}
