package dev.kmp.exporter.prometheus;

import static dev.kmp.exporter.prometheus.TestBatches.A;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.ScalarSeries;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusExporterOpenMetricsTest {
    /** What Prometheus 2.x sends: OpenMetrics first. */
    static final String PROMETHEUS_ACCEPT = "application/openmetrics-text;version=1.0.0,application/openmetrics-text;"
            + "version=0.0.1;q=0.75,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private static PrometheusExporter exporter(boolean openMetrics) {
        PrometheusExporter e = TestBatches.exporter(TestBatches.context(), openMetrics, 0);
        List<MetricFamily> families = new ArrayList<>(TestBatches.families(A, 0));
        families.add(new MetricFamily("kong_bandwidth_bytes", MetricType.COUNTER, "Total bandwidth", List.of(
                new ScalarSeries("kong_bandwidth_bytes", Labels.of("direction", "egress"), 262808319))));
        e.consume(TestBatches.batch(A, families));
        return e;
    }

    @Test
    void servedOnlyWhenEnabledAndAskedFor() {
        String body = TestBatches.render(exporter(true), PROMETHEUS_ACCEPT);
        assertEquals(OpenMetricsWriter.CONTENT_TYPE, exporter(true).contentType(PROMETHEUS_ACCEPT));
        SimpleExpositionReader r = SimpleExpositionReader.read(body);
        assertTrue(r.eof);
        assertTrue(body.endsWith("# EOF\n"));
        assertEquals("counter", r.type.get("kong_http_requests"));
        assertEquals("counter", r.type.get("kong_bandwidth_bytes"));
        assertFalse(r.type.containsKey("kong_http_requests_total"));
        assertEquals(3, r.samplesNamed("kong_http_requests_total").size());
        assertEquals(262808319.0, r.samplesNamed("kong_bandwidth_bytes_total").get(0).value());
        List<String> les = r.samplesNamed("kong_upstream_latency_ms_bucket").stream().map(s -> s.labels().get("le")).toList();
        assertTrue(les.containsAll(List.of("25.0", "50.0", "200.0", "+Inf")), les.toString());
        assertEquals("1700000000.123", r.samplesNamed("kong_memory_lua_shared_dict_bytes").stream()
                .filter(s -> s.timestamp() != null).findFirst().orElseThrow().timestamp());
        for (String name : r.familyOrder) {
            assertEquals(1, r.typeLines.get(name), name);
        }
    }

    @Test
    void textFormatOtherwiseWhateverTheAcceptHeader() {
        PrometheusExporter disabled = exporter(false);
        assertEquals(TextFormatWriter.CONTENT_TYPE, disabled.contentType(PROMETHEUS_ACCEPT));
        String body = TestBatches.render(disabled, PROMETHEUS_ACCEPT);
        assertFalse(body.contains("# EOF"));
        assertTrue(body.contains("# TYPE kong_http_requests_total counter\n"));
        assertTrue(body.contains("le=\"25\"}"));
        assertTrue(body.contains("\nkong_bandwidth_bytes{direction=\"egress\"} 262808319\n"));

        PrometheusExporter enabled = exporter(true);
        for (String accept : new String[] {null, "", "text/plain", "*/*", "text/plain;version=0.0.4",
                "application/openmetrics-text;q=0", "application/openmetrics-text;q=0.2,text/plain;q=0.9"}) {
            assertEquals(TextFormatWriter.CONTENT_TYPE, enabled.contentType(accept), String.valueOf(accept));
            assertFalse(TestBatches.render(enabled, accept).contains("# EOF"), String.valueOf(accept));
        }
        assertEquals(OpenMetricsWriter.CONTENT_TYPE, enabled.contentType("application/openmetrics-text"));
    }
}
