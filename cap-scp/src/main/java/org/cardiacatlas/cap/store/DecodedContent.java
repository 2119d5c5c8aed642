package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Whether two files hold the same data set whatever their encoding (issue 11): the same
 * attribute values in another transfer syntax (implicit or explicit VR, either byte order,
 * deflated) or with pixel data compressed losslessly where PixelMed has the codec. Both are
 * decoded, written again in one encoding without the Part 10 header and group lengths, and
 * compared; the pixel data compare by value. Anything that cannot be decoded is "different".
 */
final class DecodedContent {

    /** Larger files are not decoded to be compared (they are then "different", as before). */
    static final long LIMIT = 256L * 1024 * 1024;

    private DecodedContent() {
    }

    static boolean same(Path a, Path b) {
        try {
            if (Files.size(a) > LIMIT || Files.size(b) > LIMIT) {
                return false;
            }
            AttributeList x = read(a);
            AttributeList y = read(b);
            byte[] px = pixels(x);
            byte[] py = pixels(y);
            return Arrays.equals(px, py) && Arrays.equals(encode(x), encode(y));
        } catch (IOException | DicomException | RuntimeException e) {
            return false;
        }
    }

    private static AttributeList read(Path p) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        try (InputStream in = new BufferedInputStream(Files.newInputStream(p), 64 * 1024)) {
            // PixelMed decompresses encapsulated pixel data as it reads, where it has the codec
            list.read(new DicomInputStream(in));
        }
        list.removeMetaInformationHeaderAttributes();
        list.removeGroupLengthAttributes();
        return list;
    }

    /** The pixel data's values as little endian bytes, removed from the list (OB and OW alike). */
    private static byte[] pixels(AttributeList list) throws DicomException {
        Attribute pd = list.remove(TagFromName.PixelData);
        if (pd == null) {
            return new byte[0];
        }
        // OW values as little endian bytes, OB as they are: the same pixels sent as OB or OW compare equal
        byte[] v = pd instanceof com.pixelmed.dicom.OtherWordAttribute ow ? ow.getByteValues(false)
                : pd.getByteValues();
        return v == null ? new byte[0] : v;
    }

    private static byte[] encode(AttributeList list) throws IOException, DicomException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(out, null, TransferSyntax.ExplicitVRLittleEndian);
        list.write(d);
        d.flush();
        return out.toByteArray();
    }
}
