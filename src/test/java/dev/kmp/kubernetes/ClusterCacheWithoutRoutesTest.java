package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A server without the Gateway API CRDs answers 404 for routes: those kinds are off and /status says so. */
@EnableKubernetesMockClient(crud = false)
class ClusterCacheWithoutRoutesTest {
    KubernetesClient client;

    @Test
    void routeKindsAreOffWhenTheirResourcesAreNotServed() {
        try (ClusterCache cache = new ClusterCache(client, List.of("shop"), Duration.ofMinutes(5))) {
            cache.start();
            assertFalse(cache.httpRoutesEnabled());
            assertFalse(cache.grpcRoutesEnabled());
            assertTrue(cache.httpRoute("shop", "x").isEmpty());
            String status = cache.status().toString();
            assertTrue(status.contains("httproutes.gateway.networking.k8s.io/v1 is not served"), status);
        }
    }
}
