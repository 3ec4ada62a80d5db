package dev.kmp.exporter.prometheus;

import dev.kmp.pipeline.ServedPath;

/**
 * The {@code prometheus} exporter's settings.
 *
 * @param path        where /metrics is served on the main port; starts with {@code /}
 * @param openMetrics serve OpenMetrics to scrapers that ask for it; off by default because
 *                    OpenMetrics renames counters and rewrites {@code le} values, and Prometheus
 *                    2.x asks for it first
 * @param maxSeries   the most series held across all targets, 0 for no limit; series past it are
 *                    refused and counted
 */
public record PrometheusExporterConfig(String path, boolean openMetrics, long maxSeries) implements ServedPath {
    public static final String DEFAULT_PATH = "/metrics";
    public static final PrometheusExporterConfig DEFAULTS = new PrometheusExporterConfig(DEFAULT_PATH, false, 0);

    public PrometheusExporterConfig {
        if (path == null || !path.startsWith("/")) {
            throw new IllegalArgumentException("path must start with '/': " + path);
        }
        if (maxSeries < 0) {
            throw new IllegalArgumentException("maxSeries must be >= 0: " + maxSeries);
        }
    }

    public boolean limited() {
        return maxSeries > 0;
    }
}
