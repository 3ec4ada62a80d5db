package dev.kmp.processor.k8s;

import dev.kmp.model.Batch;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * For /status: the average upstream latency per resolved Kubernetes object over the last minutes,
 * in fixed time buckets. Fed with enriched batches; reads only each {@code kong_upstream_latency_ms}
 * series' sum and count (never buckets or other families), so its cost is per series, not per sample.
 * Kong's sums and counts are cumulative: each (target, object) keeps its last totals and the bucket
 * receives the difference; a total that went down (Kong restarted) only resets the baseline.
 * Bounded: {@code buckets} per object, {@code maxObjects} objects (newer ones are not charted).
 */
final class ObjectLatencyHistory {
    static final String FAMILY = "kong_upstream_latency_ms";

    /** One point of the chart: the bucket's start and its average in ms (NaN when no request ended in it). */
    record Point(long startMillis, double averageMs) {
    }

    private record Totals(double sum, double count) {
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
    private final Map<String, Ring> rings = new HashMap<>();
    private final Map<TargetId, Map<String, Totals>> lastTotals = new HashMap<>();

    ObjectLatencyHistory(long bucketMillis, int buckets, int maxObjects) {
        this.bucketMillis = bucketMillis;
        this.buckets = buckets;
        this.maxObjects = maxObjects;
    }

    /** Adds one enriched batch. */
    synchronized void observe(Batch batch) {
        if (batch.failed()) {
            return;
        }
        Map<String, double[]> now = null;
        for (MetricFamily f : batch.families()) {
            if (!f.name().equals(FAMILY)) {
                continue;
            }
            now = new HashMap<>();
            for (Series s : f.series()) {
                if (s instanceof HistogramSeries h && h.hasSum() && h.hasCount()) {
                    String kind = h.labels().get("kubernetes_kind");
                    if (kind == null) {
                        continue; // unresolved: no object to chart it under
                    }
                    String key = kind + " " + h.labels().get("kubernetes_namespace") + "/" + h.labels().get("kubernetes_name");
                    double[] t = now.computeIfAbsent(key, k -> new double[2]);
                    t[0] += h.sum();
                    t[1] += h.count();
                }
            }
        }
        if (now == null) {
            return;
        }
        if (lastTotals.size() > maxObjects && !lastTotals.containsKey(batch.target())) {
            lastTotals.clear(); // targets churned (pods replaced): start the baselines over
        }
        Map<String, Totals> previous = lastTotals.computeIfAbsent(batch.target(), t -> new HashMap<>());
        long slot = Math.floorDiv(batch.timestampMillis(), bucketMillis);
        Map<String, Totals> next = new HashMap<>();
        for (Map.Entry<String, double[]> e : now.entrySet()) {
            Totals cur = new Totals(e.getValue()[0], e.getValue()[1]);
            next.put(e.getKey(), cur);
            Totals before = previous.get(e.getKey());
            if (before == null || cur.count() < before.count() || cur.sum() < before.sum()) {
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
            ring.sum[i] += cur.sum() - before.sum();
            ring.count[i] += cur.count() - before.count();
        }
        lastTotals.put(batch.target(), next);
    }

    /** Forgets a target that is gone (its baselines; the charted past stays until it ages out). */
    synchronized void forget(TargetId target) {
        lastTotals.remove(target);
    }

    /** Per object (sorted), the buckets of the last {@code buckets * bucketMillis} up to {@code nowMillis}, oldest first. */
    synchronized Map<String, List<Point>> series(long nowMillis) {
        long newest = Math.floorDiv(nowMillis, bucketMillis);
        Map<String, List<Point>> out = new TreeMap<>();
        for (Map.Entry<String, Ring> e : rings.entrySet()) {
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
                out.put(e.getKey(), points);
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
