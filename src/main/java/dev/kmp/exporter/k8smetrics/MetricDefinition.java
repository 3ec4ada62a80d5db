package dev.kmp.exporter.k8smetrics;

import java.time.Duration;

/**
 * One metric the APIs serve: {@code name} (what an HPA asks for) computed from the scraped family
 * {@code from} with {@code aggregation} over {@code window}.
 */
public record MetricDefinition(String name, String from, Aggregation aggregation, Duration window) {
    public MetricDefinition {
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
    }

    /** Whole seconds, as the APIs' {@code window} / {@code windowSeconds} fields carry it. */
    public long windowSeconds() {
        return Math.max(1, window.toSeconds());
    }
}
