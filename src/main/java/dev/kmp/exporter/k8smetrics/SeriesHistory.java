package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Batch;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;

/**
 * A short history of the series of the families the configured metrics read, per target (one
 * data-plane pod) and series. Each series keeps the scrapes that cover the longest window plus one
 * older scrape as the window's baseline, capped at {@code maxSamplesPerSeries}. A series missing
 * from a target's newest successful scrape is freed; so is a target not heard of for two windows.
 *
 * <p>Thread-safe: pipelines record while API requests read; each target has its own lock.
 */
final class SeriesHistory {
    private final Set<String> families;
    private final long keepMillis;
    private final int maxSamplesPerSeries;
    private final Map<TargetId, TargetHistory> targets = new ConcurrentHashMap<>();

    SeriesHistory(Set<String> families, Duration longestWindow, int maxSamplesPerSeries) {
        this.families = Set.copyOf(families);
        this.keepMillis = longestWindow.toMillis();
        this.maxSamplesPerSeries = maxSamplesPerSeries;
    }

    /** What a series looked like over the kept history; {@code samples} oldest first. */
    record SeriesSnapshot(TargetId target, String family, MetricType type, Labels labels, List<Sample> samples) {
    }

    private static final class Ring {
        final MetricType type;
        final ArrayDeque<Sample> samples = new ArrayDeque<>();
        long lastBatch; // the target's batch number that last carried this series

        Ring(MetricType type) {
            this.type = type;
        }
    }

    private static final class TargetHistory {
        // By family, then label set: an API request reads one family, and walks only its series.
        final Map<String, Map<Labels, Ring>> series = new HashMap<>();
        long lastBatchMillis;
        long batches;
        // Per family, the label sets of the previous batch by position and their rings: the
        // pipeline hands out the same Labels instances batch after batch in the same order, so
        // a series' ring is nearly always found by one identity compare, with no key or hashing.
        Map<String, Positions> previous = Map.of();
    }

    /** A family's label sets by position in one batch, and the ring each went to. */
    private record Positions(Labels[] labels, Ring[] rings) {
        static final Positions NONE = new Positions(new Labels[0], new Ring[0]);

        Ring at(int i, Labels l) {
            return i < labels.length && labels[i] == l ? rings[i] : null;
        }
    }

    void record(Batch batch) {
        TargetHistory target = targets.computeIfAbsent(batch.target(), t -> new TargetHistory());
        synchronized (target) {
            target.lastBatchMillis = Math.max(target.lastBatchMillis, batch.timestampMillis());
            // A failed scrape says nothing about the series: keep them, they age out of the window
            // and the API then reports stale data instead of an old value.
            if (!batch.failed()) {
                // Each series the batch carries is stamped with its number; the rest are freed
                // after it (no set of the present keys: one hash and one entry less per series).
                long stamp = ++target.batches;
                Map<String, Positions> now = new HashMap<>();
                for (MetricFamily family : batch.families()) {
                    if (families.contains(family.name())) {
                        List<Series> series = family.series();
                        Positions before = target.previous.getOrDefault(family.name(), Positions.NONE);
                        Positions here = new Positions(new Labels[series.size()], new Ring[series.size()]);
                        now.put(family.name(), here);
                        Map<Labels, Ring> rings = target.series.computeIfAbsent(family.name(), f -> new HashMap<>());
                        for (int i = 0; i < series.size(); i++) {
                            Series s = series.get(i);
                            Sample sample = toSample(s, batch.timestampMillis());
                            if (sample == null) {
                                continue;
                            }
                            Ring ring = before.at(i, s.labels());
                            if (ring == null) {
                                ring = rings.computeIfAbsent(s.labels(), k -> new Ring(family.type()));
                            }
                            here.labels()[i] = s.labels();
                            here.rings()[i] = ring;
                            ring.lastBatch = stamp;
                            append(ring, sample);
                        }
                    }
                }
                target.previous = now;
                for (Map<Labels, Ring> rings : target.series.values()) {
                    rings.values().removeIf(ring -> ring.lastBatch != stamp);
                }
                target.series.values().removeIf(Map::isEmpty);
            }
        }
        forgetSilentTargets(batch.timestampMillis());
    }

    void forget(TargetId target) {
        targets.remove(target);
    }

    void clear() {
        targets.clear();
    }

    /** Copies of the series of {@code family} whose labels match. */
    List<SeriesSnapshot> select(String family, Predicate<Labels> labels) {
        List<SeriesSnapshot> out = new ArrayList<>();
        for (Map.Entry<TargetId, TargetHistory> t : targets.entrySet()) {
            TargetHistory history = t.getValue();
            synchronized (history) {
                for (Map.Entry<Labels, Ring> e : history.series.getOrDefault(family, Map.of()).entrySet()) {
                    if (labels.test(e.getKey())) {
                        out.add(new SeriesSnapshot(t.getKey(), family, e.getValue().type, e.getKey(),
                                List.copyOf(e.getValue().samples)));
                    }
                }
            }
        }
        return out;
    }

    /** How many series are held across all targets (for /status). */
    int seriesCount() {
        int n = 0;
        for (TargetHistory t : targets.values()) {
            synchronized (t) {
                for (Map<Labels, Ring> rings : t.series.values()) {
                    n += rings.size();
                }
            }
        }
        return n;
    }

    int targetCount() {
        return targets.size();
    }

    private void append(Ring ring, Sample sample) {
        ArrayDeque<Sample> q = ring.samples;
        Sample last = q.peekLast();
        if (last != null && sample.timeMillis() <= last.timeMillis()) {
            // A batch delivered twice (two pipelines into one exporter) or out of order adds nothing.
            return;
        }
        q.addLast(sample);
        long horizon = sample.timeMillis() - keepMillis;
        // Keep exactly one scrape at or before the horizon: it is the baseline of the longest window.
        while (q.size() >= 2) {
            Iterator<Sample> it = q.iterator();
            it.next();
            if (it.next().timeMillis() <= horizon) {
                q.removeFirst();
            } else {
                break;
            }
        }
        while (q.size() > maxSamplesPerSeries) {
            q.removeFirst();
        }
    }

    private void forgetSilentTargets(long nowMillis) {
        targets.entrySet().removeIf(e -> {
            TargetHistory h = e.getValue();
            synchronized (h) {
                return h.lastBatchMillis < nowMillis - 2 * keepMillis;
            }
        });
    }

    private static Sample toSample(Series s, long timeMillis) {
        if (s instanceof HistogramSeries h) {
            if (!h.hasCount() || !h.bounds().endsWithInf()) {
                return null;
            }
            return new Sample(timeMillis, h.count(), h.hasSum() ? h.sum() : Double.NaN, h.bounds(), h.cumulativeCounts());
        }
        if (s instanceof ScalarSeries scalar) {
            return new Sample(timeMillis, scalar.value(), Double.NaN, null, null);
        }
        return null;
    }
}
