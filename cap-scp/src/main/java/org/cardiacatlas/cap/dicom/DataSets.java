package org.cardiacatlas.cap.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;

/**
 * Reading a whole data set held in memory: the index's attribute blobs, one per level and match
 * of every query answer, and the command set of every DIMSE message.
 */
public final class DataSets {

    /**
     * Four bytes read as one more tag after the data set. PixelMed otherwise reads to the end of
     * its stream and learns of it from an EOFException, whose stack trace was 5 % of the CPU of
     * answering a C-FIND with 50 matches (issue 16); its termination strategy is asked after each
     * tag, so the tag past the end stops it first.
     */
    private static final byte[] PAST_THE_END = {(byte) 0xff, (byte) 0xff, (byte) 0xff, (byte) 0xff};

    private DataSets() {
    }

    /** The data set encoded in {@code bytes}, without File Meta Information, in that transfer syntax. */
    public static AttributeList read(byte[] bytes, String transferSyntaxUid) throws IOException, DicomException {
        AttributeList list = new AttributeList();
        long end = bytes.length;
        list.read(new DicomInputStream(new SequenceInputStream(new ByteArrayInputStream(bytes),
                new ByteArrayInputStream(PAST_THE_END)), transferSyntaxUid, false),
                (l, tag, offsetAfterTag) -> offsetAfterTag > end);
        return list;
    }
}
