package dev.kmp.demo;

import dev.kmp.demo.PromLines.Block;
import dev.kmp.demo.PromLines.Sample;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** Assertions on histogram blocks as Kong prints them. */
final class HistogramChecks {
    private HistogramChecks() {
    }

    /**
     * Per series: bounds ascending, counts non-decreasing in le, last bucket +Inf equal to _count,
     * _sum present and not negative; per family: all _bucket lines, then all _count, then all _sum.
     *
     * @return the number of histogram series checked
     */
    static int assertConsistent(List<Block> blocks) {
        int series = 0;
        for (Block b : blocks) {
            if (!b.type().equals("histogram")) {
                continue;
            }
            Map<String, double[]> lastBucket = new LinkedHashMap<>(); // series -> {le, count}
            Map<String, Double> counts = new LinkedHashMap<>();
            Map<String, Double> sums = new LinkedHashMap<>();
            int phase = 0; // 0 buckets, 1 counts, 2 sums
            for (Sample s : b.samples()) {
                String series1 = s.labelsWithout("le");
                if (s.name().endsWith("_bucket")) {
                    assertEquals(0, phase, "bucket after _count/_sum in " + b.family());
                    double le = s.labels().get("le").equals("+Inf") ? Double.POSITIVE_INFINITY
                            : Double.parseDouble(s.labels().get("le"));
                    double[] prev = lastBucket.get(series1);
                    if (prev != null) {
                        assertTrue(le > prev[0], "bounds ascend: " + s);
                        assertTrue(s.value() >= prev[1], "cumulative counts never fall: " + s);
                        assertTrue(prev[0] != Double.POSITIVE_INFINITY, "nothing after +Inf: " + s);
                    }
                    assertTrue(s.value() > 0, "empty buckets are omitted: " + s);
                    lastBucket.put(series1, new double[]{le, s.value()});
                } else if (s.name().endsWith("_count")) {
                    assertTrue(phase <= 1, "_count after _sum in " + b.family());
                    phase = 1;
                    counts.put(series1, s.value());
                } else if (s.name().endsWith("_sum")) {
                    phase = 2;
                    sums.put(series1, s.value());
                } else {
                    fail("unexpected sample in histogram block: " + s);
                }
            }
            assertEquals(lastBucket.keySet(), counts.keySet(), b.family() + ": series with buckets = series with _count");
            assertEquals(counts.keySet(), sums.keySet(), b.family() + ": series with _count = series with _sum");
            for (var e : lastBucket.entrySet()) {
                assertEquals(Double.POSITIVE_INFINITY, e.getValue()[0], "last bucket is +Inf: " + e.getKey());
                assertEquals(counts.get(e.getKey()), e.getValue()[1], "+Inf == _count: " + e.getKey());
                assertTrue(sums.get(e.getKey()) >= 0, "_sum >= 0: " + e.getKey());
            }
            series += counts.size();
        }
        return series;
    }
}
