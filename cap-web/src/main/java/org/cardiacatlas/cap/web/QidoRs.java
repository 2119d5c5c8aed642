package org.cardiacatlas.cap.web;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.SequenceAttribute;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.common.Uids;
import org.cardiacatlas.cap.query.FindOptions;
import org.cardiacatlas.cap.query.InformationModel;
import org.cardiacatlas.cap.query.PacsQuery;

/**
 * QIDO-RS (PS3.18 10.6): the query parameters become a C-FIND identifier of the Study Root
 * model and go to the same query unit as C-FIND, with the principal's cohorts as a condition
 * of its SQL. {@code /series} and {@code /instances} are relational queries (PS3.4 C.4.1.2.2).
 */
final class QidoRs {

    enum Level { STUDY, SERIES, IMAGE }

    private static final DicomDictionary DICT = DicomDictionary.StandardDictionary;

    static final AttributeTag INSTANCE_AVAILABILITY = new AttributeTag(0x0008, 0x0056);
    static final AttributeTag TIMEZONE_OFFSET_FROM_UTC = new AttributeTag(0x0008, 0x0201);

    /**
     * PS3.18 Tables 10.6.3-3 (study), 10.6.3-4 (series) and 10.6.3-5 (instance): the attributes
     * every answer of the level returns (the RetrieveURL is added to each answer); Study
     * Description and Body Part Examined too, which viewers list.
     */
    static final List<AttributeTag> STUDY_DEFAULTS = List.of(
            TagFromName.StudyDate, TagFromName.StudyTime, TagFromName.AccessionNumber,
            INSTANCE_AVAILABILITY, TagFromName.ModalitiesInStudy, TagFromName.ReferringPhysicianName,
            TIMEZONE_OFFSET_FROM_UTC, TagFromName.PatientName, TagFromName.PatientID, TagFromName.PatientBirthDate,
            TagFromName.PatientSex, TagFromName.StudyInstanceUID, TagFromName.StudyID,
            TagFromName.NumberOfStudyRelatedSeries, TagFromName.NumberOfStudyRelatedInstances,
            TagFromName.StudyDescription);
    static final List<AttributeTag> SERIES_DEFAULTS = List.of(TagFromName.Modality, TIMEZONE_OFFSET_FROM_UTC,
            TagFromName.SeriesDescription, TagFromName.SeriesInstanceUID, TagFromName.SeriesNumber,
            TagFromName.NumberOfSeriesRelatedInstances, TagFromName.PerformedProcedureStepStartDate,
            TagFromName.PerformedProcedureStepStartTime, TagFromName.RequestAttributesSequence,
            TagFromName.BodyPartExamined);
    static final List<AttributeTag> INSTANCE_DEFAULTS = List.of(TagFromName.SOPClassUID,
            TagFromName.SOPInstanceUID, INSTANCE_AVAILABILITY, TIMEZONE_OFFSET_FROM_UTC, TagFromName.InstanceNumber,
            TagFromName.Rows, TagFromName.Columns, TagFromName.BitsAllocated, TagFromName.NumberOfFrames);

    static final AttributeTag RETRIEVE_URL = new AttributeTag(0x0008, 0x1190);

    private final PacsQuery query;
    private final AccessControl access;
    private final int maxMatches;

    QidoRs(PacsQuery query, AccessControl access, int maxMatches) {
        this.query = query;
        this.access = access;
        this.maxMatches = maxMatches <= 0 ? 10_000 : maxMatches;
    }

    void search(Context ctx, Level level, String studyUid, String seriesUid) throws Exception {
        boolean xml = negotiateXml(ctx);
        Principal p = HttpAuth.principal(ctx);
        int limit = maxMatches;
        int offset = 0;
        boolean fuzzy = false;
        boolean all = false;
        Set<AttributeTag> include = new LinkedHashSet<>();
        AttributeList identifier = new AttributeList();
        put(identifier, TagFromName.QueryRetrieveLevel, level.name());
        if (studyUid != null) {
            put(identifier, TagFromName.StudyInstanceUID, uid(studyUid));
        }
        if (seriesUid != null) {
            put(identifier, TagFromName.SeriesInstanceUID, uid(seriesUid));
        }
        for (Map.Entry<String, List<String>> e : ctx.queryParamMap().entrySet()) {
            String name = e.getKey();
            switch (name) {
                case "limit" -> limit = Math.min(number(name, e.getValue()), maxMatches);
                case "offset" -> offset = number(name, e.getValue());
                // PS3.18 8.3.4.1: person names by the query unit's fuzzy rule (case, accents, prefixes)
                case "fuzzymatching" -> fuzzy = bool(name, e.getValue());
                case "accept", "charset" -> { /* read by negotiate() */ }
                case "includefield" -> {
                    for (String v : e.getValue()) {
                        for (String f : v.split(",")) {
                            if (f.trim().equals("all")) {
                                all = true;
                            } else if (!f.isBlank()) {
                                include.add(tag(f.trim()));
                            }
                        }
                    }
                }
                default -> {
                    if (e.getValue().size() != 1) {
                        throw HttpFailure.badRequest("attribute " + name + " given more than once");
                    }
                    matchKey(identifier, name, e.getValue().get(0));
                }
            }
        }
        if (limit <= 0) {
            throw HttpFailure.badRequest("limit must be at least 1");
        }
        for (AttributeTag t : defaults(level, studyUid != null)) {
            if (!identifier.containsKey(t)) {
                empty(identifier, t);
            }
        }
        for (AttributeTag t : include) {
            if (!identifier.containsKey(t)) {
                empty(identifier, t);
            }
        }
        boolean relational = (level == Level.SERIES && studyUid == null) || (level == Level.IMAGE && seriesUid == null);
        FindOptions options = new FindOptions(access.cohortPrefixes(p), relational, all, fuzzy);
        List<AttributeList> answers = new ArrayList<>();
        int skip = offset;
        int want = limit;
        boolean[] more = {false};
        PacsQuery.Result r = query.find(InformationModel.STUDY_ROOT, identifier, options, new PacsQuery.MatchSink() {
            int seen;

            @Override
            public boolean cancelled() {
                return more[0];
            }

            @Override
            public void pending(AttributeList a, boolean unsupportedKeys) {
                seen++;
                if (seen <= skip) {
                    return;
                }
                if (answers.size() == want) {
                    more[0] = true;
                    return;
                }
                answers.add(a);
            }
        });
        List<String> warnings = new ArrayList<>();
        if (more[0]) {
            // PS3.18 8.3.4.4: the answer was cut; the client pages on with offset
            warnings.add("299 CAPSERVER \"There are additional results that can be requested\"");
        }
        for (String w : warnings) {
            ctx.res().addHeader("Warning", w);
        }
        Audit.event("QIDO-RS").with("user", p.name()).with("remote", ctx.ip()).with("level", level.name())
                .with("study", studyUid).with("matches", answers.size()).with("status", "0000").write();
        String base = baseUrl(ctx);
        if (xml) {
            writeXml(ctx, answers, base);
        } else {
            writeJson(ctx, answers, base);
        }
    }

    private static List<AttributeTag> defaults(Level level, boolean studyGiven) {
        List<AttributeTag> out = new ArrayList<>();
        if (level == Level.STUDY || !studyGiven) {
            out.addAll(STUDY_DEFAULTS);
        }
        if (level == Level.SERIES || (level == Level.IMAGE)) {
            out.addAll(SERIES_DEFAULTS);
        }
        if (level == Level.IMAGE) {
            out.addAll(INSTANCE_DEFAULTS);
        }
        // the UIDs of the levels above are always in the answer, for the RetrieveURL
        out.add(TagFromName.StudyInstanceUID);
        if (level != Level.STUDY) {
            out.add(TagFromName.SeriesInstanceUID);
        }
        return out;
    }

    private void writeJson(Context ctx, List<AttributeList> answers, String base) throws IOException, DicomException {
        ctx.status(200).contentType("application/dicom+json");
        // one write to the server's output per 64 kB, not one per answer (issue 16: Jetty wrote
        // to the socket every 8 kB of a search's 50 answers)
        OutputStream out = new java.io.BufferedOutputStream(ctx.outputStream(), 64 * 1024);
        out.write('[');
        boolean first = true;
        for (AttributeList a : answers) {
            if (!first) {
                out.write(',');
            }
            first = false;
            String url = retrieveUrl(base, a);
            a.remove(TagFromName.QueryRetrieveLevel);
            DicomJson.write(DicomJson.object(a, Map.of("00081190", DicomJson.value("UR", url))), out);
        }
        out.write(']');
        out.flush();
    }

    private void writeXml(Context ctx, List<AttributeList> answers, String base) throws IOException, DicomException {
        String boundary = UUID.randomUUID().toString();
        ctx.status(200).contentType("multipart/related; type=\"application/dicom+xml\"; boundary=" + boundary);
        OutputStream out = ctx.outputStream();
        for (AttributeList a : answers) {
            String url = retrieveUrl(base, a);
            a.remove(TagFromName.QueryRetrieveLevel);
            out.write(("--" + boundary + "\r\nContent-Type: application/dicom+xml; charset=utf-8\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.write(DicomJson.xml(a, Map.of("00081190", DicomJson.value("UR", url))));
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.write(("--" + boundary + "--\r\n").getBytes(StandardCharsets.US_ASCII));
    }

    static String retrieveUrl(String base, AttributeList a) {
        String study = Attribute.getSingleStringValueOrEmptyString(a, TagFromName.StudyInstanceUID);
        String series = Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SeriesInstanceUID);
        String sop = Attribute.getSingleStringValueOrEmptyString(a, TagFromName.SOPInstanceUID);
        String level = Attribute.getSingleStringValueOrEmptyString(a, TagFromName.QueryRetrieveLevel);
        StringBuilder sb = new StringBuilder(base).append("/studies/").append(study);
        if (!level.equals("STUDY")) {
            sb.append("/series/").append(series);
            if (level.equals("IMAGE")) {
                sb.append("/instances/").append(sop);
            }
        }
        return sb.toString();
    }

    static String baseUrl(Context ctx) {
        return ctx.scheme() + "://" + ctx.host() + "/dicom-web";
    }

    /**
     * PS3.18 10.6.3 (QIDO-RS) and 10.4.3 (metadata): application/dicom+json (also for
     * application/json or any type) unless multipart/related; type="application/dicom+xml" comes
     * first in the client's preference; 406 when neither is acceptable. The {@code accept} query
     * parameter (PS3.18 8.3.3.1) takes the place of the header.
     */
    static boolean negotiateXml(Context ctx) {
        String accept = MediaRange.accept(ctx);
        for (MediaRange r : MediaRange.parseAccept(accept)) {
            if (r.is("application/dicom+json") || r.is("application/json") || r.is("*/*") || r.is("application/*")) {
                return false;
            }
            String type = r.param("type");
            if ((r.is("multipart/related") && (type == null || type.equalsIgnoreCase("application/dicom+xml")))
                    || r.is("multipart/*")) {
                return true;
            }
        }
        throw HttpFailure.notAcceptable("the answer is application/dicom+json or multipart/related;"
                + " type=\"application/dicom+xml\", not " + accept);
    }

    private static void matchKey(AttributeList identifier, String name, String value) throws DicomException {
        if (name.contains(".")) {
            // one level of sequence matching: Sequence.Attribute=value (PS3.18 8.3.4.1)
            String[] parts = name.split("\\.");
            if (parts.length != 2) {
                throw HttpFailure.badRequest("only one level of sequence matching is supported: " + name);
            }
            AttributeTag seqTag = tag(parts[0]);
            if (!ValueRepresentation.isSequenceVR(DICT.getValueRepresentationFromTag(seqTag))) {
                throw HttpFailure.badRequest(parts[0] + " is not a sequence");
            }
            SequenceAttribute seq = identifier.get(seqTag) instanceof SequenceAttribute s ? s : new SequenceAttribute(seqTag);
            if (seq.getNumberOfItems() == 0) {
                seq.addItem(new AttributeList());
            }
            AttributeTag t = tag(parts[1]);
            seq.getItem(0).getAttributeList().put(attribute(t, value));
            identifier.put(seq);
            return;
        }
        AttributeTag t = tag(name);
        if (t.equals(TagFromName.QueryRetrieveLevel) || t.equals(TagFromName.SpecificCharacterSet)) {
            throw HttpFailure.badRequest(name + " is not a query key");
        }
        if (identifier.containsKey(t) && (t.equals(TagFromName.StudyInstanceUID) || t.equals(TagFromName.SeriesInstanceUID))) {
            throw HttpFailure.badRequest(name + " is given by the path already");
        }
        identifier.put(attribute(t, value));
    }

    private static Attribute attribute(AttributeTag t, String value) throws DicomException {
        byte[] vr = DICT.getValueRepresentationFromTag(t);
        if (vr == null) {
            throw HttpFailure.badRequest("no VR known for " + t);
        }
        if (ValueRepresentation.isSequenceVR(vr)) {
            throw HttpFailure.badRequest(DICT.getNameFromTag(t) + " is a sequence: match its items' attributes");
        }
        Attribute a = AttributeFactory.newAttribute(t, vr);
        if (!value.isEmpty()) {
            // UID list matching takes commas (PS3.18 8.3.4.1); other values, as in C-FIND, backslashes
            String[] values = ValueRepresentation.isUniqueIdentifierVR(vr) ? value.split("[,\\\\]") : value.split("\\\\");
            for (String v : values) {
                a.addValue(v);
            }
        }
        return a;
    }

    static AttributeTag tag(String name) {
        if (name.matches("[0-9A-Fa-f]{8}")) {
            return new AttributeTag(Integer.parseInt(name.substring(0, 4), 16), Integer.parseInt(name.substring(4), 16));
        }
        AttributeTag t = DICT.getTagFromName(name);
        if (t == null) {
            throw HttpFailure.badRequest("unknown attribute '" + name + "' (a keyword or 8 hex digits)");
        }
        return t;
    }

    private static void put(AttributeList list, AttributeTag t, String value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(t, DICT.getValueRepresentationFromTag(t));
        a.addValue(value);
        list.put(a);
    }

    private static void empty(AttributeList list, AttributeTag t) throws DicomException {
        byte[] vr = DICT.getValueRepresentationFromTag(t);
        if (vr == null) {
            throw HttpFailure.badRequest("no VR known for " + t);
        }
        list.put(ValueRepresentation.isSequenceVR(vr) ? new SequenceAttribute(t) : AttributeFactory.newAttribute(t, vr));
    }

    static String uid(String s) {
        if (!Uids.isValid(s)) {
            throw HttpFailure.badRequest("not a valid UID: " + (s.length() > 70 ? s.substring(0, 70) + "..." : s));
        }
        return s;
    }

    private static int number(String name, List<String> v) {
        try {
            int n = Integer.parseInt(v.get(0).trim());
            if (n < 0) {
                throw new NumberFormatException();
            }
            return n;
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest(name + " must be a non-negative number: " + v.get(0));
        }
    }

    private static boolean bool(String name, List<String> v) {
        return switch (v.get(0).trim()) {
            case "true" -> true;
            case "false" -> false;
            default -> throw HttpFailure.badRequest(name + " must be true or false: " + v.get(0));
        };
    }

}
