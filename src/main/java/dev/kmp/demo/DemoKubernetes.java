package dev.kmp.demo;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;

/**
 * The demo's in-memory Kubernetes API: fabric8's mock server in CRUD mode (it stores whatever is
 * written, any resource path, and serves list and watch), on a loopback port, seeded with the
 * simulated Kong's cluster and one Kong pod for discovery. A kubeconfig file for it is written so a
 * user can look inside with {@code kubectl --kubeconfig FILE get --raw /api/v1/pods}.
 */
public final class DemoKubernetes implements AutoCloseable {
    public static final String KONG_NAMESPACE = "kong";
    public static final String KONG_DEPLOYMENT = "kong-gateway";

    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final Path kubeconfig;

    private DemoKubernetes(KubernetesMockServer server, KubernetesClient client, Path kubeconfig) {
        this.server = server;
        this.client = client;
        this.kubeconfig = kubeconfig;
    }

    /** Starts the API and seeds it; the Kong pod's IP is the simulated Kong's (loopback). */
    public static DemoKubernetes start(SimulatedKong kong) throws IOException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        DemoClusterSeeder seeder = new DemoClusterSeeder(client);
        seeder.seed(kong.cluster());
        seeder.kongPod(KONG_NAMESPACE, KONG_DEPLOYMENT, KONG_DEPLOYMENT + "-7d9c5b8f4-x2x9q",
                kong.url().getHost(), "demo-node-1");
        seeder.extension("shop", "storefront-latency", List.of("storefront"));
        seeder.extension("payments", "payments-latency", List.of("payments-api"));
        Path kubeconfig = Files.createTempFile("kmp-demo-kubeconfig-", ".yaml");
        kubeconfig.toFile().deleteOnExit();
        Files.writeString(kubeconfig, kubeconfig(apiUrl(server)));
        return new DemoKubernetes(server, client, kubeconfig);
    }

    static String apiUrl(KubernetesMockServer server) {
        return "http://" + InetAddress.getLoopbackAddress().getHostAddress() + ":" + server.getPort();
    }

    /** A kubeconfig for an API without authentication (the mock accepts any request). */
    public static String kubeconfig(String apiUrl) {
        return """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kmp-demo
                  cluster: {server: "%s"}
                users:
                - name: kmp-demo
                  user: {}
                contexts:
                - name: kmp-demo
                  context: {cluster: kmp-demo, user: kmp-demo, namespace: default}
                current-context: kmp-demo
                """.formatted(apiUrl);
    }

    public KubernetesClient client() {
        return client;
    }

    public Path kubeconfig() {
        return kubeconfig;
    }

    public String apiUrl() {
        return apiUrl(server);
    }

    /** Stops the server before the client: the mock stalls on watches that clients close one by one. */
    @Override
    public void close() {
        server.destroy();
        client.close();
    }
}
