package dev.kmp.receiver.kong;

import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.Series;
import java.util.Arrays;
import java.util.Comparator;

/**
 * Collects one histogram series across Kong's three blocks (all buckets, then all counts, then
 * all sums). Lives for one scrape: keeping a pool of them between scrapes would hold a few hundred
 * bytes per series in the heap for nothing but saving short-lived allocations.
 *
 * <p>The series of a family nearly all have the same buckets (at 1000 Kong services, 1756 of 1887
 * latency series have all 14), so a series starts by following its family's layout (see
 * {@link FamilyBuilder}): while its bounds are the layout's, in order, it keeps only its counts
 * and ends with the layout itself. The first bucket that differs gives it bounds of its own,
 * copied from the layout so far. Before, every series made two arrays of bounds and texts per
 * scrape and looked its layout up at the end (7.6 MB a scrape at 5000 services, 12 MB of a
 * target's first).
 */
final class HistogramAccumulator {
    private static final int INSERTION_SORT_LIMIT = 64;

    static final int DEFAULT_BUCKETS = 16;

    private final Labels labels;
    private BucketBounds following; // while non-null, the buckets so far are its first `size`
    private double[] upperBounds; // own bounds and texts: null while following a layout
    private String[] texts;
    private double[] counts;
    private int size;
    private boolean needsSort;
    private double count = Double.NaN;
    private double sum = Double.NaN;
    private byte present;
    private long timestampMillis = Series.NO_TIMESTAMP;

    /**
     * {@code expectedBuckets}: room for that many buckets before growing. The series of one family
     * share their bounds (a series omits the ones nothing fell into), so the family passes the
     * most any of its series had so far; with a fixed 16, every series of Kong's 18-bucket
     * latency histogram grew its three arrays once.
     */
    HistogramAccumulator(Labels labels, int expectedBuckets) {
        this.labels = labels;
        int capacity = Math.max(1, expectedBuckets);
        upperBounds = new double[capacity];
        texts = new String[capacity];
        counts = new double[capacity];
    }

    /** A series that starts by following {@code layout} (strictly increasing bounds). */
    HistogramAccumulator(Labels labels, BucketBounds layout) {
        this.labels = labels;
        following = layout;
        counts = new double[layout.size()];
    }

    /** Own bounds, sorted and without repeats, when the series ends: the family's next layout to follow; else null. */
    BucketBounds ownLayout(BucketLayouts layouts) {
        return following != null || needsSort || size == 0 ? null : layouts.layout(upperBounds, texts, size);
    }

    int bucketCount() {
        return size;
    }

    Labels labels() {
        return labels;
    }

    void addBucket(double upperBound, String text, double cumulativeCount, long timestamp) {
        if (following != null) {
            // Equal texts are equal bounds (each bound is parsed from its text); the texts are
            // mostly one instance (the parser's table of le values), so this is an identity check.
            if (size < following.size() && text.equals(following.text(size))) {
                counts[size] = cumulativeCount;
                size++;
                stamp(timestamp);
                return;
            }
            stopFollowing(size + 1);
        }
        if (size == upperBounds.length) {
            upperBounds = Arrays.copyOf(upperBounds, size * 2);
            texts = Arrays.copyOf(texts, size * 2);
            counts = Arrays.copyOf(counts, size * 2);
        }
        if (size > 0 && !(upperBound > upperBounds[size - 1])) {
            needsSort = true;
        }
        upperBounds[size] = upperBound;
        texts[size] = text;
        counts[size] = cumulativeCount;
        size++;
        stamp(timestamp);
    }

    /** Takes bounds of its own: the layout's so far, with room for {@code capacity}. */
    private void stopFollowing(int capacity) {
        int n = Math.max(capacity, following.size());
        upperBounds = new double[n];
        texts = new String[n];
        for (int i = 0; i < size; i++) {
            upperBounds[i] = following.upperBound(i);
            texts[i] = following.text(i);
        }
        counts = Arrays.copyOf(counts, n);
        following = null;
    }

    /** Returns true when a count was already set (this one wins). */
    boolean setCount(double value, long timestamp) {
        boolean duplicate = (present & HistogramSeries.HAS_COUNT) != 0;
        count = value;
        present |= HistogramSeries.HAS_COUNT;
        stamp(timestamp);
        return duplicate;
    }

    /** Returns true when a sum was already set (this one wins). */
    boolean setSum(double value, long timestamp) {
        boolean duplicate = (present & HistogramSeries.HAS_SUM) != 0;
        sum = value;
        present |= HistogramSeries.HAS_SUM;
        stamp(timestamp);
        return duplicate;
    }

    private void stamp(long timestamp) {
        if (timestamp != Series.NO_TIMESTAMP) {
            timestampMillis = timestamp;
        }
    }

    /**
     * Sorts buckets by bound if they came out of order and drops repeated bounds (the later line
     * wins). Returns how many bucket lines were dropped as duplicates.
     */
    int normalize() {
        if (!needsSort) {
            return 0;
        }
        if (size <= INSERTION_SORT_LIMIT) {
            insertionSort();
        } else {
            indexSort();
        }
        needsSort = false;
        int kept = 0;
        for (int i = 0; i < size; i++) {
            // Stable sort: among equal bounds the last one is the latest line.
            if (i + 1 < size && upperBounds[i + 1] == upperBounds[i]) {
                continue;
            }
            upperBounds[kept] = upperBounds[i];
            texts[kept] = texts[i];
            counts[kept] = counts[i];
            kept++;
        }
        int dropped = size - kept;
        Arrays.fill(texts, kept, size, null);
        size = kept;
        return dropped;
    }

    HistogramSeries finish(BucketLayouts layouts) {
        if (following != null && size < following.size()) {
            stopFollowing(size); // fewer buckets than the layout: the first ones of it, as a layout of their own
        }
        // This accumulator ends here: an array of exactly the right size is handed over as it is.
        double[] finalCounts = size == counts.length ? counts : Arrays.copyOf(counts, size);
        BucketBounds bounds = following != null ? following : layouts.layout(upperBounds, texts, size);
        return new HistogramSeries(labels, bounds, finalCounts, count, sum, present, timestampMillis);
    }

    private void insertionSort() {
        for (int i = 1; i < size; i++) {
            double bound = upperBounds[i];
            String text = texts[i];
            double c = counts[i];
            int j = i - 1;
            while (j >= 0 && upperBounds[j] > bound) {
                upperBounds[j + 1] = upperBounds[j];
                texts[j + 1] = texts[j];
                counts[j + 1] = counts[j];
                j--;
            }
            upperBounds[j + 1] = bound;
            texts[j + 1] = text;
            counts[j + 1] = c;
        }
    }

    // Only for pathological bodies (a series with very many unordered buckets).
    private void indexSort() {
        Integer[] order = new Integer[size];
        for (int i = 0; i < size; i++) {
            order[i] = i;
        }
        double[] b = upperBounds;
        Arrays.sort(order, Comparator.comparingDouble((Integer i) -> b[i]));
        double[] sortedBounds = new double[upperBounds.length];
        String[] sortedTexts = new String[texts.length];
        double[] sortedCounts = new double[counts.length];
        for (int i = 0; i < size; i++) {
            sortedBounds[i] = upperBounds[order[i]];
            sortedTexts[i] = texts[order[i]];
            sortedCounts[i] = counts[order[i]];
        }
        upperBounds = sortedBounds;
        texts = sortedTexts;
        counts = sortedCounts;
    }
}
