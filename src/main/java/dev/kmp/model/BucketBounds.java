package dev.kmp.model;

import java.util.Arrays;

/**
 * The upper bounds of a histogram's buckets, ascending, with the {@code le} text as the source
 * wrote it (rendering writes it back unchanged). Kong omits empty buckets, so the series of one
 * family can have different bounds; the parser shares one instance per distinct layout.
 */
public final class BucketBounds {
    private final double[] upperBounds;
    private final String[] texts;
    private final int hash;

    public BucketBounds(double[] upperBounds, String[] texts) {
        if (upperBounds.length != texts.length) {
            throw new IllegalArgumentException("bounds and texts differ in length");
        }
        this.upperBounds = upperBounds;
        this.texts = texts;
        this.hash = Arrays.hashCode(upperBounds) * 31 + Arrays.hashCode(texts);
    }

    public int size() {
        return upperBounds.length;
    }

    public double upperBound(int i) {
        return upperBounds[i];
    }

    public String text(int i) {
        return texts[i];
    }

    /** True when the last bucket is {@code +Inf}, as every complete histogram has. */
    public boolean endsWithInf() {
        return upperBounds.length > 0 && upperBounds[upperBounds.length - 1] == Double.POSITIVE_INFINITY;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BucketBounds other
                && hash == other.hash
                && Arrays.equals(upperBounds, other.upperBounds)
                && Arrays.equals(texts, other.texts);
    }

    @Override
    public int hashCode() {
        return hash;
    }

    @Override
    public String toString() {
        return Arrays.toString(texts);
    }
}
