package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;
import java.util.Arrays;
import java.util.Objects;

/**
 * Positions of the series of one family by (sample name, labels), to find duplicates and the
 * histogram a {@code _count} line belongs to. Open addressing over one {@code long[]} whose slots
 * hold the hash and the position together, so a probe reads one array and looks at a series only
 * when the hash matches; sized up front from the family's size in the previous scrape, so a
 * steady scrape never rehashes. No entry object or boxed position per series.
 */
final class SeriesIndex {
    private long[] slots; // (hash << 32) | (position + 1); 0 marks a free slot
    private String[] names;
    private Labels[] labelSets;
    private int size;

    SeriesIndex(int expectedSeries) {
        int capacity = 16;
        while (capacity < expectedSeries * 2 + 2) {
            capacity *= 2;
        }
        slots = new long[capacity];
        names = new String[Math.max(8, expectedSeries)];
        labelSets = new Labels[names.length];
    }

    /**
     * The position of the series: {@code size()} before the call when it is new (and now added),
     * else {@code ~position} of the existing one.
     */
    int findOrAdd(String name, Labels labels) {
        int hash = ByteText.spread(labels.hashCode() * 31 + (name == null ? 0 : name.hashCode()));
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            long slot = slots[i];
            if (slot == 0) {
                int position = append(name, labels);
                slots[i] = ((long) hash << 32) | (position + 1L);
                if (size * 2 > slots.length) {
                    rehash();
                }
                return position;
            }
            if (GenerationalTable.sameTag(slot, hash)) { // see there why only a byte of the hash
                int position = (int) slot - 1;
                // The parser hands out one Labels instance per label set, so identity settles nearly every hit.
                Labels existing = labelSets[position];
                if ((existing == labels || existing.equals(labels)) && Objects.equals(names[position], name)) {
                    return ~position;
                }
            }
        }
    }

    int size() {
        return size;
    }

    private int append(String name, Labels labels) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            labelSets = Arrays.copyOf(labelSets, size * 2);
        }
        names[size] = name;
        labelSets[size] = labels;
        return size++;
    }

    private void rehash() {
        long[] fresh = new long[slots.length * 2];
        int mask = fresh.length - 1;
        for (long slot : slots) {
            if (slot != 0) {
                int i = (int) (slot >>> 32) & mask;
                while (fresh[i] != 0) {
                    i = (i + 1) & mask;
                }
                fresh[i] = slot;
            }
        }
        slots = fresh;
    }
}
