package dev.kmp.exporter.prometheus;

import static dev.kmp.exporter.prometheus.TestBatches.A;
import static dev.kmp.exporter.prometheus.TestBatches.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Batch;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class PrometheusExporterStoreTest {

    private static Set<String> urls(PrometheusExporter exporter, String family) {
        return SimpleExpositionReader.read(TestBatches.render(exporter, null)).samplesNamed(family).stream()
                .map(s -> s.labels().get("dataplane_url") + " " + s.labels().get("i"))
                .collect(Collectors.toSet());
    }

    @Test
    void aNewBatchReplacesTheTargetsSeriesWholeAndFailuresAndForgetDropThem() {
        PrometheusExporter exporter = TestBatches.exporter(TestBatches.context(), false, 0);
        exporter.consume(TestBatches.batch(A, List.of(TestBatches.gauges("g", A, 2, 1))));
        exporter.consume(TestBatches.batch(B, List.of(TestBatches.gauges("g", B, 2, 1))));
        assertEquals(Set.of(A.url() + " 0", A.url() + " 1", B.url() + " 0", B.url() + " 1"), urls(exporter, "g"));

        exporter.consume(TestBatches.batch(A, List.of(TestBatches.gauges("g", A, 1, 2))));
        assertEquals(Set.of(A.url() + " 0", B.url() + " 0", B.url() + " 1"), urls(exporter, "g"));

        exporter.consume(Batch.failure(A, Labels.EMPTY, 0, "connection refused"));
        assertEquals(Set.of(B.url() + " 0", B.url() + " 1"), urls(exporter, "g"));
        assertEquals(1, exporter.status().get("targets"));

        exporter.consume(TestBatches.batch(A, List.of(TestBatches.gauges("g", A, 1, 3))));
        exporter.forget(B);
        assertEquals(Set.of(A.url() + " 0"), urls(exporter, "g"));
        Map<String, Object> status = exporter.status();
        assertEquals(1, status.get("targets"));
        assertEquals(1L, status.get("series"));
        assertEquals(1L, status.get("samples"));
    }

    @Test
    void familiesAGoneTargetAloneHadDisappear() {
        PrometheusExporter exporter = TestBatches.exporter(TestBatches.context(), false, 0);
        exporter.consume(TestBatches.batch(A, List.of(TestBatches.gauges("only_a", A, 1, 1))));
        exporter.consume(TestBatches.batch(B, List.of(TestBatches.gauges("g", B, 1, 1))));
        exporter.forget(A);
        SimpleExpositionReader r = SimpleExpositionReader.read(TestBatches.render(exporter, null));
        assertTrue(!r.type.containsKey("only_a"));
        assertEquals(1, r.samplesNamed("g").size());
    }

    @Test
    void maxSeriesRefusesSeriesPastTheCapAndCountsThem() {
        ComponentContext ctx = TestBatches.context();
        PrometheusExporter exporter = TestBatches.exporter(ctx, false, 5);
        // A: 2 gauges + 1 histogram = 3 series (a histogram counts once, whatever its buckets).
        exporter.consume(TestBatches.batch(A, List.of(TestBatches.gauges("g", A, 2, 1),
                new MetricFamily("h", MetricType.HISTOGRAM, "", List.of(HistogramSeries.of(TestBatches.kong(A),
                        TestBatches.FULL, new double[] {1, 2, 3, 4}, 4, 10))))));
        exporter.consume(TestBatches.batch(B, List.of(TestBatches.gauges("g", B, 4, 1))));
        assertEquals(Set.of(A.url() + " 0", A.url() + " 1", B.url() + " 0", B.url() + " 1"), urls(exporter, "g"));
        assertEquals(2L, exporter.status().get("refused_series"));
        assertEquals(5L, exporter.status().get("series"));

        // A's new batch gets back the room its old one held.
        exporter.consume(TestBatches.batch(A, List.of(TestBatches.gauges("g", A, 3, 1))));
        assertEquals(2L, exporter.status().get("refused_series"));
        // B's next scrape still does not fit and is counted again.
        exporter.consume(TestBatches.batch(B, List.of(TestBatches.gauges("g", B, 4, 1))));
        assertEquals(4L, exporter.status().get("refused_series"));
        // Once A is gone, B fits.
        exporter.forget(A);
        exporter.consume(TestBatches.batch(B, List.of(TestBatches.gauges("g", B, 4, 1))));
        assertEquals(4L, exporter.status().get("refused_series"));
        assertEquals(4L, exporter.status().get("series"));

        SimpleExpositionReader r = SimpleExpositionReader.read(TestBatches.render(exporter, null));
        assertEquals(4.0, r.samplesNamed("kmp_exporter_refused_series_total").get(0).value());
        assertEquals("prometheus", r.samplesNamed("kmp_exporter_refused_series_total").get(0).labels().get("exporter"));
    }

    @Test
    void manyTargetsFillingTheCapConcurrentlyNeverExceedIt() throws InterruptedException {
        PrometheusExporter exporter = TestBatches.exporter(TestBatches.context(), false, 100);
        Thread[] threads = new Thread[4];
        for (int t = 0; t < threads.length; t++) {
            int n = t;
            threads[t] = Thread.ofPlatform().start(() -> {
                for (int i = 0; i < 200; i++) {
                    TargetId target = new TargetId("kong", "http://10.0.1." + n + ":" + (i % 10) + "/metrics");
                    exporter.consume(TestBatches.batch(target, List.of(TestBatches.gauges("g", target, 7, i))));
                }
            });
        }
        for (Thread t : threads) {
            t.join();
        }
        Map<String, Object> status = exporter.status();
        assertEquals(100L, status.get("series"));
        assertEquals(100, SimpleExpositionReader.read(TestBatches.render(exporter, null)).samplesNamed("g").size());
        // 40 targets x 7 series were offered for 100 places; a replacement never shrinks what a
        // target holds, so the cap ends exactly full and the rest was refused.
        assertTrue((long) status.get("refused_series") >= 40 * 7 - 100);
    }

    @Test
    void scalarSeriesOfASummaryKeepTheirOwnNames() {
        PrometheusExporter exporter = TestBatches.exporter(TestBatches.context(), false, 0);
        exporter.consume(TestBatches.batch(A, List.of(new MetricFamily("rpc", MetricType.SUMMARY, "rpc", List.of(
                new ScalarSeries("rpc", Labels.of("quantile", "0.5"), 1.5),
                new ScalarSeries("rpc_count", Labels.EMPTY, 10),
                new ScalarSeries("rpc_sum", Labels.EMPTY, 20))))));
        String body = TestBatches.render(exporter, null);
        assertTrue(body.contains("# TYPE rpc summary\nrpc{quantile=\"0.5\"} 1.5\nrpc_count 10\nrpc_sum 20\n"), body);
    }
}
