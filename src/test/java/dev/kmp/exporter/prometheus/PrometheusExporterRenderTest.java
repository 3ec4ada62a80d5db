package dev.kmp.exporter.prometheus;

import static dev.kmp.exporter.prometheus.TestBatches.A;
import static dev.kmp.exporter.prometheus.TestBatches.B;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import dev.kmp.model.Series;
import dev.kmp.pipeline.ComponentContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PrometheusExporterRenderTest {

    /** What the exporter was given, as (sample name + labels) -> value, built from the model. */
    private static Map<String, Double> expectedSamples(List<MetricFamily> families) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (MetricFamily f : families) {
            for (Series s : f.series()) {
                switch (s) {
                    case ScalarSeries sc -> out.put(sc.name() + map(sc.labels()), sc.value());
                    case HistogramSeries h -> {
                        for (int i = 0; i < h.cumulativeCounts().length; i++) {
                            Map<String, String> l = map(h.labels());
                            l.put("le", h.bounds().text(i));
                            out.put(f.name() + "_bucket" + l, h.cumulativeCounts()[i]);
                        }
                        if (h.hasCount()) {
                            out.put(f.name() + "_count" + map(h.labels()), h.count());
                        }
                        if (h.hasSum()) {
                            out.put(f.name() + "_sum" + map(h.labels()), h.sum());
                        }
                    }
                }
            }
        }
        return out;
    }

    private static Map<String, String> map(Labels labels) {
        Map<String, String> m = new LinkedHashMap<>();
        for (int i = 0; i < labels.size(); i++) {
            m.put(labels.name(i), labels.value(i));
        }
        return m;
    }

    @Test
    void twoTargetsRenderEveryValueExactlyWithEachFamilyOnce() {
        ComponentContext ctx = TestBatches.context();
        PrometheusExporter exporter = TestBatches.exporter(ctx, false, 0);
        List<MetricFamily> a = TestBatches.families(A, 0);
        List<MetricFamily> b = TestBatches.families(B, 1000);
        exporter.consume(TestBatches.batch(A, a));
        exporter.consume(TestBatches.batch(B, b));

        String body = TestBatches.render(exporter, null);
        SimpleExpositionReader r = SimpleExpositionReader.read(body);

        for (String name : r.familyOrder) {
            assertEquals(1, r.helpLines.getOrDefault(name, 0), "HELP lines of " + name);
            assertEquals(1, r.typeLines.getOrDefault(name, 0), "TYPE lines of " + name);
        }
        assertEquals("counter", r.type.get("kong_http_requests_total"));
        assertEquals("gauge", r.type.get("kong_memory_lua_shared_dict_bytes"));
        assertEquals("histogram", r.type.get("kong_upstream_latency_ms"));
        assertEquals("Allocated slabs in bytes in a shared_dict\\with \"odd\" help\nline two",
                r.help.get("kong_memory_lua_shared_dict_bytes"));

        Map<String, Double> expected = new LinkedHashMap<>(expectedSamples(a));
        expected.putAll(expectedSamples(b));
        Map<String, Double> actual = new HashMap<>();
        for (SimpleExpositionReader.Sample s : r.samples) {
            if (s.name().startsWith("kong_")) {
                assertEquals(null, actual.put(s.key(), s.value()), "duplicate sample " + s.key());
            }
        }
        assertEquals(expected.keySet(), actual.keySet());
        for (Map.Entry<String, Double> e : expected.entrySet()) {
            assertEquals(e.getValue(), actual.get(e.getKey()), 0.0, e.getKey());
            assertEquals(Double.doubleToLongBits(e.getValue()), Double.doubleToLongBits(actual.get(e.getKey())), e.getKey());
        }

        // Integral values print as Kong prints them; le texts come back as scraped.
        assertTrue(body.contains("code=\"200\",dataplane_url=\"" + A.url() + "\"} 1183970\n"), body);
        assertTrue(body.contains(",le=\"+Inf\"} "), body);
        assertTrue(body.contains(",le=\"25\"} "), body);
        assertTrue(body.contains("} 42 1700000000123\n"), "timestamp kept");
        assertFalse(body.contains("kong_upstream_latency_ms_sum{service=\"count.only\""), "absent _sum stays absent");

        // Families sorted by name, our own after them; A's series before B's within a family.
        List<String> kongFamilies = r.familyOrder.stream().filter(n -> n.startsWith("kong_")).toList();
        assertEquals(kongFamilies.stream().sorted().toList(), kongFamilies);
        int lastKong = r.familyOrder.indexOf(kongFamilies.get(kongFamilies.size() - 1));
        assertTrue(r.familyOrder.indexOf("kmp_exporter_refused_series_total") > lastKong);
        List<SimpleExpositionReader.Sample> requests = r.samplesNamed("kong_http_requests_total");
        assertEquals(A.url(), requests.get(0).labels().get("dataplane_url"));
        assertEquals(B.url(), requests.get(requests.size() - 1).labels().get("dataplane_url"));

        assertEquals(TextFormatWriter.CONTENT_TYPE, exporter.contentType(null));
    }

    @Test
    void conflictingTypeKeepsTheFirstAndCountsTheRest() {
        ComponentContext ctx = TestBatches.context();
        PrometheusExporter exporter = TestBatches.exporter(ctx, false, 0);
        exporter.consume(TestBatches.batch(A, List.of(new MetricFamily("kong_datastore_reachable", MetricType.GAUGE, "reachable",
                List.of(new ScalarSeries("kong_datastore_reachable", TestBatches.kong(A), 1))))));
        exporter.consume(TestBatches.batch(B, List.of(new MetricFamily("kong_datastore_reachable", MetricType.COUNTER, "other",
                List.of(new ScalarSeries("kong_datastore_reachable", TestBatches.kong(B), 7),
                        new ScalarSeries("kong_datastore_reachable", TestBatches.kong(B, "x", "y"), 8))))));

        SimpleExpositionReader r = SimpleExpositionReader.read(TestBatches.render(exporter, null));
        assertEquals("gauge", r.type.get("kong_datastore_reachable"));
        assertEquals(1, r.samplesNamed("kong_datastore_reachable").size());
        assertEquals(2L, exporter.status().get("conflicting_series"));
        assertEquals(2.0, ctx.selfMetrics().snapshot().stream()
                .filter(f -> f.name().equals("kmp_exporter_conflicting_series")).findFirst().orElseThrow()
                .series().get(0) instanceof ScalarSeries s ? s.value() : -1);
    }

    @Test
    void ownMetricsAreRenderedOnceAfterTheScrapedOnes() {
        ComponentContext ctx = TestBatches.context();
        ctx.selfMetrics().counter("kmp_scrape_errors_total", "errors", "receiver", "target", "reason")
                .labels("kong", A.url(), "timeout").inc(3);
        // A collector repeating a name must not give a second HELP/TYPE.
        ctx.selfMetrics().addCollector(() -> List.of(new MetricFamily("kmp_extra", MetricType.GAUGE, "x",
                List.of(new ScalarSeries("kmp_extra", Labels.of("n", "1"), 1)))));
        ctx.selfMetrics().addCollector(() -> List.of(new MetricFamily("kmp_extra", MetricType.GAUGE, "x",
                List.of(new ScalarSeries("kmp_extra", Labels.of("n", "2"), 2)))));
        PrometheusExporter exporter = TestBatches.exporter(ctx, false, 0);
        exporter.consume(TestBatches.batch(A, TestBatches.families(A, 0)));

        SimpleExpositionReader r = SimpleExpositionReader.read(TestBatches.render(exporter, null));
        assertEquals(1, r.typeLines.get("kmp_extra"));
        assertEquals(2, r.samplesNamed("kmp_extra").size());
        assertEquals(3.0, r.samplesNamed("kmp_scrape_errors_total").get(0).value());
        assertNotNull(r.type.get("kmp_exporter_refused_series_total"));
        List<String> order = new ArrayList<>(r.familyOrder);
        assertTrue(order.indexOf("kmp_scrape_errors_total") > order.indexOf("kong_upstream_latency_ms"));
    }
}
