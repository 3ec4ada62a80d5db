package dev.kmp.receiver.kong;

import dev.kmp.model.MetricType;

/**
 * A family's type as its TYPE line wrote it (both formats' words), which decides the sample-name
 * suffixes that belong to it; {@link #modelType()} is what the model keeps.
 */
enum DeclaredType {
    COUNTER("counter", MetricType.COUNTER),
    GAUGE("gauge", MetricType.GAUGE),
    HISTOGRAM("histogram", MetricType.HISTOGRAM),
    SUMMARY("summary", MetricType.SUMMARY),
    UNTYPED("untyped", MetricType.UNTYPED),
    UNKNOWN("unknown", MetricType.UNTYPED),
    INFO("info", MetricType.GAUGE),
    STATESET("stateset", MetricType.GAUGE),
    GAUGE_HISTOGRAM("gaugehistogram", MetricType.UNTYPED);

    private final String word;
    private final MetricType modelType;

    DeclaredType(String word, MetricType modelType) {
        this.word = word;
        this.modelType = modelType;
    }

    MetricType modelType() {
        return modelType;
    }

    String word() {
        return word;
    }

    /** The type written as {@code b[from, to)}, or null. */
    static DeclaredType of(byte[] b, int from, int to) {
        for (DeclaredType t : values()) {
            if (ByteText.is(b, from, to, t.word)) {
                return t;
            }
        }
        return null;
    }
}
