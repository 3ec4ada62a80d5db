package dev.kmp.reconciler;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.CustomResourceDefinitionContext;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Objects and running reconcilers on a CRUD mock server, for the reconciler tests. */
final class ReconcilerFixture implements AutoCloseable {
    final KubernetesMockServer server;
    final KubernetesClient admin;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    ReconcilerFixture(KubernetesMockServer server, KubernetesClient admin) {
        this.server = server;
        this.admin = admin;
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup(DataPlaneMetricsExtension.GROUP).withVersion(DataPlaneMetricsExtension.VERSION)
                .withKind("DataPlaneMetricsExtension").withPlural("dataplanemetricsextensions").withScope("Namespaced").build());
        server.expectCustomResource(new CustomResourceDefinitionContext.Builder()
                .withGroup("configuration.konghq.com").withVersion("v1")
                .withKind("KongPlugin").withPlural("kongplugins").withScope("Namespaced").build());
    }

    record Running(ExtensionController controller, WriteCounter writes, KubernetesClient client) {
    }

    /** Test timings: lease 2 s, renew 1.5 s, retry 200 ms; backoff from 50 ms. */
    static ReconcilerSettings settings(String identity, String podName, String podNamespace) {
        return new ReconcilerSettings(List.of(), "kmp-system", ReconcilerSettings.DEFAULT_LEASE_NAME, identity, podName, podNamespace,
                Duration.ofSeconds(2), Duration.ofMillis(1500), Duration.ofMillis(200),
                Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ZERO);
    }

    Running start(String identity) {
        return start(settings(identity, null, null));
    }

    Running start(ReconcilerSettings settings) {
        WriteCounter writes = new WriteCounter();
        // The client's own retry of 5xx answers is off, so a failing write reaches the reconciler's queue.
        Config base;
        try (KubernetesClient plain = server.createClient()) {
            base = plain.getConfiguration();
        }
        KubernetesClient client = server.createClient(b -> b
                .withConfig(new ConfigBuilder(base).withRequestRetryBackoffLimit(0).build())
                .withHttpClientBuilderConsumer(h -> h.addOrReplaceInterceptor("count-writes", writes)));
        ExtensionController controller = new ExtensionController(client, settings);
        controller.start();
        closeables.add(client);
        closeables.add(controller);
        return new Running(controller, writes, client);
    }

    Service service(String ns, String name, Map<String, String> labels, Map<String, String> annotations) {
        return admin.services().inNamespace(ns).resource(new ServiceBuilder()
                .withNewMetadata().withName(name).withNamespace(ns).withLabels(labels).withAnnotations(annotations).endMetadata()
                .withNewSpec().addNewPort().withPort(80).endPort().endSpec()
                .build()).create();
    }

    Service getService(String ns, String name) {
        return admin.services().inNamespace(ns).withName(name).get();
    }

    DataPlaneMetricsExtension extension(String ns, String name, List<String> names, Map<String, String> labels,
                                        MetricsConfig config) {
        DataPlaneMetricsExtension e = new DataPlaneMetricsExtension();
        e.setMetadata(new ObjectMetaBuilder().withName(name).withNamespace(ns).build());
        DataPlaneMetricsExtensionSpec spec = new DataPlaneMetricsExtensionSpec();
        ServiceSelector selector = new ServiceSelector();
        selector.setMatchNames(names.stream().map(ServiceSelectorEntry::new).toList());
        selector.setMatchLabels(labels);
        spec.setServiceSelector(selector);
        spec.setConfig(config);
        e.setSpec(spec);
        return admin.resources(DataPlaneMetricsExtension.class).inNamespace(ns).resource(e).create();
    }

    DataPlaneMetricsExtension getExtension(String ns, String name) {
        return admin.resources(DataPlaneMetricsExtension.class).inNamespace(ns).withName(name).get();
    }

    /**
     * Changes an extension's spec as a user would, reading it again when the reconciler's status
     * update got there first (409 Conflict on the resourceVersion read).
     */
    void updateExtension(String ns, String name, java.util.function.Consumer<DataPlaneMetricsExtension> change) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (true) {
            DataPlaneMetricsExtension e = getExtension(ns, name);
            change.accept(e);
            try {
                admin.resources(DataPlaneMetricsExtension.class).inNamespace(ns).resource(e).update();
                return;
            } catch (io.fabric8.kubernetes.client.KubernetesClientException conflict) {
                if (conflict.getCode() != 409 || System.nanoTime() > deadline) {
                    throw conflict;
                }
            }
        }
    }

    GenericKubernetesResource plugin(String ns, String name) {
        return admin.genericKubernetesResources(ClusterCache.KONG_PLUGIN).inNamespace(ns).withName(name).get();
    }

    static ExtensionCondition condition(DataPlaneMetricsExtension e, String type) {
        if (e == null || e.getStatus() == null || e.getStatus().getConditions() == null) {
            return null;
        }
        return e.getStatus().getConditions().stream().filter(c -> type.equals(c.getType())).findFirst().orElse(null);
    }

    static String annotation(Service s, String key) {
        return s == null || s.getMetadata().getAnnotations() == null ? null : s.getMetadata().getAnnotations().get(key);
    }

    static String label(io.fabric8.kubernetes.api.model.HasMetadata s, String key) {
        return s == null || s.getMetadata().getLabels() == null ? null : s.getMetadata().getLabels().get(key);
    }

    /** Waits until the controller's queue has nothing to do, then forces one more pass over every extension. */
    static void awaitQuiet(ExtensionController c) {
        Await.until("reconciler idle", () -> c.queue().idle() && c.queue().retrying() == 0,
                () -> "idle=" + c.queue().idle() + " retrying=" + c.queue().retrying());
    }

    /** Re-runs every extension once and waits until those passes are done. */
    static void secondPass(ExtensionController c) {
        long before = c.queue().handledCount();
        c.requeueAll();
        Await.until("second pass done", () -> c.queue().handledCount() > before && c.queue().idle());
    }

    @Override
    public void close() throws Exception {
        for (int i = closeables.size() - 1; i >= 0; i--) {
            closeables.get(i).close();
        }
    }
}
