package dev.kmp.exporter.prometheus;

import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Exporter;
import dev.kmp.pipeline.ScrapeEndpoint;
import dev.kmp.telemetry.SelfMetrics;
import java.io.IOException;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Serves the latest scrape of every target, plus the service's own metrics, on {@code path}.
 * Thread-safe: pipelines call {@link #consume} concurrently while scrapers call {@link #write}.
 */
public final class PrometheusExporter implements Exporter, ScrapeEndpoint {
    private static final String OPENMETRICS_MEDIA_TYPE = "application/openmetrics-text";

    private final String id;
    private final PrometheusExporterConfig config;
    private final SelfMetrics selfMetrics;
    private final SeriesStore store;
    private final SelfMetrics.Child refusedSeries;
    private final SelfMetrics.Child sentPoints;
    private final SelfMetrics.Child renderSeconds;
    private final SelfMetrics.Child conflictingSeries;
    private volatile long lastConflicts;

    public PrometheusExporter(String id, PrometheusExporterConfig config, ComponentContext context) {
        this.id = id;
        this.config = config;
        this.selfMetrics = context.selfMetrics();
        this.store = new SeriesStore(config.maxSeries());
        this.refusedSeries = selfMetrics.counter("kmp_exporter_refused_series_total",
                "Series refused because the exporter holds max_series already", "exporter").labels(id);
        this.sentPoints = selfMetrics.counter("kmp_exporter_sent_points_total",
                "Data points sent (for the Prometheus exporter: sample lines served)", "exporter").labels(id);
        this.renderSeconds = selfMetrics.gauge("kmp_exporter_export_duration_seconds",
                "Duration of the last export (for the Prometheus exporter: the last render)", "exporter").labels(id);
        this.conflictingSeries = selfMetrics.gauge("kmp_exporter_conflicting_series",
                "Series left out of the last render because their family has another type elsewhere", "exporter")
                .labels(id);
    }

    public String id() {
        return id;
    }

    public PrometheusExporterConfig config() {
        return config;
    }

    @Override
    public void consume(Batch batch) {
        long refused = store.put(batch);
        if (refused > 0) {
            refusedSeries.inc(refused);
        }
    }

    @Override
    public void forget(TargetId target) {
        store.remove(target);
    }

    @Override
    public void shutdown() {
        store.clear();
    }

    @Override
    public Map<String, Object> status() {
        List<SeriesStore.TargetSeries> targets = store.snapshot();
        long series = 0;
        long samples = 0;
        for (SeriesStore.TargetSeries t : targets) {
            series += t.series();
            samples += t.samples();
        }
        Map<String, Object> status = new LinkedHashMap<>();
        status.put("path", config.path());
        status.put("open_metrics", config.openMetrics());
        status.put("max_series", config.maxSeries());
        status.put("targets", targets.size());
        status.put("series", series);
        status.put("samples", samples);
        status.put("refused_series", (long) refusedSeries.get());
        status.put("conflicting_series", lastConflicts);
        return status;
    }

    @Override
    public String path() {
        return config.path();
    }

    @Override
    public String contentType(String accept) {
        return servesOpenMetrics(accept) ? OpenMetricsWriter.CONTENT_TYPE : TextFormatWriter.CONTENT_TYPE;
    }

    @Override
    public void write(String accept, OutputStream out) throws IOException {
        ExpositionWriter writer = servesOpenMetrics(accept) ? new OpenMetricsWriter(out) : new TextFormatWriter(out);
        long start = System.nanoTime();
        Exposition.Stats stats = Exposition.write(store.snapshot(), selfMetrics.snapshot(), writer);
        renderSeconds.set((System.nanoTime() - start) / 1e9);
        sentPoints.inc(stats.sampleLines());
        conflictingSeries.set(stats.conflictingSeries());
        lastConflicts = stats.conflictingSeries();
    }

    /**
     * OpenMetrics only when enabled and the scraper prefers it to the text format: Prometheus 2.x
     * lists it first, and serving it would rename Kong's counters and rewrite {@code le} values.
     */
    boolean servesOpenMetrics(String accept) {
        if (!config.openMetrics() || accept == null) {
            return false;
        }
        double openMetricsQ = 0;
        double textQ = 0;
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            double q = quality(parts);
            if (type.equals(OPENMETRICS_MEDIA_TYPE)) {
                openMetricsQ = Math.max(openMetricsQ, q);
            } else if (type.equals("text/plain") || type.equals("text/*")) {
                textQ = Math.max(textQ, q);
            }
        }
        return openMetricsQ > 0 && openMetricsQ >= textQ;
    }

    private static double quality(String[] parts) {
        for (int i = 1; i < parts.length; i++) {
            String p = parts[i].strip();
            if (p.startsWith("q=")) {
                try {
                    return Double.parseDouble(p.substring(2).strip());
                } catch (NumberFormatException e) {
                    return 0;
                }
            }
        }
        return 1;
    }
}
