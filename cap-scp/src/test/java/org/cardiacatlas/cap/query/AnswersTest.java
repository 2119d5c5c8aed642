package org.cardiacatlas.cap.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.cardiacatlas.cap.dicom.PacsAttributes;

class AnswersTest {

    /** A level's blob as the store path writes it. */
    static byte[] blob(String charset, AttributeTag tag, String value, Set<AttributeTag> level) throws Exception {
        AttributeList l = new AttributeList();
        String[] cs = charset.split("\\\\", -1);
        Attribute scs = AttributeFactory.newAttribute(TagFromName.SpecificCharacterSet);
        for (String v : cs) {
            scs.addValue(v);
        }
        l.put(scs);
        byte[] vr = AttributeList.getDictionary().getValueRepresentationFromTag(tag);
        Attribute a = AttributeFactory.newAttribute(tag, vr, new SpecificCharacterSet(cs));
        a.addValue(value);
        l.put(a);
        return PacsAttributes.encode(l, level);
    }

    static AttributeList query() throws Exception {
        AttributeList q = new AttributeList();
        Attribute level = AttributeFactory.newAttribute(TagFromName.QueryRetrieveLevel);
        level.addValue("STUDY");
        q.put(level);
        q.put(AttributeFactory.newAttribute(TagFromName.PatientName));
        q.put(AttributeFactory.newAttribute(TagFromName.StudyDescription));
        return q;
    }

    static MatchRow row(byte[] patient, byte[] study) {
        MatchRow r = new MatchRow();
        r.patientPk = 1L;
        r.patId = "P1";
        r.patAttrs = patient;
        r.studyPk = 1L;
        r.studyIuid = "1.2.3";
        r.studyAttrs = study;
        return r;
    }

    /** The answer as the peer reads it: encoded, then decoded with its own character set. */
    static AttributeList sent(AttributeList answer) throws Exception {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        DicomOutputStream d = new DicomOutputStream(b, null, TransferSyntax.ExplicitVRLittleEndian);
        answer.write(d);
        d.flush();
        AttributeList back = new AttributeList();
        back.read(new DicomInputStream(new ByteArrayInputStream(b.toByteArray()), TransferSyntax.ExplicitVRLittleEndian,
                false));
        return back;
    }

    static AttributeList answer(byte[] patient, byte[] study) throws Exception {
        FindRequest rq = FindRequest.parse(InformationModel.STUDY_ROOT, query(), false);
        return sent(new Answers(rq, "CAPSCP").answer(row(patient, study)));
    }

    @Test
    void theStoredCharacterSetWhenTheLevelsAgree() throws Exception {
        AttributeList a = answer(blob("ISO_IR 100", TagFromName.PatientName, "Müller^Jürgen", PacsAttributes.PATIENT),
                blob("ISO_IR 100", TagFromName.StudyDescription, "Herz", PacsAttributes.STUDY));
        assertEquals("ISO_IR 100", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SpecificCharacterSet));
        assertEquals("Müller^Jürgen", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.PatientName));
        assertEquals("1.2.3", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.StudyInstanceUID));
    }

    @Test
    void utf8WhenTheLevelsWereStoredInSetsThatCannotHoldEachOther() throws Exception {
        AttributeList a = answer(
                blob("GB18030", TagFromName.PatientName, "Wang^XiaoDong=王^小东=", PacsAttributes.PATIENT),
                blob("ISO_IR 126", TagFromName.StudyDescription, "Καρδιά", PacsAttributes.STUDY));
        assertEquals("ISO_IR 192", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SpecificCharacterSet));
        assertEquals("Wang^XiaoDong=王^小东=", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.PatientName));
        assertEquals("Καρδιά", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.StudyDescription));
    }

    @Test
    void codeExtensionsOfOneLevelWithAsciiOfAnother() throws Exception {
        String name = "Yamada^Tarou=山田^太郎=やまだ^たろう";
        // the store path reads ISO 2022 with PixelMed, which decodes it
        AttributeList a = answer(blob("\\ISO 2022 IR 87", TagFromName.PatientName, name, PacsAttributes.PATIENT),
                blob("", TagFromName.StudyDescription, "cine", PacsAttributes.STUDY));
        assertEquals("\\ISO 2022 IR 87",
                Attribute.getDelimitedStringValuesOrEmptyString(a, TagFromName.SpecificCharacterSet));
        assertEquals(name, Attribute.getSingleStringValueOrEmptyString(a, TagFromName.PatientName));
    }

    @Test
    void noCharacterSetForTheDefaultRepertoire() throws Exception {
        AttributeList a = answer(blob("", TagFromName.PatientName, "Doe^John", PacsAttributes.PATIENT), null);
        assertNull(a.get(TagFromName.SpecificCharacterSet));
        assertEquals("Doe^John", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.PatientName));
        assertEquals("", Attribute.getSingleStringValueOrEmptyString(a, TagFromName.StudyDescription), "asked, not stored");
    }
}
