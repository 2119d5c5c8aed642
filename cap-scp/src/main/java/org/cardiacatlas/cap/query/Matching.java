package org.cardiacatlas.cap.query;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.ValueRepresentation;
import java.text.Normalizer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.format.DateTimeParseException;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Attribute matching of PS3.4 C.2.2.2 on values in memory, and the parsing of key values that
 * the SQL side shares with it: wild cards (C.2.2.2.4) and date, time and date-time ranges
 * (C.2.2.2.5). Used for the keys that have no column of their own, matched against the
 * {@code *_attrs} blobs, and for sequence matching (C.2.2.2.6).
 */
final class Matching {

    /** More '*' than this in one value is refused: a pattern's cost grows with its number of '*'. */
    static final int MAX_ASTERISKS = 4;

    /** A range of a DA, TM or DT key; a null bound is open. Both bounds are inclusive. */
    record Range<T extends Comparable<? super T>>(T from, T to) {
        boolean contains(T v) {
            return (from == null || from.compareTo(v) <= 0) && (to == null || to.compareTo(v) >= 0);
        }
    }

    /** The key value cannot be read as its VR requires; the query fails with this message. */
    static final class BadValue extends Exception {
        BadValue(String message) {
            super(message);
        }
    }

    private Matching() {
    }

    static boolean hasWildcard(String v) {
        return v.indexOf('*') >= 0 || v.indexOf('?') >= 0;
    }

    /**
     * Fuzzy semantic matching of person names (PS3.4 C.2.2.2.1.1 leaves its rule to the
     * archive; QIDO-RS asks for it with fuzzymatching=true, PS3.18 8.3.4.1): case and accents
     * are folded, and each component of the key matches the beginning of the stored component,
     * so "smi^jo" finds "Smith^John^M". The key is rewritten as a wild card key, which both the
     * SQL and the in-memory matching then apply as usual.
     */
    static String fuzzyName(String key) {
        if (isUniversal(key.trim())) {
            return key;
        }
        String[] groups = key.split("=", -1);
        for (int g = 0; g < groups.length; g++) {
            if (groups[g].trim().isEmpty()) {
                continue;
            }
            String[] c = groups[g].split("\\^", -1);
            for (int i = 0; i < c.length; i++) {
                String v = c[i].trim();
                c[i] = v.endsWith("*") ? v : v + "*";
            }
            groups[g] = String.join("^", c);
        }
        return String.join("=", groups);
    }

    /** "*" alone matches everything, as a zero-length value does (C.2.2.2.4). */
    static boolean isUniversal(String v) {
        return v.isEmpty() || v.chars().allMatch(c -> c == '*');
    }

    /** VRs for which '*' and '?' are wild cards (C.2.2.2.4); elsewhere they are characters. */
    static boolean allowsWildcards(byte[] vr) {
        return ValueRepresentation.isApplicationEntityVR(vr) || ValueRepresentation.isCodeStringVR(vr)
                || ValueRepresentation.isLongStringVR(vr) || ValueRepresentation.isLongTextVR(vr)
                || ValueRepresentation.isPersonNameVR(vr) || ValueRepresentation.isShortStringVR(vr)
                || ValueRepresentation.isShortTextVR(vr) || ValueRepresentation.isUnlimitedCharactersVR(vr)
                || ValueRepresentation.isUnlimitedTextVR(vr) || ValueRepresentation.isUniversalResourceVR(vr);
    }

    static void checkAsterisks(String v, String key) throws BadValue {
        long n = v.chars().filter(c -> c == '*').count();
        if (n > MAX_ASTERISKS) {
            throw new BadValue("more than " + MAX_ASTERISKS + " '*' in " + key);
        }
    }

    /** The LIKE pattern of a wild card value, with '!' as the escape character. */
    static String likePattern(String v) {
        StringBuilder sb = new StringBuilder(v.length() + 8);
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            switch (c) {
                case '*' -> {
                    // "**" is "*", and one '%' is cheaper for the database than two
                    if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '%' || endsEscaped(sb)) {
                        sb.append('%');
                    }
                }
                case '?' -> sb.append('_');
                case '%', '_', '!' -> sb.append('!').append(c);
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }

    private static boolean endsEscaped(StringBuilder sb) {
        return sb.length() >= 2 && sb.charAt(sb.length() - 2) == '!';
    }

    // ---- ranges (C.2.2.2.5) ----

    private static final Pattern DA = Pattern.compile("(\\d{4})\\.?(\\d{2})\\.?(\\d{2})");
    private static final Pattern TM = Pattern.compile("(\\d{2})(?::?(\\d{2})(?::?(\\d{2})(?:\\.(\\d{1,6}))?)?)?");
    private static final Pattern DT = Pattern.compile(
            "(\\d{4})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:(\\d{2})(?:\\.(\\d{1,6}))?)?)?)?)?)?([+-]\\d{4})?");

    /** "20200101", "20200101-20201231", "20200101-", "-20201231" (also the old form 2020.01.01). */
    static Range<LocalDate> dateRange(String v, String key) throws BadValue {
        String[] b = bounds(v, key, false);
        LocalDate from = b[0].isEmpty() ? null : date(b[0], key);
        LocalDate to = b[1].isEmpty() ? null : date(b[1], key);
        return new Range<>(from, to);
    }

    static Range<LocalTime> timeRange(String v, String key) throws BadValue {
        String[] b = bounds(v, key, false);
        LocalTime from = b[0].isEmpty() ? null : time(b[0], false, key);
        LocalTime to = b[1].isEmpty() ? null : time(b[1], true, key);
        return new Range<>(from, to);
    }

    static Range<LocalDateTime> dateTimeRange(String v, String key) throws BadValue {
        String[] b = bounds(v, key, true);
        LocalDateTime from = b[0].isEmpty() ? null : dateTime(b[0], false, key);
        LocalDateTime to = b[1].isEmpty() ? null : dateTime(b[1], true, key);
        return new Range<>(from, to);
    }

    /** Both bounds; a value without '-' is the range from itself to itself. */
    private static String[] bounds(String v, String key, boolean dateTime) throws BadValue {
        String s = v.trim();
        int dash = -1;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) == '-' && !(dateTime && isUtcOffset(s, i))) {
                dash = i;
                break;
            }
        }
        if (dash < 0) {
            if (s.isEmpty()) {
                throw new BadValue("empty range in " + key);
            }
            return new String[] {s, s};
        }
        String from = s.substring(0, dash).trim();
        String to = s.substring(dash + 1).trim();
        if (from.isEmpty() && to.isEmpty()) {
            throw new BadValue("range without bounds in " + key);
        }
        return new String[] {from, to};
    }

    /** The '-' of a DT value's "-hhmm" offset from UTC, after at least the hour, not a range's. */
    private static boolean isUtcOffset(String s, int i) {
        return s.substring(0, i).matches("\\d{10,14}(\\.\\d{1,6})?") && s.substring(i + 1).matches("\\d{4}(-.*)?");
    }

    private static LocalDate date(String s, String key) throws BadValue {
        Matcher m = DA.matcher(s);
        if (!m.matches()) {
            throw new BadValue("not a date in " + key + ": " + s);
        }
        try {
            return LocalDate.of(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2)),
                    Integer.parseInt(m.group(3)));
        } catch (RuntimeException e) {
            throw new BadValue("not a date in " + key + ": " + s);
        }
    }

    /** A time; an upper bound extends to the end of its precision ("12" is up to 12:59:59.999999). */
    static LocalTime time(String s, boolean upper, String key) throws BadValue {
        Matcher m = TM.matcher(s.trim());
        if (!m.matches()) {
            throw new BadValue("not a time in " + key + ": " + s);
        }
        try {
            int h = Integer.parseInt(m.group(1));
            int min = m.group(2) == null ? (upper ? 59 : 0) : Integer.parseInt(m.group(2));
            int sec = m.group(3) == null ? (upper ? 59 : 0) : Integer.parseInt(m.group(3));
            int micros = fraction(m.group(4), upper);
            return LocalTime.of(h, min, sec == 60 ? 59 : sec, micros * 1000);
        } catch (RuntimeException e) {
            throw new BadValue("not a time in " + key + ": " + s);
        }
    }

    static LocalDateTime dateTime(String s, boolean upper, String key) throws BadValue {
        Matcher m = DT.matcher(s.trim());
        if (!m.matches()) {
            throw new BadValue("not a date-time in " + key + ": " + s);
        }
        try {
            int y = Integer.parseInt(m.group(1));
            LocalDate d;
            if (m.group(2) == null) {
                d = upper ? LocalDate.of(y, 12, 31) : LocalDate.of(y, 1, 1);
            } else if (m.group(3) == null) {
                LocalDate first = LocalDate.of(y, Integer.parseInt(m.group(2)), 1);
                d = upper ? first.withDayOfMonth(first.lengthOfMonth()) : first;
            } else {
                d = LocalDate.of(y, Integer.parseInt(m.group(2)), Integer.parseInt(m.group(3)));
            }
            int h = m.group(4) == null ? (upper ? 23 : 0) : Integer.parseInt(m.group(4));
            int min = m.group(5) == null ? (upper ? 59 : 0) : Integer.parseInt(m.group(5));
            int sec = m.group(6) == null ? (upper ? 59 : 0) : Integer.parseInt(m.group(6));
            int micros = fraction(m.group(7), upper);
            return LocalDateTime.of(d, LocalTime.of(h, min, sec == 60 ? 59 : sec, micros * 1000));
        } catch (RuntimeException e) {
            throw new BadValue("not a date-time in " + key + ": " + s);
        }
    }

    private static int fraction(String f, boolean upper) {
        if (f == null) {
            return upper ? 999_999 : 0;
        }
        int digits = f.length();
        int v = Integer.parseInt((f + "000000").substring(0, 6));
        if (upper) {
            // "30.5" is up to 30.599999
            int step = (int) Math.pow(10, 6 - digits);
            v += step - 1;
        }
        return v;
    }

    // ---- matching in memory ----

    /**
     * Whether a stored attribute matches a non-universal key (C.2.2.2): any value of the key
     * (list matching, C.2.2.2.2, and Multiple Value Matching) against any value stored. An
     * absent or empty stored value matches nothing.
     */
    static boolean matches(Attribute key, Attribute stored, boolean caseSensitiveNames) throws BadValue {
        byte[] vr = key.getVR();
        if (ValueRepresentation.isSequenceVR(vr)) {
            return sequenceMatches((SequenceAttribute) key, stored, caseSensitiveNames);
        }
        String[] keys = strings(key);
        String[] values = stored == null ? new String[0] : strings(stored);
        String name = describe(key);
        for (String k : keys) {
            k = k.trim();
            if (k.isEmpty()) {
                continue;
            }
            if (isUniversal(k) && allowsWildcards(vr)) {
                return true;
            }
            for (String v : values) {
                if (v != null && valueMatches(vr, k, v.trim(), caseSensitiveNames, name)) {
                    return true;
                }
            }
        }
        return false;
    }

    /** Whether the key has a value to match (a sequence: an item with at least one such key). */
    static boolean isMatchingKey(Attribute key) {
        if (ValueRepresentation.isSequenceVR(key.getVR())) {
            SequenceAttribute sq = (SequenceAttribute) key;
            if (sq.getNumberOfItems() == 0) {
                return false;
            }
            for (Attribute a : sq.getItem(0).getAttributeList().values()) {
                if (isMatchingKey(a)) {
                    return true;
                }
            }
            return false;
        }
        for (String v : strings(key)) {
            if (v != null && !v.trim().isEmpty()) {
                return !(isUniversal(v.trim()) && allowsWildcards(key.getVR()));
            }
        }
        return false;
    }

    /** Reads a key matched in memory once, so that a value it cannot read fails the query at once. */
    static void checkKey(Attribute key) throws BadValue {
        byte[] vr = key.getVR();
        if (ValueRepresentation.isSequenceVR(vr)) {
            SequenceAttribute sq = (SequenceAttribute) key;
            if (sq.getNumberOfItems() > 0) {
                for (Attribute a : sq.getItem(0).getAttributeList().values()) {
                    checkKey(a);
                }
            }
            return;
        }
        String name = describe(key);
        for (String k : strings(key)) {
            if (k == null || k.trim().isEmpty()) {
                continue;
            }
            k = k.trim();
            if (ValueRepresentation.isDateVR(vr)) {
                dateRange(k, name);
            } else if (ValueRepresentation.isTimeVR(vr)) {
                timeRange(k, name);
            } else if (ValueRepresentation.isDateTimeVR(vr)) {
                dateTimeRange(k, name);
            } else if (allowsWildcards(vr)) {
                checkAsterisks(k, name);
            }
        }
    }

    /** C.2.2.2.6: an item of the stored sequence matches every key of the key's item. */
    private static boolean sequenceMatches(SequenceAttribute key, Attribute stored, boolean cs) throws BadValue {
        if (!isMatchingKey(key)) {
            return true;
        }
        if (!(stored instanceof SequenceAttribute s) || s.getNumberOfItems() == 0) {
            return false;
        }
        AttributeList wanted = key.getItem(0).getAttributeList();
        for (int i = 0; i < s.getNumberOfItems(); i++) {
            AttributeList item = s.getItem(i).getAttributeList();
            boolean all = true;
            for (Attribute k : wanted.values()) {
                if (isMatchingKey(k) && !matches(k, item.get(k.getTag()), cs)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                return true;
            }
        }
        return false;
    }

    private static boolean valueMatches(byte[] vr, String key, String value, boolean caseSensitiveNames, String name)
            throws BadValue {
        if (ValueRepresentation.isDateVR(vr)) {
            Range<LocalDate> r = dateRange(key, name);
            Matcher m = DA.matcher(value);
            if (!m.matches()) {
                return false;
            }
            try {
                return r.contains(date(value, name));
            } catch (BadValue e) {
                return false;
            }
        }
        if (ValueRepresentation.isTimeVR(vr)) {
            Range<LocalTime> r = timeRange(key, name);
            try {
                return r.contains(time(value, false, name));
            } catch (BadValue e) {
                return false;
            }
        }
        if (ValueRepresentation.isDateTimeVR(vr)) {
            Range<LocalDateTime> r = dateTimeRange(key, name);
            try {
                return r.contains(dateTime(value, false, name));
            } catch (BadValue e) {
                return false;
            }
        }
        if (ValueRepresentation.isPersonNameVR(vr)) {
            return personNameMatches(key, value, caseSensitiveNames);
        }
        if (allowsWildcards(vr) && hasWildcard(key)) {
            return glob(key, value);
        }
        return key.equals(value);
    }

    /**
     * Person names: with one component group in the key, any stored group may match (so an
     * ideographic key finds the name); with several, each given group matches its own.
     */
    static boolean personNameMatches(String key, String value, boolean caseSensitive) {
        String[] k = key.split("=", -1);
        String[] v = value.split("=", -1);
        if (k.length == 1) {
            for (String group : v) {
                if (nameGroupMatches(k[0], group, caseSensitive)) {
                    return true;
                }
            }
            return false;
        }
        for (int i = 0; i < k.length && i < 3; i++) {
            if (k[i].trim().isEmpty()) {
                continue;
            }
            if (i >= v.length || !nameGroupMatches(k[i], v[i], caseSensitive)) {
                return false;
            }
        }
        return true;
    }

    private static boolean nameGroupMatches(String key, String value, boolean caseSensitive) {
        String k = key.trim();
        String v = value.trim();
        if (v.isEmpty()) {
            return false;
        }
        if (!caseSensitive) {
            k = fold(k);
            v = fold(v);
        }
        return hasWildcard(k) ? glob(k, v) : k.equals(v);
    }

    /** Case and accents folded, as the database's utf8mb4_unicode_ci compares names. */
    static String fold(String s) {
        String d = Normalizer.normalize(s, Normalizer.Form.NFD);
        StringBuilder sb = new StringBuilder(d.length());
        for (int i = 0; i < d.length(); i++) {
            char c = d.charAt(i);
            if (Character.getType(c) != Character.NON_SPACING_MARK) {
                sb.append(c);
            }
        }
        return sb.toString().toUpperCase(Locale.ROOT).toLowerCase(Locale.ROOT);
    }

    /**
     * '*' and '?' over code points, in time proportional to the product of the lengths (the
     * usual backtrack to the last '*'), whatever the pattern.
     */
    static boolean glob(String pattern, String value) {
        int[] p = pattern.codePoints().toArray();
        int[] v = value.codePoints().toArray();
        int pi = 0;
        int vi = 0;
        int star = -1;
        int mark = 0;
        while (vi < v.length) {
            if (pi < p.length && (p[pi] == '?' || p[pi] == v[vi])) {
                pi++;
                vi++;
            } else if (pi < p.length && p[pi] == '*') {
                star = pi++;
                mark = vi;
            } else if (star >= 0) {
                pi = star + 1;
                vi = ++mark;
            } else {
                return false;
            }
        }
        while (pi < p.length && p[pi] == '*') {
            pi++;
        }
        return pi == p.length;
    }

    static String[] strings(Attribute a) {
        try {
            String[] s = a.getStringValues();
            return s == null ? new String[0] : s;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    static String describe(Attribute a) {
        return String.format("(%04X,%04X)", a.getGroup(), a.getElement());
    }
}
