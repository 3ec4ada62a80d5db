package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kmp.config.ConfigNode;
import dev.kmp.kubernetes.MockApi;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.TargetStatus;
import dev.kmp.telemetry.SelfMetrics;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Kong pods found by selector in the CRUD mock API: added, made ready, re-addressed and removed during a run. */
class PodDiscoveryTest {
    final MockApi api = new MockApi();
    final Map<TargetId, Batch> latest = new ConcurrentHashMap<>();
    final Set<TargetId> forgotten = ConcurrentHashMap.newKeySet();
    HttpServer kong;
    KongReceiver receiver;

    final BatchConsumer sink = new BatchConsumer() {
        @Override
        public void consume(Batch batch) {
            latest.put(batch.target(), batch);
            forgotten.remove(batch.target());
        }

        @Override
        public void forget(TargetId target) {
            latest.remove(target);
            forgotten.add(target);
        }
    };

    @AfterEach
    void close() {
        if (receiver != null) {
            receiver.shutdown();
        }
        if (kong != null) {
            kong.stop(0);
        }
        api.close();
    }

    /** Every loopback address (127.0.0.x) reaches a server bound to the wildcard address, so pods can have distinct IPs. */
    int startKong() throws Exception {
        byte[] body = KongReceiverTest.fixture("kong-small.prom");
        kong = HttpServer.create(new InetSocketAddress(0), 0);
        kong.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        kong.createContext("/metrics", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        kong.start();
        return kong.getAddress().getPort();
    }

    static Pod kongPod(String name, String ip, boolean ready) {
        return new PodBuilder().withNewMetadata().withNamespace("kong").withName(name)
                .addToLabels("app.kubernetes.io/name", "kong").addToLabels("pod-template-hash", "5f6d7c")
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName("kong-gw-5f6d7c")
                .withUid("rs-uid").withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNodeName("node-" + name).endSpec()
                .withNewStatus().withPodIP(ip).addNewCondition().withType("Ready").withStatus(ready ? "True" : "False").endCondition()
                .endStatus().build();
    }

    KongReceiverConfig config(int port, List<URI> staticTargets) {
        var problems = new dev.kmp.config.Problems();
        String yaml = """
                interval: 200ms
                timeout: 150ms
                discovery:
                  kubernetes: {namespaces: [kong], selector: "app.kubernetes.io/name=kong", port: %d}
                """.formatted(port);
        KongReceiverConfig c = new KongReceiverFactory().parseConfig(dev.kmp.config.YamlFiles.parse("test.yaml", yaml, problems, new dev.kmp.config.EnvSubstitution(n -> null)));
        assertTrue(problems.errors().isEmpty(), problems.errors().toString());
        return new KongReceiverConfig(c.interval(), c.timeout(), staticTargets, c.maxBodyBytes(), c.maxSamples(), c.discovery(), c.adminApi());
    }

    TargetId target(int port, String ip) {
        return new TargetId("kong", "http://" + ip + ":" + port + "/metrics");
    }

    @Test
    void followsPodsAddedMadeReadyReaddressedAndRemovedBesideStaticTargets() throws Exception {
        int port = startKong();
        api.client().resource(kongPod("kong-a", "127.0.0.2", true)).create();
        api.client().resource(kongPod("kong-b", "127.0.0.3", false)).create();
        api.client().resource(new PodBuilder(kongPod("web", "127.0.0.4", true)).editMetadata()
                .withLabels(Map.of("app.kubernetes.io/name", "web")).endMetadata().build()).create();
        URI staticUrl = URI.create("http://127.0.0.1:" + port + "/metrics");
        ComponentContext ctx = new ComponentContext(new SelfMetrics(), Clock.systemUTC(), Optional.of(api.client()));
        receiver = new KongReceiverFactory().create("kong", config(port, List.of(staticUrl)), ctx);
        receiver.start(sink);

        MockApi.await("kong-a and the static target scraped", () -> latest.containsKey(target(port, "127.0.0.2"))
                && latest.containsKey(target(port, "127.0.0.1")));
        Batch a = latest.get(target(port, "127.0.0.2"));
        assertTrue(!a.failed(), String.valueOf(a.error()));
        assertEquals(Labels.of("dataplane_url", "http://127.0.0.2:" + port + "/metrics", "dataplane_pod", "kong-a",
                "dataplane_namespace", "kong", "dataplane_node", "node-kong-a", "dataplane_deployment", "kong-gw"), a.resource());
        assertEquals(Set.of("http://127.0.0.1:" + port + "/metrics", "http://127.0.0.2:" + port + "/metrics"), urls());

        // Scale-up: kong-b becomes ready.
        api.client().resource(kongPod("kong-b", "127.0.0.3", true)).update();
        MockApi.await("kong-b scraped once ready", () -> latest.containsKey(target(port, "127.0.0.3")));

        // A new IP: the old target is forgotten downstream, the new one scraped.
        api.client().resource(kongPod("kong-a", "127.0.0.5", true)).update();
        MockApi.await("kong-a at its new address", () -> latest.containsKey(target(port, "127.0.0.5"))
                && forgotten.contains(target(port, "127.0.0.2")) && !latest.containsKey(target(port, "127.0.0.2")));

        // Scale-down.
        api.client().pods().inNamespace("kong").withName("kong-b").delete();
        MockApi.await("kong-b forgotten", () -> forgotten.contains(target(port, "127.0.0.3")));
        assertEquals(Set.of("http://127.0.0.1:" + port + "/metrics", "http://127.0.0.5:" + port + "/metrics"), urls());
        assertTrue(latest.containsKey(target(port, "127.0.0.1")), "the static target keeps flowing");
    }

    Set<String> urls() {
        return receiver.targets().stream().map(TargetStatus::url).collect(Collectors.toSet());
    }

    @Test
    void badDiscoveryConfigIsReportedWithItsPath() {
        var problems = new dev.kmp.config.Problems();
        new KongReceiverFactory().parseConfig(dev.kmp.config.YamlFiles.parse("p.yaml", """
                discovery:
                  kubernetes: {selector: "app in (kong)", port: 70000, path: metrics, scheme: ftp}
                """, problems, new dev.kmp.config.EnvSubstitution(n -> null)));
        String all = problems.errors().toString();
        assertTrue(all.contains("discovery.kubernetes.selector"), all);
        assertTrue(all.contains("discovery.kubernetes.port"), all);
        assertTrue(all.contains("discovery.kubernetes.path"), all);
        assertTrue(all.contains("discovery.kubernetes.scheme"), all);
    }
}
