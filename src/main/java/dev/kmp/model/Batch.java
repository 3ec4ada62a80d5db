package dev.kmp.model;

import java.util.List;

/**
 * What one scrape of one target produced. {@code resource} describes the target itself (for
 * example the data-plane pod); series labels already carry {@code dataplane_url}. A failed scrape
 * is a batch with no families and an error: consumers drop what they held for the target.
 */
public record Batch(TargetId target, Labels resource, long timestampMillis, List<MetricFamily> families, String error) {
    public Batch {
        families = List.copyOf(families);
    }

    public static Batch success(TargetId target, Labels resource, long timestampMillis, List<MetricFamily> families) {
        return new Batch(target, resource, timestampMillis, families, null);
    }

    public static Batch failure(TargetId target, Labels resource, long timestampMillis, String error) {
        return new Batch(target, resource, timestampMillis, List.of(), error);
    }

    public boolean failed() {
        return error != null;
    }

    public Batch withFamilies(List<MetricFamily> newFamilies) {
        return new Batch(target, resource, timestampMillis, newFamilies, error);
    }

    public int sampleLines() {
        int n = 0;
        for (MetricFamily f : families) {
            n += f.sampleLines();
        }
        return n;
    }
}
