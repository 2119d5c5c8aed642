package org.cardiacatlas.cap.dicom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomInputStream;
import com.pixelmed.dicom.PersonNameAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class CharacterSetsTest {

    static final String JAPANESE = "Yamada^Tarou=山田^太郎=やまだ^たろう";
    static final String KOREAN = "Hong^Gildong=洪^吉洞=홍^길동";

    static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            b.writeBytes(p);
        }
        return b.toByteArray();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }

    @Test
    void japaneseIsEncodedAsJavasIso2022JpDoes() throws Exception {
        // PS3.5 H.3.1: JIS X 0208 designated by ESC $ B, ASCII again by ESC ( B before every
        // delimiter; Java's ISO-2022-JP encoder does the same for this name
        SpecificCharacterSet cs = CharacterSets.of(new String[] {"", "ISO 2022 IR 87"});
        byte[] expected = JAPANESE.getBytes(Charset.forName("ISO-2022-JP"));
        assertArrayEquals(expected, cs.translateStringToByteArray(JAPANESE));
        assertEquals(JAPANESE, cs.translateByteArrayToString(expected, 0, expected.length));
    }

    @Test
    void koreanDesignatesG1AfterEveryDelimiter() throws Exception {
        // PS3.5 I.2: ESC $ ) C before the first KS X 1001 character of each component
        SpecificCharacterSet cs = CharacterSets.of(new String[] {"", "ISO 2022 IR 149"});
        byte[] ks = {0x1b, '$', ')', 'C'};
        Charset euc = Charset.forName("EUC-KR");
        byte[] expected = concat(ascii("Hong^Gildong="), ks, "洪".getBytes(euc), ascii("^"), ks,
                "吉洞".getBytes(euc), ascii("="), ks, "홍".getBytes(euc), ascii("^"), ks, "길동".getBytes(euc));
        assertArrayEquals(expected, cs.translateStringToByteArray(KOREAN));
        assertEquals(KOREAN, cs.translateByteArrayToString(expected, 0, expected.length));
    }

    @Test
    void chineseGb2312AsInPs35K2() throws Exception {
        // PixelMed's decoder misreads a repeated ESC $ ) A, so only the bytes are checked here
        SpecificCharacterSet cs = CharacterSets.of(new String[] {"", "ISO 2022 IR 58"});
        byte[] gb = {0x1b, '$', ')', 'A'};
        Charset euc = Charset.forName("GB2312");
        byte[] expected = concat(ascii("Zhang^XiaoDong="), gb, "张".getBytes(euc), ascii("^"), gb,
                "小东".getBytes(euc), ascii("="));
        assertArrayEquals(expected, cs.translateStringToByteArray("Zhang^XiaoDong=张^小东="));
    }

    @Test
    void otherCodeExtensionsSurvivePixelMedsDecoder() {
        String[][] cases = {
            {"ISO 2022 IR 13\\ISO 2022 IR 87", "ﾔﾏﾀﾞ^ﾀﾛｳ=山田^太郎=やまだ^たろう"},
            {"ISO 2022 IR 100\\ISO 2022 IR 126", "Müller Διονυσιος"},
            {"\\ISO 2022 IR 87\\ISO 2022 IR 159", "山田 丂"},
        };
        for (String[] c : cases) {
            SpecificCharacterSet cs = CharacterSets.of(c[0].split("\\\\", -1));
            assertTrue(CharacterSets.canEncode(cs, c[1]), c[0] + ": " + c[1]);
        }
        // what no set of the list has is not encodable
        assertFalse(CharacterSets.canEncode(CharacterSets.of(new String[] {"", "ISO 2022 IR 87"}), "홍"));
        assertTrue(CharacterSets.canEncode(CharacterSets.of(new String[] {""}), "plain ASCII"));
    }

    @Test
    void blobsKeepJapaneseNames() throws Exception {
        // what the store path reads: PixelMed decodes the ISO 2022 bytes
        byte[] name = JAPANESE.getBytes(Charset.forName("ISO-2022-JP"));
        AttributeList a = new AttributeList();
        CodeStringAttribute scs = new CodeStringAttribute(TagFromName.SpecificCharacterSet);
        scs.addValue("");
        scs.addValue("ISO 2022 IR 87");
        a.put(scs);
        SpecificCharacterSet pixelmed = new SpecificCharacterSet(new String[] {"", "ISO 2022 IR 87"});
        PersonNameAttribute pn = new PersonNameAttribute(TagFromName.PatientName, pixelmed);
        pn.addValue(pixelmed.translateByteArrayToString(name, 0, name.length));
        a.put(pn);
        byte[] blob = PacsAttributes.encode(a, PacsAttributes.PATIENT);
        AttributeList back = new AttributeList();
        back.read(new DicomInputStream(new ByteArrayInputStream(blob), TransferSyntax.ExplicitVRLittleEndian, false));
        assertEquals(JAPANESE, Attribute.getSingleStringValueOrEmptyString(back, TagFromName.PatientName));
        assertTrue(new String(blob, StandardCharsets.ISO_8859_1).contains(new String(name, StandardCharsets.ISO_8859_1)),
                "the name's bytes as they were sent");
    }
}
