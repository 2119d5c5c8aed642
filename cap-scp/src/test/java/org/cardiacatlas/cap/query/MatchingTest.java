package org.cardiacatlas.cap.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import org.junit.jupiter.api.Test;

class MatchingTest {

    static Attribute a(AttributeTag t, String... values) throws Exception {
        Attribute x = AttributeFactory.newAttribute(t);
        for (String v : values) {
            x.addValue(v);
        }
        return x;
    }

    @Test
    void fuzzyNamesMatchComponentPrefixesCaseAndAccentsFolded() {
        assertEquals("smi*^jo*", Matching.fuzzyName("smi^jo"));
        assertEquals("Smith*", Matching.fuzzyName("Smith*"));
        assertEquals("*^john*", Matching.fuzzyName("^john"));
        assertEquals("yama*=山田*", Matching.fuzzyName("yama=山田"));
        assertEquals("*", Matching.fuzzyName("*"));
        assertEquals("", Matching.fuzzyName(""));
        assertTrue(Matching.personNameMatches(Matching.fuzzyName("smi^jo"), "Smith^John^M", false));
        assertTrue(Matching.personNameMatches(Matching.fuzzyName("muller"), "Müller^Anna", false));
        assertFalse(Matching.personNameMatches(Matching.fuzzyName("smi^jo"), "Smith", false));
        assertFalse(Matching.personNameMatches(Matching.fuzzyName("jo^smi"), "Smith^John", false));
    }

    @Test
    void likePatternsEscapeWhatIsNotAWildcard() {
        assertEquals("Smi%", Matching.likePattern("Smi*"));
        assertEquals("Sm_th%", Matching.likePattern("Sm?th**"));
        assertEquals("Per!%cent!_x!!%", Matching.likePattern("Per%cent_x!*"));
        assertEquals("a\\b'%", Matching.likePattern("a\\b'*"));
        assertTrue(Matching.isUniversal("***"));
        assertFalse(Matching.isUniversal("*a"));
    }

    @Test
    void globIsLinearAndExact() {
        assertTrue(Matching.glob("Sm?th*", "Smith^John"));
        assertTrue(Matching.glob("*mith*", "Smith"));
        assertFalse(Matching.glob("Sm?th", "Smith^John"));
        assertTrue(Matching.glob("*", ""));
        assertTrue(Matching.glob("山田*", "山田^太郎"));
        assertFalse(Matching.glob("%", "anything"));
        // the pattern that makes backtracking matchers take forever
        String value = "a".repeat(5000);
        long t0 = System.nanoTime();
        assertFalse(Matching.glob("*a*a*a*a*a*a*a*a*a*a*b", value));
        assertTrue((System.nanoTime() - t0) < 2_000_000_000L);
    }

    @Test
    void dateTimeAndDateTimeRanges() throws Exception {
        Matching.Range<LocalDate> d = Matching.dateRange("20200101-20201231", "k");
        assertEquals(LocalDate.of(2020, 1, 1), d.from());
        assertEquals(LocalDate.of(2020, 12, 31), d.to());
        assertNull(Matching.dateRange("-20201231", "k").from());
        assertNull(Matching.dateRange("20200101-", "k").to());
        assertEquals(LocalDate.of(2020, 3, 4), Matching.dateRange("2020.03.04", "k").to());
        assertThrows(Matching.BadValue.class, () -> Matching.dateRange("2020", "k"));
        assertThrows(Matching.BadValue.class, () -> Matching.dateRange("20201340", "k"));
        assertThrows(Matching.BadValue.class, () -> Matching.dateRange("-", "k"));

        Matching.Range<LocalTime> t = Matching.timeRange("0800-12", "k");
        assertEquals(LocalTime.of(8, 0), t.from());
        assertEquals(LocalTime.of(12, 59, 59, 999_999_000), t.to());
        assertEquals(LocalTime.of(14, 30, 59, 999_999_000), Matching.timeRange("1430", "k").to());
        assertEquals(LocalTime.of(14, 30, 5, 599_999_000), Matching.timeRange("143005.5", "k").to());
        assertThrows(Matching.BadValue.class, () -> Matching.timeRange("2500", "k"));

        Matching.Range<LocalDateTime> dt = Matching.dateTimeRange("202001-2020", "k");
        assertEquals(LocalDateTime.of(2020, 1, 1, 0, 0), dt.from());
        assertEquals(LocalDateTime.of(2020, 12, 31, 23, 59, 59, 999_999_000), dt.to());
        // a UTC offset is not a range
        Matching.Range<LocalDateTime> offset = Matching.dateTimeRange("20200101120000-0500", "k");
        assertEquals(offset.from(), LocalDateTime.of(2020, 1, 1, 12, 0));
        assertEquals(LocalDateTime.of(2020, 1, 1, 12, 0, 0, 999_999_000), offset.to());
        Matching.Range<LocalDateTime> both = Matching.dateTimeRange("20200101120000-0500-20200102", "k");
        assertEquals(LocalDate.of(2020, 1, 2), both.to().toLocalDate());
    }

    @Test
    void personNamesByComponentGroup() {
        String stored = "Yamada^Tarou=山田^太郎=やまだ^たろう";
        assertTrue(Matching.personNameMatches("yamada*", stored, false));
        assertFalse(Matching.personNameMatches("yamada*", stored, true));
        assertTrue(Matching.personNameMatches("山田*", stored, true), "any group, for a key of one group");
        assertTrue(Matching.personNameMatches("=山田^太郎", stored, true));
        assertFalse(Matching.personNameMatches("Yamada*=鈴木*", stored, true), "each group given must match");
        assertTrue(Matching.personNameMatches("muller^jurgen", "Müller^Jürgen", false));
        assertFalse(Matching.personNameMatches("muller^jurgen", "Müller^Jürgen", true));
    }

    @Test
    void multiValuedKeysAndStoredValues() throws Exception {
        Attribute stored = a(TagFromName.ImageType, "ORIGINAL", "PRIMARY", "M");
        assertTrue(Matching.matches(a(TagFromName.ImageType, "PRIMARY"), stored, false));
        assertTrue(Matching.matches(a(TagFromName.ImageType, "DERIVED", "ORIG*"), stored, false));
        assertFalse(Matching.matches(a(TagFromName.ImageType, "DERIVED"), stored, false));
        assertFalse(Matching.matches(a(TagFromName.ImageType, "PRIMARY"), null, false), "absent matches nothing");
        // '*' is a wild card in CS, a character in UI
        assertTrue(Matching.matches(a(TagFromName.Modality, "*"), a(TagFromName.Modality, "MR"), false));
        assertFalse(Matching.matches(a(TagFromName.SOPClassUID, "1.2.*"), a(TagFromName.SOPClassUID, "1.2.3"), false));
        assertTrue(Matching.matches(a(TagFromName.ContentDate, "20200101-"), a(TagFromName.ContentDate, "20200304"), false));
        assertFalse(Matching.matches(a(TagFromName.ContentDate, "-20191231"), a(TagFromName.ContentDate, "20200304"), false));
        assertTrue(Matching.matches(a(TagFromName.AcquisitionDateTime, "2020"),
                a(TagFromName.AcquisitionDateTime, "20200304101010.5"), false));
    }

    @Test
    void sequenceMatchingNeedsOneItemWithEveryKey() throws Exception {
        SequenceAttribute stored = new SequenceAttribute(TagFromName.RequestAttributesSequence);
        for (String[] item : new String[][] {{"RP1", "SPS1"}, {"RP2", "SPS2"}}) {
            AttributeList l = new AttributeList();
            l.put(a(TagFromName.RequestedProcedureID, item[0]));
            l.put(a(new AttributeTag(0x0040, 0x0009), item[1]));
            stored.addItem(l);
        }
        assertTrue(Matching.matches(key("RP2", "SPS2"), stored, false));
        assertTrue(Matching.matches(key("RP*", null), stored, false));
        assertFalse(Matching.matches(key("RP1", "SPS2"), stored, false), "keys of one item match one stored item");
        assertTrue(Matching.isMatchingKey(key("RP1", null)));
        assertFalse(Matching.isMatchingKey(key("", null)), "an item of empty keys is universal");
        assertFalse(Matching.isMatchingKey(new SequenceAttribute(TagFromName.RequestAttributesSequence)));
    }

    static SequenceAttribute key(String rp, String sps) throws Exception {
        SequenceAttribute k = new SequenceAttribute(TagFromName.RequestAttributesSequence);
        AttributeList l = new AttributeList();
        l.put(rp.isEmpty() ? a(TagFromName.RequestedProcedureID) : a(TagFromName.RequestedProcedureID, rp));
        if (sps != null) {
            l.put(a(new AttributeTag(0x0040, 0x0009), sps));
        }
        k.addItem(l);
        return k;
    }

    @Test
    void valuesThatCannotBeReadAreRefusedOnce() throws Exception {
        Matching.checkKey(a(TagFromName.ContentDate, "20200101-"));
        assertThrows(Matching.BadValue.class, () -> Matching.checkKey(a(TagFromName.ContentDate, "yesterday")));
        assertThrows(Matching.BadValue.class, () -> Matching.checkKey(a(TagFromName.ImageComments, "*a*b*c*d*e*")));
        assertThrows(Matching.BadValue.class, () -> Matching.checkKey(key("RP1", "*1*2*3*4*5")));
    }
}
