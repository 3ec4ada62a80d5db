package dev.kmp.receiver.kong;

/**
 * An open-addressing hash table whose entries remember the last scrape (generation) that used
 * them. {@link #sweep()} drops every entry the current scrape did not use, so what one target
 * stops sending is forgotten after one scrape and churn cannot grow the table forever.
 * Subclasses do their own probing with {@link #slots()} because each compares keys differently
 * (and must not allocate a key object to do so).
 */
abstract class GenerationalTable {
    abstract static class Entry {
        final int hash;
        int generation;

        Entry(int hash) {
            this.hash = hash;
        }
    }

    private static final int MIN_CAPACITY = 64;

    private Entry[] slots = new Entry[MIN_CAPACITY];
    private int size;
    private int generation;

    /** The slots to probe linearly from {@code hash & (length - 1)}; null ends a probe. */
    final Entry[] slots() {
        return slots;
    }

    final void touch(Entry e) {
        e.generation = generation;
    }

    /** Whether {@code e} was already used by the current scrape. */
    final boolean isCurrent(Entry e) {
        return e.generation == generation;
    }

    final void add(Entry e) {
        e.generation = generation;
        if ((size + 1) * 2 > slots.length) {
            slots = rehash(slots, slots.length * 2);
        }
        place(slots, e);
        size++;
    }

    final void nextGeneration() {
        generation++;
    }

    /** Forgets entries not used since {@link #nextGeneration()}; returns how many. */
    final int sweep() {
        int live = 0;
        for (Entry e : slots) {
            if (e != null && e.generation == generation) {
                live++;
            }
        }
        int removed = size - live;
        if (removed == 0) {
            return 0;
        }
        int capacity = MIN_CAPACITY;
        while (capacity < live * 2 + 2) {
            capacity *= 2;
        }
        Entry[] fresh = new Entry[capacity];
        for (Entry e : slots) {
            if (e != null && e.generation == generation) {
                place(fresh, e);
            }
        }
        slots = fresh;
        size = live;
        return removed;
    }

    final void clear() {
        slots = new Entry[MIN_CAPACITY];
        size = 0;
    }

    final int size() {
        return size;
    }

    private static Entry[] rehash(Entry[] old, int capacity) {
        Entry[] fresh = new Entry[capacity];
        for (Entry e : old) {
            if (e != null) {
                place(fresh, e);
            }
        }
        return fresh;
    }

    private static void place(Entry[] table, Entry e) {
        int mask = table.length - 1;
        int i = e.hash & mask;
        while (table[i] != null) {
            i = (i + 1) & mask;
        }
        table[i] = e;
    }
}
