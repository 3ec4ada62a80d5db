package dev.kmp.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.exporter.prometheus.PrometheusExporterFactory;
import dev.kmp.pipeline.ComponentSpec;
import dev.kmp.pipeline.Factories;
import dev.kmp.pipeline.PipelineConfigLoader;
import dev.kmp.processor.filter.FilterProcessorFactory;
import dev.kmp.receiver.kong.KongReceiverFactory;
import java.net.URI;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Datadog examples in pipelines/examples are valid and say what the docs say. */
class DatadogExamplesTest {
    private static final Factories FACTORIES = Factories.builder()
            .receiver(new KongReceiverFactory())
            .processor(new FilterProcessorFactory())
            .exporter(new PrometheusExporterFactory())
            .exporter(new OtlpExporterFactory())
            .build();

    private static OtlpExporterConfig load(String file, Map<String, String> env) {
        PipelineConfigLoader.Result r = new PipelineConfigLoader(FACTORIES, new EnvSubstitution(env::get))
                .load(Path.of("pipelines", "examples", file));
        assertEquals(java.util.List.of(), r.problems().all().stream().map(Problem::toString).toList());
        ComponentSpec spec = r.config().exporters().get("otlp/datadog");
        return (OtlpExporterConfig) spec.config();
    }

    @Test
    void agentIntake() {
        OtlpExporterConfig c = load("datadog.yaml", Map.of());
        assertEquals(URI.create("http://datadog-agent:4318/v1/metrics"), c.endpoint());
        assertEquals(OtlpExporterConfig.Temporality.DELTA, c.temporality());
        assertTrue(c.headers().isEmpty());
    }

    @Test
    void directIntakeWithTheKeyFromTheEnvironment() {
        OtlpExporterConfig c = load("datadog-direct.yaml", Map.of("DD_API_KEY", "abcdef0123456789", "DD_SITE", "datadoghq.eu"));
        assertEquals(URI.create("https://otlp.datadoghq.eu/v1/metrics"), c.endpoint());
        assertEquals(OtlpExporterConfig.Temporality.DELTA, c.temporality());
        assertEquals("abcdef0123456789", c.headers().get("dd-api-key"));
    }
}
