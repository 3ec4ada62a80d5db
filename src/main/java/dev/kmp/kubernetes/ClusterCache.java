package dev.kmp.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodIP;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientException;
import io.fabric8.kubernetes.client.informers.ResourceEventHandler;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What the enrichment reads about the cluster, held in fabric8 informers (list once, then watch;
 * fabric8 re-lists by itself after an expired watch, 410). Nothing here calls the API server per
 * scrape or per sample: every lookup is a read of an informer's store or index.
 *
 * <p>{@link #generation()} grows with every real change (a resync that delivers the same
 * resourceVersion does not count), so callers can cache what they derived and drop it when the
 * cluster changes. Most changes of a busy cluster are Pods and EndpointSlices (rollouts, readiness,
 * the very scaling this service drives): what only reads the routing objects follows
 * {@link #routingGeneration()}, what only reads endpoints {@link #endpointGeneration()}, and
 * neither is thrown away by the other's changes.
 */
public final class ClusterCache implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ClusterCache.class.getName());

    static final String BY_IP = "ip";
    static final String BY_SERVICE = "service";
    /** The label an EndpointSlice carries naming its Service. */
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";
    public static final String GATEWAY_GROUP = "gateway.networking.k8s.io";

    private final KubernetesClient client;
    private final List<String> namespaces;
    private final Duration resync;
    private final AtomicLong generation = new AtomicLong();
    /** Changes of EndpointSlices only. */
    private final AtomicLong sliceChanges = new AtomicLong();
    static final int ADDRESS_CHANGES_KEPT = 1024; // slices hold up to 100 endpoints: at most ~4 MB of addresses
    /** What recent slice changes touched, by the value of {@link #sliceChanges} each took. */
    private final AddressChangeLog addressChanges = new AddressChangeLog(ADDRESS_CHANGES_KEPT);

    /** Changes of Services, Ingresses, HTTPRoutes and GRPCRoutes only. */
    private final AtomicLong routingChanges = new AtomicLong();
    /** Every slice address and its endpoint, kept current by the slice events (read by {@link #endpointFor}). */
    private final EndpointAddresses endpointAddresses = new EndpointAddresses();
    private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
    private final List<ScopedInformers<?>> all = new ArrayList<>();

    private ScopedInformers<Namespace> namespaceInformers;
    private ScopedInformers<Service> services;
    private ScopedInformers<Pod> pods;
    private ScopedInformers<EndpointSlice> endpointSlices;
    private ScopedInformers<Ingress> ingresses;
    private ScopedInformers<HTTPRoute> httpRoutes;
    private ScopedInformers<GRPCRoute> grpcRoutes;
    private String httpRoutesOff;
    private String grpcRoutesOff;
    private volatile boolean started;

    public ClusterCache(KubernetesClient client, List<String> namespaces, Duration resync) {
        this.client = Objects.requireNonNull(client);
        this.namespaces = List.copyOf(namespaces);
        this.resync = resync;
    }

    /** Creates and starts the informers; returns at once (see {@link #awaitSynced}). */
    public synchronized void start() {
        if (started) {
            return;
        }
        long resyncMillis = resync.toMillis();
        if (namespaces.isEmpty()) {
            namespaceInformers = new ScopedInformers<>("Namespace",
                    List.of(client.namespaces().runnableInformer(resyncMillis)));
        }
        services = ScopedInformers.of("Service", namespaces,
                ns -> client.services().inNamespace(ns).runnableInformer(resyncMillis),
                () -> client.services().inAnyNamespace().runnableInformer(resyncMillis));
        pods = ScopedInformers.of("Pod", namespaces,
                ns -> client.pods().inNamespace(ns).runnableInformer(resyncMillis),
                () -> client.pods().inAnyNamespace().runnableInformer(resyncMillis));
        pods.addIndexers(Map.of(BY_IP, ClusterCache::podIps));
        endpointSlices = ScopedInformers.of("EndpointSlice", namespaces,
                ns -> client.discovery().v1().endpointSlices().inNamespace(ns).runnableInformer(resyncMillis),
                () -> client.discovery().v1().endpointSlices().inAnyNamespace().runnableInformer(resyncMillis));
        endpointSlices.addIndexers(Map.of(BY_SERVICE, ClusterCache::sliceService));
        ingresses = ScopedInformers.of("Ingress", namespaces,
                ns -> client.network().v1().ingresses().inNamespace(ns).runnableInformer(resyncMillis),
                () -> client.network().v1().ingresses().inAnyNamespace().runnableInformer(resyncMillis));
        httpRoutesOff = routeKindMissing(HTTPRoute.class, "httproutes");
        if (httpRoutesOff == null) {
            httpRoutes = ScopedInformers.of("HTTPRoute", namespaces,
                    ns -> client.resources(HTTPRoute.class).inNamespace(ns).runnableInformer(resyncMillis),
                    () -> client.resources(HTTPRoute.class).inAnyNamespace().runnableInformer(resyncMillis));
        }
        grpcRoutesOff = routeKindMissing(GRPCRoute.class, "grpcroutes");
        if (grpcRoutesOff == null) {
            grpcRoutes = ScopedInformers.of("GRPCRoute", namespaces,
                    ns -> client.resources(GRPCRoute.class).inNamespace(ns).runnableInformer(resyncMillis),
                    () -> client.resources(GRPCRoute.class).inAnyNamespace().runnableInformer(resyncMillis));
        }
        for (ScopedInformers<?> s : java.util.Arrays.asList(namespaceInformers, services, pods, endpointSlices,
                ingresses, httpRoutes, grpcRoutes)) {
            if (s != null) {
                all.add(s);
                startAll(s);
            }
        }
        started = true;
    }

    private <T extends HasMetadata> void startAll(ScopedInformers<T> s) {
        ResourceEventHandler<T> handler = new ResourceEventHandler<>() {
            @Override
            public void onAdd(T obj) {
                try {
                    changed(null, obj, false);
                } finally {
                    s.addHandled(); // counted even if a listener failed: "synced" must not hang on it
                }
            }

            @Override
            public void onUpdate(T oldObj, T newObj) {
                String before = oldObj.getMetadata().getResourceVersion();
                if (before == null || !before.equals(newObj.getMetadata().getResourceVersion())) {
                    changed(oldObj, newObj, false);
                }
            }

            @Override
            public void onDelete(T obj, boolean deletedFinalStateUnknown) {
                changed(null, obj, true);
            }
        };
        for (SharedIndexInformer<T> i : s.informers) {
            i.addEventHandler(handler);
            RetryingInformers.keepRetrying(i, s.kind);
            i.start().whenComplete((v, e) -> {
                if (e != null) {
                    LOG.log(System.Logger.Level.WARNING, "{0} informer did not start: {1}", s.kind, e.getMessage());
                }
            });
        }
    }

    /**
     * Null when the route kind can be listed; else why it is off. The API server answers 404 for a
     * resource whose CRD is not installed; one probe at start decides it (restart after installing).
     */
    private String routeKindMissing(Class<? extends HasMetadata> type, String plural) {
        try {
            if (namespaces.isEmpty()) {
                client.resources(type).inAnyNamespace().list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
            } else {
                client.resources(type).inNamespace(namespaces.get(0)).list(new io.fabric8.kubernetes.api.model.ListOptionsBuilder().withLimit(1L).build());
            }
            return null;
        } catch (KubernetesClientException e) {
            if (e.getCode() == 404) {
                return plural + "." + GATEWAY_GROUP + "/v1 is not served (CRD not installed)";
            }
            if (e.getCode() == 403) {
                return "not allowed to list " + plural + "." + GATEWAY_GROUP + " (RBAC)";
            }
            // Anything else (API server briefly away) is not proof of absence: keep the kind on.
            LOG.log(System.Logger.Level.WARNING, "probing {0}: {1}", plural, e.getMessage());
            return null;
        }
    }

    private void changed(HasMetadata before, HasMetadata object, boolean deleted) {
        if (object instanceof EndpointSlice slice) {
            List<String> touched = new ArrayList<>(sliceAddresses(slice));
            if (before instanceof EndpointSlice old) {
                touched.addAll(sliceAddresses(old));
            }
            // The addresses first: whoever sees the new count and looks a target up again must get
            // the new answer. Counted and logged together, so that count finds its change in the log.
            if (deleted) {
                endpointAddresses.remove(slice);
            } else {
                endpointAddresses.put(slice);
            }
            synchronized (addressChanges) {
                addressChanges.add(sliceChanges.incrementAndGet(), touched);
            }
        } else if (object instanceof Service || object instanceof Ingress || object instanceof HTTPRoute
                || object instanceof GRPCRoute) {
            routingChanges.incrementAndGet();
        }
        generation.incrementAndGet();
        for (Runnable r : listeners) {
            r.run();
        }
    }

    /** Called (on an informer thread) after every change; keep it short. */
    public void addChangeListener(Runnable listener) {
        listeners.add(listener);
    }

    public void removeChangeListener(Runnable listener) {
        listeners.remove(listener);
    }

    /** Grows with every change of a cached object. */
    public long generation() {
        return generation.get();
    }

    /**
     * Grows with every change of what maps a Kong service name to an object: Services, Ingresses,
     * HTTPRoutes, GRPCRoutes. Pods, EndpointSlices and Namespaces do not count.
     */
    public long routingGeneration() {
        return routingChanges.get();
    }

    /** Grows with every change of an EndpointSlice: what maps an upstream target's address to its Pod and Service. */
    public long endpointGeneration() {
        return sliceChanges.get();
    }

    /**
     * The addresses that slice changes after {@code endpointGeneration} (a value
     * {@link #endpointGeneration()} returned) touched, before or after the change; empty when
     * the changes since then are no longer all remembered (then any address may have moved).
     */
    public Optional<Set<String>> addressesChangedAfter(long endpointGeneration) {
        return addressChanges.changedAfter(endpointGeneration);
    }

    public boolean hasSynced() {
        return started && all.stream().allMatch(ScopedInformers::hasSynced);
    }

    /** Whether every informer has its watch open: after the first sync, false only while one re-lists or reconnects. */
    public boolean watching() {
        return started && all.stream().allMatch(ScopedInformers::watching);
    }

    /** Waits up to {@code timeout} for every informer's first list; true when synced. */
    public boolean awaitSynced(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!hasSynced()) {
            if (System.nanoTime() - deadline >= 0) {
                return false;
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
        return true;
    }

    public List<String> namespaces() {
        return namespaces;
    }

    // ---- lookups ----

    public Optional<Service> service(String namespace, String name) {
        return services == null ? Optional.empty() : services.byKey(namespace, name);
    }

    /** Every cached Service. */
    public List<Service> services() {
        return services == null ? List.of() : services.all();
    }

    public Optional<HTTPRoute> httpRoute(String namespace, String name) {
        return httpRoutes == null ? Optional.empty() : httpRoutes.byKey(namespace, name);
    }

    /** Every cached HTTPRoute (empty when the route kinds are off). */
    public List<HTTPRoute> httpRoutes() {
        return httpRoutes == null ? List.of() : httpRoutes.all();
    }

    public Optional<GRPCRoute> grpcRoute(String namespace, String name) {
        return grpcRoutes == null ? Optional.empty() : grpcRoutes.byKey(namespace, name);
    }

    public Optional<Ingress> ingress(String namespace, String name) {
        return ingresses == null ? Optional.empty() : ingresses.byKey(namespace, name);
    }

    public Optional<Pod> pod(String namespace, String name) {
        return pods == null ? Optional.empty() : pods.byKey(namespace, name);
    }

    /** Pods with this IP (more than one only for host-network pods or a stale entry). */
    public List<Pod> podsByIp(String ip) {
        return pods == null ? List.of() : pods.byIndex(BY_IP, ip);
    }

    public List<EndpointSlice> endpointSlicesOf(String namespace, String service) {
        return endpointSlices == null ? List.of() : endpointSlices.byIndex(BY_SERVICE, namespace + "/" + service);
    }

    /**
     * The endpoint behind a Kong upstream target {@code ip:port}, from the EndpointSlices: one read
     * of the address map the slice events keep ({@link EndpointAddresses}).
     */
    public Optional<TargetEndpoint> endpointFor(String ip, int port) {
        return endpointAddresses.find(ip, port);
    }

    /** How many distinct endpoint addresses the cached slices hold (what a map of upstream targets may grow to). */
    public int endpointAddressCount() {
        return endpointAddresses.size();
    }

    /** A Kong upstream target mapped to its Pod (may be null) and Service (may be null). */
    public record TargetEndpoint(String pod, String namespace, String service) {
    }

    // ---- indexers ----

    static List<String> podIps(Pod p) {
        if (p.getStatus() == null) {
            return List.of();
        }
        List<String> ips = new ArrayList<>(2);
        if (p.getStatus().getPodIPs() != null) {
            for (PodIP ip : p.getStatus().getPodIPs()) {
                if (ip.getIp() != null) {
                    ips.add(ip.getIp());
                }
            }
        }
        String primary = p.getStatus().getPodIP();
        if (primary != null && !ips.contains(primary)) {
            ips.add(primary);
        }
        return ips;
    }

    static List<String> sliceService(EndpointSlice s) {
        Map<String, String> labels = s.getMetadata().getLabels();
        String svc = labels == null ? null : labels.get(SERVICE_NAME_LABEL);
        return svc == null ? List.of() : List.of(s.getMetadata().getNamespace() + "/" + svc);
    }

    static List<String> sliceAddresses(EndpointSlice s) {
        if (s.getEndpoints() == null) {
            return List.of();
        }
        List<String> out = new ArrayList<>();
        for (Endpoint ep : s.getEndpoints()) {
            if (ep.getAddresses() != null) {
                out.addAll(ep.getAddresses());
            }
        }
        return out;
    }

    // ---- status ----

    /** What /status shows: per kind the object count and whether it is synced, and the kinds that are off. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("namespaces", namespaces.isEmpty() ? "all" : namespaces);
        m.put("synced", hasSynced());
        Map<String, Object> kinds = new LinkedHashMap<>();
        for (ScopedInformers<?> s : all) {
            kinds.put(s.kind, Map.of("objects", s.size(), "synced", s.hasSynced(), "watching", s.watching()));
        }
        if (httpRoutesOff != null) {
            kinds.put("HTTPRoute", Map.of("enabled", false, "reason", httpRoutesOff));
        }
        if (grpcRoutesOff != null) {
            kinds.put("GRPCRoute", Map.of("enabled", false, "reason", grpcRoutesOff));
        }
        m.put("kinds", kinds);
        m.put("changes", generation());
        return m;
    }

    public boolean httpRoutesEnabled() {
        return started && httpRoutesOff == null;
    }

    public boolean grpcRoutesEnabled() {
        return started && grpcRoutesOff == null;
    }

    @Override
    public synchronized void close() {
        all.forEach(ScopedInformers::stop);
    }
}
