package org.cardiacatlas.cap.server;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.cardiacatlas.cap.common.CapConfig;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.common.DicomServiceException;
import org.cardiacatlas.cap.store.ArchiveDelete;
import org.cardiacatlas.cap.store.PacsIndex;
import org.cardiacatlas.cap.xpacs.XpacsSync;

/**
 * {@code capserver delete study UID | series UID | patient ID [--dry-run] [--with-xpacs-data]}:
 * the delete unit ({@link ArchiveDelete}) from the command line; prints what was (or would be)
 * removed.
 */
final class DeleteCommand {

    static final String USAGE = "capserver delete study UID | series UID | patient PATIENT_ID [--dry-run] "
            + "[--with-xpacs-data]";

    private DeleteCommand() {
    }

    static int main(CapConfig config, List<String> args, PrintStream out) {
        boolean dryRun = false;
        boolean withXpacs = false;
        List<String> words = new ArrayList<>();
        for (String a : args) {
            switch (a) {
                case "--dry-run" -> dryRun = true;
                case "--with-xpacs-data" -> withXpacs = true;
                default -> {
                    if (a.startsWith("--")) {
                        System.err.println("capserver delete: unknown option " + a + "\n" + USAGE);
                        return 2;
                    }
                    words.add(a);
                }
            }
        }
        ArchiveDelete.Scope scope;
        try {
            scope = words.size() == 2 ? ArchiveDelete.Scope.valueOf(words.get(0).toUpperCase(Locale.ROOT)) : null;
        } catch (IllegalArgumentException e) {
            scope = null;
        }
        if (scope == null || words.get(1).isBlank()) {
            System.err.println(USAGE);
            return 2;
        }
        List<Class<?>> mappers = new ArrayList<>(PacsIndex.mappers());
        mappers.addAll(XpacsSync.mappers());
        try (Database db = Database.open(config, mappers, true)) {
            if (db.xpacsOnOtherServer()) {
                db.prepareXpacs();
            }
            ArchiveDelete unit = new ArchiveDelete(db.sessions(), db.xpacsSessions(), db.xpacsOnOtherServer(),
                    new XpacsSync(config.get(CapConfig.Option.CAP_ID_PATTERN)));
            ArchiveDelete.Outcome o = unit.delete(scope, words.get(1), dryRun, withXpacs,
                    "capserver delete (" + System.getProperty("user.name") + ")");
            print(o, out);
            o.problems().forEach(p -> System.err.println("capserver delete: " + p));
            return o.problems().isEmpty() ? 0 : 1;
        } catch (DicomServiceException e) {
            System.err.println("capserver delete: " + e.getMessage());
            return 1;
        } catch (RuntimeException e) {
            System.err.println("capserver delete failed: " + Database.rootMessage(e));
            return 1;
        }
    }

    static void print(ArchiveDelete.Outcome o, PrintStream out) {
        String verb = o.dryRun() ? "would delete" : "deleted";
        int instances = 0;
        long bytes = 0;
        for (ArchiveDelete.StudyOutcome s : o.studies()) {
            instances += s.instances();
            bytes += s.bytes();
            out.printf("%s %s of study %s (patient %s): %d instances, %d files, %d bytes%n", verb,
                    s.wholeStudy() ? "all " + s.seriesIuids().size() + " series" : "series " + String.join(", ",
                            s.seriesIuids()), s.studyIuid(), s.patientId(), s.instances(), s.files(), s.bytes());
            if (s.xpacs().linked()) {
                out.printf("  XPACS: study link, %d history event of %s, %d heart models, %d baseline diagnoses%n",
                        s.xpacs().events(), s.xpacs().patientId8(), s.xpacs().models(), s.xpacs().baselines());
            }
        }
        out.printf("%s %d studies, %d instances, %d bytes%s%n", o.dryRun() ? "dry run: would delete" : "deleted",
                o.studies().size(), instances, bytes, o.dryRun() ? " (nothing changed)"
                        : o.patientsRemoved() > 0 ? "; " + o.patientsRemoved() + " patients left without studies removed"
                                : "");
    }
}
