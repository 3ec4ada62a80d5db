package dev.kmp.demo;

import java.time.Duration;
import java.util.List;

/**
 * How a simulated Kong node is configured: its version, the Prometheus plugin's switches, and how
 * latency drifts over simulated time.
 *
 * @param kongVersion           decides the workspace label and the kong_latency_ms buckets
 * @param workers               nginx worker processes (one kong_memory_workers_lua_vms_bytes line each)
 * @param consumers             consumer names when the plugin has per_consumer=true; empty otherwise
 * @param statusCodeMetrics     status_code_metrics (kong_http_requests_total)
 * @param latencyMetrics        latency_metrics (the three histograms)
 * @param bandwidthMetrics      bandwidth_metrics (kong_bandwidth_bytes)
 * @param upstreamHealthMetrics upstream_health_metrics (kong_upstream_target_health)
 * @param stream                a stream listener is configured: a second exposition block follows
 * @param sampleCap             the reference generator draws this many latency samples per route, which
 *                              decides how many leading buckets stay empty; the initial state imitates it
 * @param driftAmplitude        relative swing of upstream latency (0.5 = +/-50%)
 * @param driftPeriod           period of that swing, so a demo HPA sees latency rise and fall
 * @param nodeSeed              seeds the node identity (node_id, pids), independent of the traffic
 */
public record TrafficSettings(
        KongVersion kongVersion,
        int workers,
        List<String> consumers,
        boolean statusCodeMetrics,
        boolean latencyMetrics,
        boolean bandwidthMetrics,
        boolean upstreamHealthMetrics,
        boolean stream,
        int sampleCap,
        double driftAmplitude,
        Duration driftPeriod,
        long nodeSeed) {

    public TrafficSettings {
        consumers = List.copyOf(consumers);
        if (workers < 1) {
            throw new IllegalArgumentException("workers must be >= 1");
        }
        if (driftPeriod.isZero() || driftPeriod.isNegative()) {
            throw new IllegalArgumentException("driftPeriod must be positive");
        }
    }

    /** Kong 3.9.1, 2 workers, every metric on, no consumers, latency swinging +/-50% every 10 min. */
    public static TrafficSettings defaults(long nodeSeed) {
        return new TrafficSettings(KongVersion.DEFAULT, 2, List.of(), true, true, true, true, false, 200,
                0.5, Duration.ofMinutes(10), nodeSeed);
    }
}
