package dev.kmp.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The reconciler starts while the API server is unreachable (a control plane still coming up):
 * its informers and leader election keep retrying, and once the API answers it elects itself and
 * converges, with no restart.
 */
class ApiOutageTest {
    @Test
    void startsBeforeTheApiAndConvergesOnceItAnswers() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        KubernetesClient client = new KubernetesClientBuilder().withConfig(new io.fabric8.kubernetes.client.ConfigBuilder()
                .withMasterUrl("http://127.0.0.1:" + port).withRequestRetryBackoffLimit(0).build()).build();
        ExtensionController controller = new ExtensionController(client, ReconcilerFixture.settings("early", null, null));
        controller.start();

        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), port);
        try (KubernetesClient admin = server.createClient(); ReconcilerFixture fx = new ReconcilerFixture(server, admin)) {
            fx.service("shop", "storefront", Map.of(), Map.of("konghq.com/plugins", "cors"));
            fx.extension("shop", "metrics", List.of("storefront"), null, new MetricsConfig(true, false, false, false));
            Await.until("the plugin applied after the API came up",
                    () -> fx.plugin("shop", "storefront-metrics-prometheus") != null
                            && "cors,storefront-metrics-prometheus".equals(
                                    ReconcilerFixture.annotation(fx.getService("shop", "storefront"), "konghq.com/plugins")),
                    () -> controller.status().asMap());
            assertEquals(true, controller.isLeader());
        } finally {
            controller.close();
            server.destroy();
            client.close();
        }
    }
}
