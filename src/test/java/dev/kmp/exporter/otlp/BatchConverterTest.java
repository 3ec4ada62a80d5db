package dev.kmp.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.exporter.otlp.OtlpExporterConfig.Temporality;
import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.sdk.metrics.data.AggregationTemporality;
import io.opentelemetry.sdk.metrics.data.DoublePointData;
import io.opentelemetry.sdk.metrics.data.HistogramPointData;
import io.opentelemetry.sdk.metrics.data.MetricData;
import io.opentelemetry.sdk.metrics.data.MetricDataType;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class BatchConverterTest {
    private static final long T1 = 1_700_000_000_000L;
    private static final long T2 = T1 + 10_000;
    private static final long T3 = T2 + 10_000;
    private static final long T4 = T3 + 10_000;
    private static final long MS = 1_000_000L;

    private static Map<String, MetricData> byName(ConvertedBatch b) {
        return b.metrics().stream().collect(Collectors.toMap(MetricData::getName, Function.identity()));
    }

    private static HistogramPointData onlyHistogramPoint(ConvertedBatch b) {
        MetricData m = byName(b).get("kong_upstream_latency_ms");
        assertEquals(MetricDataType.HISTOGRAM, m.getType());
        assertEquals(1, m.getHistogramData().getPoints().size());
        return m.getHistogramData().getPoints().iterator().next();
    }

    private static DoublePointData onlyCounterPoint(ConvertedBatch b) {
        MetricData m = byName(b).get("kong_http_requests_total");
        assertEquals(MetricDataType.DOUBLE_SUM, m.getType());
        assertTrue(m.getDoubleSumData().isMonotonic());
        return m.getDoubleSumData().getPoints().iterator().next();
    }

    @Test
    void deltaSendsOnlyDifferencesAndNeverATotal() {
        BatchConverter c = new BatchConverter(Temporality.DELTA, 300_000);

        ConvertedBatch first = c.convert(KongScrapes.s1(T1));
        // First sight: nothing cumulative goes out as a delta; the gauge has no temporality.
        assertEquals(List.of("kong_memory_lua_shared_dict_bytes"), first.metrics().stream().map(MetricData::getName).toList());
        assertEquals(1, first.points());

        ConvertedBatch second = c.convert(KongScrapes.s2(T2));
        DoublePointData requests = onlyCounterPoint(second);
        assertEquals(100.0, requests.getValue());
        assertEquals(T1 * MS, requests.getStartEpochNanos());
        assertEquals(T2 * MS, requests.getEpochNanos());
        assertEquals(AggregationTemporality.DELTA, byName(second).get("kong_http_requests_total").getDoubleSumData().getAggregationTemporality());
        HistogramPointData latency = onlyHistogramPoint(second);
        assertEquals(100, latency.getCount());
        assertEquals(2000.0, latency.getSum());
        // Bounds: every finite bound either scrape showed; counts per bucket, +Inf last.
        assertEquals(List.of(25.0, 50.0, 100.0, 250.0, 1000.0, 2000.0), latency.getBoundaries());
        assertEquals(List.of(5L, 15L, 60L, 0L, 5L, 15L, 0L), latency.getCounts());
        assertEquals(T1 * MS, latency.getStartEpochNanos());
        assertEquals(T2 * MS, latency.getEpochNanos());
        assertEquals(KongScrapes.SERVICE, latency.getAttributes().get(AttributeKey.stringKey("service")));
        assertEquals(KongScrapes.ROUTE, latency.getAttributes().get(AttributeKey.stringKey("route")));
        assertEquals(KongScrapes.URL, latency.getAttributes().get(AttributeKey.stringKey("dataplane_url")));

        // Kong restarted: every value went down. The new totals are not sent as deltas.
        ConvertedBatch reset = c.convert(KongScrapes.s3(T3));
        assertNull(byName(reset).get("kong_http_requests_total"));
        assertNull(byName(reset).get("kong_upstream_latency_ms"));

        ConvertedBatch after = c.convert(KongScrapes.s4(T4));
        assertEquals(10.0, onlyCounterPoint(after).getValue());
        assertEquals(T3 * MS, onlyCounterPoint(after).getStartEpochNanos());
        HistogramPointData h = onlyHistogramPoint(after);
        assertEquals(5, h.getCount());
        assertEquals(750.0, h.getSum());
        assertEquals(List.of(0L, 0L, 2L, 3L, 0L, 0L, 0L), h.getCounts());
        assertEquals(T3 * MS, h.getStartEpochNanos());
    }

    @Test
    void cumulativeKeepsTotalsWithFirstSeenAndResetStartTimes() {
        BatchConverter c = new BatchConverter(Temporality.CUMULATIVE, 300_000);
        DoublePointData p1 = onlyCounterPoint(c.convert(KongScrapes.s1(T1)));
        assertEquals(1000.0, p1.getValue());
        assertEquals(T1 * MS, p1.getStartEpochNanos());
        ConvertedBatch second = c.convert(KongScrapes.s2(T2));
        DoublePointData p2 = onlyCounterPoint(second);
        assertEquals(1100.0, p2.getValue());
        assertEquals(T1 * MS, p2.getStartEpochNanos());
        assertEquals(T2 * MS, p2.getEpochNanos());
        HistogramPointData h2 = onlyHistogramPoint(second);
        assertEquals(200, h2.getCount());
        assertEquals(11000.0, h2.getSum());
        assertEquals(List.of(5L, 25L, 90L, 50L, 5L, 25L, 0L), h2.getCounts());
        assertEquals(AggregationTemporality.CUMULATIVE,
                byName(second).get("kong_upstream_latency_ms").getHistogramData().getAggregationTemporality());

        DoublePointData p3 = onlyCounterPoint(c.convert(KongScrapes.s3(T3)));
        assertEquals(7.0, p3.getValue());
        assertEquals(T2 * MS, p3.getStartEpochNanos(), "a reset starts a new run after the previous scrape");
        DoublePointData p4 = onlyCounterPoint(c.convert(KongScrapes.s4(T4)));
        assertEquals(17.0, p4.getValue());
        assertEquals(T2 * MS, p4.getStartEpochNanos());
    }

    @Test
    void theSameScrapeTwiceSendsNoSecondDelta() {
        BatchConverter c = new BatchConverter(Temporality.DELTA, 300_000);
        c.convert(KongScrapes.s1(T1));
        Batch s2 = KongScrapes.s2(T2);
        assertEquals(100.0, onlyCounterPoint(c.convert(s2)).getValue());
        ConvertedBatch again = c.convert(s2);
        assertNull(byName(again).get("kong_http_requests_total"));
    }

    @Test
    void stateOfVanishedSeriesIsDroppedAfterTheTtl() {
        BatchConverter c = new BatchConverter(Temporality.DELTA, 1_000);
        c.convert(KongScrapes.s1(T1));
        assertEquals(3, c.trackedSeries());
        // A scrape without the service's series, past the TTL: only the gauge stays.
        String gaugeOnly = """
                # TYPE kong_memory_lua_shared_dict_bytes gauge
                kong_memory_lua_shared_dict_bytes{node_id="n1",shared_dict="kong",kong_subsystem="http"} 40960
                """;
        c.convert(KongScrapes.batch(gaugeOnly, T1 + 5_000));
        assertEquals(1, c.trackedSeries());
        // Back again: a first sight once more, so no delta against the forgotten value.
        ConvertedBatch back = c.convert(KongScrapes.s2(T1 + 6_000));
        assertNull(byName(back).get("kong_http_requests_total"));
        assertNull(byName(back).get("kong_upstream_latency_ms"));
        assertEquals(3, c.trackedSeries());
    }

    @Test
    void forgetDropsATargetAndAFailedScrapeKeepsIt() {
        BatchConverter c = new BatchConverter(Temporality.DELTA, 300_000);
        c.convert(KongScrapes.s1(T1));
        Batch failed = Batch.failure(new TargetId("kong", KongScrapes.URL), dev.kmp.model.Labels.EMPTY, T2, "refused");
        assertTrue(c.convert(failed).isEmpty());
        // The gap is covered by the next good scrape's delta.
        assertEquals(100.0, onlyCounterPoint(c.convert(KongScrapes.s2(T3))).getValue());
        c.forget(new TargetId("kong", KongScrapes.URL));
        assertEquals(0, c.trackedSeries());
    }

    @Test
    void kongFixtureHistogramsKeepTheirCountsOverTheFamilyBounds() throws Exception {
        byte[] body;
        try (InputStream in = getClass().getResourceAsStream("/kong/kong-small.prom")) {
            body = in.readAllBytes();
        }
        Batch batch = KongScrapes.batch(body, KongScrapes.URL, T1);
        ConvertedBatch converted = new BatchConverter(Temporality.CUMULATIVE, 300_000).convert(batch);
        Map<String, MetricData> metrics = byName(converted);
        for (String name : List.of("kong_upstream_latency_ms", "kong_request_latency_ms", "kong_kong_latency_ms")) {
            MetricData m = metrics.get(name);
            assertEquals(MetricDataType.HISTOGRAM, m.getType(), name);
            var family = batch.families().stream().filter(f -> f.name().equals(name)).findFirst().orElseThrow();
            assertEquals(family.series().size(), m.getHistogramData().getPoints().size());
            List<Double> bounds = null;
            for (HistogramPointData p : m.getHistogramData().getPoints()) {
                bounds = bounds == null ? p.getBoundaries() : bounds;
                assertEquals(bounds, p.getBoundaries(), "one bound set per family");
                assertFalse(p.getBoundaries().contains(Double.POSITIVE_INFINITY));
                var series = family.series().stream()
                        .filter(s -> s.labels().get("route").equals(p.getAttributes().get(AttributeKey.stringKey("route"))))
                        .map(s -> (dev.kmp.model.HistogramSeries) s).findFirst().orElseThrow();
                assertEquals((long) series.count(), p.getCount(), name + " count");
                assertEquals(series.sum(), p.getSum(), name + " sum");
                // Each Kong bucket's cumulative count is the sum of the OTLP buckets up to it.
                for (int i = 0; i < series.bounds().size(); i++) {
                    double le = series.bounds().upperBound(i);
                    long cumulative = 0;
                    for (int b = 0; b < p.getCounts().size(); b++) {
                        if (b < p.getBoundaries().size() ? p.getBoundaries().get(b) <= le : le == Double.POSITIVE_INFINITY) {
                            cumulative += p.getCounts().get(b);
                        }
                    }
                    assertEquals((long) series.cumulativeCounts()[i], cumulative, name + " le=" + series.bounds().text(i));
                }
            }
        }
        assertEquals(MetricDataType.DOUBLE_SUM, metrics.get("kong_bandwidth_bytes").getType());
        assertEquals(MetricDataType.DOUBLE_GAUGE, metrics.get("kong_datastore_reachable").getType());
        assertEquals("kong-7d9f", converted.metrics().get(0).getResource().getAttribute(AttributeKey.stringKey("k8s.pod.name")));
        assertEquals(KongScrapes.URL, converted.metrics().get(0).getResource().getAttribute(AttributeKey.stringKey("service.instance.id")));
    }
}
