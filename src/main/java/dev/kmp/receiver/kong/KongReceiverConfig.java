package dev.kmp.receiver.kong;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * The {@code kong} receiver's settings. {@code timeout} bounds the whole scrape, body included;
 * the limits are enforced while reading, so an oversized body is never buffered.
 */
public record KongReceiverConfig(
        Duration interval,
        Duration timeout,
        List<URI> targets,
        long maxBodyBytes,
        long maxSamples) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);
    public static final long DEFAULT_MAX_BODY_BYTES = 256L << 20;
    public static final long DEFAULT_MAX_SAMPLES = 2_000_000L;

    public KongReceiverConfig {
        targets = List.copyOf(targets);
    }
}
