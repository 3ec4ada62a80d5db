package dev.kmp.reconciler;

import dev.kmp.reconciler.ExtensionsStatus.Condition;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * The DataPlaneMetricsExtension reconciler: informers feed a level-triggered queue of extension
 * keys; while this replica holds the Lease, one worker reconciles one key at a time. Every replica
 * keeps its caches warm, so a new leader starts at once and /status works on followers too.
 *
 * <p>Public surface: {@link #start()}, {@link #close()}, {@link #isLeader()},
 * {@link #addLeadershipListener}, {@link #status()} (for /status) and {@link #serviceOwners()}
 * (for enrichment: which extension holds which Service).
 */
public final class ExtensionController implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ExtensionController.class.getName());

    private final ClusterCache cache;
    private final ReconcileQueue queue;
    private final LeaseLeadership leadership;
    private final ExtensionReconciler reconciler;

    public ExtensionController(KubernetesClient client, ReconcilerSettings settings) {
        this(client, settings, Clock.systemUTC());
    }

    ExtensionController(KubernetesClient client, ReconcilerSettings settings, Clock clock) {
        this.cache = new ClusterCache(client, settings.namespaces(), settings.resync(), this::onChange);
        this.leadership = new LeaseLeadership(client, settings);
        this.queue = new ReconcileQueue("kmp-reconciler", this::reconcileKey, settings.backoffBase(), settings.backoffMax(),
                leadership::isLeader);
        this.reconciler = new ExtensionReconciler(client, cache, clock);
        leadership.addListener(nowLeader -> {
            if (nowLeader) {
                // A new leader re-checks everything: the previous one may have died mid-way.
                cache.allExtensions().forEach(e -> queue.add(key(e)));
            }
            queue.wake();
        });
    }

    public void start() {
        cache.start();
        queue.start();
        leadership.start();
        LOG.log(System.Logger.Level.INFO, "DataPlaneMetricsExtension reconciler started as {0}", leadership.identity());
    }

    public boolean isLeader() {
        return leadership.isLeader();
    }

    /** {@code listener} gets true on gaining and false on losing leadership (e.g. for OTLP push). */
    public void addLeadershipListener(Consumer<Boolean> listener) {
        leadership.addListener(listener);
    }

    /** A snapshot for /status and /api/status; cheap (cache reads only), safe from any thread. */
    public ExtensionsStatus status() {
        List<ExtensionsStatus.Extension> out = new ArrayList<>();
        List<DataPlaneMetricsExtension> all = new ArrayList<>(cache.allExtensions());
        all.sort(Comparator.comparing((DataPlaneMetricsExtension e) -> e.getMetadata().getNamespace())
                .thenComparing(e -> e.getMetadata().getName()));
        for (DataPlaneMetricsExtension e : all) {
            String ns = e.getMetadata().getNamespace();
            SelectionPlan plan = SelectionPlan.of(e, cache.extensions(ns), cache.services(ns),
                    svc -> ExtensionReconciler.isForeign(cache.plugin(ns, ManagedMarks.pluginName(svc))));
            DataPlaneMetricsExtensionStatus s = e.getStatus();
            List<Condition> conditions = s == null || s.getConditions() == null ? List.of() : s.getConditions().stream()
                    .map(c -> new Condition(c.getType(), c.getStatus(), c.getReason(), c.getMessage(), c.getLastTransitionTime()))
                    .toList();
            out.add(new ExtensionsStatus.Extension(ns, e.getMetadata().getName(), e.getMetadata().getGeneration(),
                    s == null ? null : s.getObservedGeneration(), conditions, List.copyOf(plan.selected()),
                    s == null || s.getServices() == null ? List.of() : List.copyOf(s.getServices()),
                    Map.copyOf(plan.conflicts()), List.copyOf(plan.missing())));
        }
        return new ExtensionsStatus(leadership.isLeader(), leadership.identity(), leadership.currentLeader(), cache.synced(),
                List.copyOf(out));
    }

    /** {@code namespace/service} -> the extension name that holds it (the conflict winner), from the caches. */
    public Map<String, String> serviceOwners() {
        Map<String, String> owners = new TreeMap<>();
        for (DataPlaneMetricsExtension e : cache.allExtensions()) {
            if (e.getMetadata().getDeletionTimestamp() != null) {
                continue;
            }
            String ns = e.getMetadata().getNamespace();
            SelectionPlan plan = SelectionPlan.of(e, cache.extensions(ns), cache.services(ns),
                    svc -> ExtensionReconciler.isForeign(cache.plugin(ns, ManagedMarks.pluginName(svc))));
            plan.owned().forEach(svc -> owners.put(ns + "/" + svc, e.getMetadata().getName()));
        }
        return owners;
    }

    /** Re-offers every known extension to the queue (what a resync does). */
    void requeueAll() {
        cache.allExtensions().forEach(e -> queue.add(key(e)));
    }

    boolean synced() {
        return cache.synced();
    }

    ReconcileQueue queue() {
        return queue;
    }

    @Override
    public void close() {
        leadership.close();
        queue.close();
        cache.close();
    }

    /**
     * Any change in a namespace can change which extension holds which Service there (selection,
     * conflicts, deletions), so it re-offers every extension of that namespace, plus the one an
     * object is labelled with (it may be gone already and need its orphans cleaned).
     */
    private void onChange(HasMetadata obj) {
        String ns = obj.getMetadata().getNamespace();
        if (ns == null) {
            return;
        }
        if (obj instanceof DataPlaneMetricsExtension e) {
            queue.add(key(e));
        }
        Map<String, String> labels = obj.getMetadata().getLabels();
        if (labels != null && ManagedMarks.MANAGED_BY_VALUE.equals(labels.get(ManagedMarks.MANAGED_BY_LABEL))
                && labels.get(ManagedMarks.EXTENSION_LABEL) != null) {
            queue.add(ns + "/" + labels.get(ManagedMarks.EXTENSION_LABEL));
        }
        cache.extensions(ns).forEach(e -> queue.add(key(e)));
    }

    private void reconcileKey(String key) {
        if (!cache.synced()) {
            throw new IllegalStateException("caches not synced yet");
        }
        int slash = key.indexOf('/');
        reconciler.reconcile(key.substring(0, slash), key.substring(slash + 1));
    }

    private static String key(HasMetadata e) {
        return e.getMetadata().getNamespace() + "/" + e.getMetadata().getName();
    }
}
