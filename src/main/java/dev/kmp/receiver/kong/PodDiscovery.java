package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * Finds Kong pods by label selector with a pod informer and reports the scrape targets of the
 * ready ones whenever that set changes (scale-up, scale-down, a pod becoming ready or not, a new
 * IP). Each target carries the pod's metadata as {@code dataplane_*} resource labels.
 */
final class PodDiscovery implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(PodDiscovery.class.getName());
    private static final long RESYNC_MILLIS = 10 * 60 * 1000L;

    private final KubernetesClient client;
    private final PodDiscoveryConfig config;
    private final Consumer<Map<URI, Labels>> onChange;
    private final List<SharedIndexInformer<Pod>> informers = new ArrayList<>();
    private Map<URI, Labels> last = Map.of();

    PodDiscovery(KubernetesClient client, PodDiscoveryConfig config, Consumer<Map<URI, Labels>> onChange) {
        this.client = client;
        this.config = config;
        this.onChange = onChange;
    }

    void start() {
        ResourceEventHandler<Pod> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(Pod pod) {
                publish();
            }

            @Override
            public void onUpdate(Pod oldPod, Pod newPod) {
                publish();
            }

            @Override
            public void onDelete(Pod pod, boolean deletedFinalStateUnknown) {
                publish();
            }
        };
        // All informers are listed before any starts: the first events read every informer's store.
        if (config.namespaces().isEmpty()) {
            informers.add(client.pods().inAnyNamespace().withLabels(config.selector()).runnableInformer(RESYNC_MILLIS));
        } else {
            for (String ns : config.namespaces()) {
                informers.add(client.pods().inNamespace(ns).withLabels(config.selector()).runnableInformer(RESYNC_MILLIS));
            }
        }
        for (SharedIndexInformer<Pod> i : informers) {
            i.addEventHandler(handler);
            i.start();
        }
    }

    private void publish() {
        try {
            publishChanges();
        } catch (RuntimeException e) { // an informer swallows handler exceptions: make them visible
            LOG.log(System.Logger.Level.ERROR, "pod discovery for " + config.selectorText() + " failed", e);
        }
    }

    private synchronized void publishChanges() {
        Map<URI, Labels> now = new TreeMap<>();
        for (SharedIndexInformer<Pod> i : informers) {
            for (Pod p : i.getStore().list()) {
                if (matches(p) && ready(p)) {
                    URI url = targetUrl(p);
                    now.put(url, resourceLabels(p, url));
                }
            }
        }
        if (!now.equals(last)) {
            last = now;
            LOG.log(System.Logger.Level.INFO, "discovered {0} ready Kong pod(s) for {1}", now.size(), config.selectorText());
            onChange.accept(Map.copyOf(now));
        }
    }

    /** The informer filters by labels on the server; checked again so a lax server cannot widen the set. */
    private boolean matches(Pod p) {
        Map<String, String> labels = p.getMetadata().getLabels();
        return labels != null && labels.entrySet().containsAll(config.selector().entrySet());
    }

    static boolean ready(Pod p) {
        if (p.getMetadata().getDeletionTimestamp() != null || p.getStatus() == null || p.getStatus().getPodIP() == null
                || p.getStatus().getConditions() == null) {
            return false;
        }
        for (PodCondition c : p.getStatus().getConditions()) {
            if ("Ready".equals(c.getType())) {
                return "True".equals(c.getStatus());
            }
        }
        return false;
    }

    URI targetUrl(Pod p) {
        String ip = p.getStatus().getPodIP();
        String host = ip.contains(":") ? "[" + ip + "]" : ip;
        return URI.create(config.scheme() + "://" + host + ":" + config.port() + config.path());
    }

    /** dataplane_url, dataplane_pod, dataplane_namespace, dataplane_node, dataplane_deployment (when owned by one). */
    static Labels resourceLabels(Pod p, URI url) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("dataplane_url", url.toString());
        m.put("dataplane_pod", p.getMetadata().getName());
        m.put("dataplane_namespace", p.getMetadata().getNamespace());
        if (p.getSpec() != null && p.getSpec().getNodeName() != null) {
            m.put("dataplane_node", p.getSpec().getNodeName());
        }
        String deployment = deploymentOf(p);
        if (deployment != null) {
            m.put("dataplane_deployment", deployment);
        }
        String[] pairs = new String[m.size() * 2];
        int i = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            pairs[i++] = e.getKey();
            pairs[i++] = e.getValue();
        }
        return Labels.of(pairs);
    }

    /**
     * The Deployment that owns the pod's ReplicaSet, without an API call: a Deployment names its
     * ReplicaSets {@code <deployment>-<pod-template-hash>} and labels their pods with that hash.
     */
    static String deploymentOf(Pod p) {
        List<OwnerReference> owners = p.getMetadata().getOwnerReferences();
        if (owners == null) {
            return null;
        }
        for (OwnerReference o : owners) {
            if ("ReplicaSet".equals(o.getKind()) && o.getName() != null) {
                Map<String, String> labels = p.getMetadata().getLabels();
                String hash = labels == null ? null : labels.get("pod-template-hash");
                if (hash != null && o.getName().endsWith("-" + hash)) {
                    return o.getName().substring(0, o.getName().length() - hash.length() - 1);
                }
                return null; // a bare ReplicaSet
            }
        }
        return null;
    }

    @Override
    public void close() {
        informers.forEach(SharedIndexInformer::stop);
    }
}
