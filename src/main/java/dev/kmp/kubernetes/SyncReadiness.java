package dev.kmp.kubernetes;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Readiness with respect to the cluster cache: not ready until the informers' first lists are in,
 * but never held back for ever. After {@code timeout} an API server that is slow or partly
 * forbidden must not keep the pod out of its Service: it reports ready and says so.
 */
public final class SyncReadiness {
    private final BooleanSupplier synced;
    private final Duration timeout;
    private final LongSupplier nanoTime;
    private final long startNanos;

    public SyncReadiness(BooleanSupplier synced, Duration timeout, LongSupplier nanoTime) {
        this.synced = synced;
        this.timeout = timeout;
        this.nanoTime = nanoTime;
        this.startNanos = nanoTime.getAsLong();
    }

    public SyncReadiness(ClusterCache cache, Duration timeout) {
        this(cache::hasSynced, timeout, System::nanoTime);
    }

    /** {@code note} explains a not-ready state, or a ready state reached by timeout; null otherwise. */
    public record State(boolean ready, String note) {
    }

    public State state() {
        if (synced.getAsBoolean()) {
            return new State(true, null);
        }
        if (nanoTime.getAsLong() - startNanos < timeout.toNanos()) {
            return new State(false, "waiting for the Kubernetes cache's first sync");
        }
        return new State(true, "the Kubernetes cache has not synced within " + timeout.toSeconds()
                + "s; ready anyway, enrichment may be incomplete until it does");
    }
}
