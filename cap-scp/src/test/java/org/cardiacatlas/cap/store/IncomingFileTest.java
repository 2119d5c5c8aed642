package org.cardiacatlas.cap.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.OtherWordAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * How a received file is read (issue 16): a native image whose pixel data ends the file with
 * exactly its announced length is read only up to the pixel data; anything else is parsed whole,
 * so a cut-short file is refused either way.
 */
class IncomingFileTest {

    static final String IMPLICIT = TransferSyntax.ImplicitVRLittleEndian;
    static final String EXPLICIT = TransferSyntax.ExplicitVRLittleEndian;

    @TempDir
    Path dir;

    static AttributeList image(int rows, int columns, int bits, int frames) throws Exception {
        AttributeList a = InstanceValuesTest.valid();
        InstanceValuesTest.put(a, new com.pixelmed.dicom.UnsignedShortAttribute(TagFromName.Rows), Integer.toString(rows));
        InstanceValuesTest.put(a, new com.pixelmed.dicom.UnsignedShortAttribute(TagFromName.Columns),
                Integer.toString(columns));
        InstanceValuesTest.put(a, new com.pixelmed.dicom.UnsignedShortAttribute(TagFromName.SamplesPerPixel), "1");
        InstanceValuesTest.put(a, new com.pixelmed.dicom.UnsignedShortAttribute(TagFromName.BitsAllocated),
                Integer.toString(bits));
        if (frames > 1) {
            InstanceValuesTest.put(a, new com.pixelmed.dicom.IntegerStringAttribute(TagFromName.NumberOfFrames),
                    Integer.toString(frames));
        }
        int pixels = rows * columns * frames;
        if (bits == 16) {
            short[] v = new short[pixels];
            for (int i = 0; i < v.length; i++) {
                v[i] = (short) (i * 7);
            }
            OtherWordAttribute pd = new OtherWordAttribute(TagFromName.PixelData);
            pd.setValues(v);
            a.put(pd);
        } else {
            byte[] v = new byte[pixels + (pixels & 1)];
            for (int i = 0; i < pixels; i++) {
                v[i] = (byte) (i * 7);
            }
            OtherByteAttribute pd = new OtherByteAttribute(TagFromName.PixelData);
            pd.setValues(v);
            a.put(pd);
        }
        return a;
    }

    static byte[] encode(AttributeList a, String ts) throws Exception {
        return org.cardiacatlas.cap.it.StgCmtScu.encode(a, ts);
    }

    AttributeList receive(byte[] dataSet, String ts) throws Exception {
        return receive(dataSet, ts, true);
    }

    AttributeList receive(byte[] dataSet, String ts, boolean withPixelData) throws Exception {
        ArchiveStorage storage = new ArchiveStorage(dir.resolve("archive"), "test");
        IncomingFile f = storage.begin("1.2.840.10008.5.1.4.1.1.4", "1.2.3.4.5", ts);
        try {
            f.write(dataSet, 0, dataSet.length);
            f.complete();
            AttributeList read = f.readDataSet(16L * 1024 * 1024);
            assertEquals(withPixelData, f.hadPixelData());
            return read;
        } finally {
            f.discard();
            storage.close();
        }
    }

    @Test
    void completeNativeImagesAreReadWithoutTheirPixelData() throws Exception {
        for (String ts : new String[] {IMPLICIT, EXPLICIT}) {
            for (int[] shape : new int[][] {{256, 256, 16, 1}, {64, 48, 16, 12}, {33, 17, 8, 1}, {32, 32, 8, 3}}) {
                AttributeList read = receive(encode(image(shape[0], shape[1], shape[2], shape[3]), ts), ts);
                assertEquals("1.2.3.4.5", Attribute.getSingleStringValueOrEmptyString(read, TagFromName.SOPInstanceUID));
                assertEquals(shape[0], Attribute.getSingleIntegerValueOrDefault(read, TagFromName.Rows, 0));
                assertNull(read.get(TagFromName.PixelData));
            }
        }
    }

    @Test
    void theForcedFileHoldsEveryByteReceivedWhetherReadFromMemoryOrFromTheFile() throws Exception {
        // 128 KB fits the receive buffer: parsed from memory, written by force(); 720 KB does
        // not: written while received and parsed from the file
        for (int side : new int[] {256, 600}) {
            byte[] whole = encode(image(side, side, 16, 1), EXPLICIT);
            ArchiveStorage storage = new ArchiveStorage(dir.resolve("archive" + side), "test");
            IncomingFile f = storage.begin("1.2.840.10008.5.1.4.1.1.4", "1.2.3.4.5", EXPLICIT);
            try {
                for (int off = 0; off < whole.length; off += 16_000) {
                    f.write(whole, off, Math.min(16_000, whole.length - off));
                }
                f.complete();
                AttributeList read = f.readDataSet(16L * 1024 * 1024);
                assertEquals(side, Attribute.getSingleIntegerValueOrDefault(read, TagFromName.Columns, 0));
                storage.startForce(f).join();
                // the file meta information the storage unit wrote, then every byte received
                byte[] file = java.nio.file.Files.readAllBytes(f.path());
                assertEquals(f.size(), file.length);
                org.junit.jupiter.api.Assertions.assertArrayEquals(whole,
                        Arrays.copyOfRange(file, file.length - whole.length, file.length));
                assertEquals(java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("MD5")
                        .digest(file)), f.md5());
            } finally {
                f.discard();
                storage.close();
            }
        }
    }

    @Test
    void aFileCutShortInsideItsPixelDataIsRefused() throws Exception {
        for (String ts : new String[] {IMPLICIT, EXPLICIT}) {
            byte[] whole = encode(image(256, 256, 16, 1), ts);
            for (int cut : new int[] {1, 2, 1000, 131070}) {
                byte[] shorter = Arrays.copyOf(whole, whole.length - cut);
                assertThrows(DicomException.class, () -> receive(shorter, ts), ts + " cut by " + cut);
            }
            // larger than the receive buffer: read from its file
            byte[] large = encode(image(600, 600, 16, 1), ts);
            assertThrows(DicomException.class, () -> receive(Arrays.copyOf(large, large.length - 2), ts), ts);
        }
    }

    @Test
    void elementsAfterThePixelDataAreStillRead() throws Exception {
        for (String ts : new String[] {IMPLICIT, EXPLICIT}) {
            AttributeList a = image(64, 64, 16, 1);
            OtherByteAttribute padding = new OtherByteAttribute(TagFromName.DataSetTrailingPadding);
            padding.setValues(new byte[8]);
            a.put(padding);
            AttributeList read = receive(encode(a, ts), ts);
            assertEquals(64, Attribute.getSingleIntegerValueOrDefault(read, TagFromName.Columns, 0));
            assertTrue(read.get(TagFromName.DataSetTrailingPadding) != null, ts);
        }
    }

    @Test
    void anImageSentWithoutAnyPixelDataIsReadAndSaysSo() throws Exception {
        for (String ts : new String[] {IMPLICIT, EXPLICIT}) {
            AttributeList a = image(64, 64, 16, 1);
            a.remove(TagFromName.PixelData);
            AttributeList read = receive(encode(a, ts), ts, false);
            assertEquals(64, Attribute.getSingleIntegerValueOrDefault(read, TagFromName.Rows, 0));
        }
    }

    @Test
    void pixelDataLongerThanItsImageIsParsedWhole() throws Exception {
        // Rows say 10 but the value holds 64 x 64: not the exact length, so PixelMed reads it all
        AttributeList a = image(64, 64, 16, 1);
        InstanceValuesTest.put(a, new com.pixelmed.dicom.UnsignedShortAttribute(TagFromName.Rows), "10");
        AttributeList read = receive(encode(a, EXPLICIT), EXPLICIT);
        assertEquals(10, Attribute.getSingleIntegerValueOrDefault(read, TagFromName.Rows, 0));
        assertNull(read.get(TagFromName.PixelData));
    }
}
