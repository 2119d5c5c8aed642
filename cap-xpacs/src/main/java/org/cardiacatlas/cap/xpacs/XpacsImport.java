package org.cardiacatlas.cap.xpacs;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import javax.xml.XMLConstants;
import javax.xml.parsers.DocumentBuilderFactory;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;

/**
 * Imports the research data the original project loaded from CSV files. A file is checked
 * whole first (every bad row reported with file and line); only a file without a bad row is
 * imported, in one transaction, so nothing of a rejected file is half-imported. Notes and
 * files become events of the patient's history at their dates.
 */
public final class XpacsImport {

    /** What a CSV file holds, with its columns (the header row names them, in any order). */
    public enum Kind {
        PATIENTS("PatientID", "Cohort", "Gender"),
        NOTES("PatientID", "EventDate", "Age", "Weight", "Height", "Diagnosis", "Procedure", "Notes"),
        BASELINE("StudyInstanceUID", "Ethnicity", "Height", "Weight", "SBP", "DBP", "HeartRate",
                "HistoryOfHypertension", "HistoryOfDiabetes", "HistoryOfAlcohol", "HistoryOfSmoking"),
        FILES("PatientID", "EventDate", "Source", "Filename", "Descriptor"),
        MODELS("StudyInstanceUID", "Name", "Type", "Format", "Comment", "ModelFile", "XmlFile");

        final List<String> columns;

        Kind(String... columns) {
            this.columns = List.of(columns);
        }

        public static Kind parse(String s) {
            return switch (s.toLowerCase(Locale.ROOT)) {
                case "patients" -> PATIENTS;
                case "notes", "clinical-notes" -> NOTES;
                case "baseline", "baseline-diagnoses" -> BASELINE;
                case "files", "aux-files" -> FILES;
                case "models", "heart-models" -> MODELS;
                default -> throw new IllegalArgumentException(
                        "unknown import kind '" + s + "' (patients, notes, baseline, files, models)");
            };
        }

        public List<String> columns() {
            return columns;
        }
    }

    private static final List<DateTimeFormatter> DATES = List.of(
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"), DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm"),
            DateTimeFormatter.ISO_LOCAL_DATE_TIME);

    private final SqlSessionFactory sessions;
    private final Path archiveRoot;

    public XpacsImport(SqlSessionFactory sessions, Path archiveRoot) {
        this.sessions = sessions;
        this.archiveRoot = archiveRoot;
    }

    /** A checked row: its values by column, and what was wrong with it. */
    private static final class Checked {
        final int line;
        final Map<String, String> v = new HashMap<>();
        LocalDateTime date;
        Path localFile;
        byte[] model;
        byte[] xml;

        Checked(int line) {
            this.line = line;
        }
    }

    /** @return the number of rows imported, or -1 when the file was rejected (nothing imported) */
    public int run(Kind kind, Path csv, PrintStream out) throws IOException {
        List<Csv.Row> rows;
        try (BufferedReader r = Files.newBufferedReader(csv, StandardCharsets.UTF_8)) {
            rows = Csv.read(r);
        } catch (IOException e) {
            out.println(csv + ": " + e.getMessage());
            return -1;
        }
        List<String> errors = new ArrayList<>();
        List<Checked> checked = new ArrayList<>();
        if (rows.isEmpty()) {
            errors.add(csv + ":1: empty file, expected a header row " + String.join(",", kind.columns));
        } else {
            Map<String, Integer> index = header(kind, rows.get(0), csv, errors);
            if (errors.isEmpty()) {
                for (Csv.Row row : rows.subList(1, rows.size())) {
                    checked.add(check(kind, row, index, csv, errors));
                }
            }
        }
        if (errors.isEmpty()) {
            checkReferences(kind, checked, csv, errors);
        }
        if (!errors.isEmpty()) {
            errors.forEach(out::println);
            out.println(csv + ": rejected, nothing imported (" + errors.size() + " problems)");
            return -1;
        }
        List<Path> copied = new ArrayList<>();
        try (SqlSession s = sessions.openSession(false)) {
            for (Checked c : checked) {
                write(kind, s, c, copied);
            }
            s.commit(true);
        } catch (RuntimeException | IOException e) {
            for (Path p : copied) {
                Files.deleteIfExists(p);
            }
            out.println(csv + ": import failed, nothing imported: " + e.getMessage());
            return -1;
        }
        out.println(csv + ": imported " + checked.size() + " " + kind.name().toLowerCase(Locale.ROOT) + " rows");
        return checked.size();
    }

    private static Map<String, Integer> header(Kind kind, Csv.Row header, Path csv, List<String> errors) {
        Map<String, Integer> index = new HashMap<>();
        for (int i = 0; i < header.fields().size(); i++) {
            String name = header.fields().get(i).trim();
            for (String col : kind.columns) {
                if (col.equalsIgnoreCase(name)) {
                    index.put(col, i);
                }
            }
        }
        for (String col : kind.columns) {
            if (!index.containsKey(col)) {
                errors.add(csv + ":" + header.line() + ": header lacks column " + col + " (expected "
                        + String.join(",", kind.columns) + ")");
            }
        }
        return index;
    }

    private Checked check(Kind kind, Csv.Row row, Map<String, Integer> index, Path csv, List<String> errors) {
        Checked c = new Checked(row.line());
        String where = csv + ":" + row.line() + ": ";
        for (String col : kind.columns) {
            int i = index.get(col);
            String value = i < row.fields().size() ? row.fields().get(i).trim() : "";
            c.v.put(col, value.isEmpty() ? null : value);
        }
        switch (kind) {
            case PATIENTS -> {
                patientId(c, where, errors);
                max(c, "Cohort", 256, where, errors);
                max(c, "Gender", 2, where, errors);
            }
            case NOTES -> {
                patientId(c, where, errors);
                date(c, where, errors);
                for (String col : List.of("Age", "Weight", "Height")) {
                    max(c, col, 64, where, errors);
                }
                max(c, "Diagnosis", 255, where, errors);
                max(c, "Procedure", 255, where, errors);
                max(c, "Notes", 2500, where, errors);
            }
            case BASELINE -> {
                required(c, "StudyInstanceUID", where, errors);
                fieldProblems(kind, c.v).forEach(p -> errors.add(where + p));
            }
            case FILES -> {
                patientId(c, where, errors);
                date(c, where, errors);
                fieldProblems(kind, c.v).forEach(p -> errors.add(where + p));
                String source = c.v.get("Source");
                if (source == null) {
                    errors.add(where + "Source is empty");
                } else if (isUri(source)) {
                    String problem = uriProblem(source);
                    if (problem != null) {
                        errors.add(where + problem);
                    }
                } else {
                    Path p = csv.toAbsolutePath().getParent().resolve(source).normalize();
                    if (!Files.isRegularFile(p)) {
                        errors.add(where + "file not found: " + p);
                    } else {
                        c.localFile = p;
                    }
                }
            }
            case MODELS -> {
                required(c, "StudyInstanceUID", where, errors);
                fieldProblems(kind, c.v).forEach(p -> errors.add(where + p));
                c.model = readFile(csv, c.v.get("ModelFile"), "ModelFile", where, errors);
                c.xml = readFile(csv, c.v.get("XmlFile"), "XmlFile", where, errors);
                modelDataProblems(c.model, c.xml).forEach(p -> errors.add(where + p));
            }
            default -> throw new IllegalStateException();
        }
        return c;
    }

    /**
     * The checks of a row's own values that need neither its files nor the database, without
     * file and line: lengths of the baseline diagnosis's values, of a model's name, type, format
     * and comment, of a file's name and descriptor. The import and the edits of
     * {@link XpacsRecords} both use them, so that a value the one refuses the other refuses too.
     */
    public static List<String> fieldProblems(Kind kind, Map<String, String> v) {
        List<String> out = new ArrayList<>();
        switch (kind) {
            case BASELINE -> {
                for (String col : List.of("Ethnicity", "Height", "Weight", "SBP", "DBP", "HeartRate")) {
                    max(out, v, col, 64);
                }
                for (String col : List.of("HistoryOfHypertension", "HistoryOfDiabetes", "HistoryOfAlcohol",
                        "HistoryOfSmoking")) {
                    max(out, v, col, 16);
                }
            }
            case MODELS -> {
                for (String col : List.of("Name", "Type", "Format")) {
                    max(out, v, col, 255);
                }
                max(out, v, "Comment", 2500);
            }
            case FILES -> {
                max(out, v, "Filename", 255);
                max(out, v, "Descriptor", 255);
            }
            default -> throw new IllegalArgumentException("no field checks for " + kind);
        }
        return out;
    }

    /** Whether a file's Source is a URI (scheme://...) rather than a file beside the CSV. */
    public static boolean isUri(String source) {
        return source.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
    }

    /** What is wrong with a file's Source URI, or null. */
    public static String uriProblem(String source) {
        try {
            URI.create(source);
        } catch (IllegalArgumentException e) {
            return "Source is not a valid URI: " + e.getMessage();
        }
        return source.length() > 255 ? "Source is longer than 255 characters" : null;
    }

    /** A model's ZIP and XML checked (either may be null: not given). */
    public static List<String> modelDataProblems(byte[] model, byte[] xml) {
        List<String> out = new ArrayList<>();
        if (model != null && (model.length < 4 || model[0] != 'P' || model[1] != 'K')) {
            out.add("ModelFile is not a ZIP file");
        }
        if (xml != null && !wellFormedXml(xml)) {
            out.add("XmlFile is not well-formed XML");
        }
        return out;
    }

    private static void max(List<String> out, Map<String, String> v, String col, int max) {
        String value = v.get(col);
        if (value != null && value.length() > max) {
            out.add(col + " is longer than " + max + " characters");
        }
    }

    private static void required(Checked c, String col, String where, List<String> errors) {
        if (c.v.get(col) == null) {
            errors.add(where + col + " is empty");
        }
    }

    private static void max(Checked c, String col, int max, String where, List<String> errors) {
        String v = c.v.get(col);
        if (v != null && v.length() > max) {
            errors.add(where + col + " is longer than " + max + " characters");
        }
    }

    /** The 8-character patient: given as such, or as a CAP ID whose first 8 characters it is. */
    private static void patientId(Checked c, String where, List<String> errors) {
        String id = c.v.get("PatientID");
        if (id == null) {
            errors.add(where + "PatientID is empty");
        } else if (!id.matches("[A-Za-z0-9]{8}([A-Za-z0-9]{2})?")) {
            errors.add(where + "PatientID '" + id + "' is neither an 8-character patient nor a 10-character CAP ID");
        } else {
            c.v.put("PatientID", id.substring(0, 8));
        }
    }

    private static void date(Checked c, String where, List<String> errors) {
        String d = c.v.get("EventDate");
        if (d == null) {
            errors.add(where + "EventDate is empty");
            return;
        }
        c.date = parseDate(d);
        if (c.date == null) {
            errors.add(where + "EventDate '" + d + "' is not a date (yyyy-MM-dd, yyyy-MM-dd HH:mm[:ss] or yyyyMMdd)");
        }
    }

    static LocalDateTime parseDate(String d) {
        for (DateTimeFormatter f : DATES) {
            try {
                return LocalDateTime.parse(d, f);
            } catch (DateTimeParseException ignored) {
                // next format
            }
        }
        for (DateTimeFormatter f : List.of(DateTimeFormatter.ISO_LOCAL_DATE, DateTimeFormatter.BASIC_ISO_DATE)) {
            try {
                return LocalDate.parse(d, f).atStartOfDay();
            } catch (DateTimeParseException ignored) {
                // next format
            }
        }
        return null;
    }

    private static byte[] readFile(Path csv, String name, String col, String where, List<String> errors) {
        if (name == null) {
            errors.add(where + col + " is empty");
            return null;
        }
        Path p = csv.toAbsolutePath().getParent().resolve(name).normalize();
        try {
            return Files.readAllBytes(p);
        } catch (IOException e) {
            errors.add(where + col + ": cannot read " + p);
            return null;
        }
    }

    private static boolean wellFormedXml(byte[] xml) {
        try {
            DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
            // no DTDs, no external entities: the file is data, not instructions
            f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
            f.setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true);
            try (InputStream in = new java.io.ByteArrayInputStream(xml)) {
                f.newDocumentBuilder().parse(in);
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Rows that attach to a study need its STUDY_PACS row; notes and files need their patient
     * (issue 11: a mistyped PatientID made a new patient silently). Patients come from a stored
     * study of theirs or from an import of kind patients.
     */
    private void checkReferences(Kind kind, List<Checked> rows, Path csv, List<String> errors) {
        if (kind == Kind.NOTES || kind == Kind.FILES) {
            try (SqlSession s = sessions.openSession(false)) {
                PatientInfoMapper patients = s.getMapper(PatientInfoMapper.class);
                for (Checked c : rows) {
                    if (patients.selectByPatientId(c.v.get("PatientID")) == null) {
                        errors.add(csv + ":" + c.line + ": patient " + c.v.get("PatientID") + " is not in XPACS (store "
                                + "one of its studies or import it with 'xpacs import patients' first)");
                    }
                }
            }
            return;
        }
        if (kind != Kind.BASELINE && kind != Kind.MODELS) {
            return;
        }
        try (SqlSession s = sessions.openSession(false)) {
            StudyPacsMapper studies = s.getMapper(StudyPacsMapper.class);
            for (Checked c : rows) {
                StudyPacsRow link = studies.selectByStudyUid(c.v.get("StudyInstanceUID"));
                if (link == null) {
                    errors.add(csv + ":" + c.line + ": study " + c.v.get("StudyInstanceUID") + " is not in XPACS");
                } else {
                    c.v.put("STUDY_PACS_id", String.valueOf(link.id));
                }
            }
        }
    }

    /** A note or file becomes an event of the (checked, existing) patient's chain at its date. */
    private static void addEvent(SqlSession s, String patientId8, HistoryEventRow e) {
        XpacsChain.insert(s, XpacsChain.lockPatient(s, patientId8), e);
    }

    private void write(Kind kind, SqlSession s, Checked c, List<Path> copied) throws IOException {
        Map<String, String> v = c.v;
        switch (kind) {
            case PATIENTS -> {
                PatientInfoRow p = XpacsChain.lockPatient(s, v.get("PatientID"));
                s.getMapper(PatientInfoMapper.class).updateCohortGender(p.id, v.get("Cohort"), v.get("Gender"));
            }
            case NOTES -> {
                ClinicalNoteRow n = new ClinicalNoteRow();
                n.age = v.get("Age");
                n.weight = v.get("Weight");
                n.height = v.get("Height");
                n.diagnosis = v.get("Diagnosis");
                n.procedure = v.get("Procedure");
                n.notes = v.get("Notes");
                s.getMapper(ClinicalNoteMapper.class).insert(n);
                HistoryEventRow e = XpacsChain.newEvent(c.date);
                e.clinicalNoteId = n.id;
                addEvent(s, v.get("PatientID"), e);
            }
            case BASELINE -> {
                BaselineDiagnosisRow b = baselineRow(v);
                b.studyPacsId = Integer.valueOf(v.get("STUDY_PACS_id"));
                s.getMapper(BaselineDiagnosisMapper.class).insert(b);
            }
            case FILES -> {
                AuxFileRow f = new AuxFileRow();
                f.descriptor = v.get("Descriptor");
                if (c.localFile != null) {
                    String name = v.get("Filename") != null ? v.get("Filename") : c.localFile.getFileName().toString();
                    String safe = name.replaceAll("[^A-Za-z0-9._-]", "_");
                    Path target = archiveRoot.resolve("xpacs-files").resolve(v.get("PatientID"))
                            .resolve(UUID.randomUUID() + "-" + safe);
                    Files.createDirectories(target.getParent());
                    Files.copy(c.localFile, target, StandardCopyOption.COPY_ATTRIBUTES);
                    copied.add(target);
                    f.uri = target.toUri().toString();
                    f.filename = name;
                } else {
                    f.uri = v.get("Source");
                    f.filename = v.get("Filename");
                }
                s.getMapper(AuxFileMapper.class).insert(f);
                HistoryEventRow e = XpacsChain.newEvent(c.date);
                e.auxFileId = f.id;
                addEvent(s, v.get("PatientID"), e);
            }
            case MODELS -> {
                CapModelRow m = new CapModelRow();
                m.studyPacsId = Integer.valueOf(v.get("STUDY_PACS_id"));
                m.name = v.get("Name");
                m.type = v.get("Type");
                m.format = v.get("Format");
                m.comment = v.get("Comment");
                m.modelData = c.model;
                m.xmlData = c.xml;
                s.getMapper(CapModelMapper.class).insert(m);
            }
            default -> throw new IllegalStateException();
        }
    }

    /** A baseline diagnosis row of the values of the BASELINE columns (the import's and the edit's). */
    static BaselineDiagnosisRow baselineRow(java.util.Map<String, String> v) {
        BaselineDiagnosisRow b = new BaselineDiagnosisRow();
        b.ethnicity = v.get("Ethnicity");
        b.height = v.get("Height");
        b.weight = v.get("Weight");
        b.sbp = v.get("SBP");
        b.dbp = v.get("DBP");
        b.heartRate = v.get("HeartRate");
        b.historyOfHypertension = v.get("HistoryOfHypertension");
        b.historyOfDiabetes = v.get("HistoryOfDiabetes");
        b.historyOfAlcohol = v.get("HistoryOfAlcohol");
        b.historyOfSmoking = v.get("HistoryOfSmoking");
        return b;
    }
}
