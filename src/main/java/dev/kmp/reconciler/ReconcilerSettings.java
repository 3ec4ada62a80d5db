package dev.kmp.reconciler;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * How the reconciler runs. {@link #fromEnvironment} gives the production values; tests shorten the
 * durations.
 *
 * @param namespaces    namespaces whose extensions, Services and KongPlugins are handled; empty = all
 * @param identity      this replica in the Lease (the pod name when known)
 * @param podName       the pod to label {@code kmp.dev/role=leader}; null skips labelling
 * @param leaseDuration how long a Lease holder is trusted without renewal (failover time)
 * @param renewDeadline how long the leader keeps trying to renew before it gives leadership up
 * @param retryPeriod   how often candidates try to take the Lease and the leader renews it
 * @param backoffBase   first retry delay of a failing key; doubled per failure up to {@code backoffMax}
 * @param resync        informer resync period: every extension is re-checked this often even without events
 */
public record ReconcilerSettings(
        List<String> namespaces,
        String leaseNamespace,
        String leaseName,
        String identity,
        String podName,
        String podNamespace,
        Duration leaseDuration,
        Duration renewDeadline,
        Duration retryPeriod,
        Duration backoffBase,
        Duration backoffMax,
        Duration resync) {

    public static final String DEFAULT_LEASE_NAME = "kong-metrics-pipeline-reconciler";

    public ReconcilerSettings {
        namespaces = List.copyOf(namespaces);
        if (!(leaseDuration.compareTo(renewDeadline) > 0 && renewDeadline.compareTo(retryPeriod) > 0)) {
            throw new IllegalArgumentException("need leaseDuration > renewDeadline > retryPeriod");
        }
    }

    /**
     * Production values: failover within 15 s (a 10 s lease, renewed every 2 s, given up after 5 s
     * without renewal). The Lease lives in POD_NAMESPACE, else the first watched namespace, else "default".
     */
    public static ReconcilerSettings fromEnvironment(List<String> namespaces, Map<String, String> env) {
        String podName = blankToNull(env.get("POD_NAME"));
        String podNamespace = blankToNull(env.get("POD_NAMESPACE"));
        String leaseNamespace = podNamespace != null ? podNamespace : namespaces.isEmpty() ? "default" : namespaces.get(0);
        String identity = podName != null ? podName : hostName(env) + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new ReconcilerSettings(namespaces, leaseNamespace, DEFAULT_LEASE_NAME, identity, podName, podNamespace,
                Duration.ofSeconds(10), Duration.ofSeconds(5), Duration.ofSeconds(2),
                Duration.ofMillis(500), Duration.ofMinutes(2), Duration.ofMinutes(5));
    }

    public ReconcilerSettings withIdentity(String newIdentity, String newPodName, String newPodNamespace) {
        return new ReconcilerSettings(namespaces, leaseNamespace, leaseName, newIdentity, newPodName, newPodNamespace,
                leaseDuration, renewDeadline, retryPeriod, backoffBase, backoffMax, resync);
    }

    public ReconcilerSettings withTiming(Duration newLease, Duration newRenew, Duration newRetry, Duration newBackoffBase,
                                         Duration newBackoffMax) {
        return new ReconcilerSettings(namespaces, leaseNamespace, leaseName, identity, podName, podNamespace,
                newLease, newRenew, newRetry, newBackoffBase, newBackoffMax, resync);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    private static String hostName(Map<String, String> env) {
        String h = env.get("HOSTNAME");
        return h == null || h.isBlank() ? "kmp" : h;
    }
}
