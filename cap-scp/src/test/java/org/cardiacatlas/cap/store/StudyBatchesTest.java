package org.cardiacatlas.cap.store;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Group commit of one study's new instances: every store is written once, one group at a time. */
class StudyBatchesTest {

    private static StudyBatches.Item item() {
        return new StudyBatches.Item(new NewInstance(null, null, 1, 1, "1.2.3", "1.2.840.10008.5.1.4.1.1.4"), () -> { });
    }

    @Test
    void concurrentStoresOfOneStudyAreWrittenOnceInGroupsThatNeverOverlap() throws Exception {
        StudyBatches batches = new StudyBatches();
        int stores = 400;
        List<List<StudyBatches.Item>> groups = Collections.synchronizedList(new ArrayList<>());
        AtomicInteger writing = new AtomicInteger();
        AtomicInteger overlaps = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        CountDownLatch start = new CountDownLatch(1);
        List<StudyBatches.Item> items = new ArrayList<>();
        List<Future<Boolean>> results = new ArrayList<>();
        try {
            for (int i = 0; i < stores; i++) {
                StudyBatches.Item it = item();
                items.add(it);
                results.add(pool.submit(() -> {
                    start.await();
                    return batches.submit(7L, it, g -> {
                        if (writing.incrementAndGet() > 1) {
                            overlaps.incrementAndGet();
                        }
                        try {
                            // the study row is held meanwhile: the others queue up
                            Thread.sleep(1);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                        groups.add(List.copyOf(g));
                        writing.decrementAndGet();
                        return true;
                    });
                }));
            }
            start.countDown();
            for (Future<Boolean> r : results) {
                assertTrue(r.get());
            }
        } finally {
            pool.shutdownNow();
        }
        assertEquals(0, overlaps.get(), "one group of a study at a time");
        Set<StudyBatches.Item> written = new HashSet<>();
        int largest = 0;
        for (List<StudyBatches.Item> g : groups) {
            assertTrue(g.size() <= StudyBatches.MAX_GROUP);
            largest = Math.max(largest, g.size());
            for (StudyBatches.Item it : g) {
                assertTrue(written.add(it), "an instance written twice");
            }
        }
        assertEquals(new HashSet<>(items), written, "every store written");
        assertTrue(largest > 1, "stores that waited were written together");
        assertTrue(groups.size() < stores);
    }

    @Test
    void aGroupThatFailsLeavesEveryStoreToGoItsOwnWayAndTheNextGroupRuns() throws Exception {
        StudyBatches batches = new StudyBatches();
        assertFalse(batches.submit(3L, item(), g -> false));
        assertFalse(batches.submit(3L, item(), g -> {
            throw new IllegalStateException("database gone");
        }));
        // the study is not left locked by the failed groups
        assertTrue(batches.submit(3L, item(), g -> true));
    }
}
