package dev.kmp.receiver.kong;

import java.net.URI;
import java.time.Duration;
import java.util.Optional;

/**
 * {@code admin_api}: where Kong's Admin API is ({@code url} for a static one, else {@code port} on
 * each discovered pod), how often {@code GET /services} is read, and TLS for it.
 */
public record AdminApiConfig(Optional<URI> url, int port, Duration interval, TlsConfig tls) {
    public static final int DEFAULT_PORT = 8444;
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(30);
}
