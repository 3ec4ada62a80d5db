package dev.kmp.reconciler;

import static dev.kmp.reconciler.ManagedMarks.ROLE_LABEL;
import static dev.kmp.reconciler.ManagedMarks.ROLE_LEADER;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderCallbacks;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElectionConfigBuilder;
import io.fabric8.kubernetes.client.extended.leaderelection.LeaderElector;
import io.fabric8.kubernetes.client.extended.leaderelection.resourcelock.LeaseLock;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.Consumer;

/**
 * Leader election through a coordination.k8s.io Lease (fabric8's LeaderElector). The leader labels
 * its own pod {@code kmp.dev/role=leader} (so the Service Prometheus scrapes selects one replica)
 * and takes the label off when it loses the lease. fabric8's elector ends once leadership is lost;
 * this class starts it again, so a replica that lost the lease competes for it again.
 */
public final class LeaseLeadership implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(LeaseLeadership.class.getName());

    private final KubernetesClient client;
    private final ReconcilerSettings settings;
    private final List<Consumer<Boolean>> listeners = new CopyOnWriteArrayList<>();
    private final ExecutorService executor;
    private volatile boolean leader;
    private volatile String currentLeader;
    private volatile boolean closed;
    private volatile CompletableFuture<?> election;

    LeaseLeadership(KubernetesClient client, ReconcilerSettings settings) {
        this.client = client;
        this.settings = settings;
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "kmp-leader-election");
            t.setDaemon(true);
            return t;
        });
    }

    /** Called with true on gaining and false on losing leadership, on the election thread. */
    public void addListener(Consumer<Boolean> listener) {
        listeners.add(listener);
    }

    public boolean isLeader() {
        return leader;
    }

    /** The identity that holds the Lease as last seen; null before the first observation. */
    public String currentLeader() {
        return currentLeader;
    }

    public String identity() {
        return settings.identity();
    }

    synchronized void start() {
        if (closed) {
            return;
        }
        LeaderElector elector = new LeaderElector(client, new LeaderElectionConfigBuilder()
                .withName(settings.leaseName())
                .withLock(new LeaseLock(settings.leaseNamespace(), settings.leaseName(), settings.identity()))
                .withLeaseDuration(settings.leaseDuration())
                .withRenewDeadline(settings.renewDeadline())
                .withRetryPeriod(settings.retryPeriod())
                .withReleaseOnCancel(true)
                .withLeaderCallbacks(new LeaderCallbacks(() -> changed(true), () -> changed(false), id -> currentLeader = id))
                .build(), executor);
        CompletableFuture<?> f = elector.start();
        election = f;
        f.whenComplete((v, t) -> {
            changed(false);
            if (!closed) {
                LOG.log(System.Logger.Level.INFO, "lost the lease {0}/{1}; competing again", settings.leaseNamespace(), settings.leaseName());
                start();
            }
        });
    }

    private synchronized void changed(boolean nowLeader) {
        if (leader == nowLeader) {
            return;
        }
        leader = nowLeader;
        LOG.log(System.Logger.Level.INFO, "{0} {1} leadership of {2}/{3}", settings.identity(),
                nowLeader ? "gained" : "lost", settings.leaseNamespace(), settings.leaseName());
        labelOwnPod(nowLeader);
        for (Consumer<Boolean> l : listeners) {
            try {
                l.accept(nowLeader);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "leadership listener failed: {0}", e.toString());
            }
        }
    }

    private void labelOwnPod(boolean nowLeader) {
        if (settings.podName() == null || settings.podNamespace() == null) {
            return;
        }
        // A JSON merge patch: null removes the label without touching the others, and no resourceVersion race.
        String value = nowLeader ? "\"" + ROLE_LEADER + "\"" : "null";
        String patch = "{\"metadata\":{\"labels\":{\"" + ROLE_LABEL + "\":" + value + "}}}";
        try {
            client.pods().inNamespace(settings.podNamespace()).withName(settings.podName())
                    .patch(PatchContext.of(PatchType.JSON_MERGE), patch);
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot {0} label {1} on pod {2}/{3}: {4}", nowLeader ? "set" : "remove",
                    ROLE_LABEL, settings.podNamespace(), settings.podName(), e.getMessage());
        }
    }

    @Override
    public void close() {
        CompletableFuture<?> f;
        synchronized (this) {
            closed = true;
            f = election;
        }
        if (f != null) {
            // Cancelling releases the Lease (releaseOnCancel), so another replica takes over at once.
            f.cancel(true);
        }
        changed(false);
        executor.shutdownNow();
    }
}
