package dev.kmp.bench;

import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Processor;
import java.util.List;

/** The processors a benchmark cycle runs between receiver and exporter. */
final class BenchProcessors {
    private BenchProcessors() {
    }

    static List<Processor> create(ComponentContext context) {
        // The k8sattributes processor (with a Kubernetes cache holding the payload's objects) joins
        // here once enrichment lands; until then the cycle is receive -> store.
        return List.of();
    }
}
