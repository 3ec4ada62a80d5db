package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.SimulatedKong;
import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.MockApi;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.model.Batch;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.processor.k8s.K8sAttributesProcessor;
import dev.kmp.processor.k8s.K8sAttributesProcessorFactory;
import dev.kmp.processor.k8s.K8sAttributesConfig;
import dev.kmp.telemetry.SelfMetrics;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class AdminApiPollerTest {
    static AdminApiConfig http(URI url) {
        return new AdminApiConfig(Optional.of(url), 8444, Duration.ofSeconds(30), TlsConfig.NONE);
    }

    @Test
    void readsTheTagsOfEveryPageAndKeepsThemWhileTheApiIsDown() throws Exception {
        ServiceTagDirectory dir = new ServiceTagDirectory();
        SimulatedKong kong = SimulatedKong.start(0, 1L);
        URI base = kong.url();
        // Page size 2: the simulated Kong's five services take three pages, linked by "next".
        AdminApiPoller poller = new AdminApiPoller("kong", http(base), dir, Optional.empty(), 2);
        try {
            poller.pollOnce();
            assertTrue(poller.state(base).up(), String.valueOf(poller.state(base)));
            assertEquals(kong.cluster().kongServices().size(), poller.state(base).services());
            assertEquals(new ObjectRef("HTTPRoute", "gateway.networking.k8s.io", "v1", "checkout", "cart"),
                    dir.lookup("httproute.checkout.cart.0").orElseThrow());
            assertEquals(ObjectRef.service("checkout", "cart-v1"), dir.lookup("httproute.checkout.cart.1").orElseThrow());
            assertEquals(ObjectRef.service("shop", "storefront"), dir.lookup("shop.storefront.80").orElseThrow());

            kong.close();
            poller.pollOnce();
            assertFalse(poller.state(base).up());
            assertTrue(dir.lookup("shop.storefront.80").isPresent(), "tags read before survive an outage");
        } finally {
            poller.close();
            kong.close();
        }
        assertTrue(dir.lookup("shop.storefront.80").isEmpty(), "a closed poller withdraws its tags");
    }

    @Test
    void withTheAdminApiDownFromTheStartNamingRulesResolveAndNoSeriesIsLost() throws Exception {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0)) {
            closedPort = s.getLocalPort();
        }
        try (MockApi api = new MockApi(); SimulatedKong kong = SimulatedKong.start(0, 1L)) {
            new DemoClusterSeeder(api.client()).seed(kong.cluster());
            ClusterCache cache = api.startCache(List.of());
            assertTrue(cache.awaitSynced(Duration.ofSeconds(30)));
            SelfMetrics metrics = new SelfMetrics();
            ComponentContext ctx = new ComponentContext(metrics, Clock.systemUTC(), Optional.of(api.client()),
                    Optional.of(cache), new ServiceTagDirectory());
            K8sAttributesProcessor processor = new K8sAttributesProcessorFactory().create("k8sattributes",
                    new K8sAttributesConfig("kgo", "drop"), ctx);
            AtomicReference<Batch> raw = new AtomicReference<>();
            AtomicReference<Batch> enriched = new AtomicReference<>();
            KongReceiverConfig config = new KongReceiverConfig(Duration.ofMillis(300), Duration.ofMillis(250),
                    List.of(kong.metricsUrl()), 256L << 20, 2_000_000, Optional.empty(),
                    Optional.of(new AdminApiConfig(Optional.of(URI.create("http://127.0.0.1:" + closedPort)), 8444,
                            Duration.ofMillis(200), TlsConfig.NONE)));
            KongReceiver receiver = new KongReceiverFactory().create("kong", config, ctx);
            receiver.start(new BatchConsumer() {
                @Override
                public void consume(Batch batch) {
                    if (!batch.failed()) {
                        raw.set(batch);
                        enriched.set(processor.process(batch));
                    }
                }

                @Override
                public void forget(TargetId target) {
                }
            });
            try {
                MockApi.await("a scrape", () -> enriched.get() != null && receiver.adminApi().state(URI.create("http://127.0.0.1:" + closedPort)) != null);
                assertFalse(receiver.adminApi().state(URI.create("http://127.0.0.1:" + closedPort)).up());
                // unresolved: drop is set, so equal sample counts mean every series resolved.
                assertEquals(raw.get().sampleLines(), enriched.get().sampleLines());
                MetricFamily latency = enriched.get().families().stream()
                        .filter(f -> f.name().equals("kong_upstream_latency_ms")).findFirst().orElseThrow();
                boolean sawRoute = false;
                for (Series s : latency.series()) {
                    assertTrue(s.labels().get("service") != null, s.labels().toString());
                    if ("httproute.checkout.cart.0".equals(s.labels().get("kong_service"))) {
                        assertEquals("HTTPRoute", s.labels().get("kubernetes_kind"));
                        sawRoute = true;
                    }
                }
                assertTrue(sawRoute);
            } finally {
                receiver.shutdown();
            }
        }
    }
}
