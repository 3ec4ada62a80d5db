package dev.kmp.exporter.otlp;

import static dev.kmp.exporter.otlp.OtlpTestExporters.await;
import static dev.kmp.exporter.otlp.OtlpTestExporters.exporter;
import static dev.kmp.exporter.otlp.OtlpTestExporters.metric;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.telemetry.SelfMetrics;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * OTLP/gRPC really arrives: a grpc-java server decodes it. (A missing or clashing gRPC transport
 * fails silently in the SDK, so only a request seen on the other side proves it works.)
 */
class OtlpExporterGrpcTest {
    private static final long T1 = 1_700_000_000_000L;
    private static final long T2 = T1 + 15_000;

    @Test
    void deltaHistogramOverGrpcWithHeadersAndGzip() throws Exception {
        SelfMetrics metrics = new SelfMetrics();
        try (OtlpGrpcSink sink = new OtlpGrpcSink()) {
            OtlpExporter ex = exporter("""
                    endpoint: %s
                    protocol: grpc
                    temporality: delta
                    interval: 50ms
                    headers: {dd-api-key: "${env:DD_API_KEY}"}
                    """.formatted(sink.baseUrl()), Map.of("DD_API_KEY", "grpc-key-1234567890"), metrics);
            ex.start();
            try {
                ex.consume(KongScrapes.s1(T1));
                ex.consume(KongScrapes.s2(T2));
                await("two gRPC requests", () -> sink.received().size() == 2);
                ReceivedExport second = sink.received().get(1);
                var latency = metric(second, "kong_upstream_latency_ms").orElseThrow();
                assertTrue(latency.hasHistogram());
                assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, latency.getHistogram().getAggregationTemporality());
                HistogramDataPoint hp = latency.getHistogram().getDataPoints(0);
                assertEquals(100, hp.getCount());
                assertEquals(2000.0, hp.getSum());
                assertEquals(List.of(5L, 15L, 60L, 0L, 5L, 15L, 0L), hp.getBucketCountsList());
                assertEquals(T1 * 1_000_000L, hp.getStartTimeUnixNano());
                assertEquals(100.0, metric(second, "kong_http_requests_total").orElseThrow().getSum().getDataPoints(0).getAsDouble());
                for (ReceivedExport r : sink.received()) {
                    assertEquals("grpc-key-1234567890", r.headers().get("dd-api-key"));
                    assertEquals("gzip", r.headers().get("grpc-encoding"));
                }
                await("4 points counted as sent", () -> OtlpTestExporters.counter(metrics, "kmp_exporter_sent_points_total") == 4);
                assertEquals("grpc", ex.status().get("protocol"));
            } finally {
                ex.shutdown();
            }
        }
    }
}
