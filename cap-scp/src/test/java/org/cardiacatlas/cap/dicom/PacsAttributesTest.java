package org.cardiacatlas.cap.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DateAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TimeAttribute;
import java.time.LocalDateTime;
import org.junit.jupiter.api.Test;
import org.cardiacatlas.cap.store.PacsIndex;

class PacsAttributesTest {

    @Test
    void soundexOfFamilyAndGivenName() {
        assertEquals("R163", PacsAttributes.soundex("Robert^Rupert", 0));
        assertEquals("R163", PacsAttributes.soundex("Robert^Rupert", 1));
        assertEquals("A261", PacsAttributes.soundex("Ashcraft^", 0));
        assertEquals("T522", PacsAttributes.soundex("Tymczak", 0));
        assertEquals("P236", PacsAttributes.soundex("Pfister", 0));
        assertNull(PacsAttributes.soundex("Doe", 1));
        assertNull(PacsAttributes.soundex("山田^太郎", 0));
    }

    @Test
    void personNameGroups() {
        assertArrayEquals(new String[] {"Yamada^Tarou", "山田^太郎", "やまだ^たろう"},
                PacsAttributes.nameGroups("Yamada^Tarou=山田^太郎=やまだ^たろう"));
        assertArrayEquals(new String[] {"Doe^John", null, null}, PacsAttributes.nameGroups("Doe^John"));
    }

    @Test
    void dateAndTimeBecomeOneDateTime() throws Exception {
        AttributeList a = new AttributeList();
        DateAttribute d = new DateAttribute(TagFromName.StudyDate);
        d.addValue("20240229");
        a.put(d.getTag(), d);
        assertEquals(LocalDateTime.of(2024, 2, 29, 0, 0), PacsAttributes.dateTime(a, TagFromName.StudyDate, TagFromName.StudyTime));
        TimeAttribute t = new TimeAttribute(TagFromName.StudyTime);
        t.addValue("134501.25");
        a.put(t.getTag(), t);
        assertEquals(LocalDateTime.of(2024, 2, 29, 13, 45, 1, 250_000_000),
                PacsAttributes.dateTime(a, TagFromName.StudyDate, TagFromName.StudyTime));
        d.removeValues();
        d.addValue("2024-02-30");
        assertNull(PacsAttributes.dateTime(a, TagFromName.StudyDate, TagFromName.StudyTime));
    }

    @Test
    void multiValuesGrowOnlyByNewValues() {
        assertEquals("MR", PacsIndex.addValue(null, "MR"));
        assertEquals("MR", PacsIndex.addValue("MR", "MR"));
        assertEquals("MR\\SR", PacsIndex.addValue("MR", "SR"));
        assertEquals("MR\\SR", PacsIndex.addValue("MR\\SR", "SR"));
    }
}
