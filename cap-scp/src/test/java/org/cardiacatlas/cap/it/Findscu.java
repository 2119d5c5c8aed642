package org.cardiacatlas.cap.it;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.AttributeTag;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/** DCMTK's findscu: the answers it received (extracted with -X) and the final status it printed. */
final class Findscu {

    static final String STUDY_ROOT = "-S";
    static final String PATIENT_ROOT = "-P";

    private static final AtomicInteger SEQ = new AtomicInteger();
    private static final Pattern FINAL = Pattern.compile("Received Final Find Response \\(([^)]*)\\)");

    /** What one findscu run got. */
    record Answer(List<AttributeList> answers, List<Path> files, String finalStatus, int warnings, String output) {

        boolean success() {
            return "Success".equals(finalStatus);
        }

        /** The values of a key in the answers, in order (the first value of each, "" when empty). */
        List<String> values(AttributeTag t) {
            List<String> v = new ArrayList<>();
            for (AttributeList a : answers) {
                v.add(Attribute.getSingleStringValueOrEmptyString(a, t).trim());
            }
            return v;
        }

        List<String> sorted(AttributeTag t) {
            List<String> v = values(t);
            v.sort(null);
            return v;
        }
    }

    private Findscu() {
    }

    /**
     * Runs findscu with -k keys ("Name=value", or "Name" for a return key), extra options
     * before the peer and an optional query file after it.
     */
    static Answer find(int port, String model, List<String> options, Path queryFile, String... keys) {
        Path dir = Path.of("target", "it", "find", "q" + SEQ.incrementAndGet()).toAbsolutePath();
        try {
            // left over from an earlier run of the tests
            if (Files.exists(dir)) {
                try (Stream<Path> old = Files.list(dir)) {
                    for (Path p : old.toList()) {
                        Files.delete(p);
                    }
                }
            }
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> c = new ArrayList<>(List.of("findscu", "-v", model, "-aec", "CAPSCP", "-aet", "FINDSCU",
                "-X", "-od", dir.toString()));
        c.addAll(options);
        c.addAll(List.of("127.0.0.1", String.valueOf(port)));
        for (String k : keys) {
            c.add("-k");
            c.add(k);
        }
        if (queryFile != null) {
            c.add(queryFile.toString());
        }
        Dcmtk.Result r = Dcmtk.run(c);
        Matcher m = FINAL.matcher(r.output());
        String status = m.find() ? m.group(1) : "none: " + r.output();
        int warnings = r.output().split("Pending: WarningUnsupportedOptionalKeys", -1).length - 1;
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.getFileName().toString().startsWith("rsp")).sorted().toList();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<AttributeList> answers = new ArrayList<>();
        for (Path f : files) {
            AttributeList a = new AttributeList();
            try {
                a.read(f.toFile());
            } catch (Exception e) {
                throw new IllegalStateException("unreadable answer " + f + ": " + e, e);
            }
            answers.add(a);
        }
        return new Answer(answers, files, status, warnings, r.output());
    }

    static Answer find(int port, String model, String... keys) {
        return find(port, model, List.of(), null, keys);
    }
}
