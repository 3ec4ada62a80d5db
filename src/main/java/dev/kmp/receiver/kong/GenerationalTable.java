package dev.kmp.receiver.kong;

import java.util.Arrays;

/**
 * An open-addressing hash table whose entries remember the last scrape (generation) that used
 * them. {@link #sweep()} drops every entry the current scrape did not use, so what one target
 * stops sending is forgotten after one scrape and churn cannot grow the table forever.
 *
 * <p>A slot is one long holding the hash and the entry's index (0 marks a free slot); the entries
 * sit in a dense array in the order they were added. A probe reads longs from one contiguous
 * array and reaches into an entry only when the hash matches, and adding writes one random slot
 * (the entry goes to the end of the dense array): on a first scrape, which adds tens of thousands
 * of entries, that is one cache miss per entry fewer than a second array of slots would cost.
 * Subclasses compare keys their own way (without allocating a key object) over the candidates
 * {@link #firstCandidate}/{@link #nextCandidate} hand out.
 */
abstract class GenerationalTable {
    abstract static class Entry {
        int generation; // GONE once the table dropped it

        /** Whether the table still holds this entry: a reference kept elsewhere may outlive it. */
        final boolean held() {
            return generation != GONE;
        }

        /** Called as the table drops the entry: let go of what only it needed. */
        void dropped() {
        }
    }

    private static final int GONE = Integer.MIN_VALUE;

    private static final int MIN_CAPACITY = 64;

    private long[] slots = new long[MIN_CAPACITY]; // (hash << 32) | (index in entries + 1); 0 = free
    private Entry[] entries = new Entry[MIN_CAPACITY / 2];
    private int size; // entries in the table
    private int end; // of the used part of entries, holes (see sweep) included
    private int generation;
    private int used; // entries touched or added since nextGeneration()

    /** The first slot on the probe path of {@code hash} whose entry has that hash, or -1. */
    final int firstCandidate(int hash) {
        return scan(hash & (slots.length - 1), hash);
    }

    /** The next such slot after {@code slot}, or -1 when the probe path ends. */
    final int nextCandidate(int slot, int hash) {
        return scan((slot + 1) & (slots.length - 1), hash);
    }

    final Entry entryAt(int slot) {
        return entries[(int) slots[slot] - 1];
    }

    private int scan(int i, int hash) {
        long[] s = slots;
        int mask = s.length - 1;
        for (long slot = s[i]; slot != 0; slot = s[i]) {
            if (sameTag(slot, hash)) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
    }

    /**
     * Whether a slot's entry is a candidate for {@code hash}: the top byte of its hash is the same.
     * Comparing all 32 bits would hand out a wrong candidate only on a true collision, which small
     * tables never have; code compiled on small tables (the start-up warm-up) then met that branch
     * first at a large target's first scrape and was thrown away there (JFR: the parse loop
     * deoptimised, its C2 code back only 25-70 ms later). With a byte, one occupied slot in 256 is
     * a candidate whose key does not match: a compare that fails fast, and a branch every table takes.
     */
    static boolean sameTag(long slot, int hash) {
        return (int) (slot >>> 56) == hash >>> 24;
    }

    final void touch(Entry e) {
        if (e.generation != generation) {
            e.generation = generation;
            used++;
        }
    }

    final void add(Entry e, int hash) {
        e.generation = generation;
        used++;
        insert(e, hash);
    }

    /**
     * Adds an entry without marking it used by this scrape (an entry made in an earlier scrape
     * and indexed only now): {@link #touch} marks it when this scrape meets it.
     */
    final void insert(Entry e, int hash) {
        if ((size + 1) * 2 > slots.length) {
            rehash(slots.length * 2);
        }
        if (end == entries.length) {
            entries = Arrays.copyOf(entries, end * 2);
        }
        entries[end] = e;
        place(slots, slotOf(hash, end));
        end++;
        size++;
    }

    /** Makes room for {@code more} entries at once, so adding them grows the table once at most. */
    final void reserve(int more) {
        int capacity = slots.length;
        while ((size + more) * 2 > capacity) {
            capacity *= 2;
        }
        if (capacity != slots.length) {
            rehash(capacity);
        }
        if (end + more > entries.length) {
            entries = Arrays.copyOf(entries, end + more);
        }
    }

    final void nextGeneration() {
        generation++;
        used = 0;
    }

    /**
     * Forgets entries not used since {@link #nextGeneration()}; returns how many.
     *
     * <p>A few (a series Kong stopped writing, a status code a route no longer answers with) are
     * taken out where they are: their slots by moving the rest of their probe runs back, their
     * places in the dense array left as holes. Rebuilding the table for them cost a scrape ~10 ms
     * at 5000 Kong services (every kept entry placed again in a fresh array of megabytes). Many,
     * or holes past a quarter of the entries, rebuild it, which also closes the holes.
     */
    final int sweep() {
        int removed = size - used;
        if (removed == 0) {
            return 0; // a steady scrape used everything: nothing to scan
        }
        if (removed * 8 > size || (end - size) + removed > size / 4) {
            rebuild();
        } else {
            removeUnused(removed);
        }
        return removed;
    }

    private void removeUnused(int removed) {
        long[] gone = new long[removed];
        int n = 0;
        for (long slot : slots) {
            if (slot != 0 && entries[(int) slot - 1].generation != generation) {
                if (n == removed) {
                    rebuild(); // more than the count said: never expected, and a rebuild is always right
                    return;
                }
                gone[n++] = slot;
            }
        }
        for (int i = 0; i < n; i++) {
            int index = (int) gone[i] - 1;
            drop(entries[index]);
            entries[index] = null;
            remove(gone[i]);
        }
        size -= n;
    }

    /** Takes {@code slot} out of the slots, moving back the entries after it on its probe run. */
    private void remove(long slot) {
        long[] s = slots;
        int mask = s.length - 1;
        int hole = (int) (slot >>> 32) & mask;
        while (s[hole] != slot) {
            hole = (hole + 1) & mask;
        }
        for (int j = (hole + 1) & mask; s[j] != 0; j = (j + 1) & mask) {
            int home = (int) (s[j] >>> 32) & mask;
            // s[j] may move to the hole when the hole lies on its probe path (from home to j).
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                s[hole] = s[j];
                hole = j;
            }
        }
        s[hole] = 0;
    }

    private void rebuild() {
        int capacity = MIN_CAPACITY;
        while (capacity < used * 2 + 2) {
            capacity *= 2;
        }
        long[] freshSlots = new long[capacity];
        Entry[] kept = new Entry[Math.max(MIN_CAPACITY / 2, used)];
        int k = 0;
        for (long slot : slots) {
            if (slot != 0) {
                Entry e = entries[(int) slot - 1];
                if (e.generation == generation) {
                    kept[k] = e;
                    place(freshSlots, slotOf((int) (slot >>> 32), k));
                    k++;
                } else {
                    drop(e);
                }
            }
        }
        slots = freshSlots;
        entries = kept;
        size = k;
        end = k;
    }

    final void clear() {
        for (int i = 0; i < end; i++) {
            if (entries[i] != null) {
                drop(entries[i]);
            }
        }
        slots = new long[MIN_CAPACITY];
        entries = new Entry[MIN_CAPACITY / 2];
        size = 0;
        end = 0;
        used = 0;
    }

    final int size() {
        return size;
    }

    private static void drop(Entry e) {
        e.generation = GONE;
        e.dropped();
    }

    private static long slotOf(int hash, int index) {
        return ((long) hash << 32) | (index + 1L);
    }

    // Growing keeps every entry where it is in the dense array: only the slots move.
    private void rehash(int capacity) {
        long[] fresh = new long[capacity];
        for (long slot : slots) {
            if (slot != 0) {
                place(fresh, slot);
            }
        }
        slots = fresh;
    }

    private static void place(long[] table, long slot) {
        int mask = table.length - 1;
        int i = (int) (slot >>> 32) & mask;
        while (table[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = slot;
    }
}
