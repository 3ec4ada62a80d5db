package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.MetricType;
import java.util.List;
import java.util.TreeSet;

/**
 * Computes one configured metric over a window from the history of the series it selects, the
 * way PromQL would over {@code sum(increase(...[window]))}, but without extrapolation:
 *
 * <ul>
 *   <li>each series contributes the increase from its baseline (the newest scrape at or before
 *       the window's start; the oldest kept scrape when history is shorter) to its newest scrape,
 *       walking every scrape in between so a counter reset (a decrease) counts what came after it;
 *   <li>increases are summed across series (data-plane pods, routes) <em>before</em> dividing:
 *       {@code average = Σ Δsum / Σ Δcount}, never an average of averages;
 *   <li>quantiles come from the summed bucket increases on the union of every series' bounds (a
 *       bound Kong omitted holds the count of the closest lower one), interpolated like
 *       {@code histogram_quantile};
 *   <li>{@code rate} is the sum over series of increase / the seconds it spans.
 * </ul>
 *
 * A series whose newest scrape is older than the window's start takes no part; when every
 * selected series is that old, the answer is {@link Outcome#STALE}.
 */
final class WindowedValue {
    private WindowedValue() {
    }

    enum Outcome {
        /** {@code value} holds the answer. */
        VALUE,
        /** The selected series had no requests in the window (or too little history to tell). */
        NO_TRAFFIC,
        /** Every selected series' newest scrape is older than the window. */
        STALE,
        /** The family cannot be computed this way (e.g. an average of a counter). */
        UNSUITABLE
    }

    /**
     * @param newestMillis the newest scrape that took part (or, for STALE, the newest seen at all)
     * @param series       how many series took part
     * @param detail       for anything but VALUE: what is wrong, for the error message
     */
    record Result(Outcome outcome, double value, long newestMillis, int series, String detail) {
        static Result of(Outcome outcome, long newestMillis, int series, String detail) {
            return new Result(outcome, Double.NaN, newestMillis, series, detail);
        }
    }

    static Result compute(List<SeriesHistory.SeriesSnapshot> selected, Aggregation aggregation, long windowMillis,
                          long nowMillis) {
        long start = nowMillis - windowMillis;
        long newestSeen = Long.MIN_VALUE;
        long newestUsed = Long.MIN_VALUE;
        int fresh = 0;
        int withIncrease = 0;
        double countIncrease = 0;
        double sumIncrease = 0;
        double rate = 0;
        boolean sumMissing = false;

        TreeSet<Double> grid = new TreeSet<>();
        for (SeriesHistory.SeriesSnapshot s : selected) {
            boolean histogram = s.type() == MetricType.HISTOGRAM;
            if (!histogram && (aggregation != Aggregation.RATE || s.type() != MetricType.COUNTER)) {
                return Result.of(Outcome.UNSUITABLE, 0, 0, s.family() + " is a " + s.type().text() + ": "
                        + aggregation.word() + " needs a histogram" + (aggregation == Aggregation.RATE ? " or a counter" : ""));
            }
            if (histogram && aggregation.isQuantile()) {
                for (Sample sample : s.samples()) {
                    for (int i = 0; i < sample.bounds().size(); i++) {
                        grid.add(sample.bounds().upperBound(i));
                    }
                }
            }
        }
        double[] bounds = grid.stream().mapToDouble(Double::doubleValue).toArray();
        double[] bucketIncrease = new double[bounds.length];

        for (SeriesHistory.SeriesSnapshot s : selected) {
            List<Sample> samples = s.samples();
            if (samples.isEmpty()) {
                continue;
            }
            Sample newest = samples.get(samples.size() - 1);
            newestSeen = Math.max(newestSeen, newest.timeMillis());
            if (newest.timeMillis() < start) {
                continue;
            }
            fresh++;
            newestUsed = Math.max(newestUsed, newest.timeMillis());
            int base = 0;
            for (int i = 0; i < samples.size(); i++) {
                if (samples.get(i).timeMillis() <= start) {
                    base = i;
                }
            }
            if (base == samples.size() - 1) {
                continue;
            }
            withIncrease++;
            double seriesCount = 0;
            for (int i = base + 1; i < samples.size(); i++) {
                Sample prev = samples.get(i - 1);
                Sample cur = samples.get(i);
                boolean reset = cur.count() < prev.count();
                if (bounds.length > 0) {
                    double[] before = new double[bounds.length];
                    double[] after = new double[bounds.length];
                    for (int j = 0; j < bounds.length; j++) {
                        before[j] = prev.cumulativeAt(bounds[j]);
                        after[j] = cur.cumulativeAt(bounds[j]);
                        reset |= after[j] < before[j];
                    }
                    for (int j = 0; j < bounds.length; j++) {
                        bucketIncrease[j] += reset ? after[j] : after[j] - before[j];
                    }
                }
                seriesCount += reset ? cur.count() : cur.count() - prev.count();
                if (Double.isNaN(cur.sum()) || Double.isNaN(prev.sum())) {
                    sumMissing = true;
                } else {
                    sumIncrease += reset ? cur.sum() : cur.sum() - prev.sum();
                }
            }
            countIncrease += seriesCount;
            double seconds = (newest.timeMillis() - samples.get(base).timeMillis()) / 1000.0;
            rate += seriesCount / seconds;
        }

        if (selected.isEmpty()) {
            return Result.of(Outcome.NO_TRAFFIC, 0, 0, "no series");
        }
        if (fresh == 0) {
            return Result.of(Outcome.STALE, newestSeen, 0,
                    "the newest data is " + Math.max(0, (nowMillis - newestSeen) / 1000) + "s old, older than the window of "
                            + windowMillis / 1000 + "s");
        }
        if (withIncrease == 0) {
            return Result.of(Outcome.NO_TRAFFIC, newestUsed, fresh, "only one scrape in the window so far");
        }
        return switch (aggregation) {
            case RATE -> finite(rate, newestUsed, fresh);
            case AVERAGE -> {
                if (countIncrease <= 0) {
                    yield Result.of(Outcome.NO_TRAFFIC, newestUsed, fresh, "no requests in the window");
                }
                if (sumMissing) {
                    yield Result.of(Outcome.UNSUITABLE, newestUsed, fresh, "a selected histogram has no _sum line");
                }
                yield finite(sumIncrease / countIncrease, newestUsed, fresh);
            }
            default -> {
                double total = bounds.length == 0 ? 0 : bucketIncrease[bounds.length - 1];
                if (total <= 0) {
                    yield Result.of(Outcome.NO_TRAFFIC, newestUsed, fresh, "no requests in the window");
                }
                yield finite(histogramQuantile(aggregation.quantile(), bounds, bucketIncrease), newestUsed, fresh);
            }
        };
    }

    private static Result finite(double value, long newest, int series) {
        if (!Double.isFinite(value)) {
            return Result.of(Outcome.UNSUITABLE, newest, series, "the value is not a finite number");
        }
        return new Result(Outcome.VALUE, value, newest, series, null);
    }

    /**
     * PromQL's {@code histogram_quantile} over cumulative counts on ascending {@code bounds} that
     * end with +Inf: NaN when that is impossible (no +Inf, fewer than two buckets, no observations).
     */
    static double histogramQuantile(double q, double[] bounds, double[] cumulative) {
        int n = bounds.length;
        if (n < 2 || bounds[n - 1] != Double.POSITIVE_INFINITY) {
            return Double.NaN;
        }
        double[] counts = cumulative.clone();
        // Float rounding in summed increases can break monotonicity by a hair; PromQL evens it out too.
        for (int i = 1; i < n; i++) {
            counts[i] = Math.max(counts[i], counts[i - 1]);
        }
        double observations = counts[n - 1];
        if (observations <= 0) {
            return Double.NaN;
        }
        double rank = q * observations;
        int b = 0;
        while (b < n - 1 && counts[b] < rank) {
            b++;
        }
        if (b == n - 1) {
            return bounds[n - 2];
        }
        if (b == 0 && bounds[0] <= 0) {
            return bounds[0];
        }
        double bucketStart = 0;
        double bucketEnd = bounds[b];
        double count = counts[b];
        if (b > 0) {
            bucketStart = bounds[b - 1];
            count -= counts[b - 1];
            rank -= counts[b - 1];
        }
        return bucketStart + (bucketEnd - bucketStart) * (rank / count);
    }
}
