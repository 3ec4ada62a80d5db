package dev.kmp.exporter.prometheus;

import dev.kmp.config.ConfigNode;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;

/** Makes {@code prometheus} exporters: keys {@code path}, {@code open_metrics}, {@code max_series}. */
public final class PrometheusExporterFactory implements ComponentFactory<PrometheusExporterConfig, PrometheusExporter> {
    public static final String TYPE = "prometheus";

    @Override
    public String type() {
        return TYPE;
    }

    /** Never throws: bad values are recorded in {@code node.problems()} and replaced by defaults. */
    @Override
    public PrometheusExporterConfig parseConfig(ConfigNode node) {
        if (!node.isMissing() && !node.isMap()) {
            node.error("expected a map of keys");
            return PrometheusExporterConfig.DEFAULTS;
        }
        String path = node.string("path", PrometheusExporterConfig.DEFAULT_PATH);
        if (!path.startsWith("/")) {
            node.get("path").error("'" + path + "' must start with '/' (for example /metrics)");
            path = PrometheusExporterConfig.DEFAULT_PATH;
        }
        boolean openMetrics = node.bool("open_metrics", false);
        // Read without bounds so that a negative number gets a message that says what 0 means,
        // rather than "out of range [0, 9223372036854775807]".
        long maxSeries = node.integer("max_series", 0, Long.MIN_VALUE, Long.MAX_VALUE);
        if (maxSeries < 0) {
            node.get("max_series").error(maxSeries + " is negative (0 means no limit)");
            maxSeries = 0;
        }
        return new PrometheusExporterConfig(path, openMetrics, maxSeries);
    }

    @Override
    public PrometheusExporter create(String id, PrometheusExporterConfig config, ComponentContext context) {
        return new PrometheusExporter(id, config, context);
    }
}
