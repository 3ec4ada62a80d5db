package dev.kmp.bench;

import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.GeneratedCluster;
import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Processor;
import dev.kmp.processor.k8s.K8sAttributesConfig;
import dev.kmp.processor.k8s.K8sAttributesProcessorFactory;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The processors a benchmark cycle runs between receiver and exporter: the real
 * {@code k8sattributes} processor over a real {@link ClusterCache} (fabric8 informers) that
 * lists and watches a loopback Kubernetes API ({@link SnapshotApiServer}) serving the payload's
 * own objects, plus the Kong services' Admin API tags in the tag directory. So every
 * Kong name in the payload resolves, as it would in a cluster.
 */
final class BenchProcessors implements AutoCloseable {
    private final SnapshotApiServer server;
    private final KubernetesClient client;
    private final ClusterCache cache;
    private final ComponentContext context;
    private final List<Processor> processors;
    private final List<HasMetadata> objects;
    private long resourceVersion = 1;
    private int changes;

    private BenchProcessors(SnapshotApiServer server, KubernetesClient client, ClusterCache cache,
                            ComponentContext context, List<HasMetadata> objects) {
        this.objects = objects;
        this.server = server;
        this.client = client;
        this.cache = cache;
        this.context = context;
        this.processors = List.of(k8sAttributes(context));
    }

    /** Seeds the API, starts the cache and waits until it holds everything (nothing is measured before). */
    static BenchProcessors start(GeneratedCluster cluster, ComponentContext base) throws InterruptedException {
        SnapshotApiServer server;
        List<HasMetadata> objects = DemoClusterSeeder.objects(cluster);
        try {
            server = SnapshotApiServer.start(objects);
        } catch (java.io.IOException e) {
            throw new IllegalStateException("the benchmark's Kubernetes API did not start", e);
        }
        KubernetesClient client = server.client();
        ClusterCache cache = new ClusterCache(client, List.of(), Duration.ZERO);
        cache.start();
        if (!cache.awaitSynced(Duration.ofMinutes(5))) {
            throw new IllegalStateException("the benchmark's cluster cache did not sync");
        }
        int services = cluster.services().size();
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (!holdsAll(cache, cluster)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the benchmark's cluster cache holds fewer than " + services + " Services");
            }
            Thread.sleep(50);
        }
        ServiceTagDirectory tags = new ServiceTagDirectory();
        tags.publish("bench-admin-api", cluster.objectsByKongService());
        ComponentContext context = new ComponentContext(base.selfMetrics(), base.clock(), Optional.of(client),
                Optional.of(cache), tags);
        return new BenchProcessors(server, client, cache, context, objects);
    }

    // The defaults a pipeline file's bare `k8sattributes: {}` gets: kgo labels, unresolved kept.
    private static Processor k8sAttributes(ComponentContext context) {
        return new K8sAttributesProcessorFactory().create("k8sattributes",
                new K8sAttributesConfig(K8sAttributesConfig.KGO, K8sAttributesConfig.KEEP), context);
    }

    /** New processors over the same cluster cache, with nothing made yet (for a second cold start). */
    List<Processor> freshProcessors() {
        return List.of(k8sAttributes(context));
    }

    private static boolean holdsAll(ClusterCache cache, GeneratedCluster cluster) {
        for (GeneratedCluster.K8sService s : cluster.services()) {
            if (cache.service(s.namespace(), s.name()).isEmpty()) {
                return false;
            }
        }
        for (GeneratedCluster.HttpRoute r : cluster.httpRoutes()) {
            if (cache.httpRoute(r.namespace(), r.name()).isEmpty()) {
                return false;
            }
        }
        return true;
    }

    /**
     * A Pod of the cluster changes (a label, as a rollout or a readiness flip changes it) and the
     * cache has seen it when this returns: the churn a busy cluster has between any two scrapes.
     */
    void changeOnePod() throws InterruptedException {
        Pod pod = nth(Pod.class, changes++);
        Map<String, String> labels = new HashMap<>(pod.getMetadata().getLabels() == null ? Map.of() : pod.getMetadata().getLabels());
        labels.put("kmp-bench-change", Integer.toString(changes));
        pod.getMetadata().setLabels(labels);
        announceAndAwait(pod, cache::generation);
    }

    /**
     * One endpoint of an EndpointSlice now names another Pod (its pod was replaced, same address):
     * one upstream target maps elsewhere, and the cache has seen it when this returns.
     */
    void moveOneTarget() throws InterruptedException {
        EndpointSlice slice = nth(EndpointSlice.class, changes++);
        var endpoint = slice.getEndpoints().getFirst();
        endpoint.getTargetRef().setName(endpoint.getTargetRef().getName() + "-" + changes);
        announceAndAwait(slice, cache::endpointGeneration);
    }

    private <T extends HasMetadata> T nth(Class<T> type, int n) {
        List<T> all = objects.stream().filter(type::isInstance).map(type::cast)
                .filter(o -> !(o instanceof EndpointSlice s) || (s.getEndpoints() != null && !s.getEndpoints().isEmpty()
                        && s.getEndpoints().getFirst().getTargetRef() != null))
                .toList();
        return all.get(n % all.size());
    }

    private void announceAndAwait(HasMetadata object, java.util.function.LongSupplier generation)
            throws InterruptedException {
        long before = generation.getAsLong();
        if (server.announceModified(object, ++resourceVersion) == 0) {
            throw new IllegalStateException("no watch of the benchmark's API is open for " + object.getKind());
        }
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (generation.getAsLong() == before) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the cluster cache did not see the changed " + object.getKind());
            }
            Thread.sleep(5);
        }
    }

    /** The cluster cache the processors read (the start-up warm-up reads it too, as in the service). */
    ClusterCache cache() {
        return cache;
    }

    List<Processor> processors() {
        return processors;
    }

    @Override
    public void close() {
        processors.forEach(Processor::shutdown);
        cache.close();
        client.close();
        server.close();
    }
}
