package dev.accesspass.store;

import dev.accesspass.store.InMemoryTokenStore.AccessEntry;
import dev.accesspass.store.InMemoryTokenStore.CheckedPair;
import dev.accesspass.store.InMemoryTokenStore.Generation;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.ArrayList;
import java.util.List;

/**
 * The in-memory token store's index of live access tokens: digest to token pair, by open addressing with linear
 * probing over one array of the entries themselves, each of which holds its access digest's four words inline. An
 * entry is the pair ({@link Generation}) or, once a check remembered its answer, a {@link CheckedPair} in its place.
 * Reads take no lock; writes are made under this object's monitor. Thread-safe.
 *
 * <p>Why not a {@code ConcurrentHashMap}: a lookup there reads the table slot, the node, the key object and then the
 * value, four dependent reads that over a large store are each a cache miss. Here a lookup reads the slot and the
 * pair it names, which the check reads anyway (docs/BENCHMARKS.md §17). The digest is uniformly random and never
 * chosen by a client (only its lookup is), so its first word is the hash and clusters stay short.
 *
 * <p>Memory model, the same as the map's: a slot is written with release semantics after the pair is complete (its
 * fields are final anyway) and read with acquire semantics, so a check sees every pair put and every removal made
 * before it began. A removed pair leaves a marker so that probes for the pairs after it go on; markers are reused by
 * later puts and dropped when the array is rebuilt. A rebuilt array is published whole, and the array it replaced is
 * never written again, so a reader still probing it sees a consistent, if older, index.
 */
final class AccessIndex {
    private static final VarHandle SLOT = MethodHandles.arrayElementVarHandle(Object[].class);
    /** Where a pair was removed: probes go on past it. */
    private static final Object REMOVED = new Object();
    private static final int MIN_CAPACITY = 64;

    private volatile Object[] slots = new Object[MIN_CAPACITY];
    /** Pairs held; under the monitor. */
    private int live;
    /** Slots not null (pairs and markers); under the monitor. At most half the array, so every probe ends. */
    private int occupied;

    /** The entry whose access digest is {@code digest}, or null. */
    AccessEntry get(TokenHash digest) {
        Object[] table = slots;
        int mask = table.length - 1;
        for (int i = start(digest.w0, mask); ; i = (i + 1) & mask) {
            Object slot = SLOT.getAcquire(table, i);
            if (slot == null) {
                return null;
            }
            if (slot instanceof AccessEntry entry && entry.hasAccessHash(digest)) {
                return entry;
            }
        }
    }

    /** Adds a pair; its access digest is new (256 random bits), so no pair of the same digest is held. */
    synchronized void put(Generation pair) {
        if ((occupied + 1) * 2 > slots.length) {
            rebuild(live + 1);
        }
        Object[] table = slots;
        int mask = table.length - 1;
        int i = start(pair.a0, mask);
        while (table[i] != null && table[i] != REMOVED) {
            i = (i + 1) & mask;
        }
        if (table[i] == null) {
            occupied++;
        }
        SLOT.setRelease(table, i, pair);
        live++;
    }

    /** Removes this very pair (or the checked pair in its place), if held. */
    synchronized void remove(Generation pair) {
        int i = find(pair);
        if (i >= 0) {
            SLOT.setRelease(slots, i, REMOVED);
            live--;
            if (slots.length > MIN_CAPACITY && live * 16L < slots.length) {
                rebuild(live); // after a mass expiry: give the memory back
            }
        }
    }

    /**
     * Puts {@code checked} in the place of its pair's entry, if the pair is held and still holds the grant the
     * answer was built from. The grant is compared under this monitor, which {@link #forget} takes after the pair
     * dropped its grant: so either this sees the grant gone and does nothing, or {@code forget} comes after it and
     * takes the checked pair out again. Either way none survives a change of its grant.
     */
    synchronized void remember(CheckedPair checked) {
        Generation pair = checked.pair();
        int i = find(pair);
        if (i >= 0 && pair.grant == checked.grant()) {
            SLOT.setRelease(slots, i, checked); // the checked pair's fields are final: complete when published
        }
    }

    /** Puts the pair back in the place of the checked pair standing for it, if any: its answer is no more. */
    synchronized void forget(Generation pair) {
        int i = find(pair);
        if (i >= 0 && slots[i] != pair) {
            SLOT.setRelease(slots, i, pair);
        }
    }

    /** The slot of the entry standing for {@code pair}, or -1; under the monitor. */
    private int find(Generation pair) {
        Object[] table = slots;
        int mask = table.length - 1;
        for (int i = start(pair.a0, mask); table[i] != null; i = (i + 1) & mask) {
            if (table[i] instanceof AccessEntry entry && entry.pair() == pair) {
                return i;
            }
        }
        return -1;
    }

    /** Every access digest held; for tests. */
    synchronized List<TokenHash> digests() {
        List<TokenHash> digests = new ArrayList<>(live);
        for (Object slot : slots) {
            if (slot instanceof AccessEntry entry) {
                digests.add(entry.accessHash());
            }
        }
        return digests;
    }

    /** Pairs held; for tests. */
    synchronized int size() {
        return live;
    }

    /** Slots in the array; for tests. */
    synchronized int capacity() {
        return slots.length;
    }

    /**
     * A new array for {@code expected} pairs, a third full at most (so it grows by doubling once half full), holding
     * the entries but not the markers, published whole.
     */
    private void rebuild(int expected) {
        int capacity = MIN_CAPACITY;
        while (capacity < 3L * expected) {
            capacity <<= 1;
        }
        Object[] fresh = new Object[capacity];
        int mask = capacity - 1;
        for (Object slot : slots) {
            if (slot instanceof AccessEntry entry) {
                int i = start(entry.a0, mask);
                while (fresh[i] != null) {
                    i = (i + 1) & mask;
                }
                fresh[i] = entry;
            }
        }
        slots = fresh; // the volatile write publishes the filled array
        occupied = live;
    }

    private static int start(long firstWord, int mask) {
        return (int) firstWord & mask;
    }
}
