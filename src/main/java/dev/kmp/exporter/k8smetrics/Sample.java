package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.BucketBounds;

/**
 * One scrape of one series as history keeps it. For a histogram: {@code count}, {@code sum} and the
 * cumulative bucket counts as scraped (sparse, Kong's bounds); for a counter: {@code count} is the
 * value, {@code sum} is NaN and {@code bounds} null. The arrays are the scraped series' own and are
 * never written.
 */
record Sample(long timeMillis, double count, double sum, BucketBounds bounds, double[] cumulative) {

    /**
     * The cumulative count at {@code upperBound}. Kong omits a bucket nobody fell into, so a bound
     * this sample lacks holds what the closest lower bound holds (0 below the first one).
     */
    double cumulativeAt(double upperBound) {
        double value = 0;
        for (int i = 0; i < bounds.size(); i++) {
            double b = bounds.upperBound(i);
            if (b > upperBound) {
                break;
            }
            value = cumulative[i];
        }
        return value;
    }
}
