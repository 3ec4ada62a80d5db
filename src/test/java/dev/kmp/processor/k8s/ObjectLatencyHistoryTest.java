package dev.kmp.processor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.model.TargetId;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ObjectLatencyHistoryTest {
    static final TargetId POD = new TargetId("kong", "http://10.0.0.1:8100/metrics");

    /** What the processor hands over for one batch: object a..z in namespace shop with these totals; none when null. */
    static void observe(ObjectLatencyHistory h, long t, double sum, double count, String service) {
        h.observe(POD, t, service == null ? new HashMap<>()
                : new HashMap<>(Map.of(ObjectRef.service("shop", service), new double[] {sum, count})));
    }

    @Test
    void averagesTheDifferenceOfCumulativeTotalsPerBucket() {
        ObjectLatencyHistory h = new ObjectLatencyHistory(10_000, 3, 10);
        observe(h, 100_000, 1000, 100, "a");     // baseline only
        observe(h, 101_000, 1400, 110, "a");     // +400 ms over 10 requests
        observe(h, 105_000, 1700, 120, "a");     // +300 / 10, same bucket -> 700 / 20
        observe(h, 111_000, 2700, 130, "a");     // next bucket: 1000 / 10
        observe(h, 111_500, 2700, 130, null);    // no resolved object: nothing charted, baselines gone
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
        observe(h, 100_000, 1000, 100, "a");
        observe(h, 101_000, 50, 5, "a");         // counters went down: new baseline, no point
        assertTrue(h.series(101_000).isEmpty());
        observe(h, 102_000, 90, 7, "a");
        assertEquals(20.0, h.series(102_000).get("Service shop/a").get(2).averageMs(), 1e-9);
        assertTrue(h.series(200_000).isEmpty(), "nothing left after the window");
    }

    @Test
    void boundedNumberOfObjects() {
        ObjectLatencyHistory h = new ObjectLatencyHistory(10_000, 3, 2);
        for (String s : List.of("a", "b", "c")) {
            observe(h, 100_000, 10, 1, s);
            observe(h, 101_000, 20, 2, s);
        }
        assertEquals(2, h.series(101_000).size());
    }
}
