package dev.kmp.reconciler;

import io.fabric8.kubernetes.client.KubernetesClientException;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A level-triggered work queue: a key is present at most once however many events name it, one
 * worker handles one key at a time, and a key added while it is being handled runs again after.
 * A failing key comes back after an exponential backoff (base, 2x base, ... up to max); success
 * forgets its failures. Keys wait while {@code active} is false (not the leader).
 */
final class ReconcileQueue implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(ReconcileQueue.class.getName());

    private final Consumer<String> handler;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final BooleanSupplier active;
    private final LinkedHashSet<String> ready = new LinkedHashSet<>();
    private final Map<String, Integer> failures = new HashMap<>();
    private final ScheduledExecutorService timer;
    private final Thread worker;
    private String running;
    private long handled;
    private long failed;
    private boolean closed;

    ReconcileQueue(String name, Consumer<String> handler, Duration baseDelay, Duration maxDelay, BooleanSupplier active) {
        this.handler = handler;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.active = active;
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, name + "-backoff");
            t.setDaemon(true);
            return t;
        });
        this.worker = new Thread(this::work, name);
        this.worker.setDaemon(true);
    }

    void start() {
        worker.start();
    }

    synchronized void add(String key) {
        if (!closed && ready.add(key)) {
            notifyAll();
        }
    }

    /** Call when {@code active} may have changed, so waiting keys start. */
    synchronized void wake() {
        notifyAll();
    }

    /** True when no key waits or runs (keys in backoff are not counted). */
    synchronized boolean idle() {
        return ready.isEmpty() && running == null;
    }

    synchronized long handledCount() {
        return handled;
    }

    synchronized long failedCount() {
        return failed;
    }

    synchronized int retrying() {
        return failures.size();
    }

    Duration delayFor(int attempt) {
        long factor = 1L << Math.min(attempt - 1, 30);
        long ms = Math.min(maxDelay.toMillis(), baseDelay.toMillis() * factor);
        return Duration.ofMillis(Math.max(ms, 1));
    }

    private void work() {
        while (true) {
            String key;
            synchronized (this) {
                while (!closed && (ready.isEmpty() || !active.getAsBoolean())) {
                    try {
                        // Bounded wait: leadership changes arrive through wake(), this is only a safety net.
                        wait(500);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed) {
                    return;
                }
                var it = ready.iterator();
                key = it.next();
                it.remove();
                running = key;
            }
            boolean ok = false;
            try {
                handler.accept(key);
                ok = true;
            } catch (RuntimeException e) {
                // 409 means our cache was behind the server: expected now and then, retried, not worth a warning.
                boolean staleCache = e instanceof KubernetesClientException k && k.getCode() == 409;
                // The message only: API error bodies carry object names and reasons, never credentials.
                LOG.log(staleCache ? System.Logger.Level.DEBUG : System.Logger.Level.WARNING,
                        "reconcile of {0} failed (will retry): {1}", key, e.getMessage());
            }
            synchronized (this) {
                running = null;
                handled++;
                if (ok) {
                    failures.remove(key);
                } else {
                    failed++;
                    int attempt = failures.merge(key, 1, Integer::sum);
                    Duration delay = delayFor(attempt);
                    if (!closed) {
                        timer.schedule(() -> add(key), delay.toMillis(), TimeUnit.MILLISECONDS);
                    }
                }
                notifyAll();
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        timer.shutdownNow();
        try {
            worker.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
