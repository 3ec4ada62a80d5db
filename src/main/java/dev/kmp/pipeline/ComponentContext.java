package dev.kmp.pipeline;

import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.telemetry.SelfMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Optional;

/**
 * What the service hands every component it creates; wired in Main, never looked up globally.
 * {@code kubernetes} and {@code clusterCache} are empty when no Kubernetes API is configured
 * (components then say so on /status and work without it where they can). {@code serviceTags}
 * is where receivers that read Kong's Admin API publish the Kubernetes tags of Kong services and
 * where the enrichment reads them: the two ends live in different components of one pipeline.
 * {@code leadership} tells components that push (OTLP) whether this replica is the one that does.
 */
public record ComponentContext(SelfMetrics selfMetrics, Clock clock, Optional<KubernetesClient> kubernetes,
                               Optional<ClusterCache> clusterCache, ServiceTagDirectory serviceTags,
                               Leadership leadership) {
    public ComponentContext(SelfMetrics selfMetrics, Clock clock) {
        this(selfMetrics, clock, Optional.empty());
    }

    public ComponentContext(SelfMetrics selfMetrics, Clock clock, Optional<KubernetesClient> kubernetes) {
        this(selfMetrics, clock, kubernetes, Optional.empty(), new ServiceTagDirectory());
    }

    public ComponentContext(SelfMetrics selfMetrics, Clock clock, Optional<KubernetesClient> kubernetes,
                            Optional<ClusterCache> clusterCache, ServiceTagDirectory serviceTags) {
        this(selfMetrics, clock, kubernetes, clusterCache, serviceTags, new Leadership(true));
    }
}
