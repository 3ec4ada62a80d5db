package dev.kmp.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.GeneratedCluster;
import dev.kmp.kubernetes.ClusterCache;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The benchmark's fixed API feeds the real informers: the cache holds every generated object. */
class SnapshotApiServerTest {
    @Test
    void theClusterCacheSyncsEveryObjectThroughItsInformers() throws Exception {
        GeneratedCluster cluster = PayloadCache.cluster(20);
        assertFalse(cluster.services().isEmpty());
        try (SnapshotApiServer api = SnapshotApiServer.start(DemoClusterSeeder.objects(cluster));
             KubernetesClient client = api.client();
             ClusterCache cache = new ClusterCache(client, List.of(), Duration.ZERO)) {
            cache.start();
            assertTrue(cache.awaitSynced(Duration.ofSeconds(30)), "synced");
            for (GeneratedCluster.K8sService s : cluster.services()) {
                assertTrue(cache.service(s.namespace(), s.name()).isPresent(), s.toString());
                assertEquals(cluster.podsOf(s).size(), cache.endpointSlicesOf(s.namespace(), s.name()).stream()
                        .mapToInt(e -> e.getEndpoints().size()).sum(), s.toString());
            }
            for (GeneratedCluster.Pod p : cluster.pods()) {
                assertTrue(cache.pod(p.namespace(), p.name()).isPresent(), p.toString());
            }
            for (GeneratedCluster.HttpRoute r : cluster.httpRoutes()) {
                assertTrue(cache.httpRoute(r.namespace(), r.name()).isPresent(), r.toString());
            }
            for (GeneratedCluster.Ingress i : cluster.ingresses()) {
                assertTrue(cache.ingress(i.namespace(), i.name()).isPresent(), i.toString());
            }
        }
    }
}
