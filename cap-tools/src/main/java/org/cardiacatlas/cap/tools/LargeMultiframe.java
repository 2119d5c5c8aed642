package org.cardiacatlas.cap.tools;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.FileMetaInformation;
import com.pixelmed.dicom.IntegerStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * One multiframe MR image of a given size (e.g. 2 GB), written without ever holding its pixel
 * data in memory: the attributes of a {@link SyntheticStudies} image with Number of Frames set,
 * then the Pixel Data element streamed frame by frame. For the memory benchmark of issue 16
 * ({@code bin/bench-large}): a node with {@code -Xmx256m} must store, find and retrieve it.
 *
 * <pre>java ... org.cardiacatlas.cap.tools.LargeMultiframe --out FILE --mb 2000</pre>
 */
public final class LargeMultiframe {
    private static final int ROWS = 512;
    private static final int COLUMNS = 512;

    private LargeMultiframe() {
    }

    /** Writes the file; returns its SOP Instance UID. */
    public static String write(Path out, long megabytes, Path scratch) throws IOException, DicomException {
        long frameBytes = 2L * ROWS * COLUMNS;
        long frames = Math.max(1, megabytes * 1_000_000L / frameBytes);
        if (frames * frameBytes > 0xFFFFFFFEL) {
            throw new IllegalArgumentException("pixel data above the 4 GB an element length can say");
        }
        // the attributes of one synthetic 512x512 image; its pixels are replaced below
        SyntheticStudies.Generated g = SyntheticStudies.builder().prefix("BIG").patients(1).sessionsPerPatient(1)
                .seriesPerStudy(1).imagesPerSeries(1).rows(ROWS).columns(COLUMNS).seed(megabytes).build()
                .generate(scratch);
        AttributeList list = new AttributeList();
        list.read(g.files().get(0).toString());
        list.remove(TagFromName.PixelData);
        String sop = Attribute.getSingleStringValueOrEmptyString(list, TagFromName.SOPInstanceUID) + ".1";
        put(list, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), sop);
        put(list, new IntegerStringAttribute(TagFromName.NumberOfFrames), String.valueOf(frames));
        list.removeGroupLengthAttributes();
        list.removeMetaInformationHeaderAttributes();
        FileMetaInformation.addFileMetaInformation(list, TransferSyntax.ExplicitVRLittleEndian, "CAPSYNTHETIC");
        try (OutputStream os = new BufferedOutputStream(Files.newOutputStream(out), 1 << 20)) {
            DicomOutputStream dout = new DicomOutputStream(os, TransferSyntax.ExplicitVRLittleEndian,
                    TransferSyntax.ExplicitVRLittleEndian);
            list.write(dout);
            // (7FE0,0010) OW, explicit VR little endian: tag, VR, two reserved bytes, 32-bit length (PS3.5 7.1.2)
            dout.writeUnsigned16(0x7FE0);
            dout.writeUnsigned16(0x0010);
            dout.write(new byte[] {'O', 'W', 0, 0});
            dout.writeUnsigned32(frames * frameBytes);
            byte[] frame = new byte[(int) frameBytes];
            for (long f = 0; f < frames; f++) {
                // a ramp that moves with the frame, so frames differ and a lost or swapped one shows
                for (int i = 0; i < ROWS * COLUMNS; i++) {
                    int v = (int) ((i % COLUMNS + i / COLUMNS + f) & 0x0FFF);
                    frame[2 * i] = (byte) v;
                    frame[2 * i + 1] = (byte) (v >> 8);
                }
                dout.write(frame);
            }
            dout.flush();
        }
        return sop;
    }

    private static void put(AttributeList list, Attribute a, String value) throws DicomException {
        a.addValue(value);
        list.put(a);
    }

    public static void main(String[] args) throws Exception {
        List<String> a = List.of(args);
        int o = a.indexOf("--out");
        int m = a.indexOf("--mb");
        if (o < 0 || o + 1 >= a.size()) {
            System.err.println("usage: LargeMultiframe --out FILE [--mb MEGABYTES, default 2000]");
            System.exit(2);
        }
        long mb = m >= 0 ? Long.parseLong(a.get(m + 1)) : 2000;
        Path out = Path.of(a.get(o + 1));
        Path scratch = Files.createTempDirectory(out.toAbsolutePath().getParent(), "largemf-");
        try {
            System.out.println(write(out, mb, scratch));
        } finally {
            try (var s = Files.walk(scratch)) {
                s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }
}
