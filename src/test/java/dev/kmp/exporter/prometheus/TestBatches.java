package dev.kmp.exporter.prometheus;

import dev.kmp.model.Batch;
import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.telemetry.SelfMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/** Batches built by hand, shaped like Kong's, for the exporter tests. */
final class TestBatches {
    static final TargetId A = new TargetId("kong", "http://10.0.0.1:8100/metrics");
    static final TargetId B = new TargetId("kong", "http://10.0.0.2:8100/metrics");

    static final BucketBounds SPARSE = bounds("200", "250", "+Inf");
    static final BucketBounds FULL = bounds("25", "50", "80", "+Inf");

    private TestBatches() {
    }

    static BucketBounds bounds(String... texts) {
        double[] upper = new double[texts.length];
        for (int i = 0; i < texts.length; i++) {
            upper[i] = texts[i].equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(texts[i]);
        }
        return new BucketBounds(upper, texts);
    }

    static ComponentContext context() {
        return new ComponentContext(new SelfMetrics(), Clock.systemUTC());
    }

    static PrometheusExporter exporter(ComponentContext context, boolean openMetrics, long maxSeries) {
        return new PrometheusExporter("prometheus", new PrometheusExporterConfig("/metrics", openMetrics, maxSeries), context);
    }

    static Labels kong(TargetId t, String... pairs) {
        Labels l = Labels.of(pairs);
        return l.with("dataplane_url", t.url());
    }

    /** The families a target's batch has in most tests; values differ per target via {@code base}. */
    static List<MetricFamily> families(TargetId t, double base) {
        List<MetricFamily> out = new ArrayList<>();
        String counter = "kong_http_requests_total";
        out.add(new MetricFamily(counter, MetricType.COUNTER, "HTTP status codes per consumer/service/route in Kong", List.of(
                new ScalarSeries(counter, kong(t, "service", "shop.storefront.80", "code", "200"), 1183970 + base),
                new ScalarSeries(counter, kong(t, "service", "shop.storefront.80", "code", "500"), 1.2345678901234e15 + base),
                new ScalarSeries(counter, kong(t, "service", "payments.payments-api.8080", "code", "200"), 0.1 + 0.2 + base))));
        String gauge = "kong_memory_lua_shared_dict_bytes";
        out.add(new MetricFamily(gauge, MetricType.GAUGE, "Allocated slabs in bytes in a shared_dict\\with \"odd\" help\nline two",
                List.of(
                        new ScalarSeries(gauge, kong(t, "shared_dict", "back\\slash \"quoted\"\nnewline"), Double.NaN),
                        new ScalarSeries(gauge, kong(t, "shared_dict", "utf8 ü 日本 \uD83D\uDE80"), Double.POSITIVE_INFINITY),
                        new ScalarSeries(gauge, kong(t, "shared_dict", "neg"), Double.NEGATIVE_INFINITY),
                        new ScalarSeries(gauge, kong(t, "shared_dict", "tiny"), 1.0e-7 + base),
                        new ScalarSeries(gauge, kong(t, "shared_dict", "huge"), 1.7976931348623157e308),
                        new ScalarSeries(gauge, kong(t, "shared_dict", "stamped"), 42 + base, 1_700_000_000_123L))));
        String hist = "kong_upstream_latency_ms";
        out.add(new MetricFamily(hist, MetricType.HISTOGRAM, "Latency added by upstream response for each service/route in Kong",
                List.of(
                        HistogramSeries.of(kong(t, "service", "shop.storefront.80", "workspace", "default"), FULL,
                                new double[] {378 + base, 5921, 24933, 44650}, 44650, 2.5e7 + 0.25),
                        HistogramSeries.of(kong(t, "service", "payments.payments-api.8080", "workspace", "default"), SPARSE,
                                new double[] {3 + base, 4, 5}, 5, 1234.5),
                        new HistogramSeries(kong(t, "service", "count.only", "workspace", "default"), SPARSE,
                                new double[] {1, 2, 2}, 2, Double.NaN, HistogramSeries.HAS_COUNT, Series.NO_TIMESTAMP))));
        return out;
    }

    static Batch batch(TargetId t, List<MetricFamily> families) {
        return Batch.success(t, Labels.EMPTY, 1_700_000_000_000L, families);
    }

    /** {@code n} gauge series of one family, each with value {@code value}. */
    static MetricFamily gauges(String name, TargetId t, int n, double value) {
        List<Series> series = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            series.add(new ScalarSeries(name, kong(t, "i", Integer.toString(i)), value));
        }
        return new MetricFamily(name, MetricType.GAUGE, "test gauges", series);
    }

    static String render(PrometheusExporter exporter, String accept) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            exporter.write(accept, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }
}
