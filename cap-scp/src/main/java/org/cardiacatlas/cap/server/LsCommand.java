package org.cardiacatlas.cap.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeFactory;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import com.pixelmed.dicom.DicomDictionary;
import com.pixelmed.dicom.DicomException;
import com.pixelmed.dicom.TagFromName;
import com.pixelmed.dicom.ValueRepresentation;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.query.FindOptions;
import org.cardiacatlas.cap.query.InformationModel;
import org.cardiacatlas.cap.query.PacsQuery;

/**
 * {@code capserver ls [patients|studies|series|images] [KEYWORD=VALUE ...] [--json]}: what the
 * archive holds, through the query unit of C-FIND ({@link PacsQuery}), so a filter matches
 * exactly what the same key matches in a C-FIND (wild cards, ranges, lists of UIDs, person names
 * on all component groups). The filters are relational (PS3.4 C.4.1.2.2): any key of the level
 * or above, e.g. {@code ls series Modality=MR} over the whole archive. A table, or one JSON
 * object per match.
 */
final class LsCommand {

    static final String USAGE = "capserver ls [patients|studies|series|images] [KEYWORD=VALUE ...] [--json]   "
            + "(e.g. ls studies PatientID=XYZ* StudyDate=20200101-; keywords of the DICOM dictionary)";

    private static final DicomDictionary DICT = DicomDictionary.StandardDictionary;

    /** The columns of each level's table, in order; all of them are asked as return keys. */
    enum Level {
        PATIENTS("PATIENT", InformationModel.PATIENT_ROOT, List.of("PatientID", "PatientName", "PatientBirthDate",
                "PatientSex", "NumberOfPatientRelatedStudies", "NumberOfPatientRelatedInstances")),
        STUDIES("STUDY", InformationModel.STUDY_ROOT, List.of("PatientID", "StudyDate", "StudyTime",
                "StudyInstanceUID", "AccessionNumber", "ModalitiesInStudy", "NumberOfStudyRelatedSeries",
                "NumberOfStudyRelatedInstances", "StudyDescription")),
        SERIES("SERIES", InformationModel.STUDY_ROOT, List.of("PatientID", "StudyInstanceUID", "SeriesInstanceUID",
                "Modality", "SeriesNumber", "NumberOfSeriesRelatedInstances", "SeriesDescription")),
        IMAGES("IMAGE", InformationModel.STUDY_ROOT, List.of("StudyInstanceUID", "SeriesInstanceUID", "SOPInstanceUID",
                "SOPClassUID", "InstanceNumber"));

        final String qrLevel;
        final InformationModel model;
        final List<String> columns;

        Level(String qrLevel, InformationModel model, List<String> columns) {
            this.qrLevel = qrLevel;
            this.model = model;
            this.columns = columns;
        }
    }

    private LsCommand() {
    }

    static int main(CapConfig config, List<String> args, PrintStream out) {
        Request rq;
        try {
            rq = parse(args);
        } catch (IllegalArgumentException e) {
            System.err.println("capserver ls: " + e.getMessage());
            System.err.println(USAGE);
            return 2;
        }
        try (Database db = Database.open(config, PacsQuery.mappers(), true)) {
            PacsQuery query = new PacsQuery(db.readSessions(), config.aet(), config.integer(CapConfig.Option.MAX_MATCHES),
                    config.bool(CapConfig.Option.CASE_SENSITIVE_NAMES));
            return run(query, rq, out, System.err);
        } catch (RuntimeException e) {
            System.err.println("capserver ls failed: " + Database.rootMessage(e));
            return 1;
        }
    }

    /** The level, the identifier and the form of the output. */
    record Request(Level level, AttributeList identifier, boolean json) {
    }

    static Request parse(List<String> args) {
        Level level = Level.STUDIES;
        boolean json = false;
        List<String[]> filters = new ArrayList<>();
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("--json")) {
                json = true;
            } else if (i == 0 && !a.contains("=") && !a.startsWith("--")) {
                try {
                    level = Level.valueOf(a.toUpperCase(Locale.ROOT));
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("unknown level '" + a + "' (patients, studies, series, images)");
                }
            } else if (a.indexOf('=') > 0 && !a.startsWith("--")) {
                filters.add(new String[] {a.substring(0, a.indexOf('=')), a.substring(a.indexOf('=') + 1)});
            } else {
                throw new IllegalArgumentException("not a filter: " + a + " (KEYWORD=VALUE)");
            }
        }
        try {
            AttributeList identifier = new AttributeList();
            put(identifier, TagFromName.QueryRetrieveLevel, level.qrLevel);
            for (String c : level.columns) {
                put(identifier, tag(c), null);
            }
            for (String[] f : filters) {
                AttributeTag t = tag(f[0]);
                if (ValueRepresentation.isSequenceVR(DICT.getValueRepresentationFromTag(t))) {
                    throw new IllegalArgumentException(f[0] + " is a sequence: not a filter of ls (use findscu)");
                }
                put(identifier, t, f[1]);
            }
            return new Request(level, identifier, json);
        } catch (DicomException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }

    private static AttributeTag tag(String keyword) {
        AttributeTag t = DICT.getTagFromName(keyword);
        if (t == null) {
            throw new IllegalArgumentException("unknown keyword '" + keyword + "' (DICOM keywords, e.g. PatientID, "
                    + "StudyDate, Modality)");
        }
        return t;
    }

    /** A key with its value (a backslash separates several), or empty: a return key. */
    private static void put(AttributeList list, AttributeTag t, String value) throws DicomException {
        Attribute a = AttributeFactory.newAttribute(t, DICT.getValueRepresentationFromTag(t));
        if (value != null && !value.isEmpty()) {
            for (String v : value.split("\\\\", -1)) {
                a.addValue(v);
            }
        }
        list.put(a);
    }

    static int run(PacsQuery query, Request rq, PrintStream out, PrintStream err) {
        List<Map<String, String>> rows = new ArrayList<>();
        List<String> keys = new ArrayList<>(rq.level.columns);
        for (AttributeTag t : rq.identifier.keySet()) {
            String k = DICT.getNameFromTag(t);
            if (k != null && !keys.contains(k) && !t.equals(TagFromName.QueryRetrieveLevel)) {
                keys.add(k);
            }
        }
        ObjectMapper json = new ObjectMapper();
        int status = 0;
        try {
            // relational: any key at or above the level, no unique keys needed above it (as QIDO-RS asks)
            query.find(rq.level.model, rq.identifier, new FindOptions(List.of(), true, false), new PacsQuery.MatchSink() {
                @Override
                public boolean cancelled() {
                    return false;
                }

                @Override
                public void pending(AttributeList a, boolean unsupportedKeys) {
                    Map<String, String> row = new LinkedHashMap<>();
                    for (String k : keys) {
                        Attribute v = a.get(tag(k));
                        row.put(k, v == null ? "" : String.join("\\", stringValues(v)));
                    }
                    if (rq.json) {
                        try {
                            out.println(json.writeValueAsString(row));
                        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                            throw new IllegalStateException(e);
                        }
                    } else {
                        rows.add(row);
                    }
                }
            });
        } catch (DicomServiceException e) {
            // the matches so far are printed; then why the answer ended (e.g. more than --max-matches)
            err.printf("capserver ls: %s (status %04X)%n", e.getMessage(), e.status());
            status = e.status() == DicomServiceException.OUT_OF_RESOURCES ? 1 : 2;
        }
        if (!rq.json) {
            table(keys, rows, out);
        }
        return status;
    }

    private static String[] stringValues(Attribute a) {
        try {
            String[] v = a.getStringValues();
            return v == null ? new String[0] : v;
        } catch (DicomException e) {
            return new String[0];
        }
    }

    private static void table(List<String> keys, List<Map<String, String>> rows, PrintStream out) {
        int[] w = new int[keys.size()];
        for (int i = 0; i < keys.size(); i++) {
            w[i] = keys.get(i).length();
            for (Map<String, String> r : rows) {
                w[i] = Math.max(w[i], r.get(keys.get(i)).length());
            }
        }
        StringBuilder head = new StringBuilder();
        for (int i = 0; i < keys.size(); i++) {
            head.append(i == 0 ? "" : "  ").append(String.format("%-" + w[i] + "s", keys.get(i)));
        }
        out.println(head.toString().stripTrailing());
        for (Map<String, String> r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < keys.size(); i++) {
                line.append(i == 0 ? "" : "  ").append(String.format("%-" + w[i] + "s", r.get(keys.get(i))));
            }
            out.println(line.toString().stripTrailing());
        }
        out.println("(" + rows.size() + (rows.size() == 1 ? " match)" : " matches)"));
    }
}
