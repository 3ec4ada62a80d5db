package dev.kmp.exporter.k8smetrics;

import static dev.kmp.exporter.k8smetrics.EnrichedBatches.batch;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.histogram;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.httpRoute;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.pod;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kmp.model.TargetId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The API answers as JSON, field by field against the Kubernetes API types. */
class MetricsApiTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TargetId A = pod("kong-a");
    private static final TargetId B = pod("kong-b");
    private static final long T0 = 1_700_000_000_000L;
    private static final String AVG = "kong_upstream_latency_ms_60s_average";

    private final MutableClock clock = new MutableClock(T0 + 70_000);
    private final K8sMetricsConfig config = new K8sMetricsConfig(0, null, null, Authentication.NONE, null, List.of(),
            K8sMetricsConfig.NoTraffic.ZERO, List.of(
                    new MetricDefinition(AVG, "kong_upstream_latency_ms", Aggregation.AVERAGE, Duration.ofSeconds(60)),
                    new MetricDefinition("kong_upstream_latency_ms_p90", "kong_upstream_latency_ms", Aggregation.P90,
                            Duration.ofSeconds(60))));
    private final SeriesHistory history = new SeriesHistory(Set.of("kong_upstream_latency_ms"), Duration.ofSeconds(60), 100);
    private final RouteBackendTable routes = new RouteBackendTable();
    private final MetricsApi api = new MetricsApi(config, history, routes, clock);

    /** Two pods behind shop/storefront: Δcount 20 + 10, Δsum 1000 + 3000 -> 133.333 (see WindowedValueTest). */
    private void twoPods() {
        var a = service(A, "shop", "storefront", "r1");
        var b = service(B, "shop", "storefront", "r1");
        history.record(batch(A, T0, histogram(a, 1000, "50", 10, "100", 20, "+Inf", 20)));
        history.record(batch(B, T0, histogram(b, 2000, "250", 10, "+Inf", 10)));
        history.record(batch(A, T0 + 60_000, histogram(a, 2000, "25", 5, "50", 20, "100", 40, "+Inf", 40)));
        history.record(batch(B, T0 + 60_000, histogram(b, 5000, "250", 20, "+Inf", 20)));
    }

    private JsonNode get(String path, Map<String, String> query, int expectedStatus) throws Exception {
        MetricsApi.Answer a = api.handle("GET", path, query, "application/json");
        assertEquals(expectedStatus, a.status(), a.text());
        assertEquals("application/json", a.contentType());
        return JSON.readTree(a.body());
    }

    @Test
    void externalMetricIsOneItemShapedLikeExternalMetricValueList() throws Exception {
        twoPods();
        JsonNode list = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG,
                Map.of("labelSelector", "service=storefront"), 200);
        assertEquals(List.of("kind", "apiVersion", "metadata", "items"), fieldNames(list));
        assertEquals("ExternalMetricValueList", list.get("kind").asText());
        assertEquals("external.metrics.k8s.io/v1beta1", list.get("apiVersion").asText());
        assertEquals(1, list.get("items").size());
        JsonNode item = list.get("items").get(0);
        assertEquals(List.of("metricName", "metricLabels", "timestamp", "window", "value"), fieldNames(item));
        assertEquals(AVG, item.get("metricName").asText());
        assertEquals("2023-11-14T22:14:20Z", item.get("timestamp").asText());
        assertTrue(item.get("window").isIntegralNumber());
        assertEquals(60, item.get("window").asLong());
        // 4000 / 30 = 133.333 -> milli quantity
        assertEquals("133333m", item.get("value").asText());
        JsonNode labels = item.get("metricLabels");
        assertEquals("storefront", labels.get("service").asText());
        assertEquals("shop", labels.get("namespace").asText());
        assertEquals("Service", labels.get("kubernetes_kind").asText());
        assertTrue(labels.get("dataplane_pod") == null, "per-pod labels are not the metric's labels: " + labels);
    }

    @Test
    void selectorOperatorsNarrowTheSeries() throws Exception {
        twoPods();
        String path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG;
        assertEquals("50", get(path, Map.of("labelSelector", "dataplane_pod in (kong-a)"), 200).at("/items/0/value").asText());
        assertEquals("300", get(path, Map.of("labelSelector", "dataplane_pod!=kong-a,service"), 200).at("/items/0/value").asText());
        assertEquals("300", get(path, Map.of("labelSelector", "dataplane_pod notin (kong-a),!nope"), 200).at("/items/0/value").asText());
        get(path, Map.of("labelSelector", "service=checkout"), 404);
        // the namespace in the path is the series' namespace label
        get("/apis/external.metrics.k8s.io/v1beta1/namespaces/other/" + AVG, Map.of(), 404);
    }

    @Test
    void metricNamesAreMatchedIgnoringCase() throws Exception {
        twoPods();
        JsonNode list = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG.toUpperCase(),
                Map.of("labelSelector", "service=storefront"), 200);
        assertEquals(AVG, list.at("/items/0/metricName").asText());
    }

    @Test
    void objectMetricOnAServiceIsAMetricValueList() throws Exception {
        twoPods();
        JsonNode list = get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/" + AVG, Map.of(), 200);
        assertEquals(List.of("kind", "apiVersion", "metadata", "items"), fieldNames(list));
        assertEquals("MetricValueList", list.get("kind").asText());
        assertEquals("custom.metrics.k8s.io/v1beta2", list.get("apiVersion").asText());
        assertEquals(1, list.get("items").size());
        JsonNode item = list.get("items").get(0);
        assertEquals(List.of("describedObject", "metric", "timestamp", "windowSeconds", "value"), fieldNames(item));
        assertEquals("Service", item.at("/describedObject/kind").asText());
        assertEquals("shop", item.at("/describedObject/namespace").asText());
        assertEquals("storefront", item.at("/describedObject/name").asText());
        assertEquals("v1", item.at("/describedObject/apiVersion").asText());
        assertEquals(List.of("name"), fieldNames(item.get("metric")));
        assertEquals(AVG, item.at("/metric/name").asText());
        assertEquals(60, item.get("windowSeconds").asLong());
        assertEquals("133333m", item.get("value").asText());
        assertEquals("205", get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/kong_upstream_latency_ms_p90",
                Map.of(), 200).at("/items/0/value").asText());
    }

    @Test
    void aBackendOfAMultiBackendRuleAnswersTheRulesValueAndSaysSo() throws Exception {
        var rule = httpRoute(A, "checkout", "cart", 0);
        history.record(batch(A, T0, histogram(rule, 0, "+Inf", 0)));
        history.record(batch(A, T0 + 60_000, histogram(rule, 1000, "50", 10, "+Inf", 10)));
        routes.replace(List.of(
                new RouteBackends.RouteBackend("checkout", "cart", "0", "httproute.checkout.cart.0", "cart-v1", "80"),
                new RouteBackends.RouteBackend("checkout", "cart", "0", "httproute.checkout.cart.0", "cart-v2", "20")));
        JsonNode item = get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/checkout/services/cart-v2/" + AVG, Map.of(), 200)
                .at("/items/0");
        assertEquals("cart-v2", item.at("/describedObject/name").asText());
        assertEquals("100", item.get("value").asText());
        JsonNode selector = item.at("/metric/selector/matchLabels");
        assertEquals("HTTPRoute", selector.get("kubernetes_kind").asText());
        assertEquals("cart", selector.get("kubernetes_name").asText());
        assertEquals("httproute.checkout.cart.0", selector.get("kong_service").asText());
        // the route itself, as an Object metric on the HTTPRoute
        JsonNode route = get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/checkout/httproutes.gateway.networking.k8s.io/cart/"
                + AVG, Map.of(), 200).at("/items/0");
        assertEquals("HTTPRoute", route.at("/describedObject/kind").asText());
        assertEquals("gateway.networking.k8s.io/v1", route.at("/describedObject/apiVersion").asText());
        assertEquals("100", route.get("value").asText());
        // a Service in no rule and with no series of its own
        get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/checkout/services/unrelated/" + AVG, Map.of(), 404);
    }

    @Test
    void routeBackendsAlsoArriveInBatches() throws Exception {
        var rule = httpRoute(A, "checkout", "cart", 0);
        var info = dev.kmp.model.Labels.of("namespace", "checkout", "route", "cart", "rule", "0",
                "kong_service", "httproute.checkout.cart.0", "backend_service", "cart-v1", "weight", "80");
        var infoFamily = new dev.kmp.model.MetricFamily(RouteBackendTable.FAMILY, dev.kmp.model.MetricType.GAUGE, "",
                List.of(new dev.kmp.model.ScalarSeries(RouteBackendTable.FAMILY, info, 1)));
        for (long t : new long[] {T0, T0 + 60_000}) {
            var b = batch(A, t, histogram(rule, t == T0 ? 0 : 400, "+Inf", t == T0 ? 0 : 10));
            var withInfo = b.withFamilies(List.of(b.families().get(0), infoFamily));
            history.record(withInfo);
            routes.learn(withInfo);
        }
        assertEquals("40", get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/checkout/services/cart-v1/" + AVG, Map.of(), 200)
                .at("/items/0/value").asText());
    }

    @Test
    void errorsAreStatusObjects() throws Exception {
        twoPods();
        JsonNode unknown = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/no_such_metric", Map.of(), 404);
        assertEquals(List.of("kind", "apiVersion", "metadata", "status", "message", "reason", "code"), fieldNames(unknown));
        assertEquals("Status", unknown.get("kind").asText());
        assertEquals("v1", unknown.get("apiVersion").asText());
        assertEquals("Failure", unknown.get("status").asText());
        assertEquals("NotFound", unknown.get("reason").asText());
        assertEquals(404, unknown.get("code").asInt());
        get("/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/no_such_metric", Map.of(), 404);

        JsonNode bad = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG,
                Map.of("labelSelector", "service in (a"), 400);
        assertEquals("BadRequest", bad.get("reason").asText());
        assertTrue(bad.get("message").asText().contains("character"), bad.toString());

        clock.set(T0 + 60_000 + 61_000);
        JsonNode stale = get("/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG, Map.of(), 503);
        assertTrue(stale.get("message").asText().contains("older than the window"), stale.toString());
        assertEquals(405, api.handle("POST", "/apis", Map.of(), null).status());
    }

    @Test
    void noTrafficAnswersZeroOrAnErrorAsConfigured() throws Exception {
        var a = service(A, "shop", "storefront", "r1");
        history.record(batch(A, T0, histogram(a, 1000, "100", 20, "+Inf", 20)));
        history.record(batch(A, T0 + 60_000, histogram(a, 1000, "100", 20, "+Inf", 20)));
        String path = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG;
        assertEquals("0", get(path, Map.of(), 200).at("/items/0/value").asText());
        K8sMetricsConfig strict = new K8sMetricsConfig(0, null, null, Authentication.NONE, null, List.of(),
                K8sMetricsConfig.NoTraffic.ERROR, config.metrics());
        MetricsApi.Answer answer = new MetricsApi(strict, history, routes, clock).handle("GET", path, Map.of(), null);
        assertEquals(503, answer.status());
        assertTrue(answer.text().contains("no traffic"), answer.text());
    }

    @Test
    void discoveryDocuments() throws Exception {
        JsonNode groups = get("/apis", Map.of(), 200);
        assertEquals("APIGroupList", groups.get("kind").asText());
        assertEquals("v1", groups.get("apiVersion").asText());
        assertEquals("external.metrics.k8s.io", groups.at("/groups/0/name").asText());
        assertEquals("external.metrics.k8s.io/v1beta1", groups.at("/groups/0/preferredVersion/groupVersion").asText());
        assertEquals("custom.metrics.k8s.io/v1beta2", groups.at("/groups/1/versions/0/groupVersion").asText());
        assertEquals("v1beta2", groups.at("/groups/1/versions/0/version").asText());

        JsonNode group = get("/apis/custom.metrics.k8s.io", Map.of(), 200);
        assertEquals("APIGroup", group.get("kind").asText());

        JsonNode external = get("/apis/external.metrics.k8s.io/v1beta1", Map.of(), 200);
        assertEquals("APIResourceList", external.get("kind").asText());
        assertEquals("external.metrics.k8s.io/v1beta1", external.get("groupVersion").asText());
        JsonNode r = external.at("/resources/0");
        assertEquals(List.of("name", "singularName", "namespaced", "kind", "verbs"), fieldNames(r));
        assertEquals(AVG, r.get("name").asText());
        assertEquals("ExternalMetricValueList", r.get("kind").asText());
        assertTrue(r.get("namespaced").asBoolean());
        assertEquals("get", r.at("/verbs/0").asText());
        assertEquals(2, external.get("resources").size());

        JsonNode custom = get("/apis/custom.metrics.k8s.io/v1beta2", Map.of(), 200);
        assertEquals("services/" + AVG, custom.at("/resources/0/name").asText());
        assertEquals("httproutes.gateway.networking.k8s.io/" + AVG, custom.at("/resources/1/name").asText());
        assertEquals("MetricValueList", custom.at("/resources/0/kind").asText());
        get("/apis/custom.metrics.k8s.io/v1beta1", Map.of(), 404);
    }

    @Test
    void aggregatedDiscoveryIsRefusedSoTheAggregatorFallsBack() throws Exception {
        String aggregatedOnly = "application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,"
                + "application/json;g=apidiscovery.k8s.io;v=v2beta1;as=APIGroupDiscoveryList";
        MetricsApi.Answer refused = api.handle("GET", "/apis", Map.of(), aggregatedOnly);
        assertEquals(406, refused.status());
        assertEquals("NotAcceptable", JSON.readTree(refused.body()).get("reason").asText());
        // What the aggregator and client-go really send: the aggregated types first, plain JSON as the fallback.
        MetricsApi.Answer plain = api.handle("GET", "/apis", Map.of(), aggregatedOnly + ",application/json");
        assertEquals(200, plain.status());
        assertEquals("application/json", plain.contentType());
        assertEquals("APIGroupList", JSON.readTree(plain.body()).get("kind").asText());
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }

    /** A clock the test moves by hand. */
    static final class MutableClock extends Clock {
        private volatile long millis;

        MutableClock(long millis) {
            this.millis = millis;
        }

        void set(long m) {
            millis = m;
        }

        @Override
        public long millis() {
            return millis;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
