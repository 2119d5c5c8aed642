package org.cardiacatlas.cap.store;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.StringAttribute;
import com.pixelmed.dicom.TagFromName;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Set;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.common.Uids;

/**
 * The checks every object passes before it reaches the index, whatever route it came by
 * (C-STORE today, STOW-RS later): what the archive cannot index faithfully is refused with a
 * status and an Error Comment naming the attribute, never cut or cleaned silently. The
 * comments fit the 64 characters of Error Comment (0000,0902), which is LO.
 *
 * <ul>
 * <li>Study, Series and SOP Instance UID and SOP Class UID: present, one value, UID syntax
 * (PS3.5 9.1); otherwise 0xC000.</li>
 * <li>The attributes that become index columns: one value where their VM is 1; identifiers
 * (Patient ID, Issuer of Patient ID, Study ID, Accession Number) no longer than their VR allows
 * (PS3.5 6.2, in characters), the others no longer than the column (250); otherwise 0xA900.</li>
 * <li>Every string value of the data set: no control characters other than those its VR
 * allows (CR, LF, FF, TAB in LT, ST, UT; ESC only with ISO 2022 code extensions, PS3.5 6.1.2.5.3);
 * otherwise 0xA900. Trailing padding (space, NUL) is not a value character.</li>
 * </ul>
 */
public final class InstanceValues {

    /** The identity of a checked instance. */
    public record Identity(String studyUid, String seriesUid, String sopUid, String sopClassUid, String patientId) {
    }

    /** PS3.5 Table 6.2-1: maximum length in characters. */
    private static final Map<String, Integer> MAX = Map.ofEntries(
            Map.entry("AE", 16), Map.entry("AS", 4), Map.entry("CS", 16), Map.entry("DA", 8), Map.entry("DS", 16),
            Map.entry("DT", 26), Map.entry("IS", 12), Map.entry("LO", 64), Map.entry("LT", 10240),
            Map.entry("PN", 64), Map.entry("SH", 16), Map.entry("ST", 1024), Map.entry("TM", 16), Map.entry("UI", 64));

    /** Index columns (pacs-schema.md) of value multiplicity 1. */
    private static final Set<AttributeTag> SINGLE = Set.of(
            TagFromName.PatientID, TagFromName.IssuerOfPatientID, TagFromName.PatientBirthDate, TagFromName.PatientSex,
            TagFromName.StudyID, TagFromName.AccessionNumber, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.StudyDescription, TagFromName.SeriesNumber, TagFromName.Modality,
            TagFromName.BodyPartExamined, TagFromName.Laterality, TagFromName.SeriesDescription,
            TagFromName.InstitutionName, TagFromName.InstitutionalDepartmentName, TagFromName.StationName,
            TagFromName.InstanceNumber, TagFromName.CompletionFlag, TagFromName.VerificationFlag,
            TagFromName.ContentDate, TagFromName.ContentTime, TagFromName.PatientName,
            TagFromName.ReferringPhysicianName, TagFromName.SeriesDate, TagFromName.SeriesTime,
            TagFromName.PerformedProcedureStepStartDate, TagFromName.PerformedProcedureStepStartTime);

    /**
     * Identifiers: held to their VR's length (PS3.5 6.2), as matching and other archives rely on
     * it. Other indexed text is held to the column width, what the index can keep faithfully:
     * scanners do send a Station Name of 17 characters, and refusing it would help nobody.
     */
    private static final Set<AttributeTag> IDS = Set.of(TagFromName.PatientID, TagFromName.IssuerOfPatientID,
            TagFromName.StudyID, TagFromName.AccessionNumber);
    private static final int COLUMN = 250;

    /** Index columns that may hold several values (joined with backslashes). */
    private static final Set<AttributeTag> MULTI = Set.of(TagFromName.PerformingPhysicianName);

    private InstanceValues() {
    }

    public static Identity check(AttributeList attrs) throws DicomServiceException {
        String study = uid(attrs, TagFromName.StudyInstanceUID, "Study Instance UID");
        String series = uid(attrs, TagFromName.SeriesInstanceUID, "Series Instance UID");
        String sop = uid(attrs, TagFromName.SOPInstanceUID, "SOP Instance UID");
        String sopClass = uid(attrs, TagFromName.SOPClassUID, "SOP Class UID");
        boolean iso2022 = Attribute.getDelimitedStringValuesOrEmptyString(attrs, TagFromName.SpecificCharacterSet)
                .contains("2022");
        for (Object o : attrs.values()) {
            Attribute a = (Attribute) o;
            // LT, ST, UT are TextAttributes in PixelMed, the other string VRs StringAttributes
            if (!(a instanceof StringAttribute) && !(a instanceof com.pixelmed.dicom.TextAttribute)) {
                continue;
            }
            AttributeTag tag = a.getTag();
            if (tag.getGroup() == 0x0002) {
                continue;
            }
            String vr = new String(a.getVR(), StandardCharsets.US_ASCII);
            String[] values = values(a, tag);
            boolean indexed = SINGLE.contains(tag) || MULTI.contains(tag);
            if (SINGLE.contains(tag) && values.length > 1) {
                throw refuse(tag, "has " + values.length + " values");
            }
            for (String v : values) {
                String value = unpadded(v);
                controls(tag, vr, value, iso2022);
                if (indexed) {
                    length(tag, vr, value);
                }
            }
        }
        String patientId = Attribute.getSingleStringValueOrEmptyString(attrs, TagFromName.PatientID).trim();
        return new Identity(study, series, sop, sopClass, patientId);
    }

    private static String[] values(Attribute a, AttributeTag tag) throws DicomServiceException {
        try {
            String[] v = a.getStringValues();
            return v == null ? new String[0] : v;
        } catch (DicomException e) {
            throw refuse(tag, "cannot be read: " + e.getMessage());
        }
    }

    private static String uid(AttributeList attrs, AttributeTag tag, String name) throws DicomServiceException {
        Attribute a = attrs.get(tag);
        String[] values = a == null ? new String[0] : values(a, tag);
        if (values.length == 0 || unpadded(values[0]).isEmpty()) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND, "missing " + name);
        }
        if (values.length > 1) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND,
                    name + " " + tagString(tag) + " has " + values.length + " values");
        }
        String v = unpadded(values[0]).trim();
        if (!Uids.isValid(v)) {
            throw new DicomServiceException(DicomServiceException.CANNOT_UNDERSTAND, "invalid " + name);
        }
        return v;
    }

    /** Trailing spaces and NULs are padding (PS3.5 6.2), not part of the value. */
    private static String unpadded(String v) {
        int end = v.length();
        while (end > 0 && (v.charAt(end - 1) == ' ' || v.charAt(end - 1) == '\0')) {
            end--;
        }
        return v.substring(0, end);
    }

    private static void controls(AttributeTag tag, String vr, String v, boolean iso2022) throws DicomServiceException {
        boolean text = vr.equals("LT") || vr.equals("ST") || vr.equals("UT");
        for (int i = 0; i < v.length(); i++) {
            char c = v.charAt(i);
            if (c >= 0x20 && c != 0x7f) {
                continue;
            }
            if (c == 0x1b && iso2022) {
                continue;
            }
            if (text && (c == '\r' || c == '\n' || c == '\f' || c == '\t')) {
                continue;
            }
            throw refuse(tag, String.format("holds control character 0x%02X", (int) c));
        }
    }

    private static void length(AttributeTag tag, String vr, String v) throws DicomServiceException {
        if (!IDS.contains(tag)) {
            int n = v.codePointCount(0, v.length());
            if (n > COLUMN) {
                throw refuse(tag, n + " chars, the index holds " + COLUMN);
            }
            return;
        }
        Integer max = MAX.get(vr);
        if (max == null) {
            return;
        }
        int n = v.codePointCount(0, v.length());
        if (n > max) {
            throw refuse(tag, n + " chars, VR " + vr + " allows " + max);
        }
    }

    private static DicomServiceException refuse(AttributeTag tag, String why) {
        return new DicomServiceException(DicomServiceException.DATA_SET_DOES_NOT_MATCH_SOP_CLASS,
                name(tag) + " " + tagString(tag) + (why.matches("\\d.*") ? ": " : " ") + why);
    }

    private static String name(AttributeTag tag) {
        String n = DicomDictionary.StandardDictionary.getFullNameFromTag(tag);
        return n == null ? "attribute" : n;
    }

    private static String tagString(AttributeTag tag) {
        return String.format("(%04X,%04X)", tag.getGroup(), tag.getElement());
    }
}
