package org.cardiacatlas.cap.dicom;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.SequenceInputStream;

/**
 * Reading a whole data set held in memory: the index's attribute blobs, one per level and match
 * of every query answer, the command set of every DIMSE message, identifiers.
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
        if (TransferSyntax.DeflatedExplicitVRLittleEndian.equals(transferSyntaxUid)) {
            // the bytes past the end would go through the inflater
            list.read(new DicomInputStream(new ByteArrayInputStream(bytes), transferSyntaxUid, false));
            return list;
        }
        long end = bytes.length;
        boolean[] endedThere = {false};
        list.read(new DicomInputStream(new SequenceInputStream(new ByteArrayInputStream(bytes),
                new ByteArrayInputStream(PAST_THE_END)), transferSyntaxUid, false),
                (l, tag, offsetAfterTag) -> {
                    if (offsetAfterTag <= end) {
                        return false;
                    }
                    endedThere[0] = offsetAfterTag == end + PAST_THE_END.length;
                    return true;
                });
        if (!endedThere[0]) {
            // an element cut short took the bytes past the end as its own: as malformed as the
            // EOFException that a read without them would have ended with
            throw new DicomException("the data set ends inside an element");
        }
        return list;
    }
}
