package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service between a Kong whose counters grow and a real Prometheus scraping /metrics:
 * the PromQL of Kong's autoscaling guide answers the average latency the payload implies.
 */
class PrometheusEndToEndIT {
    @TempDir
    Path dir;

    /**
     * Two Kong services whose latency histograms grow linearly with time: every request of
     * {@code storefront} takes 40 ms, every request of {@code payments-api} 120 ms, so
     * rate(sum)/rate(count) is exactly those numbers whatever the scrape timing.
     */
    static String payload(long requestsA, long requestsB) {
        StringBuilder s = new StringBuilder();
        s.append("# HELP kong_upstream_latency_ms Latency added by upstream response for each service/route in Kong\n");
        s.append("# TYPE kong_upstream_latency_ms histogram\n");
        String a = "service=\"shop.storefront.80\",route=\"shop.storefront.storefront.shop.example.com.80\",workspace=\"default\"";
        String b = "service=\"payments.payments-api.8080\",route=\"payments.payments-api.api.80\",workspace=\"default\"";
        // Sparse, as Kong writes them: buckets below the first observation are omitted.
        for (String le : new String[] {"50", "80", "100", "250", "400", "700", "1000", "2000", "5000", "10000", "30000", "60000", "+Inf"}) {
            s.append("kong_upstream_latency_ms_bucket{").append(a).append(",le=\"").append(le).append("\"} ").append(requestsA).append('\n');
        }
        for (String le : new String[] {"250", "400", "700", "1000", "2000", "5000", "10000", "30000", "60000", "+Inf"}) {
            s.append("kong_upstream_latency_ms_bucket{").append(b).append(",le=\"").append(le).append("\"} ").append(requestsB).append('\n');
        }
        s.append("kong_upstream_latency_ms_count{").append(a).append("} ").append(requestsA).append('\n');
        s.append("kong_upstream_latency_ms_count{").append(b).append("} ").append(requestsB).append('\n');
        s.append("kong_upstream_latency_ms_sum{").append(a).append("} ").append(40 * requestsA).append('\n');
        s.append("kong_upstream_latency_ms_sum{").append(b).append("} ").append(120 * requestsB).append('\n');
        return s.toString();
    }

    @Test
    void promqlOfKongsGuideAnswersTheServedAverage() throws Exception {
        long start = System.nanoTime();
        HttpServer kong = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kong.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        kong.createContext("/metrics", ex -> {
            long tenths = (System.nanoTime() - start) / 100_000_000L;
            byte[] body = payload(1000 + 3 * tenths, 500 + tenths).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        kong.start();
        Path pipelines = dir.resolve("pipelines.yaml");
        Files.writeString(pipelines, """
                receivers:
                  kong: {interval: 1s, timeout: 900ms, targets: ["http://127.0.0.1:%d/metrics"]}
                exporters:
                  prometheus: {}
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [prometheus]}
                """.formatted(kong.getAddress().getPort()));
        try (ServiceProcess svc = ServiceProcess.start(dir, "--pipelines", pipelines.toString());
             RealPrometheus prom = RealPrometheus.start(dir, "127.0.0.1:" + svc.port, "")) {
            String query = "sum by (service)(rate(kong_upstream_latency_ms_sum[1m])) / sum by (service)(rate(kong_upstream_latency_ms_count[1m]))";
            Map<String, Double>[] answer = new Map[1];
            ServiceProcess.await("PromQL answers for both services", Duration.ofSeconds(60), () -> {
                try {
                    answer[0] = prom.query(query, "service");
                    // Early on both samples in the window can come from one scrape of Kong: 0/0 = NaN, wait it out.
                    return answer[0].size() == 2 && answer[0].values().stream().noneMatch(v -> Double.isNaN(v));
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            assertEquals(40.0, answer[0].get("shop.storefront.80"), 1e-9, answer[0].toString());
            assertEquals(120.0, answer[0].get("payments.payments-api.8080"), 1e-9, answer[0].toString());

            // Prometheus sees each served bucket series once: 13 + 10 of them, all up.
            assertEquals(Map.of("", 23.0), prom.query("count(kong_upstream_latency_ms_bucket)", null));
            assertEquals(Map.of("", 1.0), prom.query("up{job=\"kmp\"}", null));
            assertEquals(1.0, prom.query("kmp_scrape_up", null).get(""));
        } finally {
            kong.stop(0);
        }
    }
}
