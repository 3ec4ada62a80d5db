package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kmp.exporter.otlp.OtlpHttpSink;
import dev.kmp.exporter.otlp.ReceivedExport;
import io.opentelemetry.proto.metrics.v1.AggregationTemporality;
import io.opentelemetry.proto.metrics.v1.HistogramDataPoint;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service pushing delta OTLP the way the Datadog example does: a Kong whose every
 * scrape shows +100 requests and +2000 ms, an OTLP endpoint that decodes with the official classes,
 * the API key from the environment on every request and nowhere in the service's log or status.
 */
class OtlpDatadogIT {
    private static final String KEY = "c0ffee5eed4b1d3a9e8f7a6b5c4d3e2f";
    private static final String LABELS = "service=\"command.command.80\",route=\"command.command.command.example.com.80\",workspace=\"default\"";

    @TempDir
    Path dir;

    /** Scrape n: 1000 + 100n requests; the latency histogram has 100 + 100n observations summing to 9000 + 2000n ms. */
    private static String payload(long n) {
        long count = 100 + 100 * n;
        return "# HELP kong_http_requests_total HTTP status codes per consumer/service/route in Kong\n"
                + "# TYPE kong_http_requests_total counter\n"
                + "kong_http_requests_total{" + LABELS.replace(",workspace", ",code=\"200\",source=\"service\",workspace")
                + ",consumer=\"\"} " + (1000 + 100 * n) + "\n"
                + "# HELP kong_upstream_latency_ms Latency added by upstream response for each service/route in Kong\n"
                + "# TYPE kong_upstream_latency_ms histogram\n"
                + "kong_upstream_latency_ms_bucket{" + LABELS + ",le=\"25\"} " + (count / 2) + "\n"
                + "kong_upstream_latency_ms_bucket{" + LABELS + ",le=\"100\"} " + count + "\n"
                + "kong_upstream_latency_ms_bucket{" + LABELS + ",le=\"+Inf\"} " + count + "\n"
                + "kong_upstream_latency_ms_count{" + LABELS + "} " + count + "\n"
                + "kong_upstream_latency_ms_sum{" + LABELS + "} " + (9000 + 2000 * n) + "\n";
    }

    @Test
    void deltasArriveExactlyWithTheKeyOnEveryRequestAndNeverInTheLog() throws Exception {
        AtomicLong scrapes = new AtomicLong();
        HttpServer kong = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kong.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        kong.createContext("/metrics", ex -> {
            byte[] body = payload(scrapes.getAndIncrement()).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        kong.start();
        Path pipelines = dir.resolve("pipelines.yaml");
        try (OtlpHttpSink sink = new OtlpHttpSink()) {
            Files.writeString(pipelines, """
                    receivers:
                      kong: {interval: 1s, timeout: 1s, targets: ["http://127.0.0.1:%d/metrics"]}
                    exporters:
                      otlp/datadog:
                        endpoint: %s
                        temporality: delta
                        interval: 200ms
                        headers: {dd-api-key: "${env:DD_API_KEY}"}
                    service:
                      pipelines:
                        metrics: {receivers: [kong], exporters: [otlp/datadog]}
                    """.formatted(kong.getAddress().getPort(), sink.baseUrl()));
            try (ServiceProcess svc = ServiceProcess.start(dir, Map.of("DD_API_KEY", KEY), "--pipelines", pipelines.toString())) {
                ServiceProcess.await("three requests with a latency histogram", Duration.ofSeconds(60),
                        () -> sink.received().stream().filter(r -> histogram(r) != null).count() >= 3);
                int oneScrapeDeltas = 0;
                for (ReceivedExport r : List.copyOf(sink.received())) {
                    assertEquals(KEY, r.headers().get("dd-api-key"), "the API key on every request");
                    Metric latency = histogram(r);
                    if (latency == null) {
                        continue;
                    }
                    assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, latency.getHistogram().getAggregationTemporality());
                    HistogramDataPoint p = latency.getHistogram().getDataPoints(0);
                    // Each scrape adds 100 requests and 2000 ms; a scrape that failed (slow start on a
                    // loaded machine) is covered by the next delta, which then spans k scrapes.
                    long k = p.getCount() / 100;
                    assertTrue(k >= 1 && p.getCount() == 100 * k, "count " + p.getCount());
                    if (k == 1) {
                        oneScrapeDeltas++;
                    }
                    assertEquals(2000.0 * k, p.getSum(), "+2000 ms per scrape");
                    assertEquals(List.of(25.0, 100.0), p.getExplicitBoundsList());
                    assertEquals(List.of(50L * k, 50L * k, 0L), p.getBucketCountsList());
                    assertEquals("command.command.80", ReceivedExport.attributes(p.getAttributesList()).get("service"));
                    Metric requests = r.metrics().stream().map(ReceivedExport.ResourceMetric::metric)
                            .filter(m -> m.getName().equals("kong_http_requests_total")).findFirst().orElseThrow();
                    assertEquals(AggregationTemporality.AGGREGATION_TEMPORALITY_DELTA, requests.getSum().getAggregationTemporality());
                    assertEquals(100.0 * k, requests.getSum().getDataPoints(0).getAsDouble(), "+100 requests per scrape");
                }
                assertTrue(oneScrapeDeltas >= 1, "no delta of exactly +100 requests / +2000 ms");
                String status = svc.get("/api/status");
                assertTrue(status.contains("otlp/datadog"), status);
                assertTrue(status.contains("sent_points"), status);
                assertFalse(status.contains(KEY), "the API key on /api/status");
                assertFalse(svc.get("/status").contains(KEY), "the API key on /status");
                svc.stop(); // SIGTERM: the exporter flushes within its timeout
                assertFalse(svc.logText().contains(KEY), "the API key in the log:\n" + svc.logText());
            }
        } finally {
            kong.stop(0);
        }
    }

    private static Metric histogram(ReceivedExport r) {
        return r.metrics().stream().map(ReceivedExport.ResourceMetric::metric)
                .filter(m -> m.getName().equals("kong_upstream_latency_ms")).findFirst().orElse(null);
    }
}
