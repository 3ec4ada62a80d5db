package dev.kmp.exporter.otlp;

import dev.kmp.exporter.otlp.OtlpExporterConfig.Temporality;
import dev.kmp.model.Batch;
import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.common.AttributesBuilder;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.GaugeData;
import io.opentelemetry.sdk.metrics.data.HistogramData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import io.opentelemetry.sdk.metrics.data.SumData;
import io.opentelemetry.sdk.resources.Resource;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Turns scraped batches into OTel metric data: histograms stay histograms, counters become
 * monotonic sums, gauges and untyped samples gauges, one resource per target and the series labels
 * as point attributes.
 *
 * <p>Kong reports cumulative values only. Per series this keeps the previous scrape, which gives
 * both modes their start times (cumulative: when the series was first seen, or the scrape before a
 * reset; delta: the previous scrape) and delta its differences. Delta never sends a value it cannot
 * difference: the first sight of a series, and the scrape after a reset (a value that went down),
 * only set the baseline. State of series not seen for {@code seriesTtl} is dropped.
 *
 * <p>Thread-safe: targets convert concurrently, one target's batches in order.
 */
final class BatchConverter {
    static final InstrumentationScopeInfo SCOPE = InstrumentationScopeInfo.create("kong-metrics-pipeline");
    private static final long NANOS_PER_MILLI = 1_000_000L;

    private final Temporality temporality;
    private final AggregationTemporality aggregationTemporality;
    private final long ttlMillis;
    private final Map<TargetId, TargetState> targets = new ConcurrentHashMap<>();
    /**
     * The finite bounds of each histogram family, the union of what every series showed. Kong omits
     * empty buckets, so one series' bounds vary from scrape to scrape; over the union every point of
     * a family has the same bounds, and a missing bucket is known to be empty.
     */
    private final Map<String, FamilyBounds> familyBounds = new ConcurrentHashMap<>();
    private final AtomicLong lastTargetSweep = new AtomicLong(Long.MIN_VALUE);

    BatchConverter(Temporality temporality, long ttlMillis) {
        this.temporality = temporality;
        this.aggregationTemporality = temporality == Temporality.DELTA
                ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE;
        this.ttlMillis = ttlMillis;
    }

    private record SeriesKey(String name, Labels labels) {
    }

    /** The finite bounds of a histogram family, ascending, and the same as the list the SDK takes. */
    private record FamilyBounds(double[] bounds, List<Double> list) {
        static final FamilyBounds EMPTY = new FamilyBounds(new double[0], List.of());

        FamilyBounds plus(BucketBounds b) {
            double[] merged = null;
            for (int i = 0; i < b.size(); i++) {
                double u = b.upperBound(i);
                if (Double.isFinite(u) && Arrays.binarySearch(merged == null ? bounds : merged, u) < 0) {
                    double[] base = merged == null ? bounds : merged;
                    double[] next = Arrays.copyOf(base, base.length + 1);
                    next[base.length] = u;
                    Arrays.sort(next);
                    merged = next;
                }
            }
            if (merged == null) {
                return this;
            }
            List<Double> l = new ArrayList<>(merged.length);
            for (double d : merged) {
                l.add(d);
            }
            return new FamilyBounds(merged, List.copyOf(l));
        }
    }

    /** What is remembered of one series between scrapes. */
    private static final class SeriesState {
        final Attributes attributes;
        /** Start of the cumulative run: first sight, or the scrape before the last reset. */
        long startMillis;
        /** The previous scrape of this series (also what the TTL checks). */
        long lastMillis;
        /** Counter value, or histogram total count. */
        double value;
        double sum;
        HistogramSeries histogram;

        SeriesState(Attributes attributes, long millis) {
            this.attributes = attributes;
            this.startMillis = millis;
            this.lastMillis = millis;
        }
    }

    private static final class TargetState {
        final Map<SeriesKey, SeriesState> series = new HashMap<>();
        Labels resourceLabels;
        Resource resource;
        volatile long lastBatchMillis;
        long lastSweepMillis;
    }

    ConvertedBatch convert(Batch batch) {
        long t = batch.timestampMillis();
        if (batch.failed()) {
            // Keep the state: the next good scrape's delta then covers the gap, which is what happened.
            return new ConvertedBatch(batch.target(), t, List.of(), 0);
        }
        TargetState ts = targets.computeIfAbsent(batch.target(), k -> new TargetState());
        List<MetricData> out = new ArrayList<>();
        int points = 0;
        synchronized (ts) {
            ts.lastBatchMillis = t;
            Resource resource = resource(ts, batch);
            for (MetricFamily f : batch.families()) {
                points += switch (f.type()) {
                    case HISTOGRAM -> histograms(ts, resource, f, t, out);
                    case COUNTER -> scalars(ts, resource, f, t, out, true);
                    case SUMMARY -> scalars(ts, resource, f, t, out, true);
                    case GAUGE, UNTYPED -> scalars(ts, resource, f, t, out, false);
                };
            }
            if (t - ts.lastSweepMillis >= ttlMillis / 4) {
                ts.series.values().removeIf(s -> s.lastMillis < t - ttlMillis);
                ts.lastSweepMillis = t;
            }
        }
        sweepTargets(t);
        return new ConvertedBatch(batch.target(), t, out, points);
    }

    void forget(TargetId target) {
        targets.remove(target);
    }

    long trackedSeries() {
        long n = 0;
        for (TargetState ts : targets.values()) {
            synchronized (ts) {
                n += ts.series.size();
            }
        }
        return n;
    }

    /** Targets that stopped sending without being forgotten (a receiver that went away mid-reload). */
    private void sweepTargets(long now) {
        long last = lastTargetSweep.get();
        if (now - last >= ttlMillis / 4 && lastTargetSweep.compareAndSet(last, now)) {
            targets.values().removeIf(ts -> ts.lastBatchMillis < now - ttlMillis);
        }
    }

    private static Resource resource(TargetState ts, Batch batch) {
        if (ts.resource == null || !batch.resource().equals(ts.resourceLabels)) {
            AttributesBuilder b = Attributes.builder();
            Labels r = batch.resource();
            for (int i = 0; i < r.size(); i++) {
                b.put(r.name(i), r.value(i));
            }
            b.put("dataplane_url", batch.target().url());
            b.put("service.instance.id", batch.target().url());
            b.put("kmp.receiver", batch.target().receiver());
            ts.resourceLabels = batch.resource();
            ts.resource = Resource.create(b.build());
        }
        return ts.resource;
    }

    private static Attributes attributes(Labels labels) {
        AttributesBuilder b = Attributes.builder();
        for (int i = 0; i < labels.size(); i++) {
            b.put(labels.name(i), labels.value(i));
        }
        return b.build();
    }

    private SeriesState state(TargetState ts, SeriesKey key) {
        return ts.series.get(key);
    }

    private SeriesState newState(TargetState ts, SeriesKey key, long t) {
        SeriesState st = new SeriesState(attributes(key.labels()), t);
        ts.series.put(key, st);
        return st;
    }

    /**
     * Counters (and a summary's _sum/_count) become monotonic sums, everything else gauges; samples
     * are grouped by their own name (a summary has three).
     */
    private int scalars(TargetState ts, Resource resource, MetricFamily f, long t, List<MetricData> out, boolean monotonic) {
        Map<String, List<DoublePointData>> sums = new LinkedHashMap<>();
        Map<String, List<DoublePointData>> gauges = new LinkedHashMap<>();
        int points = 0;
        for (Series s : f.series()) {
            if (!(s instanceof ScalarSeries sc) || Double.isNaN(sc.value())) {
                continue;
            }
            // A summary's quantile samples carry the family name and are gauges.
            boolean sum = monotonic && !(f.type() == MetricType.SUMMARY && sc.name().equals(f.name()));
            SeriesKey key = new SeriesKey(sc.name(), sc.labels());
            SeriesState st = state(ts, key);
            DoublePointData p;
            if (!sum) {
                if (st == null) {
                    st = newState(ts, key, t);
                }
                st.lastMillis = t;
                p = DoublePointData.create(t * NANOS_PER_MILLI, t * NANOS_PER_MILLI, st.attributes, sc.value(), List.of());
                gauges.computeIfAbsent(sc.name(), k -> new ArrayList<>()).add(p);
                points++;
                continue;
            }
            double v = sc.value();
            if (st == null) {
                st = newState(ts, key, t);
                st.value = v;
                if (temporality == Temporality.CUMULATIVE) {
                    p = DoublePointData.create(t * NANOS_PER_MILLI, t * NANOS_PER_MILLI, st.attributes, v, List.of());
                    sums.computeIfAbsent(sc.name(), k -> new ArrayList<>()).add(p);
                    points++;
                }
                continue;
            }
            if (t <= st.lastMillis) {
                continue; // the same scrape again (an exporter fed by two pipelines) or out of order
            }
            p = null;
            if (v < st.value) {
                // Reset: everything counted now happened after the previous scrape.
                st.startMillis = st.lastMillis;
                if (temporality == Temporality.CUMULATIVE) {
                    p = DoublePointData.create(st.startMillis * NANOS_PER_MILLI, t * NANOS_PER_MILLI, st.attributes, v, List.of());
                }
            } else if (temporality == Temporality.CUMULATIVE) {
                p = DoublePointData.create(st.startMillis * NANOS_PER_MILLI, t * NANOS_PER_MILLI, st.attributes, v, List.of());
            } else {
                p = DoublePointData.create(st.lastMillis * NANOS_PER_MILLI, t * NANOS_PER_MILLI, st.attributes, v - st.value, List.of());
            }
            st.value = v;
            st.lastMillis = t;
            if (p != null) {
                sums.computeIfAbsent(sc.name(), k -> new ArrayList<>()).add(p);
                points++;
            }
        }
        sums.forEach((name, pts) -> out.add(new ScrapedMetricData(resource, SCOPE, name, f.help(), "",
                MetricDataType.DOUBLE_SUM, SumData.createDoubleSumData(true, aggregationTemporality, pts))));
        gauges.forEach((name, pts) -> out.add(new ScrapedMetricData(resource, SCOPE, name, f.help(), "",
                MetricDataType.DOUBLE_GAUGE, GaugeData.createDoubleGaugeData(pts))));
        return points;
    }

    private int histograms(TargetState ts, Resource resource, MetricFamily f, long t, List<MetricData> out) {
        // Grow the family's bounds first, so every point of this batch has the same bounds.
        BucketBounds seen = null;
        for (Series s : f.series()) {
            if (s instanceof HistogramSeries h && h.bounds() != seen) {
                seen = h.bounds();
                familyBounds.compute(f.name(), (k, fb) -> (fb == null ? FamilyBounds.EMPTY : fb).plus(h.bounds()));
            }
        }
        FamilyBounds fb = familyBounds.getOrDefault(f.name(), FamilyBounds.EMPTY);
        List<HistogramPointData> points = new ArrayList<>();
        for (Series s : f.series()) {
            if (!(s instanceof HistogramSeries h)) {
                continue;
            }
            double total = total(h);
            if (Double.isNaN(total)) {
                continue;
            }
            double sum = h.hasSum() && !Double.isNaN(h.sum()) ? h.sum() : 0;
            SeriesKey key = new SeriesKey(f.name(), h.labels());
            SeriesState st = state(ts, key);
            long[] cur = bucketCounts(h, total, fb.bounds());
            if (st == null) {
                st = newState(ts, key, t);
                remember(st, h, total, sum, t);
                if (temporality == Temporality.CUMULATIVE) {
                    points.add(point(t, t, st.attributes, sum, fb.list(), cur));
                }
                continue;
            }
            if (t <= st.lastMillis) {
                continue;
            }
            long[] prev = bucketCounts(st.histogram, st.value, fb.bounds());
            long[] delta = new long[cur.length];
            boolean reset = total < st.value;
            for (int i = 0; i < cur.length && !reset; i++) {
                delta[i] = cur[i] - prev[i];
                reset = delta[i] < 0;
            }
            if (reset) {
                st.startMillis = st.lastMillis;
                if (temporality == Temporality.CUMULATIVE) {
                    points.add(point(st.startMillis, t, st.attributes, sum, fb.list(), cur));
                }
            } else if (temporality == Temporality.CUMULATIVE) {
                points.add(point(st.startMillis, t, st.attributes, sum, fb.list(), cur));
            } else {
                points.add(point(st.lastMillis, t, st.attributes, sum - st.sum, fb.list(), delta));
            }
            remember(st, h, total, sum, t);
        }
        if (!points.isEmpty()) {
            out.add(new ScrapedMetricData(resource, SCOPE, f.name(), f.help(), "", MetricDataType.HISTOGRAM,
                    HistogramData.create(aggregationTemporality, points)));
        }
        return points.size();
    }

    private static void remember(SeriesState st, HistogramSeries h, double total, double sum, long t) {
        st.histogram = h;
        st.value = total;
        st.sum = sum;
        st.lastMillis = t;
    }

    private static HistogramPointData point(long startMillis, long millis, Attributes attributes, double sum,
                                            List<Double> bounds, long[] counts) {
        List<Long> c = new ArrayList<>(counts.length);
        for (long n : counts) {
            c.add(n);
        }
        return HistogramPointData.create(startMillis * NANOS_PER_MILLI, millis * NANOS_PER_MILLI, attributes, sum,
                false, 0, false, 0, bounds, c);
    }

    /** The series' count: its _count line, else its +Inf bucket. */
    private static double total(HistogramSeries h) {
        if (h.hasCount() && !Double.isNaN(h.count())) {
            return h.count();
        }
        return h.bounds().endsWithInf() ? h.cumulativeCounts()[h.bounds().size() - 1] : Double.NaN;
    }

    /**
     * Per-bucket counts over {@code bounds} (plus the overflow bucket) from Kong's cumulative, sparse
     * buckets: a bound the series does not list has no observations of its own, so its cumulative
     * count is that of the nearest listed bound below it (0 when there is none).
     */
    static long[] bucketCounts(HistogramSeries h, double total, double[] bounds) {
        long[] out = new long[bounds.length + 1];
        BucketBounds own = h.bounds();
        double[] cumulative = h.cumulativeCounts();
        int j = 0;
        double cumAt = 0;
        double below = 0;
        for (int i = 0; i < bounds.length; i++) {
            while (j < own.size() && own.upperBound(j) <= bounds[i]) {
                cumAt = cumulative[j++];
            }
            out[i] = Math.max(0, Math.round(cumAt - below));
            below = Math.max(below, cumAt);
        }
        out[bounds.length] = Math.max(0, Math.round(total - below));
        return out;
    }
}
