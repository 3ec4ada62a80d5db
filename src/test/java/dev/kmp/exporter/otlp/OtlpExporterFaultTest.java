package dev.kmp.exporter.otlp;

import static dev.kmp.exporter.otlp.OtlpTestExporters.await;
import static dev.kmp.exporter.otlp.OtlpTestExporters.counter;
import static dev.kmp.exporter.otlp.OtlpTestExporters.exporter;
import static dev.kmp.exporter.otlp.OtlpTestExporters.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Batch;
import dev.kmp.telemetry.SelfMetrics;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Backend down, slow to come back, or gone: bounded queue, drops counted, recovery, bounded shutdown. */
class OtlpExporterFaultTest {
    private static final long T0 = 1_700_000_000_000L;
    /** Cumulative points per scrape: the counter, the gauge and the histogram. */
    private static final int POINTS = 3;

    private static Batch scrape(int i) {
        return KongScrapes.batch(KongScrapes.text(1000 + i, Map.of("100", 10L + i, "+Inf", 10L + i), 10 + i, 500 + i),
                T0 + i * 10_000L);
    }

    private static long queued(OtlpExporter ex) {
        return ((Number) ex.status().get("queued_points")).longValue();
    }

    @Test
    void backendDownThenUpKeepsTheQueueBoundedCountsDropsAndRecovers() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpHttpSink sink = new OtlpHttpSink()) {
            sink.down(503);
            OtlpExporter ex = exporter("""
                    endpoint: %s
                    interval: 20ms
                    queue_size: 9
                    retry: {initial_interval: 20ms, max_interval: 100ms, max_elapsed_time: 1m}
                    """.formatted(sink.baseUrl()), Map.of(), metrics);
            ex.start();
            try {
                ex.consume(scrape(0));
                await("the first refused request", () -> sink.refusedRequests() > 0);
                // scrape 0 is now being retried outside the queue; 39 more arrive while the backend is down.
                int scrapes = 40;
                for (int i = 1; i < scrapes; i++) {
                    ex.consume(scrape(i));
                    assertTrue(queued(ex) <= 9, "queue over queue_size: " + ex.status());
                }
                assertTrue(String.valueOf(ex.status().get("last_error")).contains("503"), ex.status().toString());
                assertEquals((long) (scrapes - 4) * POINTS, counter(metrics, "kmp_exporter_dropped_points_total"),
                        "all but the newest 3 scrapes and the one in flight dropped, oldest first: " + ex.status());
                assertEquals(0, sink.received().size());

                sink.up();
                await("the newest scrape", () -> sink.received().stream().anyMatch(r -> metric(r, "kong_http_requests_total")
                        .map(m -> m.getSum().getDataPoints(0).getAsDouble() == 1000 + scrapes - 1).orElse(false)));
                await("the queue drained", () -> queued(ex) == 0);
                await("every point sent or counted as dropped", () -> counter(metrics, "kmp_exporter_sent_points_total")
                        + counter(metrics, "kmp_exporter_dropped_points_total") == (long) POINTS * scrapes);
                assertEquals(4, sink.received().size(), "the batch in flight, then the queue");
                assertEquals(1000.0, metric(sink.received().get(0), "kong_http_requests_total").orElseThrow()
                        .getSum().getDataPoints(0).getAsDouble(), "the retried batch first");
                assertEquals(4L * POINTS, counter(metrics, "kmp_exporter_sent_points_total"));
            } finally {
                ex.shutdown();
            }
        }
    }

    @Test
    void retriesGiveUpAfterMaxElapsedTimeAndCountTheDrop() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // closed again: connections are refused
        }
        OtlpExporter ex = exporter("""
                endpoint: http://127.0.0.1:%d
                interval: 20ms
                timeout: 1s
                retry: {initial_interval: 10ms, max_interval: 20ms, max_elapsed_time: 100ms}
                """.formatted(port), Map.of(), metrics);
        ex.start();
        try {
            ex.consume(scrape(0));
            await("the batch given up", () -> counter(metrics, "kmp_exporter_dropped_points_total") == POINTS);
            assertEquals(0L, counter(metrics, "kmp_exporter_sent_points_total"));
            assertTrue(ex.status().containsKey("last_error"), ex.status().toString());
            assertTrue(ex.status().containsKey("failing_since"));
        } finally {
            ex.shutdown();
        }
    }

    @Test
    void shutdownFlushesWhatIsQueued() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpHttpSink sink = new OtlpHttpSink()) {
            OtlpExporter ex = exporter("endpoint: " + sink.baseUrl() + "\ninterval: 1h\n", Map.of(), metrics);
            ex.start();
            ex.consume(scrape(0));
            ex.consume(scrape(1));
            ex.shutdown();
            assertEquals(2, sink.received().size());
            assertEquals(2L * POINTS, counter(metrics, "kmp_exporter_sent_points_total"));
        }
    }

    @Test
    void shutdownWhileTheBackendIsDownEndsAndCountsWhatWasNotSent() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpHttpSink sink = new OtlpHttpSink()) {
            sink.down(503);
            OtlpExporter ex = exporter("""
                    endpoint: %s
                    interval: 20ms
                    timeout: 300ms
                    retry: {initial_interval: 20ms, max_interval: 50ms, max_elapsed_time: 10m}
                    """.formatted(sink.baseUrl()), Map.of(), metrics);
            ex.start();
            for (int i = 0; i < 3; i++) {
                ex.consume(scrape(i));
            }
            await("retrying", () -> sink.refusedRequests() > 2);
            assertTimeoutPreemptively(Duration.ofSeconds(20), ex::shutdown);
            assertEquals(0L, counter(metrics, "kmp_exporter_sent_points_total"));
            assertEquals(3L * POINTS, counter(metrics, "kmp_exporter_dropped_points_total"));
        }
    }

    @Test
    void aPausedExporterSendsNothingButKeepsItsBaselines() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpHttpSink sink = new OtlpHttpSink()) {
            OtlpExporter ex = exporter("endpoint: " + sink.baseUrl() + "\ninterval: 20ms\ntemporality: delta\n", Map.of(), metrics);
            ex.start();
            try {
                ex.setActive(false);
                ex.consume(KongScrapes.s1(T0));
                assertEquals(false, ex.status().get("active"));
                ex.setActive(true);
                ex.consume(KongScrapes.s2(T0 + 10_000));
                await("a request", () -> !sink.received().isEmpty());
                // The first request is the second scrape's delta: nothing went out while paused.
                assertEquals(100.0, metric(sink.received().get(0), "kong_http_requests_total").orElseThrow()
                        .getSum().getDataPoints(0).getAsDouble());
            } finally {
                ex.shutdown();
            }
        }
    }

    @Test
    void aScrapeLargerThanTheQueueIsRefusedAndSaysWhy() {
        SelfMetrics metrics = new SelfMetrics();
        OtlpExporter ex = exporter("endpoint: http://127.0.0.1:9\ninterval: 1h\nqueue_size: 2\n", Map.of(), metrics);
        ex.consume(scrape(0));
        assertEquals((long) POINTS, counter(metrics, "kmp_exporter_dropped_points_total"));
        assertTrue(String.valueOf(ex.status().get("last_error")).contains("queue_size 2"), ex.status().toString());
        ex.shutdown();
    }
}
