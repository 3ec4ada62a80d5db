package dev.kmp.exporter.prometheus;

import dev.kmp.model.Batch;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The latest batch of each target. A new batch replaces the target's entry whole, which is what
 * makes series that Kong stopped reporting disappear. Entries are immutable, so a render that
 * took a {@link #snapshot()} sees every target's batch complete while writers go on replacing
 * them; no lock is held while the render writes to a slow client.
 *
 * <p>With {@code maxSeries > 0} the total series across targets is capped: a batch gets the room
 * the other targets leave it, its series past that are refused (the first ones in batch order
 * are kept).
 */
final class SeriesStore {
    /** One target's admitted families; {@code order} is when the target was first seen. */
    record TargetSeries(TargetId target, long order, List<MetricFamily> families, long series) {
        long samples() {
            long n = 0;
            for (MetricFamily f : families) {
                n += f.sampleLines();
            }
            return n;
        }
    }

    private final ConcurrentHashMap<TargetId, TargetSeries> byTarget = new ConcurrentHashMap<>();
    private final AtomicLong nextOrder = new AtomicLong();
    /** The sum of {@link TargetSeries#series()} over the map; kept by CAS so the cap holds across threads. */
    private final AtomicLong heldSeries = new AtomicLong();
    private final long maxSeries;

    SeriesStore(long maxSeries) {
        this.maxSeries = maxSeries;
    }

    /**
     * Replaces what the batch's target had (a failed batch removes it).
     *
     * @return the number of series refused by the cap
     */
    long put(Batch batch) {
        if (batch.failed()) {
            remove(batch.target());
            return 0;
        }
        long[] refused = new long[1];
        // compute() serialises writers of one target; other targets and readers are not blocked.
        byTarget.compute(batch.target(), (target, old) -> {
            long oldSeries = old == null ? 0 : old.series();
            long order = old == null ? nextOrder.getAndIncrement() : old.order();
            long offered = countSeries(batch.families());
            long admitted = reserve(oldSeries, offered);
            refused[0] = offered - admitted;
            List<MetricFamily> families = admitted == offered ? batch.families() : firstSeries(batch.families(), admitted);
            return new TargetSeries(target, order, families, admitted);
        });
        return refused[0];
    }

    void remove(TargetId target) {
        byTarget.computeIfPresent(target, (t, old) -> {
            heldSeries.addAndGet(-old.series());
            return null;
        });
    }

    void clear() {
        for (TargetId t : byTarget.keySet()) {
            remove(t);
        }
    }

    /** Every target's entry, in the order the targets were first seen. */
    List<TargetSeries> snapshot() {
        List<TargetSeries> all = new ArrayList<>(byTarget.values());
        all.sort(Comparator.comparingLong(TargetSeries::order));
        return all;
    }

    long series() {
        return heldSeries.get();
    }

    /** Takes the room for {@code offered} series in place of the target's {@code oldSeries}. */
    private long reserve(long oldSeries, long offered) {
        while (true) {
            long held = heldSeries.get();
            long others = held - oldSeries;
            long admitted = maxSeries <= 0 ? offered : Math.min(offered, Math.max(0, maxSeries - others));
            if (heldSeries.compareAndSet(held, others + admitted)) {
                return admitted;
            }
        }
    }

    private static long countSeries(List<MetricFamily> families) {
        long n = 0;
        for (MetricFamily f : families) {
            n += f.series().size();
        }
        return n;
    }

    private static List<MetricFamily> firstSeries(List<MetricFamily> families, long limit) {
        List<MetricFamily> out = new ArrayList<>();
        long left = limit;
        for (MetricFamily f : families) {
            if (left <= 0) {
                break;
            }
            List<Series> series = f.series();
            if (series.size() <= left) {
                out.add(f);
                left -= series.size();
            } else {
                out.add(f.withSeries(series.subList(0, (int) left)));
                left = 0;
            }
        }
        return List.copyOf(out);
    }
}
