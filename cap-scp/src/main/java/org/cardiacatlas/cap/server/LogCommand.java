package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.function.Predicate;

/**
 * {@code capserver log}: the audit log filtered by time range, AE title, operation, failures,
 * patient or study, as a table or as JSON lines; {@code --follow} keeps printing new events.
 */
public final class LogCommand {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneId.systemDefault());

    /**
     * The AE title filters have names of their own: {@code --aet} is the node's own AE title
     * (a global option), so a filter of that name would never reach this command (issue 11).
     */
    public static final String USAGE = "capserver log [--from T] [--to T] [--calling-aet AE] [--called-aet AE] [--destination AE] "
            + "[--op OP] [--failures] [--patient ID] [--study UID] [--json] [--follow]   "
            + "(T: yyyy-MM-dd, yyyy-MM-ddTHH:mm[:ss] local time, or an ISO instant)";

    private LogCommand() {
    }

    static int run(Path logDir, List<String> args, PrintStream out) throws IOException, InterruptedException {
        return run(logDir, args, out, System.err);
    }

    /** Unreadable lines (a record cut by a crash or a full disk) are reported on {@code err}, never skipped silently. */
    public static int run(Path logDir, List<String> args, PrintStream out, PrintStream err)
            throws IOException, InterruptedException {
        Predicate<AuditReader.Event> filter = e -> true;
        boolean json = false;
        boolean follow = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--json" -> json = true;
                case "--follow" -> follow = true;
                case "--failures" -> filter = filter.and(AuditReader.Event::failure);
                case "--from", "--to", "--calling-aet", "--called-aet", "--destination", "--op", "--patient", "--study" -> {
                    if (i + 1 >= args.size()) {
                        throw new IllegalArgumentException(a + " needs a value");
                    }
                    String v = args.get(++i);
                    filter = filter.and(option(a, v));
                }
                default -> throw new IllegalArgumentException("unknown option " + a + "\n" + USAGE);
            }
        }
        AuditReader reader = new AuditReader(logDir);
        Predicate<AuditReader.Event> f = filter;
        boolean asJson = json;
        if (!asJson) {
            out.println(String.format("%-19s %-12s %-9s %-27s %-21s %-12s %s", "time", "op", "status", "calling->called",
                    "remote", "patient", "study / sop / detail"));
        }
        int[] unreadable = {0};
        reader.forEach(e -> {
            if (f.test(e)) {
                out.println(asJson ? e.line() : row(e));
            }
        }, bad -> {
            unreadable[0]++;
            err.println("capserver log: unreadable line " + bad);
        });
        if (unreadable[0] > 0) {
            err.println("capserver log: " + unreadable[0] + " unreadable line(s) in the audit log, not shown above");
        }
        if (follow) {
            tail(reader.current(), f, asJson, out);
        }
        return 0;
    }

    private static Predicate<AuditReader.Event> option(String name, String v) {
        return switch (name) {
            case "--from" -> {
                Instant t = time(v, false);
                yield e -> !e.time().isBefore(t);
            }
            case "--to" -> {
                Instant t = time(v, true);
                yield e -> e.time().isBefore(t);
            }
            case "--calling-aet" -> e -> e.get("calling").equals(v);
            case "--called-aet" -> e -> e.get("called").equals(v);
            // the C-MOVE destination of a SENT record
            case "--destination" -> e -> e.get("destination").equals(v);
            case "--op" -> e -> e.get("op").equalsIgnoreCase(v);
            case "--patient" -> e -> e.get("patient").equals(v);
            case "--study" -> e -> e.get("study").equals(v);
            default -> throw new IllegalStateException(name);
        };
    }

    /** A date means its whole day: from its start, or (for --to) up to the end of it. */
    static Instant time(String v, boolean endOfDay) {
        try {
            return Instant.parse(v);
        } catch (DateTimeParseException ignored) {
            // local forms below
        }
        try {
            return LocalDateTime.parse(v).atZone(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException ignored) {
            // a date alone
        }
        try {
            LocalDate d = LocalDate.parse(v);
            return (endOfDay ? d.plusDays(1) : d).atStartOfDay(ZoneId.systemDefault()).toInstant();
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("not a time: " + v + "\n" + USAGE);
        }
    }

    static String row(AuditReader.Event e) {
        StringBuilder what = new StringBuilder();
        if (!e.get("destination").isEmpty()) {
            what.append("to ").append(e.get("destination"));
        }
        for (String k : List.of("study", "sop", "transaction", "detail")) {
            if (!e.get(k).isEmpty()) {
                what.append(what.length() > 0 ? " " : "").append(e.get(k));
            }
        }
        if (e.get("op").equals("ASSOCIATION")) {
            what.append(String.format("stored %s (%s bytes), failures %s, queries %s, retrieves %s, %s ms",
                    e.get("stored"), e.get("bytes"), e.get("failures"), e.get("queries"), e.get("retrieves"),
                    e.get("millis")));
        } else if (!e.get("bytes").isEmpty()) {
            what.append(" ").append(e.get("bytes")).append(" bytes");
        }
        return String.format("%-19s %-12s %-9s %-27s %-21s %-12s %s", TIME.format(e.time()), e.get("op"),
                e.get("status"), e.get("calling") + "->" + e.get("called"), e.get("remote"), e.get("patient"), what);
    }

    private static void tail(Path file, Predicate<AuditReader.Event> filter, boolean json, PrintStream out)
            throws IOException, InterruptedException {
        long pos = Files.exists(file) ? Files.size(file) : 0;
        StringBuilder partial = new StringBuilder();
        while (!Thread.currentThread().isInterrupted()) {
            long size = Files.exists(file) ? Files.size(file) : 0;
            if (size < pos) {
                pos = 0; // rolled over: the new file starts from the beginning
            }
            if (size > pos) {
                try (RandomAccessFile r = new RandomAccessFile(file.toFile(), "r")) {
                    r.seek(pos);
                    byte[] buf = new byte[(int) Math.min(size - pos, 1 << 20)];
                    r.readFully(buf);
                    pos += buf.length;
                    partial.append(new String(buf, StandardCharsets.UTF_8));
                }
                int nl;
                while ((nl = partial.indexOf("\n")) >= 0) {
                    AuditReader.Event e = AuditReader.Event.parse(partial.substring(0, nl));
                    partial.delete(0, nl + 1);
                    if (e != null && filter.test(e)) {
                        out.println(json ? e.line() : row(e));
                        out.flush();
                    }
                }
            }
            Thread.sleep(300);
        }
    }

}
