package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ClusterCacheTest {
    final MockApi api = new MockApi();
    final KubernetesClient client = api.client();

    @AfterEach
    void close() {
        api.close();
    }

    @Test
    void looksUpServicesRoutesPodsAndEndpointsFromTheInformers() throws Exception {
        FixtureCluster.read("/kong/kong-multibackend-services.json").seed(client);
        {
            ClusterCache cache = api.startCache(List.of());
            assertTrue(cache.awaitSynced(Duration.ofSeconds(30)), "synced");
            assertTrue(cache.httpRoutesEnabled());
            assertTrue(cache.service("checkout", "cart-v1").isPresent());
            assertTrue(cache.service("checkout", "nope").isEmpty());
            assertEquals(2, cache.httpRoute("checkout", "cart").orElseThrow().getSpec().getRules().get(0).getBackendRefs().size());
            assertEquals("cart-v2-84c7d9f6b-tn5xs", cache.podsByIp("10.244.2.77").get(0).getMetadata().getName());
            assertEquals(1, cache.endpointSlicesOf("checkout", "cart-v1").size());
            assertEquals(new ClusterCache.TargetEndpoint("cart-v2-84c7d9f6b-tn5xs", "checkout", "cart-v2"),
                    cache.endpointFor("10.244.2.77", 8080).orElseThrow());
            assertTrue(cache.endpointFor("10.244.2.77", 9999).isEmpty(), "port must match");

            long before = cache.generation();
            client.resource(new PodBuilder().withNewMetadata().withNamespace("checkout").withName("late").endMetadata()
                    .withNewStatus().withPodIP("10.9.9.9").endStatus().build()).create();
            MockApi.await("the new pod in the cache", () -> !cache.podsByIp("10.9.9.9").isEmpty());
            assertTrue(cache.generation() > before);
            @SuppressWarnings("unchecked")
            Map<String, Object> kinds = (Map<String, Object>) cache.status().get("kinds");
            assertTrue(kinds.containsKey("HTTPRoute"));
        }
    }

    @Test
    void namespaceScopingSeesOnlyThoseNamespaces() throws Exception {
        FixtureCluster.read("/kong/kong-multibackend-services.json").seed(client);
        {
            ClusterCache cache = api.startCache(List.of("shop"));
            assertTrue(cache.awaitSynced(Duration.ofSeconds(30)));
            assertTrue(cache.service("shop", "storefront").isPresent());
            assertTrue(cache.service("checkout", "cart-v1").isEmpty());
            assertTrue(cache.podsByIp("10.244.2.77").isEmpty());
        }
    }

    @Test
    void readinessWaitsForTheFirstSyncThenGivesUpAfterTheTimeout() {
        long[] now = {0};
        boolean[] synced = {false};
        SyncReadiness r = new SyncReadiness(() -> synced[0], Duration.ofSeconds(30), () -> now[0]);
        assertFalse(r.state().ready());
        now[0] = Duration.ofSeconds(31).toNanos();
        assertTrue(r.state().ready());
        assertTrue(r.state().note().contains("not synced"), r.state().note());
        synced[0] = true;
        assertEquals(new SyncReadiness.State(true, null), r.state());
    }
}
