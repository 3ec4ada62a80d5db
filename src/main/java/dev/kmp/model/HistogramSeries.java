package dev.kmp.model;

import java.util.Arrays;

/**
 * One histogram series assembled from its {@code _bucket}, {@code _count} and {@code _sum} lines.
 * {@code cumulativeCounts[i]} is the count of bucket {@code bounds.upperBound(i)}, exactly as
 * scraped (Kong's buckets are cumulative and sparse). {@code count} and {@code sum} are NaN when
 * the source had no such line; {@link #hasCount()} and {@link #hasSum()} tell that apart from a
 * scraped NaN.
 */
public record HistogramSeries(
        Labels labels,
        BucketBounds bounds,
        double[] cumulativeCounts,
        double count,
        double sum,
        byte present,
        long timestampMillis) implements Series {

    public static final byte HAS_COUNT = 1;
    public static final byte HAS_SUM = 2;

    public HistogramSeries {
        if (bounds.size() != cumulativeCounts.length) {
            throw new IllegalArgumentException("bounds and counts differ in length");
        }
    }

    /** A complete histogram (count and sum present), no timestamp. */
    public static HistogramSeries of(Labels labels, BucketBounds bounds, double[] counts, double count, double sum) {
        return new HistogramSeries(labels, bounds, counts, count, sum, (byte) (HAS_COUNT | HAS_SUM), NO_TIMESTAMP);
    }

    public boolean hasCount() {
        return (present & HAS_COUNT) != 0;
    }

    public boolean hasSum() {
        return (present & HAS_SUM) != 0;
    }

    @Override
    public HistogramSeries withLabels(Labels newLabels) {
        return newLabels == labels ? this
                : new HistogramSeries(newLabels, bounds, cumulativeCounts, count, sum, present, timestampMillis);
    }

    @Override
    public int sampleLines() {
        return cumulativeCounts.length + (hasCount() ? 1 : 0) + (hasSum() ? 1 : 0);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HistogramSeries h
                && labels.equals(h.labels) && bounds.equals(h.bounds)
                && Arrays.equals(cumulativeCounts, h.cumulativeCounts)
                && Double.compare(count, h.count) == 0 && Double.compare(sum, h.sum) == 0
                && present == h.present && timestampMillis == h.timestampMillis;
    }

    @Override
    public int hashCode() {
        return labels.hashCode() * 31 + Arrays.hashCode(cumulativeCounts);
    }

    @Override
    public String toString() {
        return "HistogramSeries" + labels + " bounds=" + bounds + " counts=" + Arrays.toString(cumulativeCounts)
                + " count=" + count + " sum=" + sum;
    }
}
