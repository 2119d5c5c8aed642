package org.cardiacatlas.cap.store;

import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This node's store_pending rows (dbase/pacs/V28): numbered here, written by the store's own
 * transaction, and removed in batches once their folders are durable, so that a store pays no
 * round trip for them. A row whose removal is lost with the process is healed at the next start
 * like one a crash left.
 */
final class PendingStores {

    private static final Logger LOG = LoggerFactory.getLogger(PendingStores.class);
    private static final int BATCH = 500;
    /**
     * How often durable rows are removed. Each removal is a transaction whose commit flushes the
     * redo log on the disk the stores' commits and fsyncs wait for; a row that stays longer costs
     * nothing (a crash meanwhile only leaves it for the heal at the next start).
     */
    private static final long INTERVAL_MS = 200;

    private final SqlSessionFactory sessions;
    private final String node;
    /** Numbers of this run start above every earlier run's (microseconds at the start). */
    private final AtomicLong tokens = new AtomicLong(System.currentTimeMillis() * 1000);
    private final ConcurrentLinkedQueue<Long> durable = new ConcurrentLinkedQueue<>();
    private final ScheduledExecutorService remover = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "store-pending");
        t.setDaemon(true);
        return t;
    });
    private volatile boolean failing;

    PendingStores(SqlSessionFactory sessions, String node) {
        this(sessions, node, INTERVAL_MS);
    }

    /** @param intervalMs between passes of {@link #removeAllDurable} (a test runs its passes itself) */
    PendingStores(SqlSessionFactory sessions, String node, long intervalMs) {
        this.sessions = sessions;
        this.node = node;
        remover.scheduleWithFixedDelay(this::removeAllDurable, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    String node() {
        return node;
    }

    long nextToken() {
        return tokens.incrementAndGet();
    }

    void durable(long token) {
        durable.add(token);
    }

    List<PendingStore> select(long token) {
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(StorePendingMapper.class).selectOne(node, token);
        }
    }

    List<PendingStore> toHeal(Duration staleAfter) {
        try (SqlSession s = sessions.openSession(false)) {
            return s.getMapper(StorePendingMapper.class).selectToHeal(node,
                    Timestamp.from(Instant.now().minus(staleAfter)), 10_000);
        }
    }

    void delete(String ofNode, List<Long> list) {
        try (SqlSession s = sessions.openSession(false)) {
            s.getMapper(StorePendingMapper.class).delete(ofNode, list);
            s.commit();
        }
    }

    /** Removes what is durable, in batches, until nothing is left or the database fails. */
    void removeAllDurable() {
        while (removeDurable() == BATCH) {
            // more arrived than one batch holds: the next batch now, not one interval later
        }
    }

    /** @return how many rows were removed (0: none waiting, or the database failed) */
    private int removeDurable() {
        List<Long> batch = new ArrayList<>();
        for (Long t; batch.size() < BATCH && (t = durable.poll()) != null; ) {
            batch.add(t);
        }
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            delete(node, batch);
            if (failing) {
                failing = false;
                LOG.info("store_pending rows are removed again");
            }
            return batch.size();
        } catch (RuntimeException e) {
            // kept for the next attempt; the next start heals them if the node stops first
            durable.addAll(batch);
            if (!failing) {
                failing = true;
                LOG.warn("cannot remove {} store_pending rows of durable instances (retrying): {}", batch.size(),
                        e.toString());
            }
            return 0;
        }
    }

    void close() {
        remover.shutdown();
        try {
            remover.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        while (!durable.isEmpty()) {
            int before = durable.size();
            removeDurable();
            if (durable.size() >= before) {
                LOG.warn("{} store_pending rows left for the next start to heal", durable.size());
                return;
            }
        }
    }
}
