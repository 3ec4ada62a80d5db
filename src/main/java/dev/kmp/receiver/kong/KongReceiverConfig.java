package dev.kmp.receiver.kong;

import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The {@code kong} receiver's settings. {@code timeout} bounds the whole scrape, body included;
 * the limits are enforced while reading, so an oversized body is never buffered. Targets are the
 * static {@code targets} plus, with {@code discovery}, the ready Kong pods found in Kubernetes;
 * {@code adminApi} reads the Kong services' tags for the enrichment.
 */
public record KongReceiverConfig(
        Duration interval,
        Duration timeout,
        List<URI> targets,
        long maxBodyBytes,
        long maxSamples,
        Optional<PodDiscoveryConfig> discovery,
        Optional<AdminApiConfig> adminApi) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final long DEFAULT_MAX_BODY_BYTES = 256L << 20;
    public static final long DEFAULT_MAX_SAMPLES = 2_000_000L;

    public KongReceiverConfig {
        targets = List.copyOf(targets);
    }

    public KongReceiverConfig(Duration interval, Duration timeout, List<URI> targets, long maxBodyBytes, long maxSamples) {
        this(interval, timeout, targets, maxBodyBytes, maxSamples, Optional.empty(), Optional.empty());
    }
}
