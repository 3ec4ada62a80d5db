package dev.kmp.receiver.kong;

import dev.kmp.model.LabelNameSets;
import dev.kmp.model.Labels;
import dev.kmp.receiver.kong.StringInterner.InternedString;
import java.util.Arrays;

/**
 * {@link Labels} keyed by the raw bytes of a label block (minus the pair a histogram bucket's
 * {@code le} takes), so that a series seen in the previous scrape gets the very same Labels
 * instance: no decoding, no new arrays, and exporters can compare by identity.
 *
 * <p>An entry keeps no copy of the block: it compares the block pair by pair against the raw
 * bytes of its interned names and values, which are shared with every other entry.
 */
final class LabelSetCache extends GenerationalTable {
    private static final class LabelSet extends Entry {
        final InternedString[] parts; // name, value, name, value, ... as written, le excluded
        final Labels labels;

        LabelSet(int hash, InternedString[] parts, Labels labels) {
            super(hash);
            this.parts = parts;
            this.labels = labels;
        }

        boolean matches(byte[] b, LabelPairs pairs, int skip) {
            int n = pairs.count() - (skip >= 0 ? 1 : 0);
            if (parts.length != 2 * n) {
                return false;
            }
            int k = 0;
            for (int i = 0; i < pairs.count(); i++) {
                if (i == skip) {
                    continue;
                }
                if (!parts[k].matches(b, pairs.nameFrom(i), pairs.nameTo(i))
                        || !parts[k + 1].matches(b, pairs.valueFrom(i), pairs.valueTo(i))) {
                    return false;
                }
                k += 2;
            }
            return true;
        }
    }

    private final StringInterner strings;
    /** Every series of a family has the same names: one names array per shape, not per label set. */
    private final LabelNameSets nameSets = new LabelNameSets(4096);
    private Labels extraLabels = Labels.EMPTY;
    // Consecutive lines very often carry the same set (every bucket of a histogram series): the
    // previous line's block, le pair cut out, is compared in two byte ranges before any hashing.
    private LabelSet previous;
    private byte[] previousBlock = new byte[256];
    private int previousSplit;
    private int previousLength;
    private boolean previousSkipped;
    // Kong writes its series in the same order scrape after scrape: the set looked up at the same
    // step of the previous scrape is compared first, and only a mismatch pays for hashing and a
    // probe into the table. Slot k holds the previous scrape's k-th set until this scrape's k-th
    // lookup reads it as its guess and overwrites it with what it found.
    private LabelSet[] order = new LabelSet[1024];
    private int orderSize;
    private int lookups;

    LabelSetCache(StringInterner strings) {
        this.strings = strings;
    }

    /** Labels built from now on end with these; a change empties the cache. */
    void useExtraLabels(Labels extra) {
        if (!extra.equals(extraLabels)) {
            extraLabels = extra;
            clear();
            previous = null;
            Arrays.fill(order, 0, orderSize, null); // their Labels end with the old extra labels
            orderSize = 0;
        }
    }

    /**
     * The Labels for the pairs of the current line except index {@code skip} (-1: none), or null
     * when this label set is new; then call {@link #add} after validating the pairs.
     */
    Labels find(byte[] b, LabelPairs pairs, int skip) {
        LabelSet candidate = previous;
        if (candidate == null || !sameBlockAsPrevious(b, pairs, skip)) {
            LabelSet guess = lookups < orderSize ? order[lookups] : null;
            if (guess != null && guess.matches(b, pairs, skip)) {
                candidate = guess;
            } else {
                candidate = lookUp(hash(b, pairs, skip), b, pairs, skip);
                if (candidate == null) {
                    return null; // add() records the new set at this step
                }
            }
            record(candidate);
            remember(candidate, b, pairs, skip);
        }
        if (!isCurrent(candidate)) {
            touch(candidate);
            for (InternedString s : candidate.parts) {
                strings.touch(s);
            }
        }
        return candidate.labels;
    }

    /** Builds, caches and returns the Labels of the current line (see {@link #find}). */
    Labels add(byte[] b, LabelPairs pairs, int skip) {
        int n = pairs.count() - (skip >= 0 ? 1 : 0);
        InternedString[] parts = new InternedString[2 * n];
        String[] names = new String[n + extraLabels.size()];
        String[] values = new String[names.length];
        int k = 0;
        for (int i = 0; i < pairs.count(); i++) {
            if (i == skip) {
                continue;
            }
            parts[2 * k] = strings.intern(b, pairs.nameFrom(i), pairs.nameTo(i));
            parts[2 * k + 1] = strings.intern(b, pairs.valueFrom(i), pairs.valueTo(i));
            names[k] = parts[2 * k].value;
            values[k] = parts[2 * k + 1].value;
            k++;
        }
        int size = k;
        for (int e = 0; e < extraLabels.size(); e++) {
            int at = indexOf(names, size, extraLabels.name(e));
            if (at < 0) {
                at = size++;
                names[at] = extraLabels.name(e);
            }
            values[at] = extraLabels.value(e);
        }
        if (size < names.length) {
            names = Arrays.copyOf(names, size);
            values = Arrays.copyOf(values, size);
        }
        LabelSet added = new LabelSet(hash(b, pairs, skip), parts, Labels.ofArrays(nameSets.share(names), values));
        add(added);
        record(added);
        remember(added, b, pairs, skip);
        return added.labels;
    }

    // Equal bytes around the skipped pair tokenize to equal pairs, so equal ranges mean equal sets.
    private boolean sameBlockAsPrevious(byte[] b, LabelPairs pairs, int skip) {
        if ((skip >= 0) != previousSkipped) {
            return false;
        }
        int cut = skip >= 0 ? pairs.nameFrom(skip) : pairs.blockTo();
        int resume = skip >= 0 ? pairs.valueTo(skip) + 1 : pairs.blockTo();
        return Arrays.equals(previousBlock, 0, previousSplit, b, pairs.blockFrom(), cut)
                && Arrays.equals(previousBlock, previousSplit, previousLength, b, resume, pairs.blockTo());
    }

    private void remember(LabelSet set, byte[] b, LabelPairs pairs, int skip) {
        int cut = skip >= 0 ? pairs.nameFrom(skip) : pairs.blockTo();
        int resume = skip >= 0 ? pairs.valueTo(skip) + 1 : pairs.blockTo();
        int first = cut - pairs.blockFrom();
        int length = first + pairs.blockTo() - resume;
        if (previousBlock.length < length) {
            previousBlock = new byte[Math.max(length, previousBlock.length * 2)];
        }
        System.arraycopy(b, pairs.blockFrom(), previousBlock, 0, first);
        System.arraycopy(b, resume, previousBlock, first, pairs.blockTo() - resume);
        previousSplit = first;
        previousLength = length;
        previousSkipped = skip >= 0;
        previous = set;
    }

    private void record(LabelSet set) {
        if (lookups == order.length) {
            order = Arrays.copyOf(order, lookups * 2);
        }
        order[lookups++] = set;
    }

    void startScrape() {
        nextGeneration();
        previous = null;
        lookups = 0;
    }

    void endScrape() {
        sweep();
        previous = null;
        // Steps past this scrape's last lookup (a scrape that failed half-way) still hold sets of
        // the scrape before, which the sweep may have dropped: a guess must always be in the table.
        Arrays.fill(order, lookups, Math.max(lookups, orderSize), null);
        orderSize = lookups;
    }

    private static int indexOf(String[] names, int size, String name) {
        for (int i = 0; i < size; i++) {
            if (names[i].equals(name)) {
                return i;
            }
        }
        return -1;
    }

    private static int hash(byte[] b, LabelPairs pairs, int skip) {
        // Seeded with the kept pair count so a bucket line and its _count line share one entry.
        long h = pairs.count() - (skip >= 0 ? 1 : 0);
        for (int i = 0; i < pairs.count(); i++) {
            if (i != skip) {
                h = ByteText.mix(h, b, pairs.nameFrom(i), pairs.nameTo(i));
                h = ByteText.mix(h, b, pairs.valueFrom(i), pairs.valueTo(i));
            }
        }
        return ByteText.finish(h);
    }

    private LabelSet lookUp(int hash, byte[] b, LabelPairs pairs, int skip) {
        Entry[] slots = slots();
        int mask = slots.length - 1;
        for (int i = hash & mask; ; i = (i + 1) & mask) {
            Entry e = slots[i];
            if (e == null) {
                return null;
            }
            if (e.hash == hash && ((LabelSet) e).matches(b, pairs, skip)) {
                return (LabelSet) e;
            }
        }
    }
}
