package org.cardiacatlas.cap.commit;

import com.pixelmed.dicom.Attribute;
import com.pixelmed.dicom.AttributeList;
import com.pixelmed.dicom.TagFromName;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.cardiacatlas.cap.common.Audit;
import org.cardiacatlas.cap.common.Database;
import org.cardiacatlas.cap.retrieve.AeRow;
import org.cardiacatlas.cap.retrieve.LocatedInstance;
import org.cardiacatlas.cap.retrieve.RetrieveIndex;
import org.cardiacatlas.cap.scp.PeerRequests;
import org.cardiacatlas.cap.store.ArchiveStorage;
import org.cardiacatlas.cap.store.PacsIndex;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The storage commitment unit (PS3.4 J.3): keeps each accepted request in
 * {@code stgcmt_pending}, checks its instances (indexed, of the referenced SOP Class, file
 * present with the size and MD5 of its files row, read again), marks the committed ones
 * ({@code instance.commitment}), and delivers the N-EVENT-REPORT: on the request's own
 * association while it is open and the requester negotiated the role for it, else on a new
 * association to the requester's AE from the {@code ae} registry. A report the requester does
 * not take is tried again with a doubling delay, also after a restart, until it expires.
 */
public final class StorageCommitments implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StorageCommitments.class);
    private static final int LEASE_SECONDS = 300;
    private static final int MAX_DELAY_SECONDS = 3600;
    private static final long RESPONSE_TIMEOUT_MILLIS = 30_000;

    private final SqlSessionFactory sessions;
    private final RetrieveIndex retrieve;
    private final ArchiveStorage storage;
    private final PacsIndex index;
    private final String aet;
    private final int retrySeconds;
    private final int expirySeconds;
    private final org.cardiacatlas.cap.scp.Outbound outbound;
    private final String owner = UUID.randomUUID().toString();
    /** Requests whose report may go back on their own association, by row. */
    private final Map<Long, PeerRequests> sameAssociation = new ConcurrentHashMap<>();
    private final ScheduledExecutorService worker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "stgcmt");
        t.setDaemon(true);
        return t;
    });

    public StorageCommitments(SqlSessionFactory sessions, RetrieveIndex retrieve, ArchiveStorage storage,
            PacsIndex index, String aet, int retrySeconds, int expirySeconds) {
        this(sessions, retrieve, storage, index, aet, retrySeconds, expirySeconds,
                org.cardiacatlas.cap.scp.Outbound.withoutKeys());
    }

    /** @param outbound opens the reports' new associations, over TLS to requesters marked so */
    public StorageCommitments(SqlSessionFactory sessions, RetrieveIndex retrieve, ArchiveStorage storage,
            PacsIndex index, String aet, int retrySeconds, int expirySeconds, org.cardiacatlas.cap.scp.Outbound outbound) {
        this.outbound = outbound;
        this.sessions = sessions;
        this.retrieve = retrieve;
        this.storage = storage;
        this.index = index;
        this.aet = aet;
        this.retrySeconds = retrySeconds;
        this.expirySeconds = expirySeconds;
    }

    public static List<Class<?>> mappers() {
        return List.of(PendingMapper.class);
    }

    /** Starts the worker: reports left by an earlier run are picked up at once. */
    public void start() {
        worker.scheduleWithFixedDelay(this::runQuietly, 0, Math.min(retrySeconds, 5), TimeUnit.SECONDS);
    }

    /** A request as the N-ACTION-RQ gave it. */
    public record Request(String transactionUid, String requesterAet, String calledAet, String remote,
            List<Commitment.Item> items) {
    }

    /** Whether a report to this AE can go on a new association: it is in the ae registry. */
    public boolean knownRequester(String aeTitle) {
        AeRow ae = retrieve.destination(aeTitle);
        return ae != null && ae.hostname != null && ae.port != null;
    }

    /**
     * Records the request (committed before the N-ACTION-RSP goes out, so it survives a
     * restart); the check starts when {@link #kick()} is called after the response.
     *
     * @param channel the request's association if the report may go back on it, else null
     * @return the row's key
     */
    public long accept(Request rq, PeerRequests channel) {
        PendingRow row = new PendingRow();
        row.transactionUid = rq.transactionUid();
        row.requesterAet = rq.requesterAet();
        row.calledAet = rq.calledAet();
        row.remote = rq.remote();
        row.numRequested = rq.items().size();
        row.requested = Commitment.encode(rq.items());
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(PendingMapper.class).insert(row);
            s.commit(true);
        }
        if (channel != null) {
            sameAssociation.put(row.pk, channel);
        }
        return row.pk;
    }

    /** Looks for due work now rather than at the next tick. */
    public void kick() {
        try {
            worker.execute(this::runQuietly);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            // stopping: the row stays for the next start
        }
    }

    private void runQuietly() {
        try {
            while (runOnce() > 0) {
                // more may be due
            }
        } catch (RuntimeException e) {
            LOG.warn("storage commitment worker: {}", Database.rootMessage(e));
            LOG.debug("storage commitment worker", e);
        }
    }

    /** Works off what is due; returns how many rows it handled. */
    int runOnce() {
        List<PendingRow> due;
        try (SqlSession s = sessions.openSession(false)) {
            due = s.getMapper(PendingMapper.class).selectDue(expirySeconds, 20);
        }
        int n = 0;
        for (PendingRow row : due) {
            try (SqlSession s = sessions.openSession(false)) {
                int claimed = s.getMapper(PendingMapper.class).claim(row.pk, owner, LEASE_SECONDS);
                s.commit(true);
                if (claimed == 0) {
                    continue;
                }
            }
            n++;
            handle(row);
        }
        return n;
    }

    private void handle(PendingRow row) {
        if (Boolean.TRUE.equals(row.expired)) {
            LOG.warn("storage commitment {} of {} expired after {} attempts, report not delivered: {}",
                    row.transactionUid, row.requesterAet, row.attempts, row.lastError);
            audit(row, "expired").with("kind", "report").with("attempts", row.attempts).with("detail", row.lastError).write();
            delete(row.pk);
            sameAssociation.remove(row.pk);
            return;
        }
        List<Commitment.Item> outcome;
        try {
            if ("CHECK".equals(row.state)) {
                outcome = check(row, Commitment.decode(row.requested));
                int failed = Commitment.failed(outcome);
                try (SqlSession s = sessions.openSession(false)) {
                    s.getMapper(PendingMapper.class).saveOutcome(row.pk, Commitment.encode(outcome), failed);
                    s.commit(true);
                }
            } else {
                outcome = Commitment.decode(row.outcome);
            }
        } catch (RuntimeException e) {
            reschedule(row, "check failed: " + Database.rootMessage(e));
            return;
        }
        deliver(row, outcome);
    }

    /** PS3.4 J.3.2: what is durable now is committed; the rest fails with its reason. */
    private List<Commitment.Item> check(PendingRow row, List<Commitment.Item> requested) {
        Map<String, LocatedInstance> found = new HashMap<>();
        List<String> uids = new ArrayList<>();
        for (Commitment.Item i : requested) {
            uids.add(i.sopInstanceUid());
        }
        for (int i = 0; i < uids.size(); i += 500) {
            for (LocatedInstance li : retrieve.locate(null, null, null, uids.subList(i, Math.min(uids.size(), i + 500)))) {
                found.put(li.sopIuid, li);
            }
        }
        List<Commitment.Item> out = new ArrayList<>(requested.size());
        List<String> committed = new ArrayList<>();
        List<String> missing = new ArrayList<>();
        for (Commitment.Item i : requested) {
            LocatedInstance li = found.get(i.sopInstanceUid());
            int reason;
            if (li == null) {
                reason = Commitment.NO_SUCH_OBJECT_INSTANCE;
                missing.add(i.sopInstanceUid());
            } else if (!i.sopClassUid().equals(li.sopCuid)) {
                reason = Commitment.CLASS_INSTANCE_CONFLICT;
                LOG.warn("storage commitment {}: instance {} of study {}, patient {} is stored as SOP Class {}, "
                        + "the request says {}: failure 0119", row.transactionUid, li.sopIuid, li.studyIuid, li.patId,
                        li.sopCuid, i.sopClassUid());
            } else {
                try {
                    storage.verify(li);
                    reason = 0;
                    committed.add(li.sopIuid);
                } catch (IOException e) {
                    reason = Commitment.PROCESSING_FAILURE;
                    LOG.warn("storage commitment {}: instance {} of study {}, patient {} not committed: {}: failure 0110",
                            row.transactionUid, li.sopIuid, li.studyIuid, li.patId, e.getMessage());
                }
            }
            out.add(new Commitment.Item(i.sopClassUid(), i.sopInstanceUid(), reason));
        }
        if (!missing.isEmpty()) {
            LOG.warn("storage commitment {}: {} of {} instances not in the archive (not received, or not yet): "
                    + "failure 0112: {}{}", row.transactionUid, missing.size(), requested.size(),
                    String.join(", ", missing.subList(0, Math.min(5, missing.size()))), missing.size() > 5 ? ", ..." : "");
        }
        index.markCommitted(committed);
        LOG.info("storage commitment {} of {} checked: {} committed, {} failed", row.transactionUid, row.requesterAet,
                committed.size(), requested.size() - committed.size());
        return out;
    }

    private void deliver(PendingRow row, List<Commitment.Item> outcome) {
        int failed = Commitment.failed(outcome);
        int eventType = failed == 0 ? Commitment.ALL_COMMITTED : Commitment.SOME_FAILED;
        AttributeList info = Commitment.eventInformation(row.transactionUid, outcome, aet);
        String via;
        int status;
        String sameFailure = null;
        PeerRequests channel = sameAssociation.remove(row.pk);
        try {
            if (channel != null && channel.open()) {
                try {
                    AttributeList rsp = channel.request(Commitment.SOP_CLASS,
                            id -> Commitment.eventReportCommand(id, eventType), info, RESPONSE_TIMEOUT_MILLIS);
                    status = Attribute.getSingleIntegerValueOrDefault(rsp, TagFromName.Status, -1);
                    via = "same association";
                    finish(row, outcome, eventType, status, via);
                    return;
                } catch (IOException e) {
                    sameFailure = e.getMessage();
                    LOG.info("storage commitment {}: report on the request's association failed ({}), "
                            + "trying a new association", row.transactionUid, e.getMessage());
                }
            }
            AeRow ae = retrieve.destination(row.requesterAet);
            if (ae == null || ae.hostname == null || ae.port == null) {
                throw new IOException("requester " + row.requesterAet + " is not in the ae registry (capserver ae add)");
            }
            status = EventReportScu.send(outbound, ae, row.calledAet, eventType, info);
            via = "new association";
        } catch (IOException | RuntimeException e) {
            String why = (sameFailure != null ? sameFailure + "; " : "") + e.getMessage();
            reschedule(row, why);
            return;
        }
        finish(row, outcome, eventType, status, via);
    }

    private void finish(PendingRow row, List<Commitment.Item> outcome, int eventType, int status, String via) {
        int failed = Commitment.failed(outcome);
        if (status != 0) {
            // the requester refused the report: it has not taken it, so it is tried again
            reschedule(row, String.format("requester answered N-EVENT-REPORT with status %04X", status));
            return;
        }
        delete(row.pk);
        LOG.info("storage commitment {} reported to {} on {} (event type {}): {} committed, {} failed",
                row.transactionUid, row.requesterAet, via, eventType, outcome.size() - failed, failed);
        audit(row, String.format("%04X", status)).with("kind", "report").with("event", eventType)
                .with("committed", outcome.size() - failed).with("failed", failed).with("via", via)
                .with("attempts", row.attempts + 1).write();
    }

    private void reschedule(PendingRow row, String why) {
        int attempts = row.attempts == null ? 0 : row.attempts;
        int delay = (int) Math.min(MAX_DELAY_SECONDS, (long) retrySeconds << Math.min(attempts, 20));
        LOG.warn("storage commitment {}: report to {} not delivered (attempt {}), next attempt in {} s: {}",
                row.transactionUid, row.requesterAet, attempts + 1, delay, why);
        audit(row, "retry").with("kind", "report").with("attempts", attempts + 1).with("detail", why).write();
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(PendingMapper.class).reschedule(row.pk, delay, why);
            s.commit(true);
        }
    }

    private void delete(long pk) {
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(PendingMapper.class).delete(pk);
            s.commit(true);
        }
    }

    private Audit.Event audit(PendingRow row, String status) {
        return Audit.event("STGCMT").with("calling", row.requesterAet).with("called", row.calledAet)
                .with("remote", row.remote).with("status", status).with("transaction", row.transactionUid)
                .with("instances", row.numRequested);
    }

    /** The reports not yet delivered, oldest first: for capserver status. */
    public static List<PendingRow> pending(SqlSessionFactory sessions, int limit) {
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(PendingMapper.class).selectAll(limit);
        }
    }

    public static long pendingCount(SqlSessionFactory sessions) {
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(PendingMapper.class).count();
        }
    }

    /** Stops the worker; rows this node held are released for the next start or the other node. */
    @Override
    public void close() {
        worker.shutdownNow();
        try {
            worker.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(PendingMapper.class).release(owner);
            s.commit(true);
        } catch (RuntimeException e) {
            LOG.warn("cannot release storage commitment rows: {}", Database.rootMessage(e));
        }
    }
}
