package org.cardiacatlas.cap.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

/** Reads the audit log: the current file and the rolled ones (gzip-compressed too), oldest first. */
final class AuditReader {

    private static final Pattern ROLLED = Pattern.compile("audit\\.(\\d{4}-\\d{2}-\\d{2})\\.(\\d+)\\.log(\\.gz)?");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;

    AuditReader(Path dir) {
        this.dir = dir;
    }

    Path current() {
        return dir.resolve("audit.log");
    }

    /** The files in time order: rolled by (date, index), then the current one. */
    List<Path> files() throws IOException {
        List<Path> rolled = new ArrayList<>();
        if (Files.isDirectory(dir)) {
            try (DirectoryStream<Path> ds = Files.newDirectoryStream(dir, "audit.*.log*")) {
                for (Path p : ds) {
                    if (ROLLED.matcher(p.getFileName().toString()).matches()) {
                        rolled.add(p);
                    }
                }
            }
        }
        rolled.sort(Comparator.comparing((Path p) -> group(p, 1)).thenComparing(p -> Integer.parseInt(group(p, 2))));
        if (Files.exists(current())) {
            rolled.add(current());
        }
        return rolled;
    }

    private static String group(Path p, int g) {
        Matcher m = ROLLED.matcher(p.getFileName().toString());
        m.matches();
        return m.group(g);
    }

    /** Every event, oldest first; lines that are not JSON objects are skipped (see the other forEach). */
    void forEach(Consumer<Event> each) throws IOException {
        forEach(each, bad -> { });
    }

    /**
     * Every event, oldest first; each line that is not a whole JSON object (a record cut by a
     * crash, a foreign line) goes to {@code unreadable} as {@code file:line: text}, escaped.
     */
    void forEach(Consumer<Event> each, Consumer<String> unreadable) throws IOException {
        for (Path p : files()) {
            int number = 0;
            try (InputStream raw = Files.newInputStream(p);
                    InputStream in = p.toString().endsWith(".gz") ? new GZIPInputStream(raw) : raw;
                    BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    number++;
                    Event e = Event.parse(line);
                    if (e != null) {
                        each.accept(e);
                    } else if (!line.isBlank()) {
                        String shown = line.length() > 120 ? line.substring(0, 120) + "..." : line;
                        unreadable.accept(p.getFileName() + ":" + number + ": "
                                + org.cardiacatlas.cap.common.log.LogEscape.escape(shown));
                    }
                }
            }
        }
    }

    /** One audit line. */
    record Event(String line, Map<String, Object> fields) {

        @SuppressWarnings("unchecked")
        static Event parse(String line) {
            if (line.isBlank()) {
                return null;
            }
            try {
                return new Event(line, JSON.readValue(line, LinkedHashMap.class));
            } catch (JsonProcessingException e) {
                return null;
            }
        }

        String get(String name) {
            Object v = fields.get(name);
            return v == null ? "" : String.valueOf(v);
        }

        Instant time() {
            try {
                return Instant.parse(get("time"));
            } catch (RuntimeException e) {
                return Instant.EPOCH;
            }
        }

        /** Not a success, not pending, not a warning: what "failures only" shows. */
        boolean failure() {
            String s = get("status");
            String op = get("op");
            // the HTTP side (issue 13): requests carry the HTTP status; account changes none
            if (op.equals("HTTP")) {
                return s.isEmpty() || s.charAt(0) >= '4';
            }
            if (op.equals("LOGIN-FAILED")) {
                return true;
            }
            if (op.startsWith("USER-") || op.startsWith("TOKEN-") || op.equals("LOGIN")) {
                return false;
            }
            return !(s.equals("0000") || s.equals("released") || s.startsWith("FF") || s.startsWith("B"));
        }
    }
}
