package dev.kmp.processor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.FixtureCluster;
import dev.kmp.kubernetes.MockApi;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.model.Batch;
import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.telemetry.SelfMetrics;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import java.io.InputStream;
import java.time.Duration;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The processor on the Kong fixtures against the CRUD mock API seeded with the fixtures' objects. */
class K8sAttributesProcessorTest {
    static final String URL = "http://10.0.0.5:8100/metrics";
    final MockApi api = new MockApi();
    final SelfMetrics metrics = new SelfMetrics();

    @AfterEach
    void close() {
        api.close();
    }

    static Batch scrape(String resource, Labels resourceLabels) throws Exception {
        try (InputStream in = K8sAttributesProcessorTest.class.getResourceAsStream(resource)) {
            List<MetricFamily> families = new KongTextParser().parse(in, ParseOptions.plainText(Labels.of("dataplane_url", URL))).families();
            return Batch.success(new TargetId("kong", URL), resourceLabels, 0, families);
        }
    }

    static final Labels POD = Labels.of("dataplane_url", URL, "dataplane_pod", "kong-gw-1", "dataplane_namespace", "kong",
            "dataplane_node", "pool-a-1", "dataplane_deployment", "kong-gw");

    ClusterCache cluster(String fixture) throws InterruptedException {
        FixtureCluster.read(fixture).seed(api.client());
        ClusterCache cache = api.startCache(List.of());
        assertTrue(cache.awaitSynced(Duration.ofSeconds(30)));
        return cache;
    }

    K8sAttributesProcessor processor(Optional<ClusterCache> cache, ServiceTagDirectory tags, String unresolved) {
        return new K8sAttributesProcessor(new K8sAttributesConfig("kgo", unresolved),
                new KongServiceResolver(cache, tags), cache, metrics);
    }

    /** A processor over the cache whose Admin API tags name Kong service "a" as Service ns/svc-a. */
    K8sAttributesProcessor processorTaggingA(ClusterCache cache, String unresolved) {
        ServiceTagDirectory tags = new ServiceTagDirectory();
        tags.publish("admin", Map.of("a", new ObjectRef("Service", "", "v1", "ns", "svc-a")));
        return processor(Optional.of(cache), tags, unresolved);
    }

    static Map<String, String> asMap(Labels l) {
        Map<String, String> m = new HashMap<>();
        for (int i = 0; i < l.size(); i++) {
            m.put(l.name(i), l.value(i));
        }
        return m;
    }

    static List<Map<String, String>> series(Batch b, String family) {
        return b.families().stream().filter(f -> f.name().equals(family)).flatMap(f -> f.series().stream())
                .map(s -> asMap(s.labels())).toList();
    }

    static Map<String, String> first(Batch b, String family, String kongService) {
        return series(b, family).stream().filter(m -> kongService.equals(m.get("kong_service"))).findFirst().orElseThrow();
    }

    double metric(String name, String... labelPairs) {
        Labels want = Labels.of(labelPairs);
        for (MetricFamily f : metrics.snapshot()) {
            if (f.name().equals(name)) {
                for (Series s : f.series()) {
                    if (s.labels().equals(want)) {
                        return ((dev.kmp.model.ScalarSeries) s).value();
                    }
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void namingRulesResolveServicesAndAMultiBackendRuleAsItsHttpRoute() throws Exception {
        ClusterCache cache = cluster("/kong/kong-multibackend-services.json");
        K8sAttributesProcessor p = processor(Optional.of(cache), new ServiceTagDirectory(), "keep");
        Batch in = scrape("/kong/kong-multibackend.prom", POD);
        Batch out = p.process(in);

        Map<String, String> storefront = first(out, "kong_upstream_latency_ms", "shop.storefront.80");
        assertEquals("storefront", storefront.get("service"));
        assertEquals("shop", storefront.get("namespace"));
        assertEquals("Service", storefront.get("kubernetes_kind"));
        assertEquals("storefront", storefront.get("kubernetes_name"));
        assertEquals("shop", storefront.get("kubernetes_namespace"));
        assertEquals("v1", storefront.get("kubernetes_apiversion"));
        assertEquals(URL, storefront.get("dataplane_url"));
        assertEquals("kong-gw-1", storefront.get("dataplane_pod"));
        assertEquals("kong", storefront.get("dataplane_namespace"));
        assertEquals("pool-a-1", storefront.get("dataplane_node"));
        assertEquals("kong-gw", storefront.get("dataplane_deployment"));
        assertEquals("shop.storefront.storefront.shop.example.com.80", storefront.get("route"));
        assertEquals("default", storefront.get("workspace"));

        Map<String, String> multi = first(out, "kong_upstream_latency_ms", "httproute.checkout.cart.0");
        assertEquals("HTTPRoute", multi.get("kubernetes_kind"));
        assertEquals("cart", multi.get("service"));
        assertEquals("checkout", multi.get("namespace"));
        assertEquals("gateway.networking.k8s.io/v1", multi.get("kubernetes_apiversion"));
        assertEquals(1.0, metric("kmp_route_backend_info", "namespace", "checkout", "route", "cart", "rule", "0",
                "kong_service", "httproute.checkout.cart.0", "backend_service", "cart-v1", "weight", "90"));
        assertEquals(1.0, metric("kmp_route_backend_info", "namespace", "checkout", "route", "cart", "rule", "0",
                "kong_service", "httproute.checkout.cart.0", "backend_service", "cart-v2", "weight", "10"));

        Map<String, String> single = first(out, "kong_upstream_latency_ms", "httproute.checkout.cart.1");
        assertEquals("Service", single.get("kubernetes_kind"));
        assertEquals("cart-v1", single.get("service"));
        assertEquals("v1", single.get("kubernetes_apiversion"));

        // Every family with a service label is enriched, not only latency.
        for (String family : List.of("kong_http_requests_total", "kong_bandwidth_bytes", "kong_kong_latency_ms", "kong_request_latency_ms")) {
            for (Map<String, String> s : series(out, family)) {
                assertTrue(s.containsKey("kong_service") && s.containsKey("kubernetes_kind"), family + " " + s);
            }
        }
        // Nothing is merged or lost: as many series and samples as were scraped, all distinct.
        assertEquals(in.sampleLines(), out.sampleLines());
        for (int i = 0; i < in.families().size(); i++) {
            List<Series> before = in.families().get(i).series();
            List<Series> after = out.families().get(i).series();
            assertEquals(before.size(), after.size());
            assertEquals(after.size(), after.stream().map(Series::labels).collect(Collectors.toSet()).size());
        }

        // Upstream targets map to their pod and Service through the EndpointSlices.
        Map<String, String> canary = series(out, "kong_upstream_target_health").stream()
                .filter(m -> m.get("target").equals("10.244.2.77:8080")).findFirst().orElseThrow();
        assertEquals("cart-v2-84c7d9f6b-tn5xs", canary.get("target_pod"));
        assertEquals("checkout", canary.get("target_namespace"));
        assertEquals("cart-v2", canary.get("target_service"));
        assertEquals(0.0, metric("kmp_enrichment_unresolved_total", "reason", "no_object"));

        // A processor that goes (a reload) takes the backends it published with it.
        p.shutdown();
        assertTrue(Double.isNaN(metric("kmp_route_backend_info", "namespace", "checkout", "route", "cart", "rule", "0",
                "kong_service", "httproute.checkout.cart.0", "backend_service", "cart-v1", "weight", "90")));
        assertTrue(Double.isNaN(metric("kmp_route_backend_info", "namespace", "checkout", "route", "cart", "rule", "0",
                "kong_service", "httproute.checkout.cart.0", "backend_service", "cart-v2", "weight", "10")));
    }

    @Test
    void tagsComeFirstAndWorkWithoutTheCluster() throws Exception {
        ServiceTagDirectory tags = new ServiceTagDirectory();
        Map<String, ObjectRef> refs = new HashMap<>();
        FixtureCluster.read("/kong/kong-services.json").kongServiceTags()
                .forEach((svc, t) -> refs.put(svc, ObjectRef.fromKongTags(t).orElseThrow()));
        tags.publish("admin", refs);
        K8sAttributesProcessor p = processor(Optional.empty(), tags, "keep");
        Batch out = p.process(scrape("/kong/kong-small.prom", POD));
        Map<String, String> pay = first(out, "kong_upstream_latency_ms", "payments.payments-api.8080");
        assertEquals("payments-api", pay.get("service"));
        assertEquals("payments", pay.get("namespace"));
        assertEquals("Service", pay.get("kubernetes_kind"));
        assertEquals("v1", pay.get("kubernetes_apiversion"));
    }

    @Test
    void tagsOfAnHttpRouteWithAGroupAreLabelledAsTheRoute() {
        Optional<ObjectRef> r = ObjectRef.fromKongTags(List.of("k8s-name:cart", "k8s-namespace:checkout", "k8s-kind:HTTPRoute",
                "k8s-uid:x", "k8s-group:gateway.networking.k8s.io", "k8s-version:v1"));
        assertEquals("gateway.networking.k8s.io/v1", r.orElseThrow().apiVersion());
        assertEquals("v1", ObjectRef.fromKongTags(List.of("k8s-name:a", "k8s-namespace:b", "k8s-kind:Service", "k8s-group:",
                "k8s-version:v1")).orElseThrow().apiVersion());
        assertTrue(ObjectRef.fromKongTags(List.of("k8s-name:a", "k8s-kind:Service")).isEmpty());
    }

    @Test
    void unresolvedSeriesAreKeptOrDroppedAndCountedByReason() throws Exception {
        ClusterCache cache = cluster("/kong/kong-services.json");
        Labels a = Labels.of("service", "ghost.nothing.80", "route", "r", "workspace", "default", "dataplane_url", URL);
        Labels b = Labels.of("service", "not-a-kic-name", "route", "r", "workspace", "default", "dataplane_url", URL);
        Labels c = Labels.of("service", "shop.storefront.80", "route", "r", "workspace", "default", "dataplane_url", URL);
        MetricFamily f = new MetricFamily("kong_http_requests_total", dev.kmp.model.MetricType.COUNTER, "",
                List.of(new dev.kmp.model.ScalarSeries("kong_http_requests_total", a, 1),
                        new dev.kmp.model.ScalarSeries("kong_http_requests_total", b, 2),
                        new dev.kmp.model.ScalarSeries("kong_http_requests_total", c, 3)));
        Batch batch = Batch.success(new TargetId("kong", URL), Labels.of("dataplane_url", URL), 0, List.of(f));

        Batch kept = processor(Optional.of(cache), new ServiceTagDirectory(), "keep").process(batch);
        List<Map<String, String>> s = series(kept, "kong_http_requests_total");
        assertEquals(3, s.size());
        assertEquals("ghost.nothing.80", s.get(0).get("kong_service"));
        assertNull(s.get(0).get("service"));
        assertFalse(s.get(0).keySet().stream().anyMatch(k -> k.startsWith("kubernetes_") || k.equals("namespace")));
        assertEquals("r", s.get(0).get("route"));
        assertEquals(1.0, metric("kmp_enrichment_unresolved_total", "reason", "no_object"));
        assertEquals(1.0, metric("kmp_enrichment_unresolved_total", "reason", "unparsable_name"));

        Batch dropped = processor(Optional.of(cache), new ServiceTagDirectory(), "drop").process(batch);
        assertEquals(List.of("shop.storefront.80"), series(dropped, "kong_http_requests_total").stream().map(m -> m.get("kong_service")).toList());

        // With an Admin API read, a name that fits no rule and has no tags is "no_tags".
        ServiceTagDirectory tags = new ServiceTagDirectory();
        tags.publish("admin", Map.of());
        processor(Optional.of(cache), tags, "keep").process(batch);
        assertEquals(1.0, metric("kmp_enrichment_unresolved_total", "reason", "no_tags"));
    }

    @Test
    void aServiceCreatedLaterResolvesOnTheNextBatch() throws Exception {
        ClusterCache cache = cluster("/kong/kong-services.json");
        K8sAttributesProcessor p = processor(Optional.of(cache), new ServiceTagDirectory(), "keep");
        Labels l = Labels.of("service", "late.web.http", "route", "r", "dataplane_url", URL);
        Batch batch = Batch.success(new TargetId("kong", URL), Labels.EMPTY, 0, List.of(new MetricFamily("kong_bandwidth_bytes",
                dev.kmp.model.MetricType.COUNTER, "", List.of(new dev.kmp.model.ScalarSeries("kong_bandwidth_bytes", l, 1)))));
        assertNull(series(p.process(batch), "kong_bandwidth_bytes").get(0).get("service"));
        api.client().resource(new ServiceBuilder().withNewMetadata().withNamespace("late").withName("web").endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(80).endPort().endSpec().build()).create();
        MockApi.await("the late Service to resolve",
                () -> "web".equals(series(p.process(batch), "kong_bandwidth_bytes").get(0).get("service")));
        Set<String> names = new HashSet<>(series(p.process(batch), "kong_bandwidth_bytes").get(0).keySet());
        assertTrue(names.containsAll(Set.of("kong_service", "route", "service", "namespace", "kubernetes_kind")));
    }

    @Test
    void enrichedLabelSetsAreMadeOnceAndRemadeWhenTheTagsChange() throws Exception {
        ServiceTagDirectory tags = new ServiceTagDirectory();
        Map<String, ObjectRef> refs = new HashMap<>();
        FixtureCluster.read("/kong/kong-services.json").kongServiceTags()
                .forEach((svc, t) -> refs.put(svc, ObjectRef.fromKongTags(t).orElseThrow()));
        tags.publish("admin", refs);
        K8sAttributesProcessor p = processor(Optional.empty(), tags, "keep");
        KongTextParser parser = new KongTextParser(); // one parser: the same input label sets scrape after scrape
        Batch first = p.process(scrapeWith(parser));
        Batch second = p.process(scrapeWith(parser));
        List<Series> a = allSeries(first);
        List<Series> b = allSeries(second);
        assertEquals(a.size(), b.size());
        for (int i = 0; i < a.size(); i++) {
            assertTrue(a.get(i).labels() == b.get(i).labels(), "a new label set for " + b.get(i).labels());
        }

        Map<String, ObjectRef> moved = new HashMap<>();
        refs.forEach((svc, ref) -> moved.put(svc, new ObjectRef(ref.kind(), ref.group(), ref.version(), "moved", ref.name())));
        tags.publish("admin", moved);
        Batch third = p.process(scrapeWith(parser));
        assertEquals("moved", first(third, "kong_upstream_latency_ms", "payments.payments-api.8080").get("namespace"));
        assertEquals("payments", first(second, "kong_upstream_latency_ms", "payments.payments-api.8080").get("namespace"));
    }

    @Test
    void seriesThatMovedOrAreNewGetTheirOwnEnrichedSets() {
        ServiceTagDirectory tags = new ServiceTagDirectory();
        tags.publish("admin", Map.of(
                "a", new ObjectRef("Service", "", "v1", "ns", "svc-a"),
                "b", new ObjectRef("Service", "", "v1", "ns", "svc-b"),
                "c", new ObjectRef("Service", "", "v1", "ns", "svc-c"),
                "d", new ObjectRef("Service", "", "v1", "ns", "svc-d")));
        K8sAttributesProcessor p = processor(Optional.empty(), tags, "keep");
        Map<String, Labels> in = new HashMap<>();
        for (String svc : List.of("a", "b", "c", "d")) {
            in.put(svc, Labels.of("service", svc, "route", "r", "dataplane_url", URL));
        }
        // The first two families list the same input sets in the same order, as Kong's latency
        // histograms do (siblings); the third lists some of them in another order.
        Batch first = p.process(batchOf(in, List.of("a", "b", "c"), List.of("a", "b", "c"), List.of("c", "a")));
        // Series moved, d is new, and the third family's order changed again.
        Batch second = p.process(batchOf(in, List.of("c", "a", "d", "b"), List.of("c", "a", "d", "b"), List.of("b", "a", "c")));
        Map<String, Set<Labels>> madeInFirst = new HashMap<>();
        for (Batch batch : List.of(first, second)) {
            List<MetricFamily> families = batch.families();
            for (MetricFamily f : families) {
                for (Series s : f.series()) {
                    String svc = s.labels().get("kong_service");
                    assertEquals("svc-" + svc, s.labels().get("service"), f.name() + " " + s.labels());
                    assertEquals("ns", s.labels().get("namespace"), f.name() + " " + s.labels());
                    assertEquals("kong-gw-1", s.labels().get("dataplane_pod"), f.name() + " " + s.labels());
                    if (batch == first) {
                        madeInFirst.computeIfAbsent(svc, k -> Collections.newSetFromMap(new IdentityHashMap<>())).add(s.labels());
                    } else if (!svc.equals("d")) {
                        assertTrue(madeInFirst.get(svc).contains(s.labels()), "a series seen before keeps an enriched set made before: " + svc);
                    }
                }
            }
            // Siblings share one enriched set per series.
            for (int i = 0; i < families.get(0).series().size(); i++) {
                assertSame(families.get(0).series().get(i).labels(), families.get(1).series().get(i).labels(), "sibling position " + i);
            }
        }
        // The new series' set is made once and shared by every family that has it.
        Set<Labels> d = Collections.newSetFromMap(new IdentityHashMap<>());
        for (MetricFamily f : second.families()) {
            f.series().stream().filter(s -> "d".equals(s.labels().get("kong_service"))).forEach(s -> d.add(s.labels()));
        }
        assertEquals(1, d.size());
    }

    @Test
    void seriesGoneOrNewEarlyLeaveTheOthersTheirSetsWithoutAnIdentityMap() {
        ServiceTagDirectory tags = new ServiceTagDirectory();
        Map<String, ObjectRef> objects = new HashMap<>();
        Map<String, Labels> in = new HashMap<>();
        List<String> all = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            String svc = "s" + i;
            objects.put(svc, new ObjectRef("Service", "", "v1", "ns", "svc-" + i));
            in.put(svc, Labels.of("service", svc, "route", "r", "dataplane_url", URL));
            all.add(svc);
        }
        tags.publish("admin", objects);
        K8sAttributesProcessor p = processor(Optional.empty(), tags, "keep");
        Batch first = p.process(batchOf(in, all));
        p.process(batchOf(in, all));
        long maps = p.identityMapsBuilt();

        // s2 and s3 went: every series after them is two positions up, found there.
        List<String> fewer = new java.util.ArrayList<>(all);
        fewer.removeAll(List.of("s2", "s3"));
        Batch second = p.process(batchOf(in, fewer));
        assertEquals(maps, p.identityMapsBuilt(), "no identity map for series that only moved");
        Map<String, Labels> before = new HashMap<>();
        first.families().get(0).series().forEach(s -> before.put(s.labels().get("kong_service"), s.labels()));
        for (Series s : second.families().get(0).series()) {
            assertSame(before.get(s.labels().get("kong_service")), s.labels(), s.labels().get("kong_service"));
        }
        // Back again: s2 and s3 are new to it (their sets were forgotten), the rest moved two down.
        Batch third = p.process(batchOf(in, all));
        assertEquals(maps, p.identityMapsBuilt(), "no identity map for series that came back");
        assertEquals("svc-3", third.families().get(0).series().get(3).labels().get("service"));
        for (Series s : third.families().get(0).series()) {
            String svc = s.labels().get("kong_service");
            if (!svc.equals("s2") && !svc.equals("s3")) {
                assertSame(before.get(svc), s.labels(), svc);
            }
        }
        // One series in place of another (s5's status code changed, say): the rest stay put.
        Map<String, Labels> changed = new HashMap<>(in);
        changed.put("s5", Labels.of("service", "s5", "route", "other", "dataplane_url", URL));
        Batch fourth = p.process(batchOf(changed, all));
        assertEquals(maps, p.identityMapsBuilt(), "no identity map for a series in place of another");
        assertEquals("other", fourth.families().get(0).series().get(5).labels().get("route"));
        assertSame(before.get("s6"), fourth.families().get(0).series().get(6).labels());
    }

    @Test
    @SuppressWarnings("unchecked")
    void statusChartsTheUpstreamLatencyOfEachResolvedObjectFromItsSeriesTotals() throws Exception {
        ClusterCache cache = cluster("/kong/kong-multibackend-services.json");
        K8sAttributesProcessor p = processorTaggingA(cache, "keep");
        BucketBounds bounds = new BucketBounds(new double[] {25, Double.POSITIVE_INFINITY}, new String[] {"25", "+Inf"});
        long now = System.currentTimeMillis();
        for (int scrape = 0; scrape < 2; scrape++) {
            List<Series> latency = new java.util.ArrayList<>();
            // Two routes of Kong service "a" (one object), and one that resolves to nothing.
            for (String route : List.of("r1", "r2")) {
                double count = 100 + 10 * scrape;
                latency.add(HistogramSeries.of(Labels.of("service", "a", "route", route, "dataplane_url", URL), bounds,
                        new double[] {count, count}, count, 1000 + 200 * scrape));
            }
            latency.add(HistogramSeries.of(Labels.of("service", "nowhere", "route", "r3", "dataplane_url", URL), bounds,
                    new double[] {5, 5}, 5 + scrape, 50 + 50 * scrape));
            p.process(Batch.success(new TargetId("kong", URL), POD, now - 1000 + scrape,
                    List.of(new MetricFamily(ObjectLatencyHistory.FAMILY, dev.kmp.model.MetricType.HISTOGRAM, "", latency))));
        }

        Map<String, Object> chart = (Map<String, Object>) p.status().get("latency_ms");
        assertEquals(List.of("Service ns/svc-a"), List.copyOf(chart.keySet()), "one object; the unresolved series not charted");
        List<List<Object>> points = (List<List<Object>>) ((Map<String, Object>) chart.get("Service ns/svc-a")).get("points");
        // Second scrape minus the first, both routes added up: 400 ms over 20 requests (in the
        // bucket of a second ago, the latest or, across a bucket's edge, the one before it).
        assertEquals(List.of(20.0), points.stream().map(pt -> pt.get(1)).filter(java.util.Objects::nonNull).toList());
    }

    @Test
    void droppedSeriesShiftNothingSiblingsShareAndTheNextBatchReusesEverySet() throws Exception {
        ClusterCache cache = cluster("/kong/kong-multibackend-services.json");
        K8sAttributesProcessor p = processorTaggingA(cache, "drop");
        int n = 301;
        List<Series> requests = new java.util.ArrayList<>();
        List<Series> latencyA = new java.util.ArrayList<>();
        List<Series> latencyB = new java.util.ArrayList<>();
        List<Series> targets = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            // Every third series names a Kong service that resolves to nothing: dropped.
            String service = i % 3 == 2 ? "nowhere" : "a";
            requests.add(new dev.kmp.model.ScalarSeries("requests", Labels.of("service", service, "code", "c" + i, "dataplane_url", URL), i));
            Labels route = Labels.of("service", service, "route", "r" + i, "dataplane_url", URL);
            latencyA.add(new dev.kmp.model.ScalarSeries("latency_a", route, i));
            latencyB.add(new dev.kmp.model.ScalarSeries("latency_b", route, i));
            // The fixture's pod on every fourth series, unknown targets on the rest.
            String target = i % 4 == 0 ? "10.244.2.77:8080" : "10.7.0." + (i % 250) + ":" + (1000 + i);
            targets.add(new dev.kmp.model.ScalarSeries(K8sAttributesProcessor.TARGET_HEALTH,
                    Labels.of("upstream", "u", "target", target, "state", "s" + i, "dataplane_url", URL), 1));
        }
        List<MetricFamily> families = List.of(
                new MetricFamily("requests", dev.kmp.model.MetricType.GAUGE, "", requests),
                new MetricFamily("latency_a", dev.kmp.model.MetricType.GAUGE, "", latencyA),
                new MetricFamily("latency_b", dev.kmp.model.MetricType.GAUGE, "", latencyB),
                new MetricFamily(K8sAttributesProcessor.TARGET_HEALTH, dev.kmp.model.MetricType.GAUGE, "", targets));
        Batch first = p.process(Batch.success(new TargetId("kong", URL), POD, 0, families));
        Batch second = p.process(Batch.success(new TargetId("kong", URL), POD, 1, families));

        for (Batch b : List.of(first, second)) {
            assertEquals(families.stream().map(MetricFamily::name).toList(),
                    b.families().stream().map(MetricFamily::name).toList(), "families keep their order");
            List<Map<String, String>> health = series(b, K8sAttributesProcessor.TARGET_HEALTH);
            assertEquals(n, health.size());
            for (int i = 0; i < n; i++) {
                Map<String, String> m = health.get(i);
                assertEquals("s" + i, m.get("state"), "series keep their order");
                assertEquals(i % 4 == 0 ? "cart-v2-84c7d9f6b-tn5xs" : null, m.get("target_pod"), m.toString());
            }
            List<String> kept = java.util.stream.IntStream.range(0, n).filter(i -> i % 3 != 2).mapToObj(i -> "r" + i).toList();
            assertEquals(kept, series(b, "latency_a").stream().map(m -> m.get("route")).toList(), "the unresolved are dropped, the rest keep their order");
            series(b, "requests").forEach(m -> assertEquals("svc-a", m.get("service"), m.toString()));
            assertEquals(kept.size(), series(b, "requests").size());
            // Siblings share one enriched set per series, also after dropped ones.
            List<Series> a = b.families().get(1).series();
            List<Series> bb = b.families().get(2).series();
            for (int i = 0; i < a.size(); i++) {
                assertSame(a.get(i).labels(), bb.get(i).labels(), "sibling position " + i);
            }
        }
        double unresolved = 0;
        for (String reason : List.of(Resolution.NO_TAGS, Resolution.NO_OBJECT, Resolution.UNPARSABLE_NAME)) {
            double v = metric("kmp_enrichment_unresolved_total", "reason", reason);
            unresolved += Double.isNaN(v) ? 0 : v;
        }
        assertEquals(2 * 3 * (n / 3), unresolved, "each batch counts the unresolved series of its three families by service");
        // The second batch finds every set the first made, in every family.
        for (int f = 0; f < families.size(); f++) {
            List<Series> one = first.families().get(f).series();
            List<Series> two = second.families().get(f).series();
            assertEquals(one.size(), two.size());
            for (int i = 0; i < one.size(); i++) {
                assertSame(one.get(i).labels(), two.get(i).labels(), families.get(f).name() + " position " + i);
            }
        }
    }

    @Test
    void podAndSliceChurnRebuildOnlyTheTargetsThatMovedAndEachKongPodKeepsItsOwnLabels() throws Exception {
        ClusterCache cache = cluster("/kong/kong-multibackend-services.json");
        K8sAttributesProcessor p = processorTaggingA(cache, "keep");
        String otherUrl = "http://10.0.0.6:8100/metrics";
        Labels otherPod = Labels.of("dataplane_url", otherUrl, "dataplane_pod", "kong-gw-2", "dataplane_namespace", "kong");
        java.util.function.Function<String, List<MetricFamily>> families = url -> List.of(
                new MetricFamily("requests", dev.kmp.model.MetricType.GAUGE, "", List.of(
                        new dev.kmp.model.ScalarSeries("requests", Labels.of("service", "a", "code", "200", "dataplane_url", url), 1))),
                new MetricFamily(K8sAttributesProcessor.TARGET_HEALTH, dev.kmp.model.MetricType.GAUGE, "", List.of(
                        new dev.kmp.model.ScalarSeries(K8sAttributesProcessor.TARGET_HEALTH,
                                Labels.of("upstream", "u", "target", "10.244.2.77:8080", "state", "healthy", "dataplane_url", url), 1),
                        new dev.kmp.model.ScalarSeries(K8sAttributesProcessor.TARGET_HEALTH,
                                Labels.of("upstream", "u", "target", "10.7.0.1:80", "state", "healthy", "dataplane_url", url), 1))));
        List<MetricFamily> fromFirst = families.apply(URL);
        List<MetricFamily> fromSecond = families.apply(otherUrl);
        Batch first = p.process(Batch.success(new TargetId("kong", URL), POD, 0, fromFirst));
        Batch second = p.process(Batch.success(new TargetId("kong", otherUrl), otherPod, 0, fromSecond));
        // Two Kong pods report the same upstream target: each series carries its own data plane.
        assertEquals("kong-gw-1", series(first, K8sAttributesProcessor.TARGET_HEALTH).get(0).get("dataplane_pod"));
        assertEquals("kong-gw-2", series(second, K8sAttributesProcessor.TARGET_HEALTH).get(0).get("dataplane_pod"));
        assertEquals("cart-v2-84c7d9f6b-tn5xs", series(second, K8sAttributesProcessor.TARGET_HEALTH).get(0).get("target_pod"));

        // A Pod changed (a label): neither resolutions nor targets read Pods, every set stays as it was.
        long changes = cache.generation();
        var pod = api.client().pods().inNamespace("checkout").withName("cart-v2-84c7d9f6b-tn5xs").get();
        pod.getMetadata().getLabels().put("rollout", "2");
        api.client().resource(pod).update();
        MockApi.await("the Pod change to reach the cache", () -> cache.generation() > changes);
        Batch afterPod = p.process(Batch.success(new TargetId("kong", URL), POD, 1, fromFirst));
        assertSameLabels(first, afterPod, 0, 1);

        // The slice now sends the target to another pod: that series is made again, the rest stay.
        long slices = cache.endpointGeneration();
        var slice = api.client().discovery().v1().endpointSlices().inAnyNamespace().list().getItems().stream()
                .filter(sl -> sl.getEndpoints().stream().anyMatch(ep -> ep.getAddresses().contains("10.244.2.77")))
                .findFirst().orElseThrow();
        slice.getEndpoints().stream().filter(ep -> ep.getAddresses().contains("10.244.2.77"))
                .forEach(ep -> ep.getTargetRef().setName("cart-v2-84c7d9f6b-new01"));
        api.client().resource(slice).update();
        MockApi.await("the slice change to reach the cache", () -> cache.endpointGeneration() > slices);
        Batch afterSlice = p.process(Batch.success(new TargetId("kong", URL), POD, 2, fromFirst));
        assertEquals("cart-v2-84c7d9f6b-new01", series(afterSlice, K8sAttributesProcessor.TARGET_HEALTH).get(0).get("target_pod"));
        assertEquals("kong-gw-1", series(afterSlice, K8sAttributesProcessor.TARGET_HEALTH).get(0).get("dataplane_pod"));
        assertSame(labelsAt(first, 0, 0), labelsAt(afterSlice, 0, 0), "the service series is not made again");
        assertSame(labelsAt(first, 1, 1), labelsAt(afterSlice, 1, 1), "the target that did not move keeps its set");
        // The other Kong pod now lists its targets in another order (a replaced pod shifts the ones
        // after it): sets made before the change are found by identity, and checked all the same.
        List<Series> health = fromSecond.get(1).series();
        List<MetricFamily> reordered = List.of(fromSecond.get(0), new MetricFamily(K8sAttributesProcessor.TARGET_HEALTH,
                dev.kmp.model.MetricType.GAUGE, "", List.of(health.get(1), health.get(0))));
        Batch second2 = p.process(Batch.success(new TargetId("kong", otherUrl), otherPod, 3, reordered));
        assertEquals("cart-v2-84c7d9f6b-new01", series(second2, K8sAttributesProcessor.TARGET_HEALTH).get(1).get("target_pod"));
        assertEquals("kong-gw-2", series(second2, K8sAttributesProcessor.TARGET_HEALTH).get(1).get("dataplane_pod"));
        assertSame(labelsAt(second, 1, 1), labelsAt(second2, 1, 0), "the target that did not move keeps its set");
    }

    private static Labels labelsAt(Batch b, int family, int series) {
        return b.families().get(family).series().get(series).labels();
    }

    private static void assertSameLabels(Batch a, Batch b, int... families) {
        for (int f : families) {
            for (int i = 0; i < a.families().get(f).series().size(); i++) {
                assertSame(labelsAt(a, f, i), labelsAt(b, f, i), a.families().get(f).name() + " position " + i);
            }
        }
    }

    @SafeVarargs
    private static Batch batchOf(Map<String, Labels> inputs, List<String>... familyOrders) {
        List<MetricFamily> families = new java.util.ArrayList<>();
        int f = 0;
        for (List<String> order : familyOrders) {
            List<Series> series = order.stream().<Series>map(svc -> new dev.kmp.model.ScalarSeries("m" + order.size(), inputs.get(svc), 1)).toList();
            families.add(new MetricFamily("m" + f++, dev.kmp.model.MetricType.GAUGE, "", series));
        }
        return Batch.success(new TargetId("kong", URL), POD, 0, families);
    }

    static Batch scrapeWith(KongTextParser parser) throws Exception {
        try (InputStream in = K8sAttributesProcessorTest.class.getResourceAsStream("/kong/kong-small.prom")) {
            return Batch.success(new TargetId("kong", URL), POD, 0,
                    parser.parse(in, ParseOptions.plainText(Labels.of("dataplane_url", URL))).families());
        }
    }

    static List<Series> allSeries(Batch b) {
        return b.families().stream().flatMap(f -> f.series().stream()).toList();
    }
}
