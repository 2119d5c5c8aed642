package org.cardiacatlas.cap.query;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.CodeStringAttribute;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.SpecificCharacterSet;
import com.pixelmed.dicom.StringAttributeAffectedBySpecificCharacterSet;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.TransferSyntax;
import java.io.IOException;
import org.cardiacatlas.cap.query.FindRequest.MemoryKey;
import org.cardiacatlas.cap.query.FindRequest.ReturnKey;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.dicom.CharacterSets;
import org.cardiacatlas.cap.dicom.DataSets;

/**
 * The answers of one C-FIND, row by row: the keys matched in memory, then the identifier of
 * the match with every requested key (PS3.4 C.4.1.1.3.2), in the character set of what was
 * stored. Each level's blob is decoded once for consecutive rows of the same entity.
 */
final class Answers {

    private static final String[] AVAILABILITY = {"ONLINE", "NEARLINE", "OFFLINE", "UNAVAILABLE"};

    private final FindRequest rq;
    private final String retrieveAet;
    private final long[] cachedPk = {-1, -1, -1, -1};
    private final AttributeList[] cached = new AttributeList[4];

    Answers(FindRequest rq, String retrieveAet) {
        this.rq = rq;
        this.retrieveAet = retrieveAet;
    }

    /** The identifier of the match, or null when a key matched in memory does not match the row. */
    AttributeList answer(MatchRow row) throws DicomServiceException {
        for (MemoryKey k : rq.memoryKeys) {
            Attribute stored = decoded(row, k.level()).get(k.key().getTag());
            try {
                if (!Matching.matches(k.key(), stored, rq.caseSensitiveNames)) {
                    return null;
                }
            } catch (Matching.BadValue e) {
                throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS, e.getMessage());
            }
        }
        AttributeList out = new AttributeList();
        try {
            for (ReturnKey k : rq.returnKeys) {
                Attribute a = value(k, row);
                if (a != null) {
                    out.put(a);
                }
            }
            if (rq.returnAllStored) {
                for (QueryRetrieveLevel l : rq.blobLevels) {
                    for (Attribute a : decoded(row, l).values()) {
                        if (!out.containsKey(a.getTag()) && !a.getTag().equals(TagFromName.SpecificCharacterSet)) {
                            out.put(a);
                        }
                    }
                }
            }
            characterSet(out, row);
        } catch (DicomException e) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                    "cannot build an answer: " + e.getMessage(), e);
        }
        return out;
    }

    private Attribute value(ReturnKey k, MatchRow row) throws DicomException, DicomServiceException {
        AttributeTag t = k.key().getTag();
        return switch (k.source()) {
            case QUERY_LEVEL -> attribute(t, k.key().getVR(), rq.levelCode);
            case PATIENT_ID -> attribute(t, k.key().getVR(), row.patId);
            case STUDY_UID -> attribute(t, k.key().getVR(), row.studyIuid);
            case SERIES_UID -> attribute(t, k.key().getVR(), row.seriesIuid);
            case SOP_INSTANCE_UID -> attribute(t, k.key().getVR(), row.sopIuid);
            case PATIENT_STUDIES -> count(t, row.patientStudies);
            case PATIENT_SERIES -> count(t, row.patientSeries);
            case PATIENT_INSTANCES -> count(t, row.patientInstances);
            case STUDY_SERIES -> count(t, row.numSeries);
            case STUDY_INSTANCES -> count(t, row.studyInstances);
            case SERIES_INSTANCES -> count(t, row.seriesInstances);
            case MODALITIES_IN_STUDY -> attribute(t, k.key().getVR(), row.modsInStudy);
            case SOP_CLASSES_IN_STUDY -> attribute(t, k.key().getVR(), row.cuidsInStudy);
            case RETRIEVE_AET -> attribute(t, k.key().getVR(),
                    row.retrieveAets == null ? retrieveAet : row.retrieveAets);
            case AVAILABILITY -> attribute(t, k.key().getVR(), AVAILABILITY[row.availability == null
                    || row.availability < 0 || row.availability > 3 ? 0 : row.availability]);
            case EMPTY -> empty(k.key());
            case BLOB -> {
                Attribute stored = decoded(row, k.level()).get(t);
                if (stored == null) {
                    yield empty(k.key());
                }
                yield FindRequest.hasItemKeys(k.key()) && stored instanceof SequenceAttribute s
                        ? itemKeys((SequenceAttribute) k.key(), s) : stored;
            }
        };
    }

    /** A sequence key with an item of keys returns those keys of every stored item (PS3.4 C.2.2.1.3). */
    private static SequenceAttribute itemKeys(SequenceAttribute key, SequenceAttribute stored) throws DicomException {
        AttributeList wanted = key.getItem(0).getAttributeList();
        SequenceAttribute out = new SequenceAttribute(key.getTag());
        for (int i = 0; i < stored.getNumberOfItems(); i++) {
            AttributeList item = stored.getItem(i).getAttributeList();
            AttributeList o = new AttributeList();
            for (Attribute w : wanted.values()) {
                Attribute s = item.get(w.getTag());
                if (s == null) {
                    o.put(empty(w));
                } else if (FindRequest.hasItemKeys(w) && s instanceof SequenceAttribute nested) {
                    o.put(itemKeys((SequenceAttribute) w, nested));
                } else {
                    o.put(s);
                }
            }
            out.addItem(o);
        }
        return out;
    }

    private static Attribute attribute(AttributeTag t, byte[] vr, String backslashed) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(t, vr);
        if (backslashed != null && !backslashed.isEmpty()) {
            for (String v : backslashed.split("\\\\")) {
                a.addValue(v);
            }
        }
        return a;
    }

    private static Attribute count(AttributeTag t, Number n) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(t, com.pixelmed.dicom.ValueRepresentation.IS);
        a.addValue(n == null ? "0" : Long.toString(n.longValue()));
        return a;
    }

    private static Attribute empty(Attribute key) throws DicomException {
        return AttributeFactory.newAttribute(key.getTag(), key.getVR());
    }

    /**
     * The character set of the stored blobs, from the lowest level the answer reads (PS3.4
     * C.4.1.1.3.2); UTF-8 when the answer holds something that set cannot encode (values of
     * levels stored with different character sets).
     */
    private void characterSet(AttributeList out, MatchRow row) throws DicomException, DicomServiceException {
        String[] chosen = {""};
        QueryRetrieveLevel[] levels = QueryRetrieveLevel.values();
        for (int i = levels.length - 1; i >= 0; i--) {
            if (rq.blobLevels.contains(levels[i])) {
                String[] v = CharacterSets.values(decoded(row, levels[i]));
                if (!CharacterSets.isDefault(v)) {
                    chosen = v;
                    break;
                }
            }
        }
        SpecificCharacterSet cs = CharacterSets.of(chosen);
        if (!encodable(out, cs)) {
            chosen = new String[] {CharacterSets.UTF8};
            cs = CharacterSets.of(chosen);
        }
        CharacterSets.apply(out, cs);
        if (!CharacterSets.isDefault(chosen)) {
            CodeStringAttribute a = new CodeStringAttribute(TagFromName.SpecificCharacterSet);
            for (String v : chosen) {
                a.addValue(v);
            }
            out.put(a);
        }
    }

    private static boolean encodable(AttributeList list, SpecificCharacterSet cs) throws DicomException {
        for (Attribute a : list.values()) {
            if (a instanceof SequenceAttribute s) {
                for (int i = 0; i < s.getNumberOfItems(); i++) {
                    if (!encodable(s.getItem(i).getAttributeList(), cs)) {
                        return false;
                    }
                }
            } else if (a instanceof StringAttributeAffectedBySpecificCharacterSet) {
                String[] values = a.getStringValues();
                if (values != null) {
                    for (String v : values) {
                        if (v != null && !CharacterSets.canEncode(cs, v)) {
                            return false;
                        }
                    }
                }
            }
        }
        return true;
    }

    /** The row's blob of that level, decoded once while consecutive rows share the entity. */
    AttributeList decoded(MatchRow row, QueryRetrieveLevel level) throws DicomServiceException {
        int i = level.ordinal();
        long pk = switch (level) {
            case PATIENT -> row.patientPk;
            case STUDY -> row.studyPk;
            case SERIES -> row.seriesPk;
            case IMAGE -> row.instancePk;
        };
        if (cachedPk[i] == pk && cached[i] != null) {
            return cached[i];
        }
        byte[] blob = switch (level) {
            case PATIENT -> row.patAttrs;
            case STUDY -> row.studyAttrs;
            case SERIES -> row.seriesAttrs;
            case IMAGE -> row.instAttrs;
        };
        AttributeList list = new AttributeList();
        if (blob != null && blob.length > 0) {
            try {
                list = DataSets.read(blob, TransferSyntax.ExplicitVRLittleEndian);
            } catch (IOException | DicomException e) {
                throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                        "unreadable attributes of " + level.name().toLowerCase() + " pk " + pk, e);
            }
        }
        cachedPk[i] = pk;
        cached[i] = list;
        return list;
    }
}
