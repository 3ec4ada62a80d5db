package dev.kmp.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.MockApi;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.processor.k8s.KongServiceResolver;
import dev.kmp.processor.k8s.Resolution;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ClusterSampleTest {
    @Test
    void namesAndTargetsAreOnesTheClusterResolves() throws Exception {
        KongPayloadGenerator generated = new KongPayloadGenerator(GeneratorOptions.parse("--services", "30",
                "--httproute-ratio", "0.5", "--multi-backend-ratio", "0.3"));
        try (MockApi api = new MockApi()) {
            new DemoClusterSeeder(api.client()).seed(generated.cluster());
            ClusterCache cache = api.startCache(List.of());
            assertTrue(cache.awaitSynced(Duration.ofSeconds(30)));

            ClusterSample sample = ClusterSample.of(Optional.of(cache), 20, 40);

            assertEquals(20, sample.services().size());
            assertTrue(sample.services().stream().anyMatch(n -> n.kongService().startsWith("httproute.")), sample.toString());
            assertTrue(sample.services().stream().anyMatch(n -> n.object().kind().equals("Service")), sample.toString());
            // Ports by number and by name, as Ingress backends name them (the generator's Services name theirs "http").
            assertTrue(sample.services().stream().anyMatch(n -> n.kongService().matches("[^.]+\\.[^.]+\\.[0-9]+")), sample.toString());
            assertTrue(sample.services().stream().anyMatch(n -> n.kongService().endsWith(".http")), sample.toString());
            assertEquals(20, new HashSet<>(sample.services()).size(), "no name twice");
            // By the naming rules alone (no Admin API tags), against the same cache the processor reads.
            KongServiceResolver resolver = new KongServiceResolver(Optional.of(cache), new ServiceTagDirectory());
            for (ClusterSample.Named n : sample.services()) {
                Resolution r = resolver.resolve(n.kongService());
                assertTrue(r.resolved(), n + ": " + r.reason());
                if (n.object().kind().equals("Service")) {
                    assertEquals(n.object(), r.object());
                }
            }
            assertEquals(40, sample.targets().size());
            assertEquals(40, new HashSet<>(sample.targets()).size(), "no target twice");
            for (String target : sample.targets()) {
                int colon = target.lastIndexOf(':');
                assertTrue(cache.endpointFor(target.substring(0, colon), Integer.parseInt(target.substring(colon + 1))).isPresent(),
                        target);
            }
            assertEquals(sample, ClusterSample.of(Optional.of(cache), 20, 40), "the same objects, the same sample");
            api.awaitWatching(cache);
        }
    }

    @Test
    void withoutAClusterThereIsNothingToSample() {
        assertEquals(ClusterSample.EMPTY, ClusterSample.of(Optional.empty(), 20, 40));
    }
}
