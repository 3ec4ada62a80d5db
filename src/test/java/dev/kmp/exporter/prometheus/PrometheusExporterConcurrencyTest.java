package dev.kmp.exporter.prometheus;

import static dev.kmp.exporter.prometheus.TestBatches.A;
import static dev.kmp.exporter.prometheus.TestBatches.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Batch;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.TargetId;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class PrometheusExporterConcurrencyTest {
    private static final int SERIES = 50;
    private static final TargetId C = new TargetId("kong", "http://10.0.0.3:8100/metrics");

    /** Every value of the batch is its generation, so a render mixing two batches shows two values. */
    private static Batch generation(TargetId t, int gen) {
        MetricFamily gauges = TestBatches.gauges("g", t, SERIES, gen);
        MetricFamily hist = new MetricFamily("h", MetricType.HISTOGRAM, "", List.of(HistogramSeries.of(
                TestBatches.kong(t), TestBatches.FULL, new double[] {gen, gen, gen, gen}, gen, gen)));
        // Odd generations leave out a family, so families come and go between renders too.
        return TestBatches.batch(t, gen % 2 == 0 ? List.of(gauges, hist) : List.of(gauges));
    }

    @Test
    void everyRenderSeesWholeBatchesWhileTargetsAreReplaced() throws Exception {
        PrometheusExporter exporter = TestBatches.exporter(TestBatches.context(), false, 0);
        exporter.consume(generation(A, 0));
        exporter.consume(generation(B, 0));
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> writerFailure = new AtomicReference<>();
        Thread writer = Thread.ofPlatform().start(() -> {
            try {
                for (int gen = 1; gen < 5_000_000 && !stop.get(); gen++) {
                    exporter.consume(generation(A, gen));
                    // C flips between a good scrape and a failed one: all of it or nothing.
                    exporter.consume(gen % 3 == 0 ? Batch.failure(C, Labels.EMPTY, 0, "timeout") : generation(C, gen));
                    if (gen % 7 == 0) {
                        exporter.forget(C);
                    }
                }
            } catch (Throwable e) {
                writerFailure.set(e);
            }
        });
        Set<Double> generationsSeen = new HashSet<>();
        try {
            for (int render = 0; render < 300; render++) {
                SimpleExpositionReader r = SimpleExpositionReader.read(TestBatches.render(exporter, null));
                assertEquals(1, r.typeLines.get("g"));
                for (TargetId t : List.of(A, B, C)) {
                    List<SimpleExpositionReader.Sample> mine = r.samples.stream()
                            .filter(s -> t.url().equals(s.labels().get("dataplane_url"))).toList();
                    if (t == C && mine.isEmpty()) {
                        continue;
                    }
                    Set<Double> values = new HashSet<>();
                    mine.forEach(s -> values.add(s.value()));
                    assertEquals(1, values.size(), "one generation per target in one render: " + t + " " + values);
                    double gen = values.iterator().next();
                    long gauges = mine.stream().filter(s -> s.name().equals("g")).count();
                    long buckets = mine.stream().filter(s -> s.name().equals("h_bucket")).count();
                    assertEquals(SERIES, gauges, t.toString());
                    assertEquals(gen % 2 == 0 ? 4 : 0, buckets, t + " generation " + gen);
                    if (t == A) {
                        generationsSeen.add(gen);
                    }
                }
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertNull(writerFailure.get());
        assertTrue(generationsSeen.size() > 1, "renders overlapped with replacements");
    }
}
