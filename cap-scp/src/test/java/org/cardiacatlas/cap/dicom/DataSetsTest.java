package org.cardiacatlas.cap.dicom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** A data set in memory read whole, stopped by the tag past its end; a cut-short one refused. */
class DataSetsTest {

    static byte[] encode(AttributeList a, String ts) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(b, null, ts);
        a.write(d);
        d.flush();
        return b.toByteArray();
    }

    static AttributeList sample() throws Exception {
        AttributeList a = new AttributeList();
        PersonNameAttribute name = new PersonNameAttribute(TagFromName.PatientName);
        name.addValue("Smith^John");
        a.put(name);
        CodeStringAttribute modality = new CodeStringAttribute(TagFromName.Modality);
        modality.addValue("MR");
        a.put(modality);
        SequenceAttribute seq = new SequenceAttribute(TagFromName.ReferencedStudySequence);
        AttributeList item = new AttributeList();
        LongStringAttribute id = new LongStringAttribute(TagFromName.StudyID);
        id.addValue("S1");
        item.put(id);
        seq.addItem(item);
        a.put(seq);
        return a;
    }

    @Test
    void readsAWholeDataSetInEitherVrEncodingAndNothingAsNothing() throws Exception {
        for (String ts : new String[] {TransferSyntax.ExplicitVRLittleEndian, TransferSyntax.ImplicitVRLittleEndian,
                TransferSyntax.ExplicitVRBigEndian}) {
            AttributeList read = DataSets.read(encode(sample(), ts), ts);
            assertEquals("Smith^John", read.get(TagFromName.PatientName).getSingleStringValueOrEmptyString(), ts);
            assertEquals("MR", read.get(TagFromName.Modality).getSingleStringValueOrEmptyString(), ts);
            SequenceAttribute s = (SequenceAttribute) read.get(TagFromName.ReferencedStudySequence);
            assertEquals("S1", s.getItem(0).getAttributeList().get(TagFromName.StudyID)
                    .getSingleStringValueOrEmptyString(), ts);
            assertEquals(3, read.size(), ts);
        }
        assertTrue(DataSets.read(new byte[0], TransferSyntax.ImplicitVRLittleEndian).isEmpty());
    }

    @Test
    void aDataSetCutShortOrGarbageIsRefused() throws Exception {
        byte[] whole = encode(sample(), TransferSyntax.ExplicitVRLittleEndian);
        // cut inside the last element, inside its header, and inside its tag
        for (int cut = 1; cut <= 12; cut++) {
            byte[] shorter = Arrays.copyOf(whole, whole.length - cut);
            assertThrows(Exception.class, () -> DataSets.read(shorter, TransferSyntax.ExplicitVRLittleEndian),
                    "cut by " + cut);
        }
        assertThrows(DicomException.class, () -> DataSets.read(
                "not a data set at all!".getBytes(StandardCharsets.US_ASCII), TransferSyntax.ImplicitVRLittleEndian));
    }
}
