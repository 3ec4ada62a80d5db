package dev.kmp.bench;

import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.GeneratedCluster;
import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Processor;
import dev.kmp.processor.k8s.K8sAttributesConfig;
import dev.kmp.processor.k8s.K8sAttributesProcessorFactory;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The processors a benchmark cycle runs between receiver and exporter: the real
 * {@code k8sattributes} processor over a real {@link ClusterCache} (fabric8 informers) that
 * watches an in-memory Kubernetes API (fabric8's CRUD mock server, as the demo uses) seeded with
 * the payload's own objects, plus the Kong services' Admin API tags in the tag directory. So every
 * Kong name in the payload resolves, as it would in a cluster.
 */
final class BenchProcessors implements AutoCloseable {
    private final KubernetesMockServer server;
    private final KubernetesClient client;
    private final ClusterCache cache;
    private final List<Processor> processors;

    private BenchProcessors(KubernetesMockServer server, KubernetesClient client, ClusterCache cache,
                            List<Processor> processors) {
        this.server = server;
        this.client = client;
        this.cache = cache;
        this.processors = processors;
    }

    /** Seeds the API, starts the cache and waits until it holds everything (nothing is measured before). */
    static BenchProcessors start(GeneratedCluster cluster, ComponentContext base) throws InterruptedException {
        KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(), new HashMap<>(),
                new KubernetesCrudDispatcher(), false);
        server.init(InetAddress.getLoopbackAddress(), 0);
        KubernetesClient client = server.createClient();
        seedInParallel(client, cluster);
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
        Map<String, ObjectRef> byKongService = new HashMap<>();
        for (GeneratedCluster.KongService s : cluster.kongServices()) {
            ObjectRef.fromKongTags(s.tags().asTags()).ifPresent(ref -> byKongService.put(s.name(), ref));
        }
        tags.publish("bench-admin-api", byKongService);
        ComponentContext context = new ComponentContext(base.selfMetrics(), base.clock(), Optional.of(client),
                Optional.of(cache), tags);
        // The defaults a pipeline file's bare `k8sattributes: {}` gets: kgo labels, unresolved kept.
        Processor k8s = new K8sAttributesProcessorFactory().create("k8sattributes",
                new K8sAttributesConfig(K8sAttributesConfig.KGO, K8sAttributesConfig.KEEP), context);
        return new BenchProcessors(server, client, cache, List.of(k8s));
    }

    /**
     * The mock answers one request at a time per connection; writing the namespaces' objects from
     * a few threads at once brings 5000 services' worth of objects in within a minute.
     */
    private static void seedInParallel(KubernetesClient client, GeneratedCluster cluster) throws InterruptedException {
        int slices = 4;
        List<Callable<Void>> work = new ArrayList<>();
        for (int k = 0; k < slices; k++) {
            int slice = k;
            List<String> namespaces = new ArrayList<>();
            for (int i = slice; i < cluster.namespaces().size(); i += slices) {
                namespaces.add(cluster.namespaces().get(i));
            }
            GeneratedCluster part = new GeneratedCluster(namespaces,
                    cluster.services().stream().filter(o -> namespaces.contains(o.namespace())).toList(),
                    cluster.pods().stream().filter(o -> namespaces.contains(o.namespace())).toList(),
                    cluster.ingresses().stream().filter(o -> namespaces.contains(o.namespace())).toList(),
                    cluster.httpRoutes().stream().filter(o -> namespaces.contains(o.namespace())).toList(),
                    List.of());
            work.add(() -> {
                new DemoClusterSeeder(client).seed(part);
                return null;
            });
        }
        try (ExecutorService pool = Executors.newFixedThreadPool(slices)) {
            for (Future<Void> f : pool.invokeAll(work)) {
                try {
                    f.get();
                } catch (ExecutionException e) {
                    throw new IllegalStateException("seeding the benchmark's cluster failed", e.getCause());
                }
            }
        }
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

    List<Processor> processors() {
        return processors;
    }

    @Override
    public void close() {
        processors.forEach(Processor::shutdown);
        cache.close();
        server.destroy();
        client.close();
    }
}
