package dev.kmp.model;

/**
 * One sample line. {@code name} is the sample's own name, which equals the family name except
 * for the parts of a summary ({@code _sum}, {@code _count}) and untyped oddities.
 */
public record ScalarSeries(String name, Labels labels, double value, long timestampMillis) implements Series {
    public ScalarSeries(String name, Labels labels, double value) {
        this(name, labels, value, NO_TIMESTAMP);
    }

    @Override
    public ScalarSeries withLabels(Labels newLabels) {
        return newLabels == labels ? this : new ScalarSeries(name, newLabels, value, timestampMillis);
    }

    @Override
    public int sampleLines() {
        return 1;
    }
}
