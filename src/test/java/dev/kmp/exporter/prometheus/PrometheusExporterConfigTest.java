package dev.kmp.exporter.prometheus;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.config.Problems;
import dev.kmp.config.YamlFiles;
import java.util.List;
import org.junit.jupiter.api.Test;

class PrometheusExporterConfigTest {
    private final PrometheusExporterFactory factory = new PrometheusExporterFactory();

    private record Parsed(PrometheusExporterConfig config, List<String> problems) {
    }

    private Parsed parse(String yaml) {
        Problems problems = new Problems();
        ConfigNode root = YamlFiles.parse("pipelines.yaml", yaml, problems, new EnvSubstitution(System::getenv));
        PrometheusExporterConfig config = factory.parseConfig(root.map("exporters").get("prometheus"));
        root.reportUnknownKeys();
        return new Parsed(config, problems.all().stream().map(Problem::toString).toList());
    }

    @Test
    void defaults() {
        assertEquals("prometheus", factory.type());
        for (String yaml : new String[] {"exporters:\n  prometheus:\n", "exporters:\n  prometheus: {}\n"}) {
            Parsed p = parse(yaml);
            assertEquals(List.of(), p.problems());
            assertEquals(new PrometheusExporterConfig("/metrics", false, 0), p.config());
            assertEquals(PrometheusExporterConfig.DEFAULTS, p.config());
        }
    }

    @Test
    void validValues() {
        Parsed p = parse("""
                exporters:
                  prometheus:
                    path: /kong/metrics
                    open_metrics: true
                    max_series: 700000
                """);
        assertEquals(List.of(), p.problems());
        assertEquals(new PrometheusExporterConfig("/kong/metrics", true, 700000), p.config());
    }

    @Test
    void badValuesAndMisspelledKeysNameFileLineAndKey() {
        Parsed p = parse("""
                exporters:
                  prometheus:
                    path: metrics
                    open_metrics: maybe
                    max_series: -1
                    max_seris: 10
                """);
        assertEquals(List.of(
                "pipelines.yaml:3: exporters.prometheus.path: 'metrics' must start with '/' (for example /metrics)",
                "pipelines.yaml:4: exporters.prometheus.open_metrics: 'maybe' is not true or false",
                "pipelines.yaml:5: exporters.prometheus.max_series: -1 is negative (0 means no limit)",
                "pipelines.yaml:6: exporters.prometheus.max_seris: unknown key (did you mean 'max_series'?)"),
                p.problems());
        assertEquals(PrometheusExporterConfig.DEFAULTS, p.config());
    }

    @Test
    void notANumberAndNotAMap() {
        assertEquals(List.of("pipelines.yaml:3: exporters.prometheus.max_series: 'lots' is not a whole number"),
                parse("exporters:\n  prometheus:\n    max_series: lots\n").problems());
        assertEquals(List.of("pipelines.yaml:2: exporters.prometheus: expected a map of keys"),
                parse("exporters:\n  prometheus: yes\n").problems());
    }

    @Test
    void createUsesTheConfig() {
        PrometheusExporter e = factory.create("prometheus/internal", new PrometheusExporterConfig("/internal", false, 3),
                TestBatches.context());
        assertEquals("/internal", e.path());
        assertEquals("prometheus/internal", e.id());
        assertEquals(3L, e.status().get("max_series"));
    }
}
