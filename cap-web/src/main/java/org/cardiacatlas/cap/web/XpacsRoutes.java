package org.cardiacatlas.cap.web;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import org.cardiacatlas.cap.access.AccessControl;
import org.cardiacatlas.cap.access.Principal;
import org.cardiacatlas.cap.xpacs.XpacsCommands;
import org.cardiacatlas.cap.xpacs.XpacsImport;
import org.cardiacatlas.cap.xpacs.XpacsNotes;
import org.cardiacatlas.cap.xpacs.XpacsRecords;
import io.javalin.http.UploadedFile;

/**
 * XPACS curation in the web app and the REST API: a patient's page with cohort, gender and the
 * history chain as a timeline (XpacsCommands, as {@code capserver xpacs history}), and clinical
 * notes created, edited and deleted through XpacsNotes (chain locking and the import's checks);
 * heart models, baseline diagnoses and auxiliary files added through XpacsImport, edited in place
 * and deleted through XpacsRecords (the patient locked, the import's checks). Reading is for
 * every account within its cohorts, changes for curators and admins.
 */
final class XpacsRoutes {

    private final XpacsCommands commands;
    private final XpacsNotes notes;
    private final XpacsImport importer;
    private final XpacsRecords records;
    private final AccessControl access;
    private final Pages pages = Pages.INSTANCE;

    XpacsRoutes(XpacsCommands commands, XpacsNotes notes, XpacsImport importer, XpacsRecords records,
            AccessControl access) {
        this.records = records;
        this.commands = commands;
        this.notes = notes;
        this.importer = importer;
        this.access = access;
    }

    void register(Javalin app) {
        app.get("/xpacs/patients/{id}", ctx -> page(ctx, null, null));
        app.post("/xpacs/patients/{id}/notes", ctx -> formChange(ctx, () -> {
            notes.add(patient(ctx), date(ctx.formParam("date")), note(ctx), HttpAuth.principal(ctx).name());
            return "Note added.";
        }));
        app.post("/xpacs/patients/{id}/notes/{note}", ctx -> formChange(ctx, () -> {
            int id = noteOf(ctx);
            notes.update(id, date(ctx.formParam("date")), note(ctx), HttpAuth.principal(ctx).name());
            return "Note " + id + " changed.";
        }));
        app.post("/xpacs/patients/{id}/notes/{note}/delete", ctx -> formChange(ctx, () -> {
            int id = noteOf(ctx);
            notes.delete(id, HttpAuth.principal(ctx).name());
            return "Note " + id + " deleted.";
        }));
        // one record at a time, as XPACS-WEB's forms: written as a one-row CSV and given to the
        // import unit, which checks it (ZIP, well-formed XML, lengths, the study) as for a file
        app.post("/xpacs/patients/{id}/models", ctx -> single(curator(ctx), XpacsImport.Kind.MODELS, Map.of(
                "StudyInstanceUID", study(ctx), "Name", form(ctx, "name"), "Type", form(ctx, "type"),
                "Format", form(ctx, "format"), "Comment", form(ctx, "comment"), "ModelFile", upload(ctx, "model"),
                "XmlFile", upload(ctx, "xml"))));
        app.post("/xpacs/patients/{id}/info", ctx -> single(curator(ctx), XpacsImport.Kind.PATIENTS, Map.of(
                "PatientID", patient(ctx), "Cohort", form(ctx, "cohort"), "Gender", form(ctx, "gender"))));
        app.post("/xpacs/patients/{id}/baseline", ctx -> {
            curator(ctx);
            Map<String, String> v = new HashMap<>();
            v.put("StudyInstanceUID", study(ctx));
            for (String c : XpacsImport.Kind.BASELINE.columns()) {
                if (!c.equals("StudyInstanceUID")) {
                    v.put(c, form(ctx, c));
                }
            }
            single(ctx, XpacsImport.Kind.BASELINE, v);
        });
        app.post("/xpacs/patients/{id}/files", ctx -> {
            curator(ctx);
            UploadedFile f = ctx.uploadedFile("file");
            String uri = form(ctx, "uri");
            if ((f == null || f.size() == 0) == uri.isEmpty()) {
                throw HttpFailure.badRequest("give either a file to upload or a URI");
            }
            String source = f == null || f.size() == 0 ? uri : upload(ctx, "file");
            String name = form(ctx, "filename").isEmpty() && f != null && f.size() > 0 ? f.filename()
                    : form(ctx, "filename");
            single(ctx, XpacsImport.Kind.FILES, Map.of("PatientID", patient(ctx), "EventDate",
                    form(ctx, "date").replace('T', ' '), "Source", source, "Filename", name,
                    "Descriptor", form(ctx, "descriptor")));
        });
        // deletes of models, baseline diagnoses and files (XpacsRecords), by form and by REST
        for (String kind : List.of("models", "baseline", "files")) {
            app.post("/xpacs/patients/{id}/" + kind + "/{rec}/delete", ctx -> formChange(ctx, () -> {
                deleteRecord(ctx, kind);
                return "Deleted.";
            }));
            app.delete("/api/xpacs/patients/{id}/" + kind + "/{rec}", ctx -> {
                WebApp.requireCurator(access, ctx);
                unit(() -> {
                    deleteRecord(ctx, kind);
                    return 0;
                });
                ctx.status(204);
            });
        }
        // edits in place of models, baseline diagnoses and files (XpacsRecords: the patient
        // locked, the import's checks), by form and by REST
        app.post("/xpacs/patients/{id}/baseline/{rec}", ctx -> formChange(ctx, () -> {
            int id = recordOf(ctx, "baseline");
            Map<String, String> v = new HashMap<>();
            for (String c : BASELINE_VALUES) {
                v.put(c, ctx.formParam(c));
            }
            records.updateBaseline(id, v, HttpAuth.principal(ctx).name());
            return "Baseline diagnosis " + id + " changed.";
        }));
        app.post("/xpacs/patients/{id}/models/{rec}", ctx -> formChange(ctx, () -> {
            int id = recordOf(ctx, "models");
            records.updateModel(id, ctx.formParam("name"), ctx.formParam("type"), ctx.formParam("format"),
                    ctx.formParam("comment"), bytes(ctx, "model"), bytes(ctx, "xml"), HttpAuth.principal(ctx).name());
            return "Heart model " + id + " changed.";
        }));
        app.post("/xpacs/patients/{id}/files/{rec}", ctx -> formChange(ctx, () -> {
            int id = recordOf(ctx, "files");
            UploadedFile f = ctx.uploadedFile("file");
            java.nio.file.Path dir = null;
            try {
                java.nio.file.Path upload = null;
                if (f != null && f.size() > 0) {
                    dir = java.nio.file.Files.createTempDirectory("cap-xpacs-form");
                    upload = dir.resolve("upload");
                    try (java.io.InputStream in = f.content()) {
                        java.nio.file.Files.copy(in, upload);
                    }
                }
                String d = form(ctx, "date");
                records.updateAuxFile(id, d.isEmpty() ? null : date(d), ctx.formParam("filename"),
                        ctx.formParam("descriptor"), ctx.formParam("uri"), upload,
                        upload == null ? null : java.nio.file.Path.of(f.filename()).getFileName().toString(),
                        HttpAuth.principal(ctx).name());
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            } finally {
                removeFolder(dir);
            }
            return "File " + id + " changed.";
        }));
        app.put("/api/xpacs/patients/{id}/baseline/{rec}", ctx -> {
            WebApp.requireCurator(access, ctx);
            JsonNode b = RestApi.body(ctx);
            int id = recordOf(ctx, "baseline");
            Map<String, String> v = new HashMap<>();
            for (String c : BASELINE_VALUES) {
                v.put(c, b.path(c).asText(null));
            }
            unit(() -> {
                records.updateBaseline(id, v, HttpAuth.principal(ctx).name());
                return 0;
            });
            ctx.status(204);
        });
        app.put("/api/xpacs/patients/{id}/models/{rec}", ctx -> {
            WebApp.requireCurator(access, ctx);
            JsonNode b = RestApi.body(ctx);
            int id = recordOf(ctx, "models");
            byte[] model = base64(b, "modelFile");
            byte[] xml = base64(b, "xmlFile");
            unit(() -> {
                records.updateModel(id, b.path("name").asText(null), b.path("type").asText(null),
                        b.path("format").asText(null), b.path("comment").asText(null), model, xml,
                        HttpAuth.principal(ctx).name());
                return 0;
            });
            ctx.status(204);
        });
        app.put("/api/xpacs/patients/{id}/files/{rec}", ctx -> {
            WebApp.requireCurator(access, ctx);
            JsonNode b = RestApi.body(ctx);
            int id = recordOf(ctx, "files");
            byte[] content = base64(b, "content");
            String d = b.path("date").asText("");
            LocalDateTime when = d.isBlank() ? null : date(d);
            java.nio.file.Path dir = null;
            try {
                java.nio.file.Path upload = null;
                if (content != null) {
                    dir = java.nio.file.Files.createTempDirectory("cap-xpacs-rest");
                    upload = java.nio.file.Files.write(dir.resolve("upload"), content);
                }
                java.nio.file.Path up = upload;
                unit(() -> {
                    try {
                        records.updateAuxFile(id, when, b.path("filename").asText(null),
                                b.path("descriptor").asText(null), b.path("uri").asText(null), up,
                                b.path("contentName").asText(null), HttpAuth.principal(ctx).name());
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException(e);
                    }
                    return 0;
                });
            } finally {
                removeFolder(dir);
            }
            ctx.status(204);
        });
        // downloads: heart models (ZIP and XML) and auxiliary files kept by the archive
        app.get("/api/xpacs/patients/{id}/models/{model}/{part}", this::modelDownload);
        app.get("/api/xpacs/patients/{id}/files/{file}", this::fileDownload);
        // REST
        app.get("/api/xpacs/patients/{id}", ctx -> RestApi.json(ctx, 200, timelineJson(timeline(ctx))));
        app.post("/api/xpacs/patients/{id}/notes", ctx -> {
            WebApp.requireCurator(access, ctx);
            JsonNode b = RestApi.body(ctx);
            int id = unit(() -> notes.add(patient(ctx), date(b.path("date").asText(null)), note(b),
                    HttpAuth.principal(ctx).name()));
            RestApi.json(ctx, 201, Map.of("id", id));
        });
        app.put("/api/xpacs/patients/{id}/notes/{note}", ctx -> {
            WebApp.requireCurator(access, ctx);
            JsonNode b = RestApi.body(ctx);
            int id = noteOf(ctx);
            unit(() -> {
                notes.update(id, date(b.path("date").asText(null)), note(b), HttpAuth.principal(ctx).name());
                return 0;
            });
            ctx.status(204);
        });
        app.delete("/api/xpacs/patients/{id}/notes/{note}", ctx -> {
            WebApp.requireCurator(access, ctx);
            int id = noteOf(ctx);
            unit(() -> {
                notes.delete(id, HttpAuth.principal(ctx).name());
                return 0;
            });
            ctx.status(204);
        });
    }

    /** The baseline diagnosis's values an edit sets (all its columns but the study). */
    private static final List<String> BASELINE_VALUES = XpacsImport.Kind.BASELINE.columns().stream()
            .filter(c -> !c.equals("StudyInstanceUID")).toList();

    /** The model, baseline diagnosis or file of the path, which must belong to the path's patient. */
    private int recordOf(Context ctx, String kind) {
        String p8 = patient(ctx);
        int id = number(ctx, "rec");
        String owner = unit(() -> switch (kind) {
            case "models" -> records.patientOfModel(id);
            case "baseline" -> records.patientOfBaseline(id);
            default -> records.patientOfAuxFile(id);
        });
        if (!owner.equals(p8)) {
            throw HttpFailure.notFound("patient " + p8 + " has no such record: " + kind + " " + id);
        }
        return id;
    }

    /** An uploaded file's bytes, or null when none was given. */
    private static byte[] bytes(Context ctx, String field) {
        UploadedFile f = ctx.uploadedFile(field);
        if (f == null || f.size() == 0) {
            return null;
        }
        try (java.io.InputStream in = f.content()) {
            return in.readAllBytes();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** A base64 member of a JSON body, or null when absent. */
    private static byte[] base64(JsonNode b, String field) {
        String v = b.path(field).asText(null);
        if (v == null || v.isEmpty()) {
            return null;
        }
        try {
            return java.util.Base64.getMimeDecoder().decode(v);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(field + " is not base64: " + e.getMessage());
        }
    }

    private static void removeFolder(java.nio.file.Path dir) {
        if (dir != null) {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (java.io.IOException e) {
                // a temporary folder left behind is not the request's failure
            }
        }
    }

    /** A model, baseline diagnosis or file of the path's patient, deleted. */
    private void deleteRecord(Context ctx, String kind) {
        int id = recordOf(ctx, kind);
        String by = HttpAuth.principal(ctx).name();
        switch (kind) {
            case "models" -> records.deleteModel(id, by);
            case "baseline" -> records.deleteBaseline(id, by);
            default -> records.deleteAuxFile(id, by);
        }
    }

    private Context curator(Context ctx) {
        WebApp.requireCurator(access, ctx);
        return ctx;
    }

    private static String form(Context ctx, String name) {
        String v = ctx.formParam(name);
        return v == null ? "" : v.trim();
    }

    /** The study of the form, which must be one of the path patient's sessions. */
    private String study(Context ctx) {
        String uid = form(ctx, "study");
        boolean ours = timeline(ctx).events().stream().anyMatch(e -> uid.equals(e.studyUid()));
        if (!ours) {
            throw HttpFailure.badRequest("choose one of the patient's imaging sessions");
        }
        return uid;
    }

    /** Uploaded files of the request by their field, saved in the request's folder under a safe name. */
    private static String upload(Context ctx, String field) throws java.io.IOException {
        UploadedFile f = ctx.uploadedFile(field);
        if (f == null || f.size() == 0) {
            return "";
        }
        java.nio.file.Path dir = folder(ctx);
        String name = field + "-" + java.nio.file.Path.of(f.filename()).getFileName().toString()
                .replaceAll("[^A-Za-z0-9._-]", "_");
        try (java.io.InputStream in = f.content()) {
            java.nio.file.Files.copy(in, dir.resolve(name));
        }
        return name;
    }

    private static java.nio.file.Path folder(Context ctx) throws java.io.IOException {
        java.nio.file.Path dir = ctx.attribute("cap.upload");
        if (dir == null) {
            dir = java.nio.file.Files.createTempDirectory("cap-xpacs-form");
            ctx.attribute("cap.upload", dir);
        }
        return dir;
    }

    /** One record through XpacsImport; its report is the page's message, or its error. */
    private void single(Context ctx, XpacsImport.Kind kind, Map<String, String> values) throws java.io.IOException {
        WebApp.requireCurator(access, ctx);
        java.nio.file.Path dir = folder(ctx);
        try {
            StringBuilder csv = new StringBuilder(String.join(",", kind.columns())).append('\n');
            List<String> row = new ArrayList<>();
            for (String c : kind.columns()) {
                String v = values.getOrDefault(c, "");
                row.add("\"" + v.replace("\"", "\"\"") + "\"");
            }
            csv.append(String.join(",", row)).append('\n');
            java.nio.file.Path file = dir.resolve(kind.name().toLowerCase() + ".csv");
            java.nio.file.Files.writeString(file, csv);
            java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
            int n;
            try (java.io.PrintStream out = new java.io.PrintStream(b, true, java.nio.charset.StandardCharsets.UTF_8)) {
                n = importer.run(kind, file, out);
            }
            // the form's report: the problems without the temporary file's name and line
            String report = b.toString(java.nio.charset.StandardCharsets.UTF_8).replace(file + ":2: ", "")
                    .replace(file.toString() + ": ", "").trim();
            if (n < 0) {
                ctx.status(400);
                // the problems, without the import's closing line about the file
                page(ctx, null, String.join("; ", report.lines()
                        .filter(l -> !l.startsWith("rejected, nothing imported")).toList()));
            } else {
                page(ctx, "Saved: " + report.replace("imported 1 ", "1 "), null);
            }
        } finally {
            try (var walk = java.nio.file.Files.walk(dir)) {
                walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static int number(Context ctx, String name) {
        try {
            return Integer.parseInt(ctx.pathParam(name));
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest(name + " is a number: " + ctx.pathParam(name));
        }
    }

    private void modelDownload(Context ctx) throws java.io.IOException {
        String p8 = patient(ctx);
        int id = number(ctx, "model");
        var m = commands.model(id).filter(e -> e.getKey().equals(p8))
                .orElseThrow(() -> HttpFailure.notFound("patient " + p8 + " has no heart model " + id)).getValue();
        String part = ctx.pathParam("part");
        byte[] data;
        String type;
        String name = (m.name == null || m.name.isBlank() ? "model-" + id : m.name).replaceAll("[^A-Za-z0-9._-]", "_");
        switch (part) {
            case "model" -> {
                data = m.modelData;
                type = "application/zip";
                name += ".zip";
            }
            case "xml" -> {
                data = m.xmlData;
                type = "application/xml";
                name += ".xml";
            }
            default -> throw HttpFailure.notFound("a model has the parts model and xml, not " + part);
        }
        if (data == null) {
            throw HttpFailure.notFound("heart model " + id + " has no " + part + " data");
        }
        org.cardiacatlas.cap.common.Audit.event("XPACS-DOWNLOAD").with("user", HttpAuth.principal(ctx).name())
                .with("remote", ctx.ip()).with("patient", p8).with("detail", "model " + id + " " + part)
                .with("bytes", data.length).write();
        ctx.status(200).contentType(type).header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        ctx.result(data);
    }

    /** A file the import copied into the archive; other URIs are links in the page, not downloads. */
    private void fileDownload(Context ctx) throws java.io.IOException {
        String p8 = patient(ctx);
        int id = number(ctx, "file");
        var f = commands.auxFile(id).filter(e -> e.getKey().equals(p8))
                .orElseThrow(() -> HttpFailure.notFound("patient " + p8 + " has no file " + id)).getValue();
        java.nio.file.Path path;
        try {
            java.net.URI uri = java.net.URI.create(f.uri);
            if (!"file".equals(uri.getScheme())) {
                throw HttpFailure.notFound("file " + id + " is not kept by the archive: it is at " + f.uri);
            }
            path = java.nio.file.Path.of(uri);
        } catch (IllegalArgumentException e) {
            throw HttpFailure.notFound("file " + id + " has no usable URI: " + f.uri);
        }
        if (!java.nio.file.Files.isRegularFile(path)) {
            throw HttpFailure.notFound("file " + id + " is missing from the archive (" + path.getFileName() + ")");
        }
        String name = (f.filename == null ? path.getFileName().toString() : f.filename).replaceAll("[^A-Za-z0-9._-]", "_");
        org.cardiacatlas.cap.common.Audit.event("XPACS-DOWNLOAD").with("user", HttpAuth.principal(ctx).name())
                .with("remote", ctx.ip()).with("patient", p8).with("detail", "file " + id)
                .with("bytes", java.nio.file.Files.size(path)).write();
        ctx.status(200).contentType("application/octet-stream")
                .header("Content-Disposition", "attachment; filename=\"" + name + "\"");
        java.nio.file.Files.copy(path, ctx.outputStream());
    }

    private void page(Context ctx, String message, String error) {
        XpacsCommands.Timeline t = timeline(ctx);
        Map<String, Object> m = new HashMap<>();
        m.put("title", "Patient " + t.patientId());
        m.put("t", t);
        m.put("message", message);
        m.put("error", error);
        m.put("today", LocalDate.now() + "T12:00");
        pages.render(ctx, "xpacs-patient", m);
    }

    private interface Change {
        String run();
    }

    /** A form's change: done, or its reason shown in the page. */
    private void formChange(Context ctx, Change change) {
        WebApp.requireCurator(access, ctx);
        timeline(ctx);
        String message;
        try {
            message = unit(change::run);
        } catch (HttpFailure e) {
            if (e.status() != 400) {
                throw e;
            }
            ctx.status(400);
            page(ctx, null, e.getMessage());
            return;
        }
        page(ctx, message, null);
    }

    private interface Unit<T> {
        T run();
    }

    /** The units' refusals as the web's one failure type. */
    private static <T> T unit(Unit<T> u) {
        try {
            return u.run();
        } catch (NoSuchElementException e) {
            throw HttpFailure.notFound(e.getMessage());
        } catch (IllegalArgumentException e) {
            throw HttpFailure.badRequest(e.getMessage());
        }
    }

    /** The 8-character patient of the path, if the principal may see it. */
    private String patient(Context ctx) {
        String p8 = unit(() -> XpacsNotes.patient8(ctx.pathParam("id")));
        if (!access.maySeePatient(HttpAuth.principal(ctx), p8)) {
            throw HttpFailure.notFound("no patient " + p8 + " in XPACS");
        }
        return p8;
    }

    private XpacsCommands.Timeline timeline(Context ctx) {
        String p8 = patient(ctx);
        return commands.timeline(p8).orElseThrow(() -> HttpFailure.notFound("no patient " + p8 + " in XPACS"));
    }

    /** The note of the path, which must belong to the path's patient. */
    private int noteOf(Context ctx) {
        String p8 = patient(ctx);
        int id;
        try {
            id = Integer.parseInt(ctx.pathParam("note"));
        } catch (NumberFormatException e) {
            throw HttpFailure.badRequest("a note id is a number: " + ctx.pathParam("note"));
        }
        String owner = unit(() -> notes.patientOf(id));
        if (!owner.equals(p8)) {
            throw HttpFailure.notFound("patient " + p8 + " has no clinical note " + id);
        }
        return id;
    }

    static LocalDateTime date(String s) {
        if (s == null || s.isBlank()) {
            throw HttpFailure.badRequest("the note's date is empty");
        }
        String v = s.trim().replace(' ', 'T');
        try {
            return v.length() == 10 ? LocalDate.parse(v).atStartOfDay() : LocalDateTime.parse(v);
        } catch (DateTimeParseException e) {
            throw HttpFailure.badRequest("not a date (yyyy-MM-dd or yyyy-MM-ddTHH:mm): " + s);
        }
    }

    private static XpacsNotes.Note note(Context ctx) {
        return new XpacsNotes.Note(ctx.formParam("age"), ctx.formParam("weight"), ctx.formParam("height"),
                ctx.formParam("diagnosis"), ctx.formParam("procedure"), ctx.formParam("notes"));
    }

    private static XpacsNotes.Note note(JsonNode b) {
        return new XpacsNotes.Note(b.path("age").asText(null), b.path("weight").asText(null),
                b.path("height").asText(null), b.path("diagnosis").asText(null), b.path("procedure").asText(null),
                b.path("notes").asText(null));
    }

    private static Map<String, Object> timelineJson(XpacsCommands.Timeline t) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("patientId", t.patientId());
        m.put("cohort", t.cohort());
        m.put("gender", t.gender());
        List<Map<String, Object>> events = new ArrayList<>();
        for (XpacsCommands.Event e : t.events()) {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("id", e.id());
            x.put("date", e.date().toString());
            x.put("kind", e.kind());
            x.put("studyUid", e.studyUid());
            x.put("description", e.description());
            if (e.file() != null) {
                x.put("file", Map.of("id", e.file().id, "uri", String.valueOf(e.file().uri),
                        "filename", String.valueOf(e.file().filename), "descriptor", String.valueOf(e.file().descriptor)));
            }
            if (!e.models().isEmpty()) {
                List<Map<String, Object>> ms = new ArrayList<>();
                e.models().forEach(mo -> {
                    Map<String, Object> y = new LinkedHashMap<>();
                    y.put("id", mo.id);
                    y.put("name", mo.name);
                    y.put("type", mo.type);
                    y.put("format", mo.format);
                    y.put("comment", mo.comment);
                    ms.add(y);
                });
                x.put("models", ms);
            }
            if (!e.baseline().isEmpty()) {
                x.put("baseline", e.baseline());
            }
            if (e.note() != null) {
                Map<String, Object> n = new LinkedHashMap<>();
                n.put("id", e.note().id);
                n.put("age", e.note().age);
                n.put("weight", e.note().weight);
                n.put("height", e.note().height);
                n.put("diagnosis", e.note().diagnosis);
                n.put("procedure", e.note().procedure);
                n.put("notes", e.note().notes);
                x.put("note", n);
            }
            events.add(x);
        }
        m.put("events", events);
        m.put("problems", t.problems());
        return m;
    }
}
