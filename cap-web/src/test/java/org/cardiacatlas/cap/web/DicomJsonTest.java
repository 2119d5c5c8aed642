package org.cardiacatlas.cap.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.AttributeTagAttribute;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DecimalStringAttribute;
import com.pixelmed.dicom.JSONRepresentationOfDicomObjectFactory;
import com.pixelmed.dicom.OtherByteAttribute;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.UnsignedShortAttribute;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.json.JsonObject;
import javax.json.JsonValue;
import org.cardiacatlas.cap.tools.SyntheticStudies;
import org.junit.jupiter.api.Test;

/** The DICOM JSON model (PS3.18 F.2) of DicomJson, against PixelMed's factory and the rules. */
class DicomJsonTest {

    @Test
    void sameAsPixelMedsFactoryForAWholeImage() throws Exception {
        Path dir = Files.createTempDirectory(Path.of("target"), "json");
        Path file = SyntheticStudies.builder().prefix("JSN").patients(1).sessionsPerPatient(1).seriesPerStudy(1)
                .imagesPerSeries(1).rows(4).columns(4).build().writeTo(dir).get(0);
        AttributeList l = new AttributeList();
        l.read(file.toFile());
        l.removeMetaInformationHeaderAttributes();
        l.remove(TagFromName.SpecificCharacterSet);
        JsonObject ours = DicomJson.object(l, Map.of());
        JsonObject theirs = new JSONRepresentationOfDicomObjectFactory().getDocument(l).getJsonObject(0);
        assertEquals(theirs.size(), ours.size());
        int compared = 0;
        for (Map.Entry<String, JsonValue> e : theirs.entrySet()) {
            JsonObject mine = ours.getJsonObject(e.getKey().toUpperCase(Locale.ROOT));
            JsonObject pm = (JsonObject) e.getValue();
            assertEquals(pm.getString("vr"), mine.getString("vr"), e.getKey());
            if (pm.containsKey("Value")) {
                // numbers: the same value, whether PixelMed wrote 1.5 or 1.50
                assertEquals(pm.getJsonArray("Value").size(), mine.getJsonArray("Value").size(), e.getKey());
                for (int i = 0; i < pm.getJsonArray("Value").size(); i++) {
                    JsonValue a = pm.getJsonArray("Value").get(i);
                    JsonValue b = mine.getJsonArray("Value").get(i);
                    if (a.getValueType() == JsonValue.ValueType.NUMBER) {
                        assertEquals(0, ((javax.json.JsonNumber) a).bigDecimalValue()
                                .compareTo(((javax.json.JsonNumber) b).bigDecimalValue()), e.getKey());
                    } else {
                        assertEquals(a, b, e.getKey());
                    }
                }
            } else {
                assertEquals(pm, mine, e.getKey());
            }
            compared++;
        }
        assertTrue(compared > 50, "compared " + compared);
    }

    @Test
    void theRulesOfF2() throws Exception {
        AttributeList l = new AttributeList();
        PersonNameAttribute pn = new PersonNameAttribute(TagFromName.PatientName);
        pn.addValue("Yamada^Tarou=山田^太郎=やまだ^たろう");
        l.put(pn);
        DecimalStringAttribute ds = new DecimalStringAttribute(TagFromName.PixelSpacing);
        ds.addValue("0.75");
        ds.addValue("+2");
        l.put(ds);
        CodeStringAttribute cs = new CodeStringAttribute(TagFromName.ImageType);
        cs.addValue("ORIGINAL");
        cs.addValue("");
        cs.addValue("M");
        l.put(cs);
        l.put(new CodeStringAttribute(TagFromName.PatientSex));
        UnsignedShortAttribute us = new UnsignedShortAttribute(TagFromName.Rows);
        us.addValue(512);
        l.put(us);
        AttributeTagAttribute at = new AttributeTagAttribute(new AttributeTag(0x0020, 0x9165));
        at.addValue(0x0018, 0x1060);
        l.put(at);
        SequenceAttribute seq = new SequenceAttribute(TagFromName.ReferencedSeriesSequence);
        AttributeList item = new AttributeList();
        Attribute uid = new com.pixelmed.dicom.UniqueIdentifierAttribute(TagFromName.SeriesInstanceUID);
        uid.addValue("1.2.3");
        item.put(uid);
        seq.addItem(item);
        l.put(seq);
        OtherByteAttribute ob = new OtherByteAttribute(new AttributeTag(0x0009, 0x1010));
        ob.setValues(new byte[] {1, 2, 3, 4});
        l.put(ob);

        JsonObject o = DicomJson.object(l, Map.of("00081190", DicomJson.value("UR", "http://x/studies/1")));
        JsonObject name = o.getJsonObject("00100010").getJsonArray("Value").getJsonObject(0);
        assertEquals("Yamada^Tarou", name.getString("Alphabetic"));
        assertEquals("山田^太郎", name.getString("Ideographic"));
        assertEquals("やまだ^たろう", name.getString("Phonetic"));
        // DS and IS as strings (PS3.18 F.2.3.1), as written
        assertEquals("0.75", o.getJsonObject("00280030").getJsonArray("Value").getString(0));
        assertEquals("+2", o.getJsonObject("00280030").getJsonArray("Value").getString(1));
        assertEquals(JsonValue.NULL, o.getJsonObject("00080008").getJsonArray("Value").get(1));
        assertFalse(o.getJsonObject("00100040").containsKey("Value"), "empty: no Value");
        assertEquals(512, o.getJsonObject("00280010").getJsonArray("Value").getInt(0));
        assertEquals("00181060", o.getJsonObject("00209165").getJsonArray("Value").getString(0));
        assertEquals("1.2.3", o.getJsonObject("00081115").getJsonArray("Value").getJsonObject(0)
                .getJsonObject("0020000E").getJsonArray("Value").getString(0));
        assertEquals("AQIDBA==", o.getJsonObject("00091010").getString("InlineBinary"));
        assertEquals("UR", o.getJsonObject("00081190").getString("vr"));
        // and the Native DICOM Model of the same
        String xml = new String(DicomJson.xml(l), java.nio.charset.StandardCharsets.UTF_8);
        for (String s : List.of("<Ideographic><FamilyName>山田</FamilyName>", "<Item number=\"1\">",
                "<InlineBinary>AQIDBA==</InlineBinary>", "tag=\"00280030\" vr=\"DS\"")) {
            assertTrue(xml.contains(s), s + " in " + xml);
        }
    }
}
