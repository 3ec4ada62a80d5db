package dev.kmp.reconciler;

import static dev.kmp.reconciler.ManagedMarks.EXTENSION_LABEL;
import static dev.kmp.reconciler.ManagedMarks.FINALIZER;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_BY_LABEL;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_PLUGINS_ANNOTATION;
import static dev.kmp.reconciler.ManagedMarks.PLUGINS_ANNOTATION;
import static dev.kmp.reconciler.ReconcilerFixture.annotation;
import static dev.kmp.reconciler.ReconcilerFixture.condition;
import static dev.kmp.reconciler.ReconcilerFixture.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

@EnableKubernetesMockClient(crud = true)
class ExtensionReconcilerTest {
    KubernetesMockServer server;
    KubernetesClient client;
    ReconcilerFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ReconcilerFixture(server, client);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void createsPluginAndAnnotationThenASecondPassWritesNothing() {
        fx.service("shop", "storefront", Map.of("app", "storefront"), Map.of(PLUGINS_ANNOTATION, "cors, rate-limit"));
        Service bystander = fx.service("shop", "untouched", Map.of("app", "other"), Map.of(PLUGINS_ANNOTATION, "cors"));
        fx.service("other-ns", "storefront", Map.of(), Map.of());
        fx.extension("shop", "metrics", List.of("storefront"), null, new MetricsConfig(true, false, true, true));
        ReconcilerFixture.Running r = fx.start("solo");

        Await.until("Ready=True", () -> {
            ExtensionCondition c = condition(fx.getExtension("shop", "metrics"), "Ready");
            return c != null && "True".equals(c.getStatus());
        }, () -> fx.getExtension("shop", "metrics").getStatus());

        GenericKubernetesResource plugin = fx.plugin("shop", "storefront-metrics-prometheus");
        assertEquals("prometheus", plugin.getAdditionalProperties().get("plugin"));
        assertEquals(Map.of("latency_metrics", true, "bandwidth_metrics", false, "upstream_health_metrics", true,
                "status_code_metrics", true), plugin.getAdditionalProperties().get("config"));
        assertEquals("kong-metrics-pipeline", label(plugin, MANAGED_BY_LABEL));
        assertEquals("metrics", label(plugin, EXTENSION_LABEL));
        DataPlaneMetricsExtension ext = fx.getExtension("shop", "metrics");
        OwnerReference owner = plugin.getMetadata().getOwnerReferences().get(0);
        assertEquals(ext.getMetadata().getUid(), owner.getUid());
        assertEquals("DataPlaneMetricsExtension", owner.getKind());
        assertEquals("gateway-operator.konghq.com/v1alpha1", owner.getApiVersion());

        Service svc = fx.getService("shop", "storefront");
        assertEquals("cors,rate-limit,storefront-metrics-prometheus", annotation(svc, PLUGINS_ANNOTATION));
        assertEquals("storefront-metrics-prometheus", annotation(svc, MANAGED_PLUGINS_ANNOTATION));
        assertEquals("kong-metrics-pipeline", label(svc, MANAGED_BY_LABEL));
        assertEquals("metrics", label(svc, EXTENSION_LABEL));
        assertEquals("storefront", label(svc, "app"), "other labels kept");

        assertEquals(bystander.getMetadata().getResourceVersion(), fx.getService("shop", "untouched").getMetadata().getResourceVersion(),
                "an unselected Service is not written");
        assertNull(fx.getService("other-ns", "storefront").getMetadata().getLabels().get(EXTENSION_LABEL),
                "selection stays in the extension's namespace");
        assertNull(fx.plugin("other-ns", "storefront-metrics-prometheus"));

        assertTrue(ext.getFinalizers().contains(FINALIZER));
        assertEquals(ext.getMetadata().getGeneration(), ext.getStatus().getObservedGeneration());
        assertEquals("PluginApplied", condition(ext, "Ready").getReason());
        assertEquals("True", condition(ext, "Accepted").getStatus());
        assertEquals(List.of("storefront"), ext.getStatus().getServices());

        ReconcilerFixture.awaitQuiet(r.controller());
        r.writes().reset();
        ReconcilerFixture.secondPass(r.controller());
        assertEquals(List.of(), r.writes().writes(), "a converged cluster sees no writes");

        ExtensionsStatus status = r.controller().status();
        assertTrue(status.leader());
        ExtensionsStatus.Extension shown = status.extensions().get(0);
        assertEquals(List.of("storefront"), shown.selectedServices());
        assertEquals("Ready", shown.conditions().get(1).type());
        assertEquals(Map.of("shop/storefront", "metrics"), r.controller().serviceOwners());
    }

    @Test
    void aPluginAlreadyListedByAPersonStaysWhenTheServiceIsDeselected() {
        fx.service("shop", "cart", Map.of(), Map.of(PLUGINS_ANNOTATION, "cart-metrics-prometheus,cors"));
        fx.extension("shop", "metrics", List.of("cart"), null, null);
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("plugin created", () -> fx.plugin("shop", "cart-metrics-prometheus") != null);
        Await.until("Service labelled", () -> "metrics".equals(label(fx.getService("shop", "cart"), EXTENSION_LABEL)));
        Service svc = fx.getService("shop", "cart");
        assertEquals("cart-metrics-prometheus,cors", annotation(svc, PLUGINS_ANNOTATION), "listed once, order kept");
        assertNull(annotation(svc, MANAGED_PLUGINS_ANNOTATION), "we added nothing to the list");

        fx.admin.resources(DataPlaneMetricsExtension.class).inNamespace("shop").withName("metrics").delete();
        Await.until("extension gone", () -> fx.getExtension("shop", "metrics") == null);
        Service after = fx.getService("shop", "cart");
        assertEquals("cart-metrics-prometheus,cors", annotation(after, PLUGINS_ANNOTATION));
        assertNull(label(after, EXTENSION_LABEL));
        assertNull(label(after, MANAGED_BY_LABEL));
        ReconcilerFixture.awaitQuiet(r.controller());
    }

    @Test
    void deselectionUndoesExactlyWhatWasAdded() {
        fx.service("shop", "a", Map.of("tier", "web"), Map.of(PLUGINS_ANNOTATION, "cors"));
        fx.service("shop", "b", Map.of("tier", "web"), null);
        fx.service("shop", "c", Map.of("tier", "db"), null);
        fx.extension("shop", "metrics", List.of("a"), Map.of("tier", "web"), null);
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("a and b applied", () -> fx.plugin("shop", "a-metrics-prometheus") != null
                && "b-metrics-prometheus".equals(annotation(fx.getService("shop", "b"), PLUGINS_ANNOTATION)));
        assertNull(fx.plugin("shop", "c-metrics-prometheus"));

        fx.updateExtension("shop", "metrics", e -> {
            e.getSpec().getServiceSelector().setMatchNames(List.of(new ServiceSelectorEntry("c")));
            e.getSpec().getServiceSelector().setMatchLabels(null);
        });

        Await.until("a and b restored, c applied", () -> fx.plugin("shop", "a-metrics-prometheus") == null
                && fx.plugin("shop", "b-metrics-prometheus") == null
                && fx.plugin("shop", "c-metrics-prometheus") != null
                && "cors".equals(annotation(fx.getService("shop", "a"), PLUGINS_ANNOTATION))
                && annotation(fx.getService("shop", "b"), PLUGINS_ANNOTATION) == null);
        Service a = fx.getService("shop", "a");
        assertEquals(Map.of(PLUGINS_ANNOTATION, "cors"), a.getMetadata().getAnnotations());
        assertEquals(Map.of("tier", "web"), a.getMetadata().getLabels());
        Service b = fx.getService("shop", "b");
        assertTrue(b.getMetadata().getAnnotations() == null || b.getMetadata().getAnnotations().isEmpty(), "empty annotation removed");
        Await.until("status follows the new generation", () -> {
            DataPlaneMetricsExtension x = fx.getExtension("shop", "metrics");
            return x.getStatus() != null && x.getMetadata().getGeneration().equals(x.getStatus().getObservedGeneration())
                    && List.of("c").equals(x.getStatus().getServices());
        });
        ReconcilerFixture.awaitQuiet(r.controller());
    }

    @Test
    void deletedServiceLosesItsPluginAndIsReportedMissing() {
        fx.service("shop", "a", null, null);
        fx.extension("shop", "metrics", List.of("a"), null, null);
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("plugin created", () -> fx.plugin("shop", "a-metrics-prometheus") != null);

        fx.admin.services().inNamespace("shop").withName("a").delete();
        Await.until("plugin deleted and ServiceNotFound", () -> {
            ExtensionCondition c = condition(fx.getExtension("shop", "metrics"), "Ready");
            return fx.plugin("shop", "a-metrics-prometheus") == null && c != null && "ServiceNotFound".equals(c.getReason());
        });
        assertTrue(condition(fx.getExtension("shop", "metrics"), "Ready").getMessage().contains("a"));
        ReconcilerFixture.awaitQuiet(r.controller());
    }

    @Test
    void deletedExtensionIsCleanedUpThroughItsFinalizer() {
        fx.service("shop", "a", null, Map.of(PLUGINS_ANNOTATION, "cors"));
        fx.extension("shop", "metrics", List.of("a"), null, null);
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("applied with finalizer", () -> fx.plugin("shop", "a-metrics-prometheus") != null
                && fx.getExtension("shop", "metrics").getFinalizers().contains(FINALIZER)
                && annotation(fx.getService("shop", "a"), PLUGINS_ANNOTATION).contains("a-metrics-prometheus"));

        fx.admin.resources(DataPlaneMetricsExtension.class).inNamespace("shop").withName("metrics").delete();
        Await.until("extension finalized and everything undone", () -> fx.getExtension("shop", "metrics") == null
                && fx.plugin("shop", "a-metrics-prometheus") == null
                && "cors".equals(annotation(fx.getService("shop", "a"), PLUGINS_ANNOTATION)));
        assertNull(label(fx.getService("shop", "a"), EXTENSION_LABEL));
        assertNull(annotation(fx.getService("shop", "a"), MANAGED_PLUGINS_ANNOTATION));
        ReconcilerFixture.awaitQuiet(r.controller());
    }

    @Test
    void aPluginDeletedByHandIsRecreated() {
        fx.service("shop", "a", null, null);
        fx.extension("shop", "metrics", List.of("a"), null, new MetricsConfig(true, true, false, false));
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("plugin created", () -> fx.plugin("shop", "a-metrics-prometheus") != null);
        String firstUid = fx.plugin("shop", "a-metrics-prometheus").getMetadata().getUid();

        fx.admin.genericKubernetesResources(ClusterCache.KONG_PLUGIN).inNamespace("shop").withName("a-metrics-prometheus").delete();
        Await.until("plugin recreated", () -> {
            GenericKubernetesResource p = fx.plugin("shop", "a-metrics-prometheus");
            return p != null && !p.getMetadata().getUid().equals(firstUid);
        });
        assertEquals(true, ((Map<?, ?>) fx.plugin("shop", "a-metrics-prometheus").getAdditionalProperties().get("config")).get("bandwidth_metrics"));
        ReconcilerFixture.awaitQuiet(r.controller());
    }

    @Test
    void olderExtensionKeepsAContestedServiceAndTheNewerReportsConflict() {
        fx.service("shop", "a", null, null);
        fx.service("shop", "b", null, null);
        fx.extension("shop", "alpha", List.of("a"), null, null);
        fx.extension("shop", "beta", List.of("a", "b"), null, null);
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("beta reports Conflict", () -> {
            ExtensionCondition c = condition(fx.getExtension("shop", "beta"), "Ready");
            return c != null && "Conflict".equals(c.getReason());
        });
        Await.until("alpha Ready", () -> {
            ExtensionCondition c = condition(fx.getExtension("shop", "alpha"), "Ready");
            return c != null && "True".equals(c.getStatus());
        });
        assertEquals("alpha", label(fx.getService("shop", "a"), EXTENSION_LABEL));
        assertEquals("alpha", label(fx.plugin("shop", "a-metrics-prometheus"), EXTENSION_LABEL));
        assertEquals("beta", label(fx.getService("shop", "b"), EXTENSION_LABEL), "the uncontested Service is beta's");
        assertTrue(condition(fx.getExtension("shop", "beta"), "Ready").getMessage().contains("alpha"));
        assertEquals(List.of("b"), fx.getExtension("shop", "beta").getStatus().getServices());

        // No flapping: passes over both extensions change nothing.
        ReconcilerFixture.awaitQuiet(r.controller());
        r.writes().reset();
        ReconcilerFixture.secondPass(r.controller());
        ReconcilerFixture.secondPass(r.controller());
        assertEquals(List.of(), r.writes().writes());

        // The older one goes: the newer takes the Service over.
        fx.admin.resources(DataPlaneMetricsExtension.class).inNamespace("shop").withName("alpha").delete();
        Await.until("beta holds a", () -> "beta".equals(label(fx.getService("shop", "a"), EXTENSION_LABEL))
                && fx.plugin("shop", "a-metrics-prometheus") != null
                && "beta".equals(label(fx.plugin("shop", "a-metrics-prometheus"), EXTENSION_LABEL))
                && "PluginApplied".equals(condition(fx.getExtension("shop", "beta"), "Ready").getReason()));
        assertEquals("a-metrics-prometheus", annotation(fx.getService("shop", "a"), PLUGINS_ANNOTATION));
        ReconcilerFixture.awaitQuiet(r.controller());
    }

    @Test
    void failedWritesAreRetriedWithBackoff() {
        fx.service("shop", "a", null, Map.of(PLUGINS_ANNOTATION, "cors"));
        fx.extension("shop", "metrics", List.of("a"), null, null);
        server.expect().put().withPath("/api/v1/namespaces/shop/services/a")
                .andReturn(500, "{\"kind\":\"Status\",\"code\":500,\"message\":\"etcd is sad\"}").times(3);
        ReconcilerFixture.Running r = fx.start("solo");
        Await.until("annotation written after the failures", () ->
                "cors,a-metrics-prometheus".equals(annotation(fx.getService("shop", "a"), PLUGINS_ANNOTATION)));
        assertTrue(r.controller().queue().failedCount() >= 3, "failed passes: " + r.controller().queue().failedCount());
        ReconcilerFixture.awaitQuiet(r.controller());
    }
}
