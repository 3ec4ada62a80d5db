package dev.kmp.receiver.kong;

/**
 * An open-addressing hash table whose entries remember the last scrape (generation) that used
 * them. {@link #sweep()} drops every entry the current scrape did not use, so what one target
 * stops sending is forgotten after one scrape and churn cannot grow the table forever.
 *
 * <p>The hashes sit in an array of their own beside the slots (0 marks a free slot, so a hash
 * of 0 is stored as 1): a probe reads ints from one contiguous array and reaches into an entry
 * (a cache miss on a table of tens of thousands) only when the hash matches. Subclasses compare keys their own way (without allocating a key
 * object) over the candidates {@link #firstCandidate}/{@link #nextCandidate} hand out.
 */
abstract class GenerationalTable {
    abstract static class Entry {
        int generation;
    }

    private static final int MIN_CAPACITY = 64;

    private Entry[] slots = new Entry[MIN_CAPACITY];
    private int[] hashes = new int[MIN_CAPACITY];
    private int size;
    private int generation;
    private int used; // entries touched or added since nextGeneration()

    /** The first slot on the probe path of {@code hash} whose entry has that hash, or -1. */
    final int firstCandidate(int hash) {
        int h = stored(hash);
        return scan(h & (slots.length - 1), h);
    }

    /** The next such slot after {@code slot}, or -1 when the probe path ends. */
    final int nextCandidate(int slot, int hash) {
        return scan((slot + 1) & (slots.length - 1), stored(hash));
    }

    private static int stored(int hash) {
        return hash == 0 ? 1 : hash;
    }

    final Entry entryAt(int slot) {
        return slots[slot];
    }

    private int scan(int i, int hash) {
        int[] h = hashes;
        int mask = h.length - 1;
        for (int stored = h[i]; stored != 0; stored = h[i]) {
            if (stored == hash) {
                return i;
            }
            i = (i + 1) & mask;
        }
        return -1;
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
        if ((size + 1) * 2 > slots.length) {
            resize(slots.length * 2, false);
        }
        place(slots, hashes, e, stored(hash));
        size++;
    }

    final void nextGeneration() {
        generation++;
        used = 0;
    }

    /** Forgets entries not used since {@link #nextGeneration()}; returns how many. */
    final int sweep() {
        int removed = size - used;
        if (removed == 0) {
            return 0; // a steady scrape used everything: nothing to scan
        }
        int capacity = MIN_CAPACITY;
        while (capacity < used * 2 + 2) {
            capacity *= 2;
        }
        resize(capacity, true);
        size = used;
        return removed;
    }

    final void clear() {
        slots = new Entry[MIN_CAPACITY];
        hashes = new int[MIN_CAPACITY];
        size = 0;
        used = 0;
    }

    final int size() {
        return size;
    }

    private void resize(int capacity, boolean currentOnly) {
        Entry[] freshSlots = new Entry[capacity];
        int[] freshHashes = new int[capacity];
        for (int i = 0; i < slots.length; i++) {
            Entry e = slots[i];
            if (e != null && (!currentOnly || e.generation == generation)) {
                place(freshSlots, freshHashes, e, hashes[i]);
            }
        }
        slots = freshSlots;
        hashes = freshHashes;
    }

    private static void place(Entry[] table, int[] tableHashes, Entry e, int hash) {
        int mask = table.length - 1;
        int i = hash & mask;
        while (tableHashes[i] != 0) {
            i = (i + 1) & mask;
        }
        table[i] = e;
        tableHashes[i] = hash;
    }
}
