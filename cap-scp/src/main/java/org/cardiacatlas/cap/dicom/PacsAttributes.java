package org.cardiacatlas.cap.dicom;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.DicomOutputStream;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import com.pixelmed.dicom.ValueRepresentation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.LocalDateTime;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What goes into the columns and {@code *_attrs} blobs of each level (pacs-schema.md). The
 * level attribute sets follow the patient, study and series modules that dcm4chee 2.18
 * indexes; everything else that is not private and not bulk data belongs to the instance.
 */
public final class PacsAttributes {

    private static final int COLUMN = 250;
    /** Values of binary VRs longer than this are bulk data: kept in the file, not in the index. */
    private static final long BULK = 1024;
    /** Compiled once: String.matches and replaceAll compile their pattern at every call (issue 16). */
    private static final Pattern DICOM_DATE = Pattern.compile("\\d{8}");
    private static final Pattern DICOM_TIME = Pattern.compile("\\d{2}(\\d{2}(\\d{2}(\\.\\d{1,6})?)?)?");
    private static final Pattern NOT_A_TO_Z = Pattern.compile("[^A-Z]");

    public static final Set<AttributeTag> PATIENT = Set.of(
            TagFromName.PatientName, TagFromName.PatientID, TagFromName.IssuerOfPatientID,
            TagFromName.IssuerOfPatientIDQualifiersSequence, TagFromName.PatientBirthDate,
            TagFromName.PatientBirthTime, TagFromName.PatientSex, TagFromName.OtherPatientIDs,
            TagFromName.OtherPatientIDsSequence, TagFromName.OtherPatientNames, TagFromName.EthnicGroup,
            TagFromName.PatientComments, TagFromName.PatientSpeciesDescription,
            TagFromName.PatientBreedDescription, TagFromName.ResponsiblePerson,
            TagFromName.PatientIdentityRemoved, TagFromName.DeidentificationMethod);

    public static final Set<AttributeTag> STUDY = Set.of(
            TagFromName.StudyInstanceUID, TagFromName.StudyDate, TagFromName.StudyTime,
            TagFromName.ReferringPhysicianName, TagFromName.StudyID, TagFromName.AccessionNumber,
            TagFromName.IssuerOfAccessionNumberSequence, TagFromName.StudyDescription,
            TagFromName.ProcedureCodeSequence, TagFromName.NameOfPhysiciansReadingStudy,
            TagFromName.AdmittingDiagnosesDescription, TagFromName.PatientAge, TagFromName.PatientSize,
            TagFromName.PatientWeight, TagFromName.Occupation, TagFromName.AdditionalPatientHistory,
            TagFromName.ReferencedStudySequence);

    public static final Set<AttributeTag> SERIES = Set.of(
            TagFromName.Modality, TagFromName.SeriesInstanceUID, TagFromName.SeriesNumber,
            TagFromName.SeriesDate, TagFromName.SeriesTime, TagFromName.SeriesDescription,
            TagFromName.BodyPartExamined, TagFromName.Laterality, TagFromName.PerformingPhysicianName,
            TagFromName.OperatorsName, TagFromName.ProtocolName, TagFromName.InstitutionName,
            TagFromName.InstitutionalDepartmentName, TagFromName.StationName, TagFromName.Manufacturer,
            TagFromName.ManufacturerModelName, TagFromName.PerformedProcedureStepStartDate,
            TagFromName.PerformedProcedureStepStartTime, TagFromName.PerformedProcedureStepID,
            TagFromName.PerformedProcedureStepDescription, TagFromName.RequestAttributesSequence,
            TagFromName.ReferencedPerformedProcedureStepSequence, TagFromName.FrameOfReferenceUID);

    private PacsAttributes() {
    }

    public static String string(AttributeList a, AttributeTag t) {
        String v = Attribute.getSingleStringValueOrEmptyString(a, t).trim();
        return v.isEmpty() ? null : v;
    }

    /** Multi-valued attributes keep their backslashes, as dcm4chee's columns do. */
    public static String strings(AttributeList a, AttributeTag t) {
        String v = Attribute.getDelimitedStringValuesOrEmptyString(a, t).trim();
        return v.isEmpty() ? null : v;
    }

    public static String column(String v) {
        if (v == null) {
            return null;
        }
        return v.length() <= COLUMN ? v : v.substring(0, COLUMN);
    }

    public static String column(AttributeList a, AttributeTag t) {
        return column(string(a, t));
    }

    static Integer integer(AttributeList a, AttributeTag t) {
        String v = string(a, t);
        if (v == null) {
            return null;
        }
        try {
            return Integer.valueOf(v.trim());
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** DA + TM to a date-time; null when the date is absent or not a DICOM date. */
    public static LocalDateTime dateTime(AttributeList a, AttributeTag date, AttributeTag time) {
        String d = string(a, date);
        if (d == null || !DICOM_DATE.matcher(d).matches()) {
            return null;
        }
        try {
            int h = 0, m = 0, s = 0, nanos = 0;
            String t = string(a, time);
            if (t != null) {
                t = t.replace(":", "");
                if (DICOM_TIME.matcher(t).matches()) {
                    h = Integer.parseInt(t.substring(0, 2));
                    if (t.length() >= 4) {
                        m = Integer.parseInt(t.substring(2, 4));
                    }
                    if (t.length() >= 6) {
                        s = Integer.parseInt(t.substring(4, 6));
                    }
                    if (t.length() > 7) {
                        String frac = (t.substring(7) + "000000").substring(0, 6);
                        nanos = Integer.parseInt(frac) * 1000;
                    }
                }
            }
            return LocalDateTime.of(Integer.parseInt(d.substring(0, 4)), Integer.parseInt(d.substring(4, 6)),
                    Integer.parseInt(d.substring(6, 8)), h, m, s, nanos);
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** A person name's three component groups (PS3.5 6.2.1): alphabetic, ideographic, phonetic. */
    public static String[] nameGroups(String pn) {
        String[] g = new String[3];
        if (pn == null) {
            return g;
        }
        String[] parts = pn.split("=", -1);
        for (int i = 0; i < 3 && i < parts.length; i++) {
            String p = parts[i].trim();
            g[i] = p.isEmpty() ? null : column(p);
        }
        return g;
    }

    /** American Soundex of the family (0) or given (1) name of the alphabetic group. */
    public static String soundex(String alphabeticName, int component) {
        if (alphabeticName == null) {
            return null;
        }
        String[] c = alphabeticName.split("\\^", -1);
        if (component >= c.length) {
            return null;
        }
        String s = NOT_A_TO_Z.matcher(c[component].toUpperCase(Locale.ROOT)).replaceAll("");
        if (s.isEmpty()) {
            return null;
        }
        final String codes = "01230120022455012623010202";
        StringBuilder out = new StringBuilder().append(s.charAt(0));
        char last = codes.charAt(s.charAt(0) - 'A');
        for (int i = 1; i < s.length() && out.length() < 4; i++) {
            char ch = s.charAt(i);
            char code = codes.charAt(ch - 'A');
            if (code != '0' && code != last) {
                out.append(code);
            }
            if (ch != 'H' && ch != 'W') {
                last = code;
            }
        }
        while (out.length() < 4) {
            out.append('0');
        }
        return out.toString();
    }

    /** The level's attributes (with the character set they need) in Explicit VR Little Endian. */
    public static byte[] encode(AttributeList all, Set<AttributeTag> level) {
        AttributeList sub = new AttributeList();
        copyCharset(all, sub);
        for (AttributeTag t : level) {
            Attribute a = all.get(t);
            if (a != null) {
                sub.put(t, a);
            }
        }
        return write(sub);
    }

    /** Everything of the instance level: not in the other levels, not private, not bulk data. */
    public static byte[] encodeInstance(AttributeList all) {
        AttributeList sub = new AttributeList();
        copyCharset(all, sub);
        for (Attribute a : all.values()) {
            AttributeTag t = a.getTag();
            if (t.getGroup() <= 0x0002 || t.isPrivate() || PATIENT.contains(t) || STUDY.contains(t)
                    || SERIES.contains(t) || t.equals(TagFromName.PixelData)) {
                continue;
            }
            if (isBulk(a)) {
                continue;
            }
            sub.put(t, a);
        }
        return write(sub);
    }

    private static boolean isBulk(Attribute a) {
        byte[] vr = a.getVR();
        boolean binary = ValueRepresentation.isOtherByteVR(vr) || ValueRepresentation.isOtherWordVR(vr)
                || ValueRepresentation.isOtherFloatVR(vr) || ValueRepresentation.isOtherDoubleVR(vr)
                || ValueRepresentation.isOtherLongVR(vr) || ValueRepresentation.isUnknownVR(vr);
        return binary && a.getVL() > BULK;
    }

    private static void copyCharset(AttributeList from, AttributeList to) {
        Attribute cs = from.get(TagFromName.SpecificCharacterSet);
        if (cs != null) {
            to.put(cs.getTag(), cs);
            // PixelMed decodes ISO 2022 code extensions (Japanese, Korean) but writes them as '?'
            String[] values = CharacterSets.values(to);
            if (CharacterSets.hasCodeExtensions(values)) {
                CharacterSets.apply(from, CharacterSets.of(values));
            }
        }
    }

    private static byte[] write(AttributeList list) {
        try {
            ByteArrayOutputStream bout = new ByteArrayOutputStream(1024);
            DicomOutputStream dout = new DicomOutputStream(bout, null, TransferSyntax.ExplicitVRLittleEndian);
            list.write(dout);
            dout.flush();
            return bout.toByteArray();
        } catch (IOException | DicomException e) {
            throw new IllegalStateException("cannot encode attributes: " + e.getMessage(), e);
        }
    }
}
