package org.cardiacatlas.cap.store;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.LongStringAttribute;
import com.pixelmed.dicom.LongTextAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.ShortStringAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UniqueIdentifierAttribute;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.junit.jupiter.api.Test;

/** The store unit's value checks, attribute by attribute. */
class InstanceValuesTest {

    static AttributeList valid() throws Exception {
        AttributeList a = new AttributeList();
        put(a, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.3");
        put(a, new UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID), "1.2.3.4");
        put(a, new UniqueIdentifierAttribute(TagFromName.SOPInstanceUID), "1.2.3.4.5");
        put(a, new UniqueIdentifierAttribute(TagFromName.SOPClassUID), "1.2.840.10008.5.1.4.1.1.4");
        put(a, new LongStringAttribute(TagFromName.PatientID), "XYZ0001501");
        return a;
    }

    static void put(AttributeList a, com.pixelmed.dicom.Attribute attr, String... values) throws Exception {
        for (String v : values) {
            attr.addValue(v);
        }
        a.put(attr.getTag(), attr);
    }

    static String refused(AttributeList a, int status) {
        DicomServiceException e = assertThrows(DicomServiceException.class, () -> InstanceValues.check(a));
        assertEquals(status, e.status());
        return e.getMessage();
    }

    @Test
    void whatScannersSendPasses() throws Exception {
        AttributeList a = valid();
        put(a, new ShortStringAttribute(TagFromName.StationName), "STATION-NAME-17CH");
        put(a, new DateAttribute(TagFromName.StudyDate), "1970.01.01");
        put(a, new LongTextAttribute(TagFromName.AdditionalPatientHistory), "line one\r\nline two\tend");
        put(a, new PersonNameAttribute(TagFromName.PatientName), "Yamada^Tarou=山田^太郎");
        put(a, new LongStringAttribute(TagFromName.PatientID), "XYZ0001501  ");
        assertEquals("XYZ0001501", InstanceValues.check(a).patientId());
        AttributeList b = valid();
        put(b, new CodeStringAttribute(TagFromName.SpecificCharacterSet), "", "ISO 2022 IR 87");
        put(b, new PersonNameAttribute(TagFromName.PatientName), "Yamada^Tarou=\u001b$B;3ED\u001b(B^\u001b$BB@O:\u001b(B");
        assertDoesNotThrow(() -> InstanceValues.check(b));
    }

    @Test
    void whatTheIndexCannotHoldIsRefusedNamingTheAttribute() throws Exception {
        AttributeList a = valid();
        put(a, new LongStringAttribute(TagFromName.StudyDescription), "d".repeat(251));
        assertEquals("Study Description (0008,1030): 251 chars, the index holds 250", refused(a, 0xA900));

        AttributeList b = valid();
        put(b, new PersonNameAttribute(TagFromName.PatientName), "Evil\u001b[2J^Name");
        assertEquals("Patient's Name (0010,0010) holds control character 0x1B", refused(b, 0xA900));

        AttributeList c = valid();
        put(c, new ShortStringAttribute(TagFromName.AccessionNumber), "A".repeat(17));
        assertEquals("Accession Number (0008,0050): 17 chars, VR SH allows 16", refused(c, 0xA900));

        AttributeList d = valid();
        put(d, new UniqueIdentifierAttribute(TagFromName.StudyInstanceUID), "1.2.3", "1.2.4");
        assertEquals("Study Instance UID (0020,000D) has 2 values", refused(d, 0xC000));

        AttributeList e = valid();
        put(e, new ShortStringAttribute(TagFromName.StationName), "ST\nATION");
        assertEquals("Station Name (0008,1010) holds control character 0x0A", refused(e, 0xA900));

        AttributeList t = valid();
        put(t, new LongTextAttribute(TagFromName.AdditionalPatientHistory), "NUL\u0000inside");
        assertEquals("Additional Patient History (0010,21B0) holds control character 0x00", refused(t, 0xA900));

        AttributeList f = valid();
        f.remove(TagFromName.SOPClassUID);
        assertEquals("missing SOP Class UID", refused(f, 0xC000));
    }
}
