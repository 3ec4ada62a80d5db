package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.Optional;
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
            // The store is updated before the handlers run: the change is counted a moment later.
            MockApi.await("the new pod counted as a change", () -> cache.generation() > before);

            // A Pod is neither routing nor an endpoint: only the overall generation moved.
            long routing = cache.routingGeneration();
            long endpoints = cache.endpointGeneration();
            client.resource(new io.fabric8.kubernetes.api.model.ServiceBuilder().withNewMetadata().withNamespace("checkout")
                    .withName("late-svc").endMetadata().withNewSpec().addNewPort().withPort(80).endPort().endSpec().build()).create();
            MockApi.await("the new Service counted as a routing change", () -> cache.routingGeneration() > routing);
            assertEquals(endpoints, cache.endpointGeneration(), "a Service is not an endpoint");
            long routingAfterService = cache.routingGeneration();
            client.resource(new io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder().withNewMetadata()
                    .withNamespace("checkout").withName("late-svc-x").addToLabels(ClusterCache.SERVICE_NAME_LABEL, "late-svc").endMetadata()
                    .withAddressType("IPv4").addNewEndpoint().withAddresses("10.9.9.7").endEndpoint().build()).create();
            MockApi.await("the new slice counted as an endpoint change", () -> cache.endpointGeneration() > endpoints);
            assertEquals(Set.of("10.9.9.7"), cache.addressesChangedAfter(endpoints).orElseThrow(), "what the slice change touched");
            assertEquals(Set.of(), cache.addressesChangedAfter(cache.endpointGeneration()).orElseThrow(), "nothing since");
            assertTrue(cache.addressesChangedAfter(-1).isEmpty() || cache.addressesChangedAfter(-1).orElseThrow().contains("10.244.2.77"),
                    "from before the first list: unknown, or every address listed");
            assertEquals(routingAfterService, cache.routingGeneration(), "a slice is not routing");
            long routingBeforePod = cache.routingGeneration();
            long endpointsBeforePod = cache.endpointGeneration();
            long allBeforePod = cache.generation();
            client.resource(new PodBuilder().withNewMetadata().withNamespace("checkout").withName("later").endMetadata()
                    .withNewStatus().withPodIP("10.9.9.8").endStatus().build()).create();
            MockApi.await("the second pod counted as a change", () -> cache.generation() > allBeforePod);
            assertEquals(routingBeforePod, cache.routingGeneration(), "a Pod is not routing");
            assertEquals(endpointsBeforePod, cache.endpointGeneration(), "a Pod is not an endpoint");
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
    void syncedWaitsUntilTheHandlerHasSeenEveryListedObject() throws Exception {
        FixtureCluster.read("/kong/kong-multibackend-services.json").seed(client);
        ClusterCache cache = api.closeLater(new ClusterCache(client, List.of(), Duration.ofMinutes(5)));
        // fabric8 reports an informer synced once its store holds the list and calls the handler
        // afterwards: a handler held back shows whether "synced" waits for it.
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        cache.addChangeListener(() -> {
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        cache.start();
        try {
            assertFalse(cache.awaitSynced(Duration.ofMillis(500)), "synced while the handler had seen nothing");
        } finally {
            release.countDown();
        }
        assertTrue(cache.awaitSynced(Duration.ofSeconds(30)), "synced");
        assertTrue(cache.endpointFor("10.244.2.77", 8080).isPresent());
    }

    @Test
    void upstreamTargetLookupsFollowEndpointSliceChanges() throws Exception {
        FixtureCluster.read("/kong/kong-multibackend-services.json").seed(client);
        ClusterCache cache = api.startCache(List.of());
        assertTrue(cache.awaitSynced(Duration.ofSeconds(30)), "synced");
        ClusterCache.TargetEndpoint canary = new ClusterCache.TargetEndpoint("cart-v2-84c7d9f6b-tn5xs", "checkout", "cart-v2");
        // Synced means the cache's handler has seen every listed object, not only that the stores
        // hold them: the slices' addresses answer at once, and every routing object was counted.
        assertEquals(canary, cache.endpointFor("10.244.2.77", 8080).orElseThrow());
        long routing = client.services().inAnyNamespace().list().getItems().size()
                + client.resources(io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute.class).inAnyNamespace().list().getItems().size()
                + client.network().v1().ingresses().inAnyNamespace().list().getItems().size();
        assertEquals(routing, cache.routingGeneration());
        assertTrue(cache.endpointFor("10.244.2.77", 9999).isEmpty(), "port must match");
        assertTrue(cache.endpointFor("10.1.2.3", 8080).isEmpty(), "unknown address");

        // A slice created later answers as soon as the cache has it; one listing no ports serves every port.
        client.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("checkout").withName("late-abcde")
                .addToLabels(ClusterCache.SERVICE_NAME_LABEL, "late").endMetadata().withAddressType("IPv4")
                .addToEndpoints(new EndpointBuilder().withAddresses("10.9.9.10").withNewTargetRef().withKind("Pod")
                        .withNamespace("checkout").withName("late-pod").endTargetRef().build())
                .build()).create();
        ClusterCache.TargetEndpoint late = new ClusterCache.TargetEndpoint("late-pod", "checkout", "late");
        MockApi.await("the new slice answers", () -> cache.endpointFor("10.9.9.10", 1234).equals(Optional.of(late)));
        assertEquals(late, cache.endpointFor("10.9.9.10", 8080).orElseThrow());
        assertEquals(canary, cache.endpointFor("10.244.2.77", 8080).orElseThrow());

        // A second slice lists the same address; the first one's update sends it to another pod.
        client.resource(new EndpointSliceBuilder().withNewMetadata().withNamespace("checkout").withName("late-fghij")
                .addToLabels(ClusterCache.SERVICE_NAME_LABEL, "late").endMetadata().withAddressType("IPv4")
                .addToEndpoints(new EndpointBuilder().withAddresses("10.9.9.10").withNewTargetRef().withKind("Pod")
                        .withNamespace("checkout").withName("late-pod").endTargetRef().build())
                .build()).create();
        long slicesBefore = cache.endpointGeneration();
        var first = client.discovery().v1().endpointSlices().inNamespace("checkout").withName("late-abcde").get();
        first.getEndpoints().getFirst().getTargetRef().setName("late-pod-2");
        first.getEndpoints().getFirst().setAddresses(List.of("10.9.9.11"));
        client.resource(first).update();
        MockApi.await("the updated slice answers", () -> cache.endpointFor("10.9.9.11", 8080).isPresent());
        assertEquals(new ClusterCache.TargetEndpoint("late-pod-2", "checkout", "late"), cache.endpointFor("10.9.9.11", 8080).orElseThrow());
        assertTrue(cache.endpointGeneration() > slicesBefore);
        assertEquals(late, cache.endpointFor("10.9.9.10", 8080).orElseThrow(), "the other slice still lists the old address");

        // Deleted slices stop answering; what other slices list stays.
        client.discovery().v1().endpointSlices().inNamespace("checkout").withName("late-fghij").delete();
        MockApi.await("the deleted slice is gone", () -> cache.endpointFor("10.9.9.10", 8080).isEmpty());
        client.discovery().v1().endpointSlices().inNamespace("checkout").withName("late-abcde").delete();
        MockApi.await("the other deleted slice is gone", () -> cache.endpointFor("10.9.9.11", 8080).isEmpty());
        assertEquals(canary, cache.endpointFor("10.244.2.77", 8080).orElseThrow());
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
