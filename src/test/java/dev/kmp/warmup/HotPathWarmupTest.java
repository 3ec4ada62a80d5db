package dev.kmp.warmup;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.demo.DemoClusterSeeder;
import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.MockApi;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class HotPathWarmupTest {
    @Test
    void runsTheWholePathOverAGeneratedPayloadWithinItsBudget() {
        Duration budget = Duration.ofSeconds(60);
        HotPathWarmup.Result result = HotPathWarmup.run(budget, Optional.empty());
        // Every pass parses, enriches, stores and renders; a broken stage would throw here.
        assertTrue(result.passes() >= 4, "at least the minimum passes: " + result);
        assertTrue(result.payloadBytes() > 500_000, "a payload of tens of Kong services: " + result);
        assertTrue(result.took().compareTo(budget) < 0, result.toString());
    }

    @Test
    void scrapesNamesTheClusterHoldsInPlaceOfSomeGeneratedOnes() throws Exception {
        KongPayloadGenerator generated = new KongPayloadGenerator(GeneratorOptions.parse("--services", "40"));
        try (MockApi api = new MockApi()) {
            new DemoClusterSeeder(api.client()).seed(generated.cluster());
            ClusterCache cache = api.startCache(List.of());
            assertTrue(cache.awaitSynced(Duration.ofSeconds(30)));
            int targets = generated.cluster().kongServices().stream().mapToInt(s -> s.targets().size()).sum();

            HotPathWarmup.Result result = HotPathWarmup.run(Duration.ofSeconds(2), Optional.of(cache));

            // Every Service and route rule of the cluster and their targets (fewer than the warm-up's own).
            assertTrue(result.namesFromCluster() >= 40 + targets / 2, result.toString());
            assertTrue(result.passes() >= 4, result.toString());
            api.awaitWatching(cache);
        }
        assertEquals(0, HotPathWarmup.run(Duration.ofSeconds(2), Optional.empty()).namesFromCluster());
    }

    @Test
    void aSpentBudgetStopsBeforeTheFirstPass() {
        assertEquals(0, HotPathWarmup.run(Duration.ZERO, Optional.empty()).passes());
    }
}
