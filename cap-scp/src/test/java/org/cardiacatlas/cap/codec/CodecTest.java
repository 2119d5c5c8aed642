package org.cardiacatlas.cap.codec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.cardiacatlas.cap.codec.CodecSamples.Sample;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The codec unit against GDCM's and DCMTK's command-line tools: every stored syntax decodes to
 * the pixels {@code gdcmconv --raw} gives (the original's for lossless ones), every lossless
 * encoding decodes back to the original, the syntax choice never goes lossy, and rendering
 * follows the window arithmetic of PS3.3 C.11.2.1.2.
 */
class CodecTest {
    private static final String EXPLICIT_LE = "1.2.840.10008.1.2.1";
    private static final String IMPLICIT_LE = "1.2.840.10008.1.2";
    private static final String BIG_ENDIAN = "1.2.840.10008.1.2.2";

    @TempDir
    static Path dir;
    static Map<String, Path> originals;
    static List<Sample> samples;
    final Codec codec = new Codec();

    @BeforeAll
    static void makeSamples() throws Exception {
        originals = CodecSamples.originals(dir.resolve("orig"));
        samples = CodecSamples.encoded(dir, originals);
    }

    static Stream<Arguments> stored() throws Exception {
        if (samples == null) {
            makeSamples();
        }
        return samples.stream().map(s -> Arguments.of(s.name(), s));
    }

    /** What the decoded pixels must be: the original's when lossless, gdcmconv --raw's when lossy. */
    private static byte[] expected(Sample s) throws Exception {
        Path ref = s.lossy() ? CodecSamples.gdcmRaw(s.file(), dir.resolve(s.name() + "-raw.dcm")) : s.original();
        return CodecSamples.nativePixels(ref);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stored")
    void everyStoredSyntaxDecodesFrameByFrame(String name, Sample s) throws Exception {
        byte[] want = expected(s);
        int frames = codec.frames(s.file());
        assertEquals(want.length % frames, 0);
        int len = want.length / frames;
        for (int f = 1; f <= frames; f++) {
            byte[] got = codec.frame(s.file(), f, EXPLICIT_LE);
            byte[] wantFrame = java.util.Arrays.copyOfRange(want, (f - 1) * len, f * len);
            assertArrayEquals(wantFrame, got, name + " frame " + f);
        }
        if (s.lossy()) {
            // and lossy really is lossy here: the test would not notice a decoder that returned the original
            assertFalse(java.util.Arrays.equals(CodecSamples.nativePixels(s.original()), want), name);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stored")
    void everyStoredSyntaxTranscodesToUncompressed(String name, Sample s) throws Exception {
        for (String ts : List.of(EXPLICIT_LE, IMPLICIT_LE, BIG_ENDIAN)) {
            Path out = dir.resolve(name + "-to-" + ts + ".dcm");
            try (OutputStream o = Files.newOutputStream(out)) {
                codec.transcode(s.file(), ts, o, true);
            }
            assertEquals(ts, CodecSamples.transferSyntaxOf(out));
            assertArrayEquals(expected(s), CodecSamples.nativePixels(out), name + " in " + ts);
            AttributeList l = new AttributeList();
            l.read(out.toFile());
            AttributeList o = new AttributeList();
            // gdcmconv gives lossy files a new SOP Instance UID
            o.read(s.file().toFile(), TagFromName.PixelData);
            assertEquals(Attribute.getSingleStringValueOrNull(o, TagFromName.SOPInstanceUID),
                    Attribute.getSingleStringValueOrNull(l, TagFromName.SOPInstanceUID));
            assertEquals(Attribute.getSingleStringValueOrNull(o, TagFromName.PatientName),
                    Attribute.getSingleStringValueOrNull(l, TagFromName.PatientName));
            if (s.lossy()) {
                assertEquals("01", Attribute.getSingleStringValueOrNull(l, TagFromName.LossyImageCompression));
            }
        }
    }

    static Stream<Arguments> encodings() throws Exception {
        if (samples == null) {
            makeSamples();
        }
        List<Arguments> a = new ArrayList<>();
        for (String ts : List.of("1.2.840.10008.1.2.4.80", "1.2.840.10008.1.2.4.90", "1.2.840.10008.1.2.5",
                "1.2.840.10008.1.2.4.70")) {
            for (String o : List.of("mono16", "mono8", "multiframe", "signed", "rgb")) {
                a.add(Arguments.of(o + " to " + ts, originals.get(o), ts));
            }
        }
        // from a compressed stored syntax to another compressed one
        a.add(Arguments.of("jpeg-ls to j2k", dir.resolve("jpeg-ls-lossless-multiframe.dcm"), "1.2.840.10008.1.2.4.90"));
        a.add(Arguments.of("j2k to rle", dir.resolve("j2k-lossless.dcm"), "1.2.840.10008.1.2.5"));
        a.add(Arguments.of("rle-32bit to rle", dir.resolve("rle-32bit.dcm"), "1.2.840.10008.1.2.4.80"));
        return a.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("encodings")
    void losslessEncodingsDecodeToTheOriginalPixels(String name, Path from, String ts) throws Exception {
        Path out = dir.resolve(name.replace(' ', '_') + ".dcm");
        if (name.startsWith("rle-32bit to")) {
            // JPEG-LS stops at 16 bits: a clear failure, not a broken file
            try (OutputStream o = Files.newOutputStream(out)) {
                CodecException e = assertThrows(CodecException.class, () -> codec.transcode(from, ts, o, true));
                assertTrue(e.getMessage().contains(ts), e.getMessage());
            }
            return;
        }
        try (OutputStream o = Files.newOutputStream(out)) {
            codec.transcode(from, ts, o, true);
        }
        assertEquals(ts, CodecSamples.transferSyntaxOf(out));
        // decoded by gdcmconv, which parses our encapsulation independently of us
        Path raw = CodecSamples.gdcmRaw(out, dir.resolve(name.replace(' ', '_') + "-raw.dcm"));
        assertArrayEquals(pixelsOf(from), CodecSamples.nativePixels(raw), name);
        assertEquals(codec.frames(from), codec.frames(out));
        // and the codec reads its own output back
        assertArrayEquals(codec.frame(from, 1, EXPLICIT_LE), codec.frame(out, 1, EXPLICIT_LE));
    }

    private static byte[] pixelsOf(Path file) throws Exception {
        return CodecSamples.nativePixels(CodecSamples.gdcmRaw(file, dir.resolve(file.getFileName() + "-ref.dcm")));
    }

    @Test
    void dcmtkDecodesOurJpegLsAndRle() throws Exception {
        for (String[] t : new String[][] {{"1.2.840.10008.1.2.4.80", "dcmdjpls"}, {"1.2.840.10008.1.2.5", "dcmdrle"},
                {"1.2.840.10008.1.2.4.70", "dcmdjpeg"}}) {
            Path out = dir.resolve("dcmtk-" + t[1] + ".dcm");
            try (OutputStream o = Files.newOutputStream(out)) {
                codec.transcode(originals.get("multiframe"), t[0], o, true);
            }
            Path raw = dir.resolve("dcmtk-" + t[1] + "-raw.dcm");
            CodecSamples.run(List.of(t[1], out.toString(), raw.toString()));
            assertArrayEquals(CodecSamples.nativePixels(originals.get("multiframe")), CodecSamples.nativePixels(raw), t[1]);
        }
    }

    @Test
    void storedCompressedFrameIsTheStoredFragment() throws Exception {
        Path f = dir.resolve("jpeg-ls-lossless-multiframe.dcm");
        for (int i = 1; i <= 3; i++) {
            byte[] fragment = codec.frame(f, i, "1.2.840.10008.1.2.4.80");
            // a JPEG-LS code stream: SOI, then SOF55
            assertEquals((byte) 0xFF, fragment[0]);
            assertEquals((byte) 0xD8, fragment[1]);
            assertTrue(fragment.length < codec.frame(f, i, EXPLICIT_LE).length);
        }
        assertThrows(CodecException.class, () -> codec.frame(f, 4, EXPLICIT_LE));
        assertThrows(CodecException.class, () -> codec.frame(f, 0, EXPLICIT_LE));
    }

    @Test
    void choiceIsStoredThenLosslessAndNeverLossy() {
        String j2k = "1.2.840.10008.1.2.4.90";
        String j2kLossy = "1.2.840.10008.1.2.4.91";
        String baseline = "1.2.840.10008.1.2.4.50";
        String jls = "1.2.840.10008.1.2.4.80";
        assertEquals(j2k, codec.chooseTransferSyntax(j2k, Set.of(EXPLICIT_LE, j2k)));
        assertEquals(EXPLICIT_LE, codec.chooseTransferSyntax(j2k, Set.of(IMPLICIT_LE, EXPLICIT_LE, jls)));
        assertEquals(IMPLICIT_LE, codec.chooseTransferSyntax(j2k, Set.of(IMPLICIT_LE, jls)));
        assertEquals(jls, codec.chooseTransferSyntax(j2k, Set.of(jls, baseline)));
        assertNull(codec.chooseTransferSyntax(j2k, Set.of(baseline, j2kLossy)), "lossless never becomes lossy");
        assertNull(codec.chooseTransferSyntax(EXPLICIT_LE, Set.of(baseline)));
        assertEquals(EXPLICIT_LE, codec.chooseTransferSyntax(j2kLossy, Set.of(EXPLICIT_LE, baseline)));
        assertNull(codec.chooseTransferSyntax("1.2.840.10008.1.2.4.100", Set.of(EXPLICIT_LE)), "MPEG2: no decoder");
        assertTrue(codec.canTranscode("1.2.840.10008.1.2.1.99", EXPLICIT_LE));
        assertFalse(codec.canTranscode(EXPLICIT_LE, j2kLossy));
    }

    @Test
    void renderAppliesTheGivenWindowToTheDecodedPixels() throws Exception {
        Path f = dir.resolve("j2k-lossless.dcm");
        byte[] raw = codec.frame(f, 1, EXPLICIT_LE);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        codec.render(f, new RenderRequest(1, RenderRequest.PNG, 1000.0, 800.0, null, false), png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(48, img.getWidth());
        assertEquals(64, img.getHeight());
        int checked = 0;
        for (int i = 0; i < 48 * 64; i += 7) {
            int v = (raw[2 * i] & 0xff) | (raw[2 * i + 1] & 0xff) << 8;
            // synthetic images have slope 1, intercept 0 (or none)
            double lo = 1000 - 0.5 - 399.5;
            double hi = 1000 - 0.5 + 399.5;
            int want = v <= lo ? 0 : v > hi ? 255 : (int) Math.round(((v - 999.5) / 799 + 0.5) * 255);
            int got = img.getRaster().getSample(i % 48, i / 48, 0);
            assertTrue(Math.abs(want - got) <= 1, "pixel " + i + ": value " + v + " rendered " + got + ", want " + want);
            checked++;
        }
        assertTrue(checked > 400);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("stored")
    void everyStoredSyntaxRendersAsPngJpegAndThumbnail(String name, Sample s) throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        codec.render(s.file(), RenderRequest.png(1), png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        AttributeList l = new AttributeList();
        l.read(s.original().toFile(), TagFromName.PixelData);
        assertEquals(Attribute.getSingleIntegerValueOrDefault(l, TagFromName.Columns, 0), img.getWidth());
        // min/max window (or the data set's): the image is not flat
        int min = 255;
        int max = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int v = img.getRaster().getSample(x, y, 0);
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
        }
        assertTrue(max - min > 60, name + ": grey range " + min + ".." + max);

        ByteArrayOutputStream jpeg = new ByteArrayOutputStream();
        codec.render(s.file(), new RenderRequest(1, RenderRequest.JPEG, null, null, 16, false), jpeg);
        BufferedImage thumb = ImageIO.read(new ByteArrayInputStream(jpeg.toByteArray()));
        assertEquals(16, Math.max(thumb.getWidth(), thumb.getHeight()));
        assertEquals((byte) 0xFF, jpeg.toByteArray()[0]);
    }

    @Test
    void sixteenBitPngKeepsTheFullRange() throws Exception {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        codec.render(originals.get("multiframe"), new RenderRequest(3, RenderRequest.PNG, null, null, null, true), png);
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(png.toByteArray()));
        assertEquals(16, img.getColorModel().getComponentSize(0));
        int max = 0;
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                max = Math.max(max, img.getRaster().getSample(x, y, 0));
            }
        }
        assertEquals(65535, max);
    }

    @Test
    void unreadableInputIsACodecExceptionSayingWhy() throws Exception {
        Path junk = dir.resolve("junk.dcm");
        Files.write(junk, new byte[300]);
        CodecException e = assertThrows(CodecException.class, () -> codec.frames(junk));
        assertTrue(e.getMessage().contains("junk.dcm"), e.getMessage());
        assertThrows(CodecException.class,
                () -> codec.transcode(originals.get("mono16"), "1.2.840.10008.1.2.4.91", OutputStream.nullOutputStream(), true));
    }
}
