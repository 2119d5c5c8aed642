package org.cardiacatlas.cap.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import org.apache.ibatis.session.SqlSession;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.store.StoreCompression;

/**
 * {@code capserver status}: what the archive holds (from the database) and what the server has
 * done in the last 24 hours (from the audit log), and where XPACS stands.
 */
public final class StatusCommand {

    private StatusCommand() {
    }

    public static int run(Database db, Path logDir, PrintStream out) throws IOException {
        try (SqlSession s = db.sessions().openSession(false)) {
            StatusMapper m = s.getMapper(StatusMapper.class);
            Long bytes = m.bytes();
            out.println("archive");
            out.printf("  patients   %d%n  studies    %d%n  series     %d%n  instances  %d%n  bytes      %d (%s)%n",
                    m.patients(), m.studies(), m.series(), m.instances(), bytes == null ? 0 : bytes,
                    human(bytes == null ? 0 : bytes));
            long pending = m.xpacsPending();
            out.println("xpacs");
            try (SqlSession x = db.xpacsSessions().openSession(false)) {
                StatusMapper xm = x.getMapper(StatusMapper.class);
                out.printf("  patients   %d%n  studies    %d%n", xm.xpacsPatients(), xm.xpacsStudies());
            } catch (RuntimeException e) {
                out.println("  unreachable: " + e.getMessage());
            }
            out.printf("  pending    %d%s%n", pending, pending == 0 ? " (in step with PACS)" : " (waiting for XPACS)");
            long[] compressed = StoreCompression.saved(db.sessions());
            out.println("store compression");
            out.printf("  files      %d%n  saved      %d (%s)%n", compressed[0], compressed[1], human(compressed[1]));
        }
        storageCommitment(db, out);
        Instant since = Instant.now().minus(Duration.ofHours(24));
        long[] n = new long[6];
        new AuditReader(logDir).forEach(e -> {
            if (e.time().isBefore(since)) {
                return;
            }
            switch (e.get("op")) {
                case "ASSOCIATION" -> {
                    n[0]++;
                    if (e.get("status").equals("aborted")) {
                        n[1]++;
                    }
                }
                case "ASSOCIATE", "CONNECT" -> n[2]++;
                case "C-STORE" -> {
                    if (e.get("status").equals("0000")) {
                        n[3]++;
                        n[4] += Long.parseLong(e.get("bytes").isEmpty() ? "0" : e.get("bytes"));
                    }
                }
                default -> {
                    // counted below
                }
            }
            if (e.failure() && !e.get("op").equals("ASSOCIATION")) {
                n[5]++;
            }
        });
        out.println("last 24 hours");
        out.printf("  associations  %d (%d aborted), %d refused%n", n[0], n[1], n[2]);
        out.printf("  stores        %d (%s)%n", n[3], human(n[4]));
        out.printf("  failures      %d%n", n[5]);
        return 0;
    }

    /** Storage commitment reports not yet delivered (stgcmt_pending), the oldest ten listed. */
    private static void storageCommitment(Database db, PrintStream out) {
        long n = org.cardiacatlas.cap.commit.StorageCommitments.pendingCount(db.sessions());
        out.println("storage commitment");
        out.printf("  pending reports  %d%n", n);
        for (org.cardiacatlas.cap.commit.PendingRow r : org.cardiacatlas.cap.commit.StorageCommitments.pending(
                db.sessions(), 10)) {
            out.printf("    %s  %s  to %s, %d instances, %s, %d attempts%s%n",
                    java.time.format.DateTimeFormatter.ISO_INSTANT.format(r.createdTime.toInstant()), r.transactionUid,
                    r.requesterAet, r.numRequested, "CHECK".equals(r.state) ? "not yet checked"
                            : (r.numFailed == null ? 0 : r.numFailed) + " failed",
                    r.attempts, r.lastError == null ? "" : ", last error: " + r.lastError);
        }
    }

    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format("%.1f %s", v, units[u]);
    }
}
