package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The API server is unreachable when the cache starts and comes up later: the informers keep
 * retrying (fabric8's default is to give up) and the cache catches up without a restart. When the
 * API goes away again, lookups go on answering from the cache.
 */
class ClusterCacheOutageTest {
    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static KubernetesMockServer apiOn(int port) {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        return server;
    }

    @Test
    void unreachableAtStartThenCatchesUpAndKeepsAnsweringWhenTheApiGoesAway() throws Exception {
        int port = freePort();
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).build()).build();
        ClusterCache cache = new ClusterCache(client, List.of(), Duration.ofMinutes(5));
        cache.start(); // returns at once although nothing listens
        assertFalse(cache.awaitSynced(Duration.ofMillis(300)));

        KubernetesMockServer api = apiOn(port);
        try {
            api.createClient().resource(new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("storefront")
                    .endMetadata().build()).create();
            MockApi.await("the cache to sync once the API is up", cache::hasSynced);
            MockApi.await("the Service seen", () -> cache.service("shop", "storefront").isPresent());
            // The API goes away: lookups keep answering from the cache (enrichment goes on), and the
            // informers keep retrying instead of stopping.
            api.destroy();
            long until = System.nanoTime() + 2_000_000_000L;
            while (System.nanoTime() < until) {
                assertTrue(cache.service("shop", "storefront").isPresent());
                Thread.sleep(100);
            }
            assertTrue(cache.hasSynced());
        } finally {
            api.destroy();
            cache.close();
            client.close();
        }
    }
}
