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
        this.sessions = sessions;
        this.node = node;
        remover.scheduleWithFixedDelay(this::removeDurable, 20, 20, TimeUnit.MILLISECONDS);
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

    private void removeDurable() {
        List<Long> batch = new ArrayList<>();
        for (Long t; batch.size() < BATCH && (t = durable.poll()) != null; ) {
            batch.add(t);
        }
        if (batch.isEmpty()) {
            return;
        }
        try {
            delete(node, batch);
            if (failing) {
                failing = false;
                LOG.info("store_pending rows are removed again");
            }
        } catch (RuntimeException e) {
            // kept for the next attempt; the next start heals them if the node stops first
            durable.addAll(batch);
            if (!failing) {
                failing = true;
                LOG.warn("cannot remove {} store_pending rows of durable instances (retrying): {}", batch.size(),
                        e.toString());
            }
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
