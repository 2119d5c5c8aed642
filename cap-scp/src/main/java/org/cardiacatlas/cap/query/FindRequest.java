package org.cardiacatlas.cap.query;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.cardiacatlas.cap.query.SqlCondition.Exists;
import org.cardiacatlas.cap.query.SqlCondition.Op;
import org.cardiacatlas.cap.query.SqlCondition.Test;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.dicom.CharacterSets;
import org.cardiacatlas.cap.dicom.PacsAttributes;

/**
 * A C-FIND identifier read against an information model: its level, the conditions the
 * database evaluates (keys with a column), the keys matched in memory against the blobs (the
 * others, sequences included), and what each answer returns. Breaking the model's rules is
 * refused with A900, values that cannot be read with C000 (PS3.4 C.4.1.1.4).
 */
final class FindRequest {

    /** More values than this in one identifier would exceed what one SQL statement may bind. */
    static final int MAX_VALUES = 10_000;

    static final AttributeTag NUMBER_OF_PATIENT_RELATED_SERIES = new AttributeTag(0x0020, 0x1202);
    static final AttributeTag NUMBER_OF_PATIENT_RELATED_INSTANCES = new AttributeTag(0x0020, 0x1204);
    static final AttributeTag INSTANCE_AVAILABILITY = new AttributeTag(0x0008, 0x0056);

    /** Where the value of a returned key comes from. */
    enum Source {
        QUERY_LEVEL, PATIENT_ID, STUDY_UID, SERIES_UID, SOP_INSTANCE_UID, BLOB, EMPTY,
        PATIENT_STUDIES, PATIENT_SERIES, PATIENT_INSTANCES, STUDY_SERIES, STUDY_INSTANCES, SERIES_INSTANCES,
        MODALITIES_IN_STUDY, SOP_CLASSES_IN_STUDY, RETRIEVE_AET, AVAILABILITY
    }

    /** A key of the answer: the request's attribute (for its VR and sequence items) and its source. */
    record ReturnKey(Attribute key, Source source, QueryRetrieveLevel level) {
    }

    /** A key matched in memory against the blob of its level. */
    record MemoryKey(Attribute key, QueryRetrieveLevel level) {
    }

    /** Keys computed from the index, at the level they belong to (PS3.4 C.6.1.1, C.6.2.1). */
    private record Computed(Source source, QueryRetrieveLevel level) {
    }

    private static final Map<AttributeTag, Computed> COMPUTED = Map.of(
            TagFromName.NumberOfPatientRelatedStudies, new Computed(Source.PATIENT_STUDIES, QueryRetrieveLevel.PATIENT),
            NUMBER_OF_PATIENT_RELATED_SERIES, new Computed(Source.PATIENT_SERIES, QueryRetrieveLevel.PATIENT),
            NUMBER_OF_PATIENT_RELATED_INSTANCES, new Computed(Source.PATIENT_INSTANCES, QueryRetrieveLevel.PATIENT),
            TagFromName.NumberOfStudyRelatedSeries, new Computed(Source.STUDY_SERIES, QueryRetrieveLevel.STUDY),
            TagFromName.NumberOfStudyRelatedInstances, new Computed(Source.STUDY_INSTANCES, QueryRetrieveLevel.STUDY),
            TagFromName.NumberOfSeriesRelatedInstances,
            new Computed(Source.SERIES_INSTANCES, QueryRetrieveLevel.SERIES),
            TagFromName.ModalitiesInStudy, new Computed(Source.MODALITIES_IN_STUDY, QueryRetrieveLevel.STUDY),
            TagFromName.SOPClassesInStudy, new Computed(Source.SOP_CLASSES_IN_STUDY, QueryRetrieveLevel.STUDY));

    /** How a key with a column is matched in SQL. */
    private enum Kind {
        /** binary column (utf8mb4_bin): exact, wild card or list */
        STRING,
        /** column with a case-insensitive collation holding a non-PN value: compared binary */
        CI_STRING,
        /** the three component group columns of a person name */
        PERSON_NAME,
        UID,
        /** DA key on a DATETIME column */
        DATE,
        /** TM key on the time of a DATETIME column */
        TIME,
        /** DA key on a column holding the DA string */
        DATE_STRING
    }

    private record Column(Kind kind, Exists exists, String... columns) {
        Column(Kind kind, String... columns) {
            this(kind, Exists.NONE, columns);
        }
    }

    /** The keys with a column of their own (pacs-schema.md); the names are FindMapper.xml's. */
    private static final Map<AttributeTag, Column> COLUMNS = Map.ofEntries(
            Map.entry(TagFromName.PatientID, new Column(Kind.STRING, "p.pat_id")),
            Map.entry(TagFromName.IssuerOfPatientID, new Column(Kind.STRING, "p.pat_id_issuer")),
            Map.entry(TagFromName.PatientName,
                    new Column(Kind.PERSON_NAME, "p.pat_name", "p.pat_i_name", "p.pat_p_name")),
            Map.entry(TagFromName.PatientBirthDate, new Column(Kind.DATE_STRING, "p.pat_birthdate")),
            Map.entry(TagFromName.PatientSex, new Column(Kind.STRING, "p.pat_sex")),
            Map.entry(TagFromName.StudyInstanceUID, new Column(Kind.UID, "st.study_iuid")),
            Map.entry(TagFromName.StudyDate, new Column(Kind.DATE, "st.study_datetime")),
            Map.entry(TagFromName.StudyTime, new Column(Kind.TIME, "st.study_datetime")),
            Map.entry(TagFromName.AccessionNumber, new Column(Kind.STRING, "st.accession_no")),
            Map.entry(TagFromName.StudyID, new Column(Kind.STRING, "st.study_id")),
            Map.entry(TagFromName.ReferringPhysicianName,
                    new Column(Kind.PERSON_NAME, "st.ref_physician", "st.ref_phys_i_name", "st.ref_phys_p_name")),
            Map.entry(TagFromName.StudyDescription, new Column(Kind.CI_STRING, "st.study_desc")),
            Map.entry(TagFromName.ModalitiesInStudy, new Column(Kind.STRING, Exists.SERIES, "ms.modality")),
            Map.entry(TagFromName.SOPClassesInStudy, new Column(Kind.UID, Exists.INSTANCE, "mi.sop_cuid")),
            Map.entry(TagFromName.SeriesInstanceUID, new Column(Kind.UID, "se.series_iuid")),
            Map.entry(TagFromName.Modality, new Column(Kind.STRING, "se.modality")),
            Map.entry(TagFromName.SeriesNumber, new Column(Kind.STRING, "se.series_no")),
            Map.entry(TagFromName.BodyPartExamined, new Column(Kind.CI_STRING, "se.body_part")),
            Map.entry(TagFromName.Laterality, new Column(Kind.STRING, "se.laterality")),
            Map.entry(TagFromName.SeriesDescription, new Column(Kind.CI_STRING, "se.series_desc")),
            Map.entry(TagFromName.InstitutionName, new Column(Kind.CI_STRING, "se.institution")),
            Map.entry(TagFromName.InstitutionalDepartmentName, new Column(Kind.CI_STRING, "se.department")),
            Map.entry(TagFromName.StationName, new Column(Kind.CI_STRING, "se.station_name")),
            Map.entry(TagFromName.PerformedProcedureStepStartDate, new Column(Kind.DATE, "se.pps_start")),
            Map.entry(TagFromName.PerformedProcedureStepStartTime, new Column(Kind.TIME, "se.pps_start")),
            Map.entry(TagFromName.SOPInstanceUID, new Column(Kind.UID, "i.sop_iuid")),
            Map.entry(TagFromName.SOPClassUID, new Column(Kind.UID, "i.sop_cuid")),
            Map.entry(TagFromName.InstanceNumber, new Column(Kind.STRING, "i.inst_no")),
            Map.entry(TagFromName.ContentDate, new Column(Kind.DATE, "i.content_datetime")),
            Map.entry(TagFromName.ContentTime, new Column(Kind.TIME, "i.content_datetime")),
            Map.entry(TagFromName.CompletionFlag, new Column(Kind.STRING, "i.sr_complete")),
            Map.entry(TagFromName.VerificationFlag, new Column(Kind.STRING, "i.sr_verified")));

    private static final DateTimeFormatter DA = DateTimeFormatter.BASIC_ISO_DATE;

    final InformationModel model;
    final QueryRetrieveLevel level;
    final String levelCode;
    final boolean caseSensitiveNames;
    final FindQuery sql;
    /** Every stored attribute of the levels down to the query level is returned (QIDO includefield=all). */
    boolean returnAllStored;
    final List<MemoryKey> memoryKeys = new ArrayList<>();
    final List<ReturnKey> returnKeys = new ArrayList<>();
    /** Levels whose blob an answer reads: for return keys, memory matching, or its character set. */
    final Set<QueryRetrieveLevel> blobLevels = EnumSet.noneOf(QueryRetrieveLevel.class);
    /** Keys the archive cannot match (private ones, computed ones with a value): pending status FF01. */
    boolean unsupportedKeys;
    private int values;

    private FindRequest(InformationModel model, QueryRetrieveLevel level, String levelCode,
            boolean caseSensitiveNames) {
        this.model = model;
        this.level = level;
        this.levelCode = levelCode;
        this.caseSensitiveNames = caseSensitiveNames;
        this.sql = new FindQuery(level);
    }

    static FindRequest parse(InformationModel model, AttributeList identifier, boolean caseSensitiveNames)
            throws DicomServiceException {
        return parse(model, identifier, caseSensitiveNames, QueryMode.STRICT, FindOptions.DIMSE);
    }

    static FindRequest parse(InformationModel model, AttributeList identifier, boolean caseSensitiveNames,
            QueryMode mode, FindOptions options) throws DicomServiceException {
        String code = Attribute.getSingleStringValueOrEmptyString(identifier, TagFromName.QueryRetrieveLevel).trim();
        if (code.isEmpty()) {
            throw refused("no Query/Retrieve Level (0008,0052)");
        }
        if (identifier.get(TagFromName.QueryRetrieveLevel).getVM() > 1) {
            throw refused("more than one Query/Retrieve Level (0008,0052)");
        }
        QueryRetrieveLevel level = null;
        for (QueryRetrieveLevel l : model.levels()) {
            if (l.name().equals(code)) {
                level = l;
            }
        }
        if (level == null) {
            throw refused("Query/Retrieve Level '" + shorten(code) + "' not in " + model.name().replace('_', ' '));
        }
        for (String term : CharacterSets.values(identifier)) {
            if (!CharacterSets.isKnown(term)) {
                // its names could not be decoded, so nothing could be matched right
                throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS,
                        "Specific Character Set '" + shorten(term) + "' not supported");
            }
        }
        // fuzzy names (QIDO-RS fuzzymatching) fold case and accents whatever the node's setting
        FindRequest r = new FindRequest(model, level, code, caseSensitiveNames && !options.fuzzyNames());
        r.requireUniqueKeysAbove(identifier, mode);
        try {
            for (Attribute a : identifier.values()) {
                r.add(options.fuzzyNames() ? fuzzyName(a) : a);
            }
        } catch (Matching.BadValue e) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS, e.getMessage());
        }
        r.addUniqueKeys(identifier);
        r.restrictToCohorts(options.cohorts());
        if (options.returnAllStored()) {
            r.returnAllStored = true;
            for (QueryRetrieveLevel l : QueryRetrieveLevel.values()) {
                if (!l.isBelow(level)) {
                    r.blobLevels.add(l);
                }
            }
        }
        for (QueryRetrieveLevel l : r.blobLevels) {
            r.sql.needBlob(l);
        }
        return r;
    }

    /**
     * Hierarchical search (PS3.4 C.4.1.2.1): above the query level, each level's unique key
     * is given with a single value. Leniently (and in relational search, C.4.1.2.2) a missing,
     * empty or universal one is universal and a list matches any of its values; a UID with
     * wild cards is still refused, as UIDs have no wild card matching (C.2.2.2.4).
     */
    private void requireUniqueKeysAbove(AttributeList identifier, QueryMode mode) throws DicomServiceException {
        List<AttributeTag> required = new ArrayList<>();
        if (model == InformationModel.PATIENT_ROOT && level.isBelow(QueryRetrieveLevel.PATIENT)) {
            required.add(TagFromName.PatientID);
        }
        if (level.isBelow(QueryRetrieveLevel.STUDY)) {
            required.add(TagFromName.StudyInstanceUID);
        }
        if (level.isBelow(QueryRetrieveLevel.SERIES)) {
            required.add(TagFromName.SeriesInstanceUID);
        }
        for (AttributeTag t : required) {
            String[] v = Matching.strings(identifier.get(t) == null ? emptyOf(t) : identifier.get(t));
            if (mode.universalAbove()) {
                for (String s : v) {
                    String u = s == null ? "" : s.trim();
                    if (!t.equals(TagFromName.PatientID) && !u.equals("*") && Matching.hasWildcard(u)) {
                        throw refused(name(t) + " with wild cards: a UID key is one UID or a list");
                    }
                }
                continue;
            }
            if (v.length != 1 || v[0] == null || v[0].trim().isEmpty() || Matching.hasWildcard(v[0])) {
                throw refused(name(t) + " must be one value at " + level + " level");
            }
        }
    }

    private void add(Attribute a) throws DicomServiceException, Matching.BadValue {
        AttributeTag t = a.getTag();
        if (t.getGroup() < 0x0008 || t.getElement() == 0x0000 || t.equals(TagFromName.SpecificCharacterSet)
                || t.equals(TagFromName.QueryRetrieveView)) {
            return;
        }
        if (t.equals(TagFromName.QueryRetrieveLevel)) {
            returnKeys.add(new ReturnKey(a, Source.QUERY_LEVEL, level));
            return;
        }
        if (t.isPrivate()) {
            // not kept in the index: returned empty, and the pending status says so
            unsupportedKeys |= Matching.isMatchingKey(a);
            returnKeys.add(new ReturnKey(a, Source.EMPTY, level));
            return;
        }
        if (t.equals(TagFromName.RetrieveAETitle) || t.equals(INSTANCE_AVAILABILITY)) {
            unsupportedKeys |= Matching.isMatchingKey(a);
            returnKeys.add(new ReturnKey(a, t.equals(INSTANCE_AVAILABILITY) ? Source.AVAILABILITY : Source.RETRIEVE_AET,
                    level));
            return;
        }
        boolean matching = Matching.isMatchingKey(a);
        Computed computed = COMPUTED.get(t);
        QueryRetrieveLevel keyLevel = computed != null ? computed.level() : levelOf(t);
        if (keyLevel.isBelow(level)) {
            if (matching) {
                throw refused(name(t) + " is a " + keyLevel + " key, below " + level);
            }
            return;
        }
        if (computed != null) {
            returnKeys.add(new ReturnKey(a, computed.source(), keyLevel));
            if (computed.source() == Source.PATIENT_STUDIES || computed.source() == Source.PATIENT_SERIES
                    || computed.source() == Source.PATIENT_INSTANCES) {
                sql.patientCounts = true;
            }
            if (matching) {
                if (COLUMNS.containsKey(t)) {
                    sqlCondition(a, COLUMNS.get(t));
                } else {
                    // counts are return keys only
                    unsupportedKeys = true;
                }
            }
            return;
        }
        Source source = uniqueKeySource(t);
        returnKeys.add(new ReturnKey(a, source, keyLevel));
        if (source == Source.BLOB) {
            blobLevels.add(keyLevel);
        }
        if (!matching) {
            return;
        }
        Column column = COLUMNS.get(t);
        if (column != null && !(column.kind() == Kind.PERSON_NAME && multiValuedWithGroups(a))) {
            sqlCondition(a, column);
        } else {
            Matching.checkKey(a);
            memoryKeys.add(new MemoryKey(a, keyLevel));
            blobLevels.add(keyLevel);
            sql.needBlob(keyLevel);
        }
    }

    /** The level's unique key and those above it are in every answer (PS3.4 C.4.1.2.1). */
    private void addUniqueKeys(AttributeList identifier) {
        List<AttributeTag> unique = new ArrayList<>();
        if (model == InformationModel.PATIENT_ROOT) {
            unique.add(TagFromName.PatientID);
        }
        if (!QueryRetrieveLevel.STUDY.isBelow(level)) {
            unique.add(TagFromName.StudyInstanceUID);
        }
        if (!QueryRetrieveLevel.SERIES.isBelow(level)) {
            unique.add(TagFromName.SeriesInstanceUID);
        }
        if (level == QueryRetrieveLevel.IMAGE) {
            unique.add(TagFromName.SOPInstanceUID);
        }
        for (AttributeTag t : unique) {
            if (identifier.get(t) == null) {
                returnKeys.add(new ReturnKey(emptyOf(t), uniqueKeySource(t), levelOf(t)));
            }
        }
        if (identifier.get(TagFromName.QueryRetrieveLevel) == null) {
            returnKeys.add(new ReturnKey(emptyOf(TagFromName.QueryRetrieveLevel), Source.QUERY_LEVEL, level));
        }
    }

    private static Source uniqueKeySource(AttributeTag t) {
        if (t.equals(TagFromName.PatientID)) {
            return Source.PATIENT_ID;
        } else if (t.equals(TagFromName.StudyInstanceUID)) {
            return Source.STUDY_UID;
        } else if (t.equals(TagFromName.SeriesInstanceUID)) {
            return Source.SERIES_UID;
        } else if (t.equals(TagFromName.SOPInstanceUID)) {
            return Source.SOP_INSTANCE_UID;
        }
        return Source.BLOB;
    }

    /** The level whose blob holds the attribute (PacsAttributes): that of the model's tables too. */
    static QueryRetrieveLevel levelOf(AttributeTag t) {
        if (PacsAttributes.PATIENT.contains(t)) {
            return QueryRetrieveLevel.PATIENT;
        } else if (PacsAttributes.STUDY.contains(t)) {
            return QueryRetrieveLevel.STUDY;
        } else if (PacsAttributes.SERIES.contains(t)) {
            return QueryRetrieveLevel.SERIES;
        }
        return QueryRetrieveLevel.IMAGE;
    }

    /** A person name key with several values of several groups: (a AND b) OR (c AND d), done in memory. */
    private static boolean multiValuedWithGroups(Attribute a) {
        String[] v = Matching.strings(a);
        if (v.length < 2) {
            return false;
        }
        for (String s : v) {
            if (s != null && s.contains("=")) {
                return true;
            }
        }
        return false;
    }

    private void sqlCondition(Attribute a, Column c) throws Matching.BadValue {
        List<String> keys = new ArrayList<>();
        for (String v : Matching.strings(a)) {
            if (v == null || v.trim().isEmpty()) {
                continue;
            }
            String s = v.trim();
            if (c.kind() == Kind.UID && s.equals("*")) {
                // what lenient SCUs send for "any": universal (only a lone '*' reaches here)
                return;
            }
            boolean wildcards = c.kind() != Kind.UID && Matching.allowsWildcards(a.getVR());
            if (wildcards && Matching.isUniversal(s)) {
                return;
            }
            if (wildcards && Matching.hasWildcard(s)) {
                Matching.checkAsterisks(s, name(a.getTag()));
            }
            keys.add(s);
        }
        values += keys.size();
        if (values > MAX_VALUES) {
            throw new Matching.BadValue("more than " + MAX_VALUES + " values in the identifier");
        }
        String name = name(a.getTag());
        List<Test> tests = new ArrayList<>();
        switch (c.kind()) {
            case STRING, UID, CI_STRING -> {
                boolean ci = c.kind() == Kind.CI_STRING;
                List<String> exact = new ArrayList<>();
                for (String k : keys) {
                    if (c.kind() != Kind.UID && Matching.hasWildcard(k)) {
                        tests.add(Test.compare(c.columns()[0], ci ? Op.LIKE_BIN : Op.LIKE, Matching.likePattern(k)));
                    } else {
                        exact.add(k);
                    }
                }
                if (exact.size() == 1 || ci && !exact.isEmpty()) {
                    for (String k : exact) {
                        tests.add(Test.compare(c.columns()[0], ci ? Op.EQ_BIN : Op.EQ, k));
                    }
                } else if (exact.size() > 1) {
                    tests.add(Test.in(c.columns()[0], exact));
                }
            }
            case PERSON_NAME -> {
                if (keys.size() == 1 && keys.get(0).contains("=")) {
                    // one value with component groups: each group given matches its own column
                    String[] groups = keys.get(0).split("=", -1);
                    for (int g = 0; g < groups.length && g < 3; g++) {
                        String k = groups[g].trim();
                        if (!k.isEmpty() && !Matching.isUniversal(k)) {
                            sql.add(new SqlCondition(List.of(nameTest(c.columns()[g], k))));
                        }
                    }
                    return;
                }
                for (String k : keys) {
                    for (String column : c.columns()) {
                        tests.add(nameTest(column, k));
                    }
                }
            }
            case DATE -> {
                for (String k : keys) {
                    Matching.Range<LocalDate> r = Matching.dateRange(k, name);
                    tests.add(Test.range(c.columns()[0], Op.RANGE, r.from() == null ? null : r.from().atStartOfDay(),
                            r.to() == null ? null : r.to().plusDays(1).atStartOfDay()));
                }
            }
            case DATE_STRING -> {
                for (String k : keys) {
                    Matching.Range<LocalDate> r = Matching.dateRange(k, name);
                    tests.add(Test.range(c.columns()[0], Op.RANGE, r.from() == null ? null : r.from().format(DA),
                            r.to() == null ? null : r.to().plusDays(1).format(DA)));
                }
            }
            case TIME -> {
                for (String k : keys) {
                    Matching.Range<LocalTime> r = Matching.timeRange(k, name);
                    tests.add(Test.range(c.columns()[0], Op.TIME_RANGE, r.from(), r.to()));
                }
            }
        }
        if (c.exists() != Exists.NONE) {
            tests.replaceAll(test -> test.within(c.exists()));
        }
        if (!tests.isEmpty()) {
            sql.add(new SqlCondition(tests));
        }
    }

    /** A person name key with each component made a prefix match ({@link Matching#fuzzyName}). */
    private static Attribute fuzzyName(Attribute a) throws DicomServiceException {
        if (!ValueRepresentation.isPersonNameVR(a.getVR()) || a.getVM() == 0) {
            return a;
        }
        try {
            Attribute f = AttributeFactory.newAttribute(a.getTag(), a.getVR());
            for (String v : a.getStringValues()) {
                f.addValue(Matching.fuzzyName(v));
            }
            return f;
        } catch (DicomException e) {
            throw new DicomServiceException(DicomServiceException.UNABLE_TO_PROCESS, e.getMessage());
        }
    }

    /** Names compare by the columns' case-insensitive collation, and also binary when asked to. */
    private Test nameTest(String column, String k) {
        if (Matching.hasWildcard(k)) {
            return Test.compare(column, caseSensitiveNames ? Op.LIKE_BOTH : Op.LIKE, Matching.likePattern(k));
        }
        return Test.compare(column, caseSensitiveNames ? Op.EQ_BOTH : Op.EQ, k);
    }

    static DicomServiceException refused(String why) {
        return new DicomServiceException(DicomServiceException.IDENTIFIER_DOES_NOT_MATCH_SOP_CLASS, why);
    }

    private static Attribute emptyOf(AttributeTag t) {
        try {
            return com.pixelmed.dicom.AttributeFactory.newAttribute(t);
        } catch (com.pixelmed.dicom.DicomException e) {
            throw new IllegalStateException(e);
        }
    }

    static String name(AttributeTag t) {
        DicomDictionary d = AttributeList.getDictionary();
        String n = d.getNameFromTag(t);
        return String.format("%s(%04X,%04X)", n == null ? "" : n + " ", t.getGroup(), t.getElement());
    }

    private static String shorten(String s) {
        return s.length() <= 16 ? s : s.substring(0, 16) + "...";
    }

    @Override
    public String toString() {
        return model + " " + level + " sql " + sql.getConditions() + " memory " + memoryKeys.size();
    }

    /** Whether the stored sequence must be cut to the key's item attributes (PS3.4 C.2.2.1.3). */
    static boolean hasItemKeys(Attribute key) {
        return ValueRepresentation.isSequenceVR(key.getVR()) && ((SequenceAttribute) key).getNumberOfItems() > 0
                && !((SequenceAttribute) key).getItem(0).getAttributeList().isEmpty();
    }

    /** Only patients whose ID starts with one of the prefixes (a principal's cohorts); none: all. */
    void restrictToCohorts(List<String> prefixes) {
        if (prefixes.isEmpty()) {
            return;
        }
        List<Test> tests = new ArrayList<>();
        for (String prefix : prefixes) {
            String escaped = prefix.replace("!", "!!").replace("%", "!%").replace("_", "!_");
            tests.add(Test.compare("p.pat_id", Op.LIKE, escaped + "%"));
        }
        sql.add(new SqlCondition(tests));
    }
}
