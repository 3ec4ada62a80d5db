package dev.kmp.exporter.k8smetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problems;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.nodes.Node;

/** Validation of the exporter's keys: every problem with its file, line and key path. */
class K8sMetricsConfigTest {
    private final K8sMetricsExporterFactory factory = new K8sMetricsExporterFactory();

    private record Parsed(K8sMetricsConfig config, Problems problems) {
    }

    private Parsed parse(String yaml) {
        Problems problems = new Problems();
        Node node = new Yaml().compose(new java.io.StringReader(yaml));
        ConfigNode root = ConfigNode.root("k.yaml", node, problems, new EnvSubstitution(name -> null));
        K8sMetricsConfig config = factory.parseConfig(root);
        root.reportUnknownKeys();
        return new Parsed(config, problems);
    }

    @Test
    void aFullConfigReadsEveryKey() {
        Parsed p = parse("""
                port: 6443
                authentication: none
                no_traffic: error
                metrics:
                  - {name: kong_upstream_latency_ms_60s_average, from: kong_upstream_latency_ms, aggregation: average, window: 60s}
                  - {name: kong_p99, from: kong_upstream_latency_ms, aggregation: p99, window: 2m}
                  - {name: kong_rps, from: kong_http_requests_total, aggregation: rate, window: 30s}
                """);
        assertEquals("", p.problems().report());
        K8sMetricsConfig c = p.config();
        assertEquals(6443, c.port());
        assertEquals(Authentication.NONE, c.authentication());
        assertEquals(K8sMetricsConfig.NoTraffic.ERROR, c.noTraffic());
        assertEquals(List.of(
                new MetricDefinition("kong_upstream_latency_ms_60s_average", "kong_upstream_latency_ms", Aggregation.AVERAGE, Duration.ofSeconds(60)),
                new MetricDefinition("kong_p99", "kong_upstream_latency_ms", Aggregation.P99, Duration.ofMinutes(2)),
                new MetricDefinition("kong_rps", "kong_http_requests_total", Aggregation.RATE, Duration.ofSeconds(30))), c.metrics());
        assertEquals(Duration.ofMinutes(2), c.longestWindow());
        assertEquals(K8sMetricsConfig.DEFAULT_PORT, parse("metrics: [{name: a, from: b}]").config().port());
        assertEquals(Authentication.REQUESTHEADER, parse("metrics: [{name: a, from: b}]").config().authentication());
    }

    @Test
    void badValuesAreReportedWhereTheyAre() {
        Parsed p = parse("""
                port: 70000
                authentication: token
                tls: {cert_file: /nonexistent/cert.pem}
                no_traffic: nan
                metrics:
                  - {name: a, from: kong_upstream_latency_ms, aggregation: p42, window: 0s}
                  - {name: A, from: kong_upstream_latency_ms}
                  - {from: kong_upstream_latency_ms, windw: 10s}
                  - {name: "9bad/name", from: x}
                """);
        String report = p.problems().report();
        assertTrue(report.contains("k.yaml:1: port: 70000 is out of range [0, 65535]"), report);
        assertTrue(report.contains("k.yaml:2: authentication: 'token' is not one of requestheader, clientcert, none"), report);
        assertTrue(report.contains("k.yaml:3: tls: cert_file and key_file go together"), report);
        assertTrue(report.contains("k.yaml:4: no_traffic: 'nan' is not one of zero, error"), report);
        assertTrue(report.contains("k.yaml:6: metrics[0].aggregation: 'p42' is not one of average, p50, p90, p95, p99, rate"), report);
        assertTrue(report.contains("k.yaml:6: metrics[0].window: 0s is shorter than the minimum 1s"), report);
        assertTrue(report.contains("k.yaml:7: metrics[1].name: 'A' is already defined at line 6 (names are compared ignoring case)"), report);
        assertTrue(report.contains("k.yaml:8: metrics[2].name: is required"), report);
        assertTrue(report.contains("k.yaml:8: metrics[2].windw: unknown key (did you mean 'window'?)"), report);
        assertTrue(report.contains("k.yaml:9: metrics[3].name: '9bad/name' is not a metric name"), report);
    }

    @Test
    void clientCertNeedsACaAndMetricsAreRequired() {
        String report = parse("authentication: clientcert\n").problems().report();
        assertTrue(report.contains("k.yaml:1: authentication: clientcert needs client_ca_file"), report);
        assertTrue(report.contains("metrics: at least one metric is required"), report);
    }
}
