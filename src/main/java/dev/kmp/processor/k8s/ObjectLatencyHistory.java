package dev.kmp.processor.k8s;

import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.model.TargetId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For /status: the average upstream latency per resolved Kubernetes object over the last minutes,
 * in fixed time buckets. The processor hands over, per batch, the sum and count of each object's
 * {@code kong_upstream_latency_ms} series added up while it enriches them (see
 * {@link K8sAttributesProcessor}): nothing here reads labels or builds a string per series, and
 * the per-batch work is per object. Kong's sums and counts are cumulative: each (target, object)
 * keeps its last totals and the bucket receives the difference; a total that went down (Kong
 * restarted) only resets the baseline. Bounded: {@code buckets} per object, {@code maxObjects}
 * objects (newer ones are not charted).
 */
final class ObjectLatencyHistory {
    static final String FAMILY = "kong_upstream_latency_ms";

    /** One point of the chart: the bucket's start and its average in ms (NaN when no request ended in it). */
    record Point(long startMillis, double averageMs) {
    }

    private static final class Ring {
        final long[] start;
        final double[] sum;
        final double[] count;

        Ring(int size) {
            start = new long[size];
            sum = new double[size];
            count = new double[size];
        }
    }

    private final long bucketMillis;
    private final int buckets;
    private final int maxObjects;
    private final Map<ObjectRef, Ring> rings = new HashMap<>();
    /** Per target, each object's totals ({sum, count}) in its latest batch. */
    private final Map<TargetId, Map<ObjectRef, double[]>> lastTotals = new HashMap<>();

    ObjectLatencyHistory(long bucketMillis, int buckets, int maxObjects) {
        this.bucketMillis = bucketMillis;
        this.buckets = buckets;
        this.maxObjects = maxObjects;
    }

    /**
     * Adds one batch of a target that had the family: {@code totals} holds, per object, the sum
     * and count of its series added up ({sum, count}); kept as the baseline of the next batch.
     */
    synchronized void observe(TargetId target, long timestampMillis, Map<ObjectRef, double[]> totals) {
        if (lastTotals.size() > maxObjects && !lastTotals.containsKey(target)) {
            lastTotals.clear(); // targets churned (pods replaced): start the baselines over
        }
        Map<ObjectRef, double[]> previous = lastTotals.getOrDefault(target, Map.of());
        long slot = Math.floorDiv(timestampMillis, bucketMillis);
        for (Map.Entry<ObjectRef, double[]> e : totals.entrySet()) {
            double[] cur = e.getValue();
            double[] before = previous.get(e.getKey());
            if (before == null || cur[1] < before[1] || cur[0] < before[0]) {
                continue;
            }
            Ring ring = rings.get(e.getKey());
            if (ring == null) {
                if (rings.size() >= maxObjects) {
                    continue;
                }
                ring = new Ring(buckets);
                rings.put(e.getKey(), ring);
            }
            int i = (int) Math.floorMod(slot, buckets);
            if (ring.start[i] != slot * bucketMillis) {
                ring.start[i] = slot * bucketMillis;
                ring.sum[i] = 0;
                ring.count[i] = 0;
            }
            ring.sum[i] += cur[0] - before[0];
            ring.count[i] += cur[1] - before[1];
        }
        lastTotals.put(target, totals);
    }

    /** Forgets a target that is gone (its baselines; the charted past stays until it ages out). */
    synchronized void forget(TargetId target) {
        lastTotals.remove(target);
    }

    /** Per object (sorted), the buckets of the last {@code buckets * bucketMillis} up to {@code nowMillis}, oldest first. */
    synchronized Map<String, List<Point>> series(long nowMillis) {
        long newest = Math.floorDiv(nowMillis, bucketMillis);
        Map<String, List<Point>> out = new TreeMap<>();
        for (Map.Entry<ObjectRef, Ring> e : rings.entrySet()) {
            Ring r = e.getValue();
            List<Point> points = new ArrayList<>(buckets);
            boolean any = false;
            for (long slot = newest - buckets + 1; slot <= newest; slot++) {
                int i = (int) Math.floorMod(slot, buckets);
                boolean current = r.start[i] == slot * bucketMillis && r.count[i] > 0;
                any |= current;
                points.add(new Point(slot * bucketMillis, current ? r.sum[i] / r.count[i] : Double.NaN));
            }
            if (any) {
                ObjectRef o = e.getKey();
                out.put(o.kind() + " " + o.namespace() + "/" + o.name(), points);
            }
        }
        return out;
    }

    /** JSON-friendly form for /api/status: object -> {bucket_seconds, points: [[startMillis, avgMs|null], ...]}. */
    Map<String, Object> asStatus(long nowMillis) {
        Map<String, Object> out = new LinkedHashMap<>();
        series(nowMillis).forEach((k, points) -> {
            List<Object> p = new ArrayList<>(points.size());
            for (Point pt : points) {
                p.add(java.util.Arrays.asList(pt.startMillis(), Double.isNaN(pt.averageMs()) ? null : Math.round(pt.averageMs() * 10) / 10.0));
            }
            out.put(k, Map.of("bucket_seconds", bucketMillis / 1000, "points", p));
        });
        return out;
    }
}
