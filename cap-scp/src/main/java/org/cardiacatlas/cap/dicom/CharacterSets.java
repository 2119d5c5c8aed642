package org.cardiacatlas.cap.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import java.io.ByteArrayOutputStream;
import java.io.UnsupportedEncodingException;
import java.nio.charset.Charset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Specific Character Sets (0008,0005) that can also encode what PixelMed only decodes: values
 * with ISO 2022 code extensions (PS3.5 6.1.2.5), e.g. {@code \ISO 2022 IR 87} for Japanese
 * and {@code \ISO 2022 IR 149} for Korean. PixelMed writes those as '?', so the attribute
 * blobs and C-FIND answers would lose the names; here the encoder designates each character's
 * set with its escape sequence, as PS3.3 C.12.1.1.2 defines them.
 */
public final class CharacterSets {

    public static final String UTF8 = "ISO_IR 192";

    private static final byte ESC = 0x1b;

    /** How a character set of PS3.3 Table C.12-4 is invoked and where Java finds its bytes. */
    private enum Kind {
        /** one byte 0xA0-0xFF of an ISO 8859 style charset, in G1 */
        SINGLE_G1,
        /** JIS X 0201 katakana: the second byte of EUC-JP's 0x8E xx, in G1 */
        KATAKANA_G1,
        /** JIS X 0208: EUC-JP's two bytes with the high bit cleared, in G0 */
        JIS0208_G0,
        /** JIS X 0212: EUC-JP's 0x8F xx yy, the last two with the high bit cleared, in G0 */
        JIS0212_G0,
        /** KS X 1001, GB 2312: the EUC form's two bytes as they are, in G1 */
        DOUBLE_G1
    }

    private record Designation(String term, byte[] escape, Kind kind, Charset charset) {
        boolean g1() {
            return kind == Kind.SINGLE_G1 || kind == Kind.KATAKANA_G1 || kind == Kind.DOUBLE_G1;
        }
    }

    private static final byte[] ASCII_G0 = {ESC, '(', 'B'};
    private static final byte[] ROMAJI_G0 = {ESC, '(', 'J'};

    private static final Map<String, Designation> DESIGNATIONS = Map.ofEntries(
            single("ISO 2022 IR 100", 'A', "ISO-8859-1"),
            single("ISO 2022 IR 101", 'B', "ISO-8859-2"),
            single("ISO 2022 IR 109", 'C', "ISO-8859-3"),
            single("ISO 2022 IR 110", 'D', "ISO-8859-4"),
            single("ISO 2022 IR 144", 'L', "ISO-8859-5"),
            single("ISO 2022 IR 127", 'G', "ISO-8859-6"),
            single("ISO 2022 IR 126", 'F', "ISO-8859-7"),
            single("ISO 2022 IR 138", 'H', "ISO-8859-8"),
            single("ISO 2022 IR 148", 'M', "ISO-8859-9"),
            single("ISO 2022 IR 203", 'b', "ISO-8859-15"),
            single("ISO 2022 IR 166", 'T', "TIS-620"),
            Map.entry("ISO 2022 IR 13", new Designation("ISO 2022 IR 13", new byte[] {ESC, ')', 'I'},
                    Kind.KATAKANA_G1, Charset.forName("EUC-JP"))),
            Map.entry("ISO 2022 IR 87", new Designation("ISO 2022 IR 87", new byte[] {ESC, '$', 'B'},
                    Kind.JIS0208_G0, Charset.forName("EUC-JP"))),
            Map.entry("ISO 2022 IR 159", new Designation("ISO 2022 IR 159", new byte[] {ESC, '$', '(', 'D'},
                    Kind.JIS0212_G0, Charset.forName("EUC-JP"))),
            Map.entry("ISO 2022 IR 149", new Designation("ISO 2022 IR 149", new byte[] {ESC, '$', ')', 'C'},
                    Kind.DOUBLE_G1, Charset.forName("EUC-KR"))),
            Map.entry("ISO 2022 IR 58", new Designation("ISO 2022 IR 58", new byte[] {ESC, '$', ')', 'A'},
                    Kind.DOUBLE_G1, Charset.forName("GB2312"))));

    private static Map.Entry<String, Designation> single(String term, char finalByte, String charset) {
        return Map.entry(term, new Designation(term, new byte[] {ESC, '-', (byte) finalByte}, Kind.SINGLE_G1,
                Charset.forName(charset)));
    }

    private CharacterSets() {
    }

    /** The values of (0008,0005) of a data set; one empty value when it has none (the default repertoire). */
    public static String[] values(AttributeList list) {
        Attribute a = list.get(TagFromName.SpecificCharacterSet);
        if (a == null || a.getVM() == 0) {
            return new String[] {""};
        }
        try {
            String[] v = a.getStringValues();
            String[] out = new String[v.length];
            for (int i = 0; i < v.length; i++) {
                out[i] = v[i] == null ? "" : v[i].trim();
            }
            return out;
        } catch (com.pixelmed.dicom.DicomException e) {
            return new String[] {""};
        }
    }

    /** The defined terms of PS3.3 C.12.1.1.2 (and "ISO_IR 6", which some send for the default). */
    private static final java.util.Set<String> TERMS = java.util.Set.of("", "ISO_IR 6", "ISO 2022 IR 6",
            "ISO_IR 100", "ISO_IR 101", "ISO_IR 109", "ISO_IR 110", "ISO_IR 144", "ISO_IR 127", "ISO_IR 126",
            "ISO_IR 138", "ISO_IR 148", "ISO_IR 203", "ISO_IR 13", "ISO_IR 166", "ISO_IR 192", "GB18030", "GBK");

    public static boolean isKnown(String term) {
        return TERMS.contains(term) || DESIGNATIONS.containsKey(term);
    }

    public static boolean isDefault(String[] values) {
        return values.length == 0 || values.length == 1 && (values[0].isEmpty() || values[0].equals("ISO_IR 6"));
    }

    static boolean hasCodeExtensions(String[] values) {
        for (String v : values) {
            if (v.startsWith("ISO 2022")) {
                return true;
            }
        }
        return false;
    }

    /** A character set for these values of (0008,0005) that encodes as well as it decodes. */
    public static SpecificCharacterSet of(String[] values) {
        return hasCodeExtensions(values) ? new CodeExtensions(values) : new SpecificCharacterSet(values);
    }

    /** Makes every string of the list (and of its sequence items) encode in this character set. */
    public static void apply(AttributeList list, SpecificCharacterSet cs) {
        list.setSpecificCharacterSet(cs);
    }

    /** Whether the string survives encoding in this character set and decoding again. */
    public static boolean canEncode(SpecificCharacterSet cs, String s) {
        boolean ascii = true;
        for (int i = 0; i < s.length() && ascii; i++) {
            ascii = s.charAt(i) < 0x80;
        }
        if (ascii) {
            return true;
        }
        try {
            byte[] b = cs.translateStringToByteArray(s);
            return s.equals(cs.translateByteArrayToString(b, 0, b.length));
        } catch (UnsupportedEncodingException | RuntimeException e) {
            return false;
        }
    }

    /**
     * ISO 2022 with code extensions as DICOM uses it: value 1 of (0008,0005) is the initial
     * state (G0 ASCII, or JIS X 0201 romaji for ISO 2022 IR 13; G1 its single-byte set, if
     * any); another set is designated by its escape sequence before its first character; and
     * the initial state is active again before CR, LF, FF, TAB, the value delimiter and the
     * person name delimiters '^' and '=', and at the end of the value (PS3.5 6.1.2.5.3).
     * Decoding is PixelMed's.
     */
    static final class CodeExtensions extends SpecificCharacterSet {

        private final List<Designation> sets = new ArrayList<>();
        private final byte[] initialG0;
        private final Designation initialG1;

        CodeExtensions(String[] values) {
            super(values);
            String first = values.length == 0 ? "" : values[0].replace("ISO_IR ", "ISO 2022 IR ");
            initialG0 = first.equals("ISO 2022 IR 13") ? ROMAJI_G0 : ASCII_G0;
            Designation g1 = DESIGNATIONS.get(first);
            initialG1 = g1 != null && g1.g1() ? g1 : null;
            for (String v : values) {
                Designation d = DESIGNATIONS.get(v.replace("ISO_IR ", "ISO 2022 IR "));
                if (d != null && !sets.contains(d)) {
                    sets.add(d);
                }
            }
        }

        @Override
        public byte[] translateStringToByteArray(String s) {
            ByteArrayOutputStream out = new ByteArrayOutputStream(s.length() * 2 + 8);
            byte[] g0 = initialG0;
            Designation g1 = initialG1;
            for (int i = 0; i < s.length(); ) {
                int cp = s.codePointAt(i);
                i += Character.charCount(cp);
                if (cp < 0x80) {
                    if (g0 != initialG0) {
                        out.writeBytes(initialG0);
                        g0 = initialG0;
                    }
                    if (isDelimiter(cp)) {
                        if (g1 != initialG1 && initialG1 != null) {
                            out.writeBytes(initialG1.escape());
                        }
                        g1 = initialG1;
                    }
                    out.write(cp);
                    continue;
                }
                Encoded e = encode(cp);
                if (e == null) {
                    // as PixelMed does for a character its character set lacks
                    if (g0 != initialG0) {
                        out.writeBytes(initialG0);
                        g0 = initialG0;
                    }
                    out.write('?');
                    continue;
                }
                if (e.set.g1()) {
                    if (g1 != e.set) {
                        out.writeBytes(e.set.escape());
                        g1 = e.set;
                    }
                } else if (g0 != e.set.escape()) {
                    out.writeBytes(e.set.escape());
                    g0 = e.set.escape();
                }
                out.writeBytes(e.bytes);
            }
            if (g0 != initialG0) {
                out.writeBytes(initialG0);
            }
            if (g1 != initialG1 && initialG1 != null) {
                out.writeBytes(initialG1.escape());
            }
            return out.toByteArray();
        }

        private static boolean isDelimiter(int cp) {
            return cp == '\r' || cp == '\n' || cp == '\f' || cp == '\t' || cp == '\\' || cp == '^' || cp == '=';
        }

        private record Encoded(Designation set, byte[] bytes) {
        }

        /** The bytes of the character in the first set (in the order of the values) that has it. */
        private Encoded encode(int cp) {
            String ch = new String(Character.toChars(cp));
            for (Designation d : sets) {
                byte[] b = ch.getBytes(d.charset());
                byte[] out = switch (d.kind()) {
                    case SINGLE_G1 -> b.length == 1 && (b[0] & 0xff) >= 0xa0 ? b : null;
                    case KATAKANA_G1 -> b.length == 2 && (b[0] & 0xff) == 0x8e && (b[1] & 0xff) >= 0xa1
                            ? new byte[] {b[1]} : null;
                    case JIS0208_G0 -> b.length == 2 && (b[0] & 0xff) >= 0xa1 && (b[1] & 0xff) >= 0xa1
                            ? new byte[] {(byte) (b[0] & 0x7f), (byte) (b[1] & 0x7f)} : null;
                    case JIS0212_G0 -> b.length == 3 && (b[0] & 0xff) == 0x8f
                            ? new byte[] {(byte) (b[1] & 0x7f), (byte) (b[2] & 0x7f)} : null;
                    case DOUBLE_G1 -> b.length == 2 && (b[0] & 0xff) >= 0xa1 && (b[1] & 0xff) >= 0xa1 ? b : null;
                };
                if (out != null) {
                    return new Encoded(d, out);
                }
            }
            return null;
        }

        @Override
        public String toString() {
            return "ISO 2022 " + Arrays.toString(sets.stream().map(Designation::term).toArray());
        }
    }
}
