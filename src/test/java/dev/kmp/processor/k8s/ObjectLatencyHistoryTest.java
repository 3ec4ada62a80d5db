package dev.kmp.processor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Batch;
import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.TargetId;
import java.util.List;
import org.junit.jupiter.api.Test;

class ObjectLatencyHistoryTest {
    static final TargetId POD = new TargetId("kong", "http://10.0.0.1:8100/metrics");

    static Batch batch(long t, double sum, double count, String service) {
        Labels l = service == null ? Labels.of("kong_service", "x.y.80")
                : Labels.of("kubernetes_kind", "Service", "kubernetes_name", service, "kubernetes_namespace", "shop");
        HistogramSeries h = HistogramSeries.of(l, new BucketBounds(new double[] {25, Double.POSITIVE_INFINITY}, new String[] {"25", "+Inf"}),
                new double[] {count, count}, count, sum);
        return Batch.success(POD, Labels.EMPTY, t, List.of(new MetricFamily(ObjectLatencyHistory.FAMILY, MetricType.HISTOGRAM, "", List.of(h))));
    }

    @Test
    void averagesTheDifferenceOfCumulativeTotalsPerBucket() {
        ObjectLatencyHistory h = new ObjectLatencyHistory(10_000, 3, 10);
        h.observe(batch(100_000, 1000, 100, "a"));     // baseline only
        h.observe(batch(101_000, 1400, 110, "a"));     // +400 ms over 10 requests
        h.observe(batch(105_000, 1700, 120, "a"));     // +300 / 10, same bucket -> 700 / 20
        h.observe(batch(111_000, 2700, 130, "a"));     // next bucket: 1000 / 10
        h.observe(batch(111_500, 2700, 130, null));    // unresolved series are not charted
        List<ObjectLatencyHistory.Point> p = h.series(115_000).get("Service shop/a");
        assertEquals(3, p.size());
        assertTrue(Double.isNaN(p.get(0).averageMs()), "no data 20 s ago");
        assertEquals(35.0, p.get(1).averageMs(), 1e-9);
        assertEquals(100.0, p.get(2).averageMs(), 1e-9);
        assertEquals(110_000, p.get(2).startMillis());
        assertEquals(1, h.series(115_000).size());
    }

    @Test
    void aKongRestartResetsTheBaselineAndOldBucketsAgeOut() {
        ObjectLatencyHistory h = new ObjectLatencyHistory(10_000, 3, 10);
        h.observe(batch(100_000, 1000, 100, "a"));
        h.observe(batch(101_000, 50, 5, "a"));         // counters went down: new baseline, no point
        assertTrue(h.series(101_000).isEmpty());
        h.observe(batch(102_000, 90, 7, "a"));
        assertEquals(20.0, h.series(102_000).get("Service shop/a").get(2).averageMs(), 1e-9);
        assertTrue(h.series(200_000).isEmpty(), "nothing left after the window");
    }

    @Test
    void boundedNumberOfObjects() {
        ObjectLatencyHistory h = new ObjectLatencyHistory(10_000, 3, 2);
        for (String s : List.of("a", "b", "c")) {
            h.observe(batch(100_000, 10, 1, s));
            h.observe(batch(101_000, 20, 2, s));
        }
        assertEquals(2, h.series(101_000).size());
    }
}
