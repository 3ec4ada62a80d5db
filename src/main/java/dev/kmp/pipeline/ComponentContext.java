package dev.kmp.pipeline;

import dev.kmp.telemetry.SelfMetrics;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.time.Clock;
import java.util.Optional;

/**
 * What the service hands every component it creates; wired in Main, never looked up globally.
 * {@code kubernetes} is empty when no Kubernetes API is configured (components then say so on
 * /status and work without it where they can).
 */
public record ComponentContext(SelfMetrics selfMetrics, Clock clock, Optional<KubernetesClient> kubernetes) {
    public ComponentContext(SelfMetrics selfMetrics, Clock clock) {
        this(selfMetrics, clock, Optional.empty());
    }
}
