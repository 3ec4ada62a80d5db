package dev.kmp.reconciler;

import static dev.kmp.reconciler.ManagedMarks.EXTENSION_LABEL;
import static dev.kmp.reconciler.ManagedMarks.FINALIZER;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_BY_LABEL;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_BY_VALUE;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.ObjectMetaBuilder;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * One pass over one extension ({@code namespace/name}): read cached state, compare, and write only
 * what differs. Throws on an API error; the queue retries the key with backoff. A pass is
 * idempotent: on a converged cluster it makes no request at all.
 */
final class ExtensionReconciler {
    private static final System.Logger LOG = System.getLogger(ExtensionReconciler.class.getName());

    private final KubernetesClient client;
    private final ClusterCache cache;
    private final Clock clock;
    private final KubernetesSerialization serialization;

    ExtensionReconciler(KubernetesClient client, ClusterCache cache, Clock clock) {
        this.client = client;
        this.cache = cache;
        this.clock = clock;
        this.serialization = client.getKubernetesSerialization();
    }

    void reconcile(String namespace, String name) {
        DataPlaneMetricsExtension extension = cache.extension(namespace, name);
        if (extension == null) {
            // Gone without our finalizer having run (removed by hand, or deleted while we were down).
            undoAll(namespace, name, Set.of());
            return;
        }
        if (extension.getMetadata().getDeletionTimestamp() != null) {
            if (extension.getFinalizers().contains(FINALIZER)) {
                undoAll(namespace, name, Set.of());
                DataPlaneMetricsExtension copy = serialization.clone(extension);
                copy.removeFinalizer(FINALIZER);
                try {
                    client.resources(DataPlaneMetricsExtension.class).inNamespace(namespace).resource(copy).update();
                } catch (KubernetesClientException e) {
                    if (e.getCode() != 404) {
                        throw e;
                    }
                    // Already gone: our cache had not seen the deletion that our previous pass caused.
                    return;
                }
                LOG.log(System.Logger.Level.INFO, "extension {0}/{1} deleted: managed plugins removed", namespace, name);
            }
            return;
        }
        if (!extension.getFinalizers().contains(FINALIZER)) {
            DataPlaneMetricsExtension copy = serialization.clone(extension);
            copy.addFinalizer(FINALIZER);
            extension = client.resources(DataPlaneMetricsExtension.class).inNamespace(namespace).resource(copy).update();
        }

        SelectionPlan plan = SelectionPlan.of(extension, cache.extensions(namespace), cache.services(namespace),
                service -> isForeign(cache.plugin(namespace, ManagedMarks.pluginName(service))));
        for (String service : plan.owned()) {
            // Plugin first, then the annotation that names it: Kong never sees a reference to a missing plugin.
            ensurePlugin(extension, service);
            ensureServiceMarked(namespace, service, name);
        }
        undoAll(namespace, name, plan.owned());
        ensureStatus(extension, plan);
    }

    /** Takes back everything labelled with this extension, except for the Services in {@code keep}. */
    private void undoAll(String namespace, String extension, Set<String> keep) {
        for (Service s : cache.services(namespace)) {
            String svc = s.getMetadata().getName();
            if (keep.contains(svc) || !extension.equals(label(s.getMetadata().getLabels(), EXTENSION_LABEL))) {
                continue;
            }
            ServiceMarks undone = ServiceMarks.of(s.getMetadata().getLabels(), s.getMetadata().getAnnotations()).undone();
            if (undone != null) {
                writeService(s, undone);
                LOG.log(System.Logger.Level.INFO, "Service {0}/{1}: managed plugin removed (extension {2})", namespace, svc, extension);
            }
        }
        for (GenericKubernetesResource p : cache.plugins(namespace)) {
            Map<String, String> labels = p.getMetadata().getLabels();
            String pluginName = p.getMetadata().getName();
            boolean ours = MANAGED_BY_VALUE.equals(label(labels, MANAGED_BY_LABEL)) && extension.equals(label(labels, EXTENSION_LABEL));
            boolean kept = keep.stream().anyMatch(svc -> ManagedMarks.pluginName(svc).equals(pluginName));
            if (ours && !kept) {
                client.genericKubernetesResources(ClusterCache.KONG_PLUGIN).inNamespace(namespace).withName(pluginName).delete();
            }
        }
    }

    private void ensurePlugin(DataPlaneMetricsExtension extension, String service) {
        String namespace = extension.getMetadata().getNamespace();
        String pluginName = ManagedMarks.pluginName(service);
        GenericKubernetesResource existing = cache.plugin(namespace, pluginName);
        Map<String, Object> config = pluginConfig(extension.getSpec().getConfig());
        OwnerReference owner = new OwnerReferenceBuilder()
                .withApiVersion(extension.getApiVersion())
                .withKind(extension.getKind())
                .withName(extension.getMetadata().getName())
                .withUid(extension.getMetadata().getUid())
                .withController(true)
                .build();
        var plugins = client.genericKubernetesResources(ClusterCache.KONG_PLUGIN).inNamespace(namespace);
        if (existing == null) {
            GenericKubernetesResource plugin = new GenericKubernetesResource();
            plugin.setApiVersion("configuration.konghq.com/v1");
            plugin.setKind("KongPlugin");
            plugin.setMetadata(new ObjectMetaBuilder()
                    .withName(pluginName)
                    .withNamespace(namespace)
                    .withLabels(ourLabels(extension.getMetadata().getName()))
                    .withOwnerReferences(owner)
                    .build());
            plugin.setAdditionalProperty("plugin", "prometheus");
            plugin.setAdditionalProperty("config", config);
            plugins.resource(plugin).create();
            LOG.log(System.Logger.Level.INFO, "KongPlugin {0}/{1} created", namespace, pluginName);
            return;
        }
        Map<String, String> labels = existing.getMetadata().getLabels() == null ? Map.of() : existing.getMetadata().getLabels();
        boolean same = "prometheus".equals(existing.getAdditionalProperties().get("plugin"))
                && config.equals(existing.getAdditionalProperties().get("config"))
                && labels.entrySet().containsAll(ourLabels(extension.getMetadata().getName()).entrySet())
                && List.of(owner).equals(existing.getMetadata().getOwnerReferences());
        if (same) {
            return;
        }
        GenericKubernetesResource copy = serialization.clone(existing);
        Map<String, String> newLabels = new LinkedHashMap<>(labels);
        newLabels.putAll(ourLabels(extension.getMetadata().getName()));
        copy.getMetadata().setLabels(newLabels);
        copy.getMetadata().setOwnerReferences(new ArrayList<>(List.of(owner)));
        copy.setAdditionalProperty("plugin", "prometheus");
        copy.setAdditionalProperty("config", config);
        plugins.resource(copy).update();
        LOG.log(System.Logger.Level.INFO, "KongPlugin {0}/{1} updated", namespace, pluginName);
    }

    private void ensureServiceMarked(String namespace, String service, String extension) {
        Service s = cache.services(namespace).stream()
                .filter(x -> x.getMetadata().getName().equals(service)).findFirst().orElse(null);
        if (s == null) {
            return;
        }
        ServiceMarks applied = ServiceMarks.of(s.getMetadata().getLabels(), s.getMetadata().getAnnotations())
                .applied(extension, ManagedMarks.pluginName(service));
        if (applied != null) {
            writeService(s, applied);
            LOG.log(System.Logger.Level.INFO, "Service {0}/{1}: plugin {2} listed", namespace, service, ManagedMarks.pluginName(service));
        }
    }

    private void writeService(Service cached, ServiceMarks marks) {
        Service copy = serialization.clone(cached);
        copy.getMetadata().setLabels(marks.labels().isEmpty() ? null : marks.labels());
        copy.getMetadata().setAnnotations(marks.annotations().isEmpty() ? null : marks.annotations());
        // update() sends the cached resourceVersion: a stale cache gets 409 and the key is retried, never a lost write.
        client.services().inNamespace(cached.getMetadata().getNamespace()).resource(copy).update();
    }

    private void ensureStatus(DataPlaneMetricsExtension extension, SelectionPlan plan) {
        DataPlaneMetricsExtensionStatus current = extension.getStatus();
        DataPlaneMetricsExtensionStatus wanted = ExtensionStatusReport.of(extension.getMetadata().getGeneration(), plan,
                current, Instant.now(clock).truncatedTo(ChronoUnit.SECONDS).toString());
        if (current != null && Objects.equals(serialization.convertValue(current, Map.class), serialization.convertValue(wanted, Map.class))) {
            return;
        }
        DataPlaneMetricsExtension copy = serialization.clone(extension);
        copy.setStatus(wanted);
        client.resources(DataPlaneMetricsExtension.class).inNamespace(extension.getMetadata().getNamespace()).resource(copy).updateStatus();
    }

    static Map<String, Object> pluginConfig(MetricsConfig config) {
        MetricsConfig c = config == null ? new MetricsConfig() : config;
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("latency_metrics", c.isLatency());
        out.put("bandwidth_metrics", c.isBandwidth());
        out.put("upstream_health_metrics", c.isUpstreamHealth());
        out.put("status_code_metrics", c.isStatusCode());
        return out;
    }

    static boolean isForeign(GenericKubernetesResource plugin) {
        return plugin != null && !MANAGED_BY_VALUE.equals(label(plugin.getMetadata().getLabels(), MANAGED_BY_LABEL));
    }

    private static Map<String, String> ourLabels(String extension) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
        m.put(EXTENSION_LABEL, extension);
        return m;
    }

    private static String label(Map<String, String> labels, String key) {
        return labels == null ? null : labels.get(key);
    }
}
