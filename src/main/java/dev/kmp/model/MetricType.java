package dev.kmp.model;

import java.util.Locale;

/** The metric types of the Prometheus text format (and OpenMetrics' equivalents). */
public enum MetricType {
    COUNTER, GAUGE, HISTOGRAM, SUMMARY, UNTYPED;

    /** The word used on a {@code # TYPE} line of the Prometheus text format. */
    public String text() {
        return name().toLowerCase(Locale.ROOT);
    }
}
