package dev.kmp.exporter.k8smetrics;

import dev.kmp.tls.Certificates;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.telemetry.SelfMetrics;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * Kong's own payload (the kong-small fixture, parsed by the real parser, not enriched) and a
 * second scrape with more requests on Service shop/storefront's two routes: with authentication
 * off, both APIs answer one item equal to Δsum / Δcount summed over the routes.
 */
class KongPayloadThroughApiTest {
    private static final String METRIC = "kong_upstream_latency_ms_60s_average";

    @Test
    void bothApisAnswerDeltaSumOverDeltaCount() throws Exception {
        String first;
        try (InputStream in = getClass().getResourceAsStream("/kong/kong-small.prom")) {
            first = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        // +100 requests / +5000 ms on the admin route, +300 / +9000 ms on the main route: 14000 / 400 = 35 ms.
        String second = first
                .replace("workspace=\"default\"} 7680\n", "workspace=\"default\"} 7780\n")
                .replace("workspace=\"default\"} 3672041\n", "workspace=\"default\"} 3677041\n")
                .replace("workspace=\"default\"} 1284053\n", "workspace=\"default\"} 1284353\n")
                .replace("workspace=\"default\"} 57488599\n", "workspace=\"default\"} 57497599\n");
        assertEquals(4, countDifferentLines(first, second));

        MetricsApiTest.MutableClock clock = new MetricsApiTest.MutableClock(1_700_000_100_000L);
        K8sMetricsConfig config = new K8sMetricsConfig(0, null, null, Authentication.NONE, null, List.of(),
                K8sMetricsConfig.NoTraffic.ERROR,
                List.of(new MetricDefinition(METRIC, "kong_upstream_latency_ms", Aggregation.AVERAGE, Duration.ofSeconds(60))));
        K8sMetricsExporter exporter = new K8sMetricsExporter("k8smetrics", config, new ComponentContext(new SelfMetrics(), clock));
        exporter.start();
        try {
            TargetId target = new TargetId("kong", "http://10.0.0.7:8100/metrics");
            exporter.consume(parse(target, first, clock.millis() - 40_000));
            exporter.consume(parse(target, second, clock.millis() - 10_000));

            JsonNode external = get(exporter, "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + METRIC
                    + "?labelSelector=service%3Dstorefront");
            assertEquals(1, external.get("items").size());
            assertEquals("35", external.at("/items/0/value").asText());
            JsonNode object = get(exporter, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/" + METRIC);
            assertEquals(1, object.get("items").size());
            assertEquals("35", object.at("/items/0/value").asText());
            // payments had no new requests: no_traffic is error here
            assertEquals(503, status(exporter, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/payments/services/payments-api/" + METRIC));
            assertEquals(404, status(exporter, "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/nope"));
        } finally {
            exporter.shutdown();
        }
    }

    private static Batch parse(TargetId target, String text, long time) throws Exception {
        var result = new KongTextParser().parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)),
                ParseOptions.plainText(Labels.of("dataplane_url", target.url())));
        return Batch.success(target, Labels.EMPTY, time, result.families());
    }

    private static int countDifferentLines(String a, String b) {
        String[] x = a.split("\n");
        String[] y = b.split("\n");
        int n = 0;
        for (int i = 0; i < x.length; i++) {
            n += x[i].equals(y[i]) ? 0 : 1;
        }
        return n;
    }

    private static HttpResponse<String> call(K8sMetricsExporter exporter, String path) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", exporter.servingCertificates().get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(20)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exporter.port() + path))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
        }
    }

    private static JsonNode get(K8sMetricsExporter exporter, String path) throws Exception {
        HttpResponse<String> r = call(exporter, path);
        assertEquals(200, r.statusCode(), r.body());
        return new ObjectMapper().readTree(r.body());
    }

    private static int status(K8sMetricsExporter exporter, String path) throws Exception {
        return call(exporter, path).statusCode();
    }
}
