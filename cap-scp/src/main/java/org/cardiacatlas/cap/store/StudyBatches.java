package org.cardiacatlas.cap.store;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;

/**
 * Group commit of new instances of one study (issue 16): every store into a study locks its
 * row until it commits, so associations sending one study take turns. While one transaction
 * holds the row, the stores that arrive queue up, and the next of them writes all of them in one
 * transaction: one lock, one round trip and one log flush for the group. A store alone is its
 * own group, at once, on its own thread.
 */
final class StudyBatches {

    /** At most this many instances in one transaction. */
    static final int MAX_GROUP = 64;

    /** One store waiting for its group: its thread is told to lead a group, or that it is done. */
    static final class Item {
        final NewInstance instance;
        final PacsIndex.BeforeCommit placed;
        private final CompletableFuture<Boolean> turn = new CompletableFuture<>();
        /** The group committed it (false: it was not committed, and the store goes its own way). */
        private boolean committed;

        Item(NewInstance instance, PacsIndex.BeforeCommit placed) {
            this.instance = instance;
            this.placed = placed;
        }
    }

    private static final class Queue {
        final ArrayDeque<Item> waiting = new ArrayDeque<>();
        boolean leading;
    }

    private final ConcurrentHashMap<Long, Queue> queues = new ConcurrentHashMap<>();

    /**
     * Writes this new instance with whatever other stores of its study wait meanwhile.
     *
     * @param write writes and commits one group, true when it did (false: none of it is written)
     * @return whether it is committed; false: the caller stores it on its own
     */
    boolean submit(long studyPk, Item item, Function<List<Item>, Boolean> write) {
        Queue q = queues.computeIfAbsent(studyPk, k -> new Queue());
        synchronized (q) {
            q.waiting.add(item);
            if (!q.leading) {
                q.leading = true;
                item.turn.complete(true);
            }
        }
        if (!item.turn.join()) {
            return item.committed;
        }
        List<Item> group = new ArrayList<>();
        boolean ok = false;
        try {
            synchronized (q) {
                for (Item i; group.size() < MAX_GROUP && (i = q.waiting.poll()) != null; ) {
                    group.add(i);
                }
            }
            ok = write.apply(group);
        } catch (RuntimeException e) {
            ok = false;
        } finally {
            for (Item i : group) {
                i.committed = ok;
            }
            synchronized (q) {
                Item next = q.waiting.peek();
                if (next != null) {
                    // the next group is led by the thread of its first store, not by this one
                    next.turn.complete(true);
                } else {
                    q.leading = false;
                    queues.remove(studyPk, q);
                }
            }
            for (Item i : group) {
                if (i != item) {
                    i.turn.complete(false);
                }
            }
        }
        return item.committed;
    }
}
