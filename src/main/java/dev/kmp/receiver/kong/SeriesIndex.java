package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;
import java.util.Arrays;
import java.util.Objects;

/**
 * Positions of the series of one family by (sample name, labels), to find duplicates and the
 * histogram a {@code _count} line belongs to. Open addressing over parallel arrays: no entry
 * object or boxed position per series.
 */
final class SeriesIndex {
    private int[] slots = new int[16]; // position + 1; 0 marks a free slot
    private String[] names = new String[8];
    private Labels[] labelSets = new Labels[8];
    private int[] hashes = new int[8];
    private int size;

    /**
     * The position of the series: {@code size()} before the call when it is new (and now added),
     * else {@code ~position} of the existing one.
     */
    int findOrAdd(String name, Labels labels) {
        int hash = ByteText.spread(labels.hashCode() * 31 + (name == null ? 0 : name.hashCode()));
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            int slot = slots[i];
            if (slot == 0) {
                int position = append(name, labels, hash);
                slots[i] = position + 1;
                if (size * 2 > slots.length) {
                    rehash();
                }
                return position;
            }
            int position = slot - 1;
            // The parser hands out one Labels instance per label set, so identity settles nearly every hit.
            if (hashes[position] == hash && sameLabels(labelSets[position], labels) && Objects.equals(names[position], name)) {
                return ~position;
            }
        }
    }

    private static boolean sameLabels(Labels a, Labels b) {
        return a == b || a.equals(b);
    }

    int size() {
        return size;
    }

    private int append(String name, Labels labels, int hash) {
        if (size == names.length) {
            names = Arrays.copyOf(names, size * 2);
            labelSets = Arrays.copyOf(labelSets, size * 2);
            hashes = Arrays.copyOf(hashes, size * 2);
        }
        names[size] = name;
        labelSets[size] = labels;
        hashes[size] = hash;
        return size++;
    }

    private void rehash() {
        int[] fresh = new int[slots.length * 2];
        int mask = fresh.length - 1;
        for (int position = 0; position < size; position++) {
            int i = hashes[position] & mask;
            while (fresh[i] != 0) {
                i = (i + 1) & mask;
            }
            fresh[i] = position + 1;
        }
        slots = fresh;
    }
}
