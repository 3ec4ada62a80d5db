package dev.kmp.exporter.otlp;

import static dev.kmp.exporter.otlp.OtlpTestExporters.await;
import static dev.kmp.exporter.otlp.OtlpTestExporters.exporter;
import static dev.kmp.exporter.otlp.OtlpTestExporters.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.telemetry.SelfMetrics;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.NumberDataPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The exporter against a test OTLP/HTTP endpoint that decodes with the official OTLP classes. */
class OtlpExporterHttpTest {
    private static final String KEY = "dd0b7c3e9f1a4d5e8c2b6a7f90e1d3c4";
    private static final long T1 = 1_700_000_000_000L;
    private static final long T2 = T1 + 10_000;
    private static final long T3 = T2 + 10_000;
    private static final long T4 = T3 + 10_000;
    private static final long T5 = T4 + 10_000;
    private static final long MS = 1_000_000L;

    @Test
    void deltaOverHttpWithTheApiKeyOnEveryRequestAndNeverInTheLog() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpHttpSink sink = new OtlpHttpSink(); LogCapture logs = new LogCapture()) {
            OtlpExporter ex = exporter("""
                    endpoint: %s
                    temporality: delta
                    interval: 50ms
                    headers:
                      dd-api-key: ${env:DD_API_KEY}
                    retry: {initial_interval: 50ms, max_interval: 200ms}
                    """.formatted(sink.baseUrl()), Map.of("DD_API_KEY", KEY), metrics);
            ex.start();
            try {
                ex.consume(KongScrapes.s1(T1));
                await("first request", () -> sink.received().size() == 1);
                ex.consume(KongScrapes.s2(T2));
                await("second request", () -> sink.received().size() == 2);
                ex.consume(KongScrapes.s3(T3));
                await("third request", () -> sink.received().size() == 3);
                ex.consume(KongScrapes.s4(T4));
                await("fourth request", () -> sink.received().size() == 4);

                List<ReceivedExport> r = sink.received();
                // First sight: only the gauge; no cumulative total disguised as a delta.
                assertEquals(List.of("kong_memory_lua_shared_dict_bytes"), names(r.get(0)));

                Metric requests = metric(r.get(1), "kong_http_requests_total").orElseThrow();
                assertTrue(requests.getSum().getIsMonotonic());
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, requests.getSum().getAggregationTemporality());
                NumberDataPoint rp = requests.getSum().getDataPoints(0);
                assertEquals(100.0, rp.getAsDouble(), "+100 requests between two scrapes");
                assertEquals(T1 * MS, rp.getStartTimeUnixNano());
                assertEquals(T2 * MS, rp.getTimeUnixNano());

                Metric latency = metric(r.get(1), "kong_upstream_latency_ms").orElseThrow();
                assertTrue(latency.hasHistogram(), "kong_upstream_latency_ms is a histogram");
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, latency.getHistogram().getAggregationTemporality());
                HistogramDataPoint hp = latency.getHistogram().getDataPoints(0);
                assertEquals(100, hp.getCount());
                assertEquals(2000.0, hp.getSum(), "+2000 ms between two scrapes");
                assertEquals(List.of(25.0, 50.0, 100.0, 250.0, 1000.0, 2000.0), hp.getExplicitBoundsList());
                assertEquals(List.of(5L, 15L, 60L, 0L, 5L, 15L, 0L), hp.getBucketCountsList());
                Map<String, String> attrs = ReceivedExport.attributes(hp.getAttributesList());
                assertEquals(KongScrapes.SERVICE, attrs.get("service"));
                assertEquals(KongScrapes.ROUTE, attrs.get("route"));
                assertEquals("default", attrs.get("workspace"));
                assertEquals(KongScrapes.URL, attrs.get("dataplane_url"));
                Map<String, String> resource = r.get(1).metrics().get(0).resource();
                assertEquals(KongScrapes.URL, resource.get("service.instance.id"));
                assertEquals("kong-7d9f", resource.get("k8s.pod.name"));
                assertEquals(1, r.get(1).request().getResourceMetricsCount(), "one resource per scraped target");

                // After the reset nothing but the gauge; then deltas from the new baseline.
                assertEquals(List.of("kong_memory_lua_shared_dict_bytes"), names(r.get(2)));
                assertEquals(10.0, metric(r.get(3), "kong_http_requests_total").orElseThrow().getSum().getDataPoints(0).getAsDouble());
                HistogramDataPoint after = metric(r.get(3), "kong_upstream_latency_ms").orElseThrow().getHistogram().getDataPoints(0);
                assertEquals(5, after.getCount());
                assertEquals(750.0, after.getSum());
                assertEquals(T3 * MS, after.getStartTimeUnixNano());

                // A failure is logged and shown; then recovery.
                sink.down(403);
                ex.consume(KongScrapes.s4(T5));
                await("the failure on /status", () -> String.valueOf(ex.status().get("last_error")).contains("403"));
                sink.up();
                await("the retried request", () -> sink.received().size() == 5);

                for (ReceivedExport e : sink.received()) {
                    assertEquals(KEY, e.headers().get("dd-api-key"), "the API key header on every request");
                    assertEquals("gzip", e.headers().get("content-encoding"));
                    for (ReceivedExport.ResourceMetric m : e.metrics()) {
                        assertFalse(m.metric().hasSum() && m.metric().getSum().getAggregationTemporality()
                                == AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE);
                    }
                }
                assertEquals(0L, OtlpTestExporters.counter(metrics, "kmp_exporter_dropped_points_total"));
                await("sent points counted", () -> OtlpTestExporters.counter(metrics, "kmp_exporter_sent_points_total") == 1 + 3 + 1 + 3 + 3);
                assertFalse(logs.lines().isEmpty(), "the failure was logged");
                assertTrue(logs.all().contains("403"), logs.all());
                assertFalse(logs.all().contains(KEY), "the API key is in the log");
                assertFalse(ex.status().toString().contains(KEY));
                assertFalse(ex.config().toString().contains(KEY));
            } finally {
                ex.shutdown();
            }
            assertFalse(logs.all().contains(KEY), "the API key is in the log");
        }
    }

    @Test
    void cumulativeKeepsTotalsAndAnExplicitPathIsUsedAsIs() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpHttpSink sink = new OtlpHttpSink()) {
            OtlpExporter ex = exporter("""
                    endpoint: %s/v1/metrics
                    interval: 50ms
                    compression: none
                    """.formatted(sink.baseUrl()), Map.of(), metrics);
            ex.start();
            try {
                ex.consume(KongScrapes.s1(T1));
                ex.consume(KongScrapes.s2(T2));
                await("two requests", () -> sink.received().size() == 2);
                Metric requests = metric(sink.received().get(1), "kong_http_requests_total").orElseThrow();
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_CUMULATIVE, requests.getSum().getAggregationTemporality());
                assertEquals(1100.0, requests.getSum().getDataPoints(0).getAsDouble());
                assertEquals(T1 * MS, requests.getSum().getDataPoints(0).getStartTimeUnixNano());
                HistogramDataPoint hp = metric(sink.received().get(1), "kong_upstream_latency_ms").orElseThrow()
                        .getHistogram().getDataPoints(0);
                assertEquals(200, hp.getCount());
                assertEquals(11000.0, hp.getSum());
                Metric gauge = metric(sink.received().get(0), "kong_memory_lua_shared_dict_bytes").orElseThrow();
                assertTrue(gauge.hasGauge());
                assertEquals(40960.0, gauge.getGauge().getDataPoints(0).getAsDouble());
                assertEquals("kong", ReceivedExport.attributes(gauge.getGauge().getDataPoints(0).getAttributesList()).get("shared_dict"));
                assertEquals("Allocated slabs in bytes in a shared_dict", gauge.getDescription());
                assertEquals(null, sink.received().get(0).headers().get("content-encoding"));
                // Counted once the backend has answered, which is just after the sink saw the request.
                await("6 points counted as sent", () -> OtlpTestExporters.counter(metrics, "kmp_exporter_sent_points_total") == 6);
            } finally {
                ex.shutdown();
            }
        }
    }

    private static List<String> names(ReceivedExport r) {
        return r.metrics().stream().map(m -> m.metric().getName()).toList();
    }
}
