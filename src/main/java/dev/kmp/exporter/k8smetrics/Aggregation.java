package dev.kmp.exporter.k8smetrics;

import java.util.Locale;

/** How a configured metric turns a window of history into one number. */
public enum Aggregation {
    /** delta(sum) / delta(count), both summed across series before dividing. */
    AVERAGE(Double.NaN),
    P50(0.50), P90(0.90), P95(0.95), P99(0.99),
    /** Increase per second of a counter, or of a histogram's count. */
    RATE(Double.NaN);

    private final double quantile;

    Aggregation(double quantile) {
        this.quantile = quantile;
    }

    public boolean isQuantile() {
        return !Double.isNaN(quantile);
    }

    public double quantile() {
        return quantile;
    }

    /** The word written in the config ({@code average}, {@code p95}, ...). */
    public String word() {
        return name().toLowerCase(Locale.ROOT);
    }

    static String[] words() {
        Aggregation[] all = values();
        String[] out = new String[all.length];
        for (int i = 0; i < all.length; i++) {
            out[i] = all[i].word();
        }
        return out;
    }

    static Aggregation ofWord(String word) {
        return valueOf(word.toUpperCase(Locale.ROOT));
    }
}
