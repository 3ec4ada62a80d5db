package dev.kmp.kubernetes;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes side of the service as Main wires it: the connection (or why there is none), the
 * cluster cache on top of it, and the readiness gate that waits for the cache's first sync.
 */
public final class KubernetesFeatures implements AutoCloseable {
    public static final Duration DEFAULT_RESYNC = Duration.ofMinutes(10);
    public static final Duration DEFAULT_SYNC_TIMEOUT = Duration.ofSeconds(30);

    private final KubernetesConnection connection;
    private final ClusterCache cache;
    private final SyncReadiness readiness;

    private KubernetesFeatures(KubernetesConnection connection, ClusterCache cache, SyncReadiness readiness) {
        this.connection = connection;
        this.cache = cache;
        this.readiness = readiness;
    }

    /** Starts the cache when the connection has a client; returns at once. */
    public static KubernetesFeatures start(KubernetesConnection connection, List<String> namespaces,
                                           Duration resync, Duration syncTimeout) {
        if (connection.client().isEmpty()) {
            return new KubernetesFeatures(connection, null, null);
        }
        ClusterCache cache = new ClusterCache(connection.client().get(), namespaces, resync);
        cache.start();
        return new KubernetesFeatures(connection, cache, new SyncReadiness(cache, syncTimeout));
    }

    public KubernetesConnection connection() {
        return connection;
    }

    public Optional<ClusterCache> cache() {
        return Optional.ofNullable(cache);
    }

    public SyncReadiness.State readiness() {
        return readiness == null ? new SyncReadiness.State(true, null) : readiness.state();
    }

    /** The "kubernetes" part of /status. */
    public Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("enabled", connection.enabled());
        m.put(connection.enabled() ? "api" : "reason", connection.description());
        if (cache != null) {
            m.put("cache", cache.status());
        }
        return m;
    }

    @Override
    public void close() {
        if (cache != null) {
            cache.close();
        }
        connection.close();
    }
}
