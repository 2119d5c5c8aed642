package org.cardiacatlas.cap.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.ibatis.session.SqlSession;
import org.apache.ibatis.session.SqlSessionFactory;
import org.junit.jupiter.api.Test;

/** The removal of durable store_pending rows, against a recording stand-in for the database. */
class PendingStoresTest {

    /** Each DELETE's token count and the tokens, in order; {@code failing} makes DELETE throw. */
    private final List<Integer> deletes = new CopyOnWriteArrayList<>();
    private final List<Long> deleted = new CopyOnWriteArrayList<>();
    private final AtomicBoolean failing = new AtomicBoolean();

    private SqlSessionFactory database() {
        StorePendingMapper mapper = (StorePendingMapper) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {StorePendingMapper.class}, (p, m, args) -> {
                    if (!m.getName().equals("delete")) {
                        throw new UnsupportedOperationException(m.getName());
                    }
                    if (failing.get()) {
                        throw new org.apache.ibatis.exceptions.PersistenceException("database away");
                    }
                    @SuppressWarnings("unchecked")
                    List<Long> tokens = (List<Long>) args[1];
                    deletes.add(tokens.size());
                    deleted.addAll(tokens);
                    return tokens.size();
                });
        SqlSession session = (SqlSession) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SqlSession.class}, (p, m, args) -> switch (m.getName()) {
                    case "getMapper" -> mapper;
                    case "commit", "close" -> null;
                    default -> throw new UnsupportedOperationException(m.getName());
                });
        return (SqlSessionFactory) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {SqlSessionFactory.class}, (p, m, args) -> {
                    if (m.getName().equals("openSession")) {
                        return session;
                    }
                    throw new UnsupportedOperationException(m.getName());
                });
    }

    @Test
    void onePassRemovesEveryDurableRowInBatchesAndNothingTwice() {
        // an interval no test outlives: the pass runs when the test says
        PendingStores p = new PendingStores(database(), "host:104", 3_600_000);
        List<Long> tokens = new ArrayList<>();
        for (int i = 0; i < 1234; i++) {
            long t = p.nextToken();
            tokens.add(t);
            p.durable(t);
        }
        p.removeAllDurable();
        // three transactions in one pass, not one batch per interval
        assertEquals(List.of(500, 500, 234), deletes);
        assertEquals(tokens, deleted, "every durable row removed once, in order");
        p.removeAllDurable();
        p.close();
        assertEquals(3, deletes.size(), "nothing left to remove");
    }

    @Test
    void rowsWaitWhileTheDatabaseIsAwayAndAreRemovedAtClose() throws Exception {
        PendingStores p = new PendingStores(database(), "host:104", 20);
        failing.set(true);
        for (int i = 0; i < 10; i++) {
            p.durable(p.nextToken());
        }
        Thread.sleep(500);
        assertTrue(deleted.isEmpty());
        failing.set(false);
        p.close();
        assertEquals(10, deleted.size(), "kept through the failures, removed at close");
    }
}
