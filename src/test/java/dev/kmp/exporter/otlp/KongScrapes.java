package dev.kmp.exporter.otlp;

import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.receiver.kong.ParseResult;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.TreeMap;

/**
 * Kong-shaped scrapes for the OTLP tests, read by the project's real parser: one service
 * ({@code command.command.80}) with a request counter, a sparse {@code kong_upstream_latency_ms}
 * histogram (buckets, then counts, then sums, as Kong prints them) and a gauge.
 */
final class KongScrapes {
    static final String URL = "http://10.0.0.7:8100/metrics";
    static final String SERVICE = "command.command.80";
    static final String ROUTE = "command.command.command.example.com.80";
    static final String LABELS = "service=\"" + SERVICE + "\",route=\"" + ROUTE + "\",workspace=\"default\"";

    private KongScrapes() {
    }

    /**
     * One scrape: {@code requests} on the 200 counter; {@code cumulativeBuckets} maps an {@code le}
     * text to its cumulative count (only the buckets Kong would print: the non-empty ones; the last
     * one is +Inf and equals {@code count}).
     */
    static String text(long requests, Map<String, Long> cumulativeBuckets, long count, double sumMillis) {
        StringBuilder sb = new StringBuilder();
        sb.append("# HELP kong_http_requests_total HTTP status codes per consumer/service/route in Kong\n");
        sb.append("# TYPE kong_http_requests_total counter\n");
        sb.append("kong_http_requests_total{").append(LABELS.replace(",workspace", ",code=\"200\",source=\"service\",workspace"))
                .append(",consumer=\"\"} ").append(requests).append('\n');
        sb.append("# HELP kong_memory_lua_shared_dict_bytes Allocated slabs in bytes in a shared_dict\n");
        sb.append("# TYPE kong_memory_lua_shared_dict_bytes gauge\n");
        sb.append("kong_memory_lua_shared_dict_bytes{node_id=\"n1\",shared_dict=\"kong\",kong_subsystem=\"http\"} 40960\n");
        sb.append("# HELP kong_upstream_latency_ms Latency added by upstream response for each service/route in Kong\n");
        sb.append("# TYPE kong_upstream_latency_ms histogram\n");
        Map<Double, String> ordered = new TreeMap<>();
        cumulativeBuckets.keySet().forEach(le -> ordered.put(le.equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(le), le));
        for (String le : ordered.values()) {
            sb.append("kong_upstream_latency_ms_bucket{").append(LABELS).append(",le=\"").append(le).append("\"} ")
                    .append(cumulativeBuckets.get(le)).append('\n');
        }
        sb.append("kong_upstream_latency_ms_count{").append(LABELS).append("} ").append(count).append('\n');
        sb.append("kong_upstream_latency_ms_sum{").append(LABELS).append("} ").append(sumMillis).append('\n');
        return sb.toString();
    }

    static Batch batch(String text, long millis) {
        return batch(text.getBytes(StandardCharsets.UTF_8), URL, millis);
    }

    static Batch batch(byte[] body, String url, long millis) {
        try (InputStream in = new ByteArrayInputStream(body)) {
            ParseResult r = new KongTextParser().parse(in, ParseOptions.plainText(Labels.of("dataplane_url", url)));
            return Batch.success(new TargetId("kong", url), Labels.of("k8s.pod.name", "kong-7d9f"), millis, r.families());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // The sequence used by the delta tests: S2 is S1 plus 100 requests and 2000 ms of latency,
    // S3 is after a Kong restart (every counter lower), S4 continues from S3.
    static Batch s1(long t) {
        return batch(text(1000, Map.of("50", 10L, "100", 40L, "250", 90L, "2000", 100L, "+Inf", 100L), 100, 9000), t);
    }

    static Batch s2(long t) {
        return batch(text(1100, Map.of("25", 5L, "50", 30L, "100", 120L, "250", 170L, "1000", 175L, "2000", 200L,
                "+Inf", 200L), 200, 11000), t);
    }

    static Batch s3(long t) {
        return batch(text(7, Map.of("100", 3L, "+Inf", 3L), 3, 150), t);
    }

    static Batch s4(long t) {
        return batch(text(17, Map.of("100", 5L, "250", 8L, "+Inf", 8L), 8, 900), t);
    }
}
