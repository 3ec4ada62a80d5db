package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;

/**
 * How to read one scrape body.
 *
 * @param extraLabels appended to every series' labels (the receiver passes {@code dataplane_url});
 *                    on a name clash the extra label's value wins
 * @param maxSamples  the most sample lines accepted; 0 means no limit (Prometheus' convention)
 * @param openMetrics the Content-Type said {@code application/openmetrics-text}
 */
public record ParseOptions(Labels extraLabels, long maxSamples, boolean openMetrics) {
    public ParseOptions {
        if (extraLabels == null) {
            extraLabels = Labels.EMPTY;
        }
        if (maxSamples < 0) {
            throw new IllegalArgumentException("maxSamples must be >= 0 (0 = no limit): " + maxSamples);
        }
    }

    /** Prometheus text 0.0.4 with no limit. */
    public static ParseOptions plainText(Labels extraLabels) {
        return new ParseOptions(extraLabels, 0, false);
    }
}
