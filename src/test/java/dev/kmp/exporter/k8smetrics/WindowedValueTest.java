package dev.kmp.exporter.k8smetrics;

import static dev.kmp.exporter.k8smetrics.EnrichedBatches.FAMILY;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.batch;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.histogram;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.pod;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.TargetId;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Windowed values against numbers worked out by hand from bucket deltas. Two data-plane pods serve
 * Service shop/storefront; the window is 60 s and "now" is t=70 s, so the scrape at t=0 is the
 * baseline and t=30, t=60 are inside.
 *
 * <pre>
 * pod A  t=0:  le 50:10 100:20 +Inf:20            count 20 sum 1000
 *        t=30: le 50:15 100:30 +Inf:30            count 30 sum 1500
 *        t=60: le 25:5 50:20 100:40 +Inf:40       count 40 sum 2000   -> Δcount 20, Δsum 1000
 * pod B  t=0:  le 250:10 +Inf:10                  count 10 sum 2000
 *        t=60: le 250:20 +Inf:20                  count 20 sum 5000   -> Δcount 10, Δsum 3000
 * average = (1000 + 3000) / (20 + 10) = 133.333...   (an average of averages would say (50+300)/2 = 175)
 * bucket deltas on the union of bounds (a missing bound holds the closest lower one's count):
 *   A: 25:5 50:10 100:20 250:20 +Inf:20    B: 25:0 50:0 100:0 250:10 +Inf:10
 *   Σ: 25:5 50:10 100:20 250:30 +Inf:30
 * p50: rank 15 in (50,100]: 50 + 50 * (15-10)/10 = 75
 * p90: rank 27 in (100,250]: 100 + 150 * (27-20)/10 = 205
 * p95: rank 28.5: 100 + 150 * 0.85 = 227.5;  p99: rank 29.7: 100 + 150 * 0.97 = 245.5
 * rate = 20/60 + 10/60 = 0.5 per second
 * </pre>
 */
class WindowedValueTest {
    private static final TargetId A = pod("kong-a");
    private static final TargetId B = pod("kong-b");
    private static final long WINDOW = 60_000;
    private static final long NOW = 70_000;

    private static SeriesHistory twoPods() {
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        Labels a = service(A, "shop", "storefront", "r1");
        Labels b = service(B, "shop", "storefront", "r1");
        h.record(batch(A, 0, histogram(a, 1000, "50", 10, "100", 20, "+Inf", 20)));
        h.record(batch(B, 0, histogram(b, 2000, "250", 10, "+Inf", 10)));
        h.record(batch(A, 30_000, histogram(a, 1500, "50", 15, "100", 30, "+Inf", 30)));
        h.record(batch(A, 60_000, histogram(a, 2000, "25", 5, "50", 20, "100", 40, "+Inf", 40)));
        h.record(batch(B, 60_000, histogram(b, 5000, "250", 20, "+Inf", 20)));
        return h;
    }

    private static WindowedValue.Result compute(SeriesHistory h, Aggregation aggregation, long now) {
        return WindowedValue.compute(h.select(FAMILY, l -> "storefront".equals(l.get("service"))), aggregation, WINDOW, now);
    }

    @Test
    void averageSumsDeltasOfEveryPodBeforeDividing() {
        WindowedValue.Result r = compute(twoPods(), Aggregation.AVERAGE, NOW);
        assertEquals(WindowedValue.Outcome.VALUE, r.outcome());
        assertEquals(4000.0 / 30.0, r.value(), 1e-9);
        assertEquals(2, r.series());
        assertEquals(60_000, r.newestMillis());
    }

    @Test
    void quantilesInterpolateSummedBucketDeltasOnAlignedBounds() {
        SeriesHistory h = twoPods();
        assertEquals(75.0, compute(h, Aggregation.P50, NOW).value(), 1e-9);
        assertEquals(205.0, compute(h, Aggregation.P90, NOW).value(), 1e-9);
        assertEquals(227.5, compute(h, Aggregation.P95, NOW).value(), 1e-9);
        assertEquals(245.5, compute(h, Aggregation.P99, NOW).value(), 1e-9);
    }

    @Test
    void rateIsTheSumOfPerSeriesIncreasesPerSecond() {
        assertEquals(0.5, compute(twoPods(), Aggregation.RATE, NOW).value(), 1e-9);
    }

    @Test
    void onePodOnlyGivesThatPodsAverage() {
        SeriesHistory h = twoPods();
        WindowedValue.Result r = WindowedValue.compute(h.select(FAMILY, l -> "kong-a".equals(l.get("dataplane_pod"))),
                Aggregation.AVERAGE, WINDOW, NOW);
        assertEquals(50.0, r.value(), 1e-9);
    }

    @Test
    void aQuantileInTheInfBucketAnswersTheHighestFiniteBound() {
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        Labels a = service(A, "shop", "storefront", "r1");
        h.record(batch(A, 0, histogram(a, 0, "+Inf", 0)));
        h.record(batch(A, 60_000, histogram(a, 900_000, "25", 1, "60000", 1, "+Inf", 10)));
        assertEquals(60000.0, compute(h, Aggregation.P99, NOW).value(), 1e-9);
    }

    @Test
    void counterResetsCountWhatCameAfterTheReset() {
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        Labels a = service(A, "shop", "storefront", "r1");
        h.record(batch(A, 0, histogram(a, 10_000, "100", 100, "+Inf", 100)));
        // Kong restarted between t=0 and t=30: counters start again from zero.
        h.record(batch(A, 30_000, histogram(a, 300, "50", 10, "+Inf", 10)));
        h.record(batch(A, 60_000, histogram(a, 1300, "50", 20, "100", 30, "+Inf", 30)));
        WindowedValue.Result avg = compute(h, Aggregation.AVERAGE, NOW);
        // increase: 10 (after the reset) + 20 = 30 requests; sum 300 + 1000 = 1300
        assertEquals(1300.0 / 30.0, avg.value(), 1e-9);
        // Σ bucket deltas: 50: 10 + 10 = 20, 100: 10 + 20 = 30, +Inf: 30 -> p50 rank 15 in (0,50]: 50 * 15/20
        assertEquals(37.5, compute(h, Aggregation.P50, NOW).value(), 1e-9);
    }

    @Test
    void noRequestsInTheWindowIsNoTrafficNotNaN() {
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        Labels a = service(A, "shop", "storefront", "r1");
        h.record(batch(A, 0, histogram(a, 1000, "100", 20, "+Inf", 20)));
        h.record(batch(A, 60_000, histogram(a, 1000, "100", 20, "+Inf", 20)));
        for (Aggregation agg : List.of(Aggregation.AVERAGE, Aggregation.P50, Aggregation.P99)) {
            WindowedValue.Result r = compute(h, agg, NOW);
            assertEquals(WindowedValue.Outcome.NO_TRAFFIC, r.outcome(), agg.word());
        }
        assertEquals(0.0, compute(h, Aggregation.RATE, NOW).value(), 0.0);
    }

    @Test
    void aSingleScrapeCannotTellTraffic() {
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        h.record(batch(A, 60_000, histogram(service(A, "shop", "storefront", "r1"), 1000, "100", 20, "+Inf", 20)));
        assertEquals(WindowedValue.Outcome.NO_TRAFFIC, compute(h, Aggregation.AVERAGE, NOW).outcome());
    }

    @Test
    void dataOlderThanTheWindowIsStaleNotAnOldValue() {
        WindowedValue.Result r = compute(twoPods(), Aggregation.AVERAGE, 60_000 + WINDOW + 35_000);
        assertEquals(WindowedValue.Outcome.STALE, r.outcome());
        assertTrue(r.detail().contains("95s old"), r.detail());
    }

    @Test
    void aStalePodIsLeftOutWhileAFreshOneAnswers() {
        SeriesHistory h = twoPods();
        Labels a = service(A, "shop", "storefront", "r1");
        h.record(batch(A, 100_000, histogram(a, 3000, "25", 5, "50", 30, "100", 60, "+Inf", 60)));
        // now 130 s: window starts at 70 s; pod B's newest scrape (60 s) is out, pod A's t=60 is the baseline.
        WindowedValue.Result r = compute(h, Aggregation.AVERAGE, 130_000);
        assertEquals(1, r.series());
        assertEquals(1000.0 / 20.0, r.value(), 1e-9);
    }

    @Test
    void averageOfACounterIsRefusedAndRateOfACounterWorks() {
        SeriesHistory h = new SeriesHistory(Set.of("kong_http_requests_total"), Duration.ofSeconds(60), 100);
        Labels l = service(A, "shop", "storefront", "r1");
        for (long t = 0; t <= 60_000; t += 30_000) {
            h.record(Batch.success(A, Labels.EMPTY, t, List.of(new MetricFamily("kong_http_requests_total", MetricType.COUNTER,
                    "", List.of(new ScalarSeries("kong_http_requests_total", l, 100 + t / 100.0))))));
        }
        List<SeriesHistory.SeriesSnapshot> s = h.select("kong_http_requests_total", x -> true);
        assertEquals(WindowedValue.Outcome.UNSUITABLE, WindowedValue.compute(s, Aggregation.AVERAGE, WINDOW, NOW).outcome());
        assertEquals(10.0, WindowedValue.compute(s, Aggregation.RATE, WINDOW, NOW).value(), 1e-9);
    }

    @Test
    void historyIsBoundedAndGoneSeriesAreFreed() {
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        Labels r1 = service(A, "shop", "storefront", "r1");
        Labels r2 = service(A, "shop", "storefront", "r2");
        for (long t = 0; t <= 600_000; t += 10_000) {
            h.record(batch(A, t, histogram(r1, t, "+Inf", t / 1000), histogram(r2, t, "+Inf", t / 1000)));
        }
        List<SeriesHistory.SeriesSnapshot> s = h.select(FAMILY, l -> "r1".equals(l.get("route")));
        // 60 s at one scrape per 10 s: the baseline at exactly 540 s plus 550..600 s.
        assertEquals(7, s.get(0).samples().size());
        assertEquals(540_000, s.get(0).samples().get(0).timeMillis());
        h.record(batch(A, 610_000, histogram(r1, 1, "+Inf", 610)));
        assertEquals(1, h.seriesCount());
        h.forget(A);
        assertEquals(0, h.seriesCount());
    }

    @Test
    void seriesThatChangePlacesBetweenBatchesKeepTheirOwnHistory() {
        // Series are found by position first (same label set at the same place as last batch):
        // when the batch lists them in another order, each sample must still go to its own series.
        SeriesHistory h = new SeriesHistory(Set.of(FAMILY), Duration.ofSeconds(60), 100);
        Labels r1 = service(A, "shop", "storefront", "r1");
        Labels r2 = service(A, "shop", "storefront", "r2");
        Labels r3 = service(A, "shop", "storefront", "r3");
        h.record(batch(A, 0, histogram(r1, 1, "+Inf", 100), histogram(r2, 2, "+Inf", 200)));
        h.record(batch(A, 10_000, histogram(r2, 2, "+Inf", 210), histogram(r1, 1, "+Inf", 110)));
        h.record(batch(A, 20_000, histogram(r3, 3, "+Inf", 300), histogram(r2, 2, "+Inf", 220), histogram(r1, 1, "+Inf", 120)));
        for (String route : List.of("r1", "r2")) {
            List<SeriesHistory.SeriesSnapshot> s = h.select(FAMILY, l -> route.equals(l.get("route")));
            assertEquals(1, s.size(), route);
            double base = route.equals("r1") ? 100 : 200;
            assertEquals(List.of(base, base + 10, base + 20), s.get(0).samples().stream().map(Sample::count).toList(), route);
        }
        assertEquals(1, h.select(FAMILY, l -> "r3".equals(l.get("route"))).get(0).samples().size());
        assertEquals(3, h.seriesCount());
    }

    @Test
    void histogramQuantileMatchesPromQLOnItsOwnBuckets() {
        double[] bounds = {1, 2, 4, Double.POSITIVE_INFINITY};
        double[] counts = {10, 20, 40, 40};
        assertEquals(1.0, WindowedValue.histogramQuantile(0.25, bounds, counts), 1e-12);
        assertEquals(3.0, WindowedValue.histogramQuantile(0.75, bounds, counts), 1e-12);
        assertTrue(Double.isNaN(WindowedValue.histogramQuantile(0.5, bounds, new double[] {0, 0, 0, 0})));
        assertTrue(Double.isNaN(WindowedValue.histogramQuantile(0.5, new double[] {1, 2}, new double[] {1, 2})));
    }
}
