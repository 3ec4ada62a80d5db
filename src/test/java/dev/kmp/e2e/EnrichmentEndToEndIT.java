package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.DemoKubernetes;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service with enrichment, against fabric8's CRUD mock API (handed to the jar through
 * KUBECONFIG, as a user would) and a real Prometheus whose scrape adds the target labels
 * {@code service}/{@code namespace} as a ServiceMonitor does: the enriched labels arrive as
 * {@code exported_service}/{@code exported_namespace}, and the query of Kong's autoscaling guide
 * answers per Kubernetes Service. The Kong pod is found by discovery.
 */
class EnrichmentEndToEndIT {
    @TempDir
    Path dir;

    @Test
    void kongsGuideQueryAnswersPerKubernetesService() throws Exception {
        long start = System.nanoTime();
        HttpServer kong = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kong.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        kong.createContext("/metrics", ex -> {
            long tenths = (System.nanoTime() - start) / 100_000_000L;
            byte[] body = PrometheusEndToEndIT.payload(1000 + 3 * tenths, 500 + tenths).getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
            ex.sendResponseHeaders(200, body.length);
            try (var out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        kong.start();
        KubernetesMockServer api = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        api.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = api.createClient();
        try {
            DemoClusterSeeder seeder = new DemoClusterSeeder(client);
            service(client, "shop", "storefront", 80);
            service(client, "payments", "payments-api", 8080);
            seeder.kongPod("kong", "kong-gateway", "kong-gateway-abc12", "127.0.0.1", "node-1");
            Path kubeconfig = dir.resolve("kubeconfig.yaml");
            Files.writeString(kubeconfig, DemoKubernetes.kubeconfig("http://127.0.0.1:" + api.getPort()));
            Path pipelines = dir.resolve("pipelines.yaml");
            Files.writeString(pipelines, """
                    receivers:
                      kong:
                        interval: 1s
                        timeout: 900ms
                        discovery: {kubernetes: {namespaces: [kong], selector: "app.kubernetes.io/name=kong", port: %d}}
                    processors:
                      k8sattributes: {labels: kgo, unresolved: keep}
                    exporters:
                      prometheus: {}
                    service:
                      pipelines:
                        metrics: {receivers: [kong], processors: [k8sattributes], exporters: [prometheus]}
                    """.formatted(kong.getAddress().getPort()));
            // What a ServiceMonitor's target labels look like: the scraped service's own name and namespace.
            String targetLabels = "        labels: {service: kong-metrics-pipeline, namespace: monitoring}";
            try (ServiceProcess svc = ServiceProcess.start(dir, Map.of("KUBECONFIG", kubeconfig.toString()),
                    "--pipelines", pipelines.toString());
                 RealPrometheus prom = RealPrometheus.start(dir, "127.0.0.1:" + svc.port, targetLabels)) {
                String query = "sum by (exported_service)(rate(kong_upstream_latency_ms_sum[1m])) / "
                        + "sum by (exported_service)(rate(kong_upstream_latency_ms_count[1m]))";
                @SuppressWarnings("unchecked")
                Map<String, Double>[] answer = new Map[1];
                ServiceProcess.await("PromQL answers per Kubernetes Service", Duration.ofSeconds(90), () -> {
                    try {
                        answer[0] = prom.query(query, "exported_service");
                        // Early on both samples in the window can come from one scrape of Kong: 0/0 = NaN, wait it out.
                    return answer[0].size() == 2 && answer[0].values().stream().noneMatch(v -> Double.isNaN(v));
                    } catch (IOException | InterruptedException e) {
                        return false;
                    }
                });
                assertEquals(40.0, answer[0].get("storefront"), 1e-9, answer[0].toString());
                assertEquals(120.0, answer[0].get("payments-api"), 1e-9, answer[0].toString());
                assertEquals(Map.of("shop", 1.0, "payments", 1.0),
                        prom.query("count by (exported_namespace)(kong_upstream_latency_ms_count)", "exported_namespace"));
                // The target labels of the scrape itself are untouched; as many series as Kong wrote.
                assertEquals(Map.of("kong-metrics-pipeline", 23.0), prom.query("count by (service)(kong_upstream_latency_ms_bucket)", "service"));
                String status = svc.get("/api/status");
                assertTrue(status.contains("\"enabled\" : true"), status);
            }
        } finally {
            api.destroy();
            client.close();
            kong.stop(0);
        }
    }

    private static void service(KubernetesClient client, String ns, String name, int port) {
        client.resource(new io.fabric8.kubernetes.api.model.NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build())
                .createOr(r -> r.update());
        client.resource(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().addNewPort().withName("http").withPort(port).endPort().endSpec().build()).create();
    }
}
