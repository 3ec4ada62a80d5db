package dev.kmp.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.processor.filter.FilterProcessorFactory;
import dev.kmp.receiver.kong.KongReceiverConfig;
import dev.kmp.receiver.kong.KongReceiverFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Each kind of configuration mistake gives its exact {@code FILE:LINE: key.path: message}. */
class PipelineConfigLoaderTest {
    @TempDir
    Path dir;

    private final Factories factories = Factories.builder()
            .receiver(new KongReceiverFactory())
            .processor(new FilterProcessorFactory())
            .exporter(new TestComponents.RecordingExporterFactory())
            .build();
    private final Map<String, String> env = Map.of("KONG_HOST", "kong.example");

    private PipelineConfigLoader.Result load(String yaml) throws IOException {
        Path f = dir.resolve("p.yaml");
        Files.writeString(f, yaml);
        return new PipelineConfigLoader(factories, new EnvSubstitution(env::get)).load(f);
    }

    private List<String> errors(PipelineConfigLoader.Result r) {
        return r.problems().errors().stream().map(Problem::toString).map(s -> s.replace(dir + "/", "")).toList();
    }

    private List<String> warnings(PipelineConfigLoader.Result r) {
        return r.problems().warnings().stream().map(Problem::toString).map(s -> s.replace(dir + "/", "")).toList();
    }

    private static final String VALID = """
            receivers:
              kong:
                interval: 15s
                timeout: 2s
                targets: ["http://${env:KONG_HOST}:8100/metrics", "${env:OTHER_URL:-http://127.0.0.1:8100}"]
                limits: {max_body_bytes: 1MiB, max_samples: 5000}
            processors:
              filter/latency:
                include: [kong_*_latency_ms]
            exporters:
              recording: {}
            service:
              pipelines:
                metrics/kong:
                  receivers: [kong]
                  processors: [filter/latency]
                  exporters: [recording]
            """;

    @Test
    void validConfigIsReadWithEnvAndDefaults() throws IOException {
        PipelineConfigLoader.Result r = load(VALID);
        assertTrue(r.ok(), r.problems().report());
        KongReceiverConfig kong = (KongReceiverConfig) r.config().receivers().get("kong").config();
        assertEquals(Duration.ofSeconds(15), kong.interval());
        assertEquals(Duration.ofSeconds(2), kong.timeout());
        assertEquals("http://kong.example:8100/metrics", kong.targets().get(0).toString());
        assertEquals("http://127.0.0.1:8100/metrics", kong.targets().get(1).toString(), "a URL without path scrapes /metrics");
        assertEquals(1L << 20, kong.maxBodyBytes());
        assertEquals(5000, kong.maxSamples());
        assertEquals(List.of(new PipelineSpec("metrics/kong", List.of("kong"), List.of("filter/latency"), List.of("recording"))),
                r.config().pipelines());
        assertEquals(List.of(), warnings(r));
    }

    @Test
    void misspelledKeyNamesFileLineAndPathWithASuggestion() throws IOException {
        var r = load(VALID.replace("    interval: 15s", "    intervall: 15s").replace("timeout: 2s", "timeout: 5s"));
        assertEquals(List.of("p.yaml:3: receivers.kong.intervall: unknown key (did you mean 'interval'?)"), errors(r));
    }

    @Test
    void unknownTypeOfEachSection() throws IOException {
        var r = load("""
                receivers:
                  kongg: {targets: [http://a:1/metrics]}
                processors:
                  batch: {}
                exporters:
                  otlp/datadog: {}
                service:
                  pipelines:
                    metrics: {receivers: [kongg], processors: [batch], exporters: [otlp/datadog]}
                """);
        assertEquals(List.of(
                "p.yaml:2: receivers.kongg: unknown receiver type 'kongg' (known: kong)",
                "p.yaml:4: processors.batch: unknown processor type 'batch' (known: filter)",
                "p.yaml:6: exporters.otlp/datadog: unknown exporter type 'otlp' (known: recording)",
                "p.yaml:9: service.pipelines.metrics.receivers[0]: receiver 'kongg' is not configured under receivers",
                "p.yaml:9: service.pipelines.metrics.processors[0]: processor 'batch' is not configured under processors",
                "p.yaml:9: service.pipelines.metrics.exporters[0]: exporter 'otlp/datadog' is not configured under exporters"),
                errors(r));
    }

    @Test
    void referenceToUnconfiguredComponentAndUnusedWarning() throws IOException {
        var r = load("""
                receivers:
                  kong: {targets: [http://a:1/metrics]}
                  kong/spare: {targets: [http://b:1/metrics]}
                exporters:
                  recording: {}
                service:
                  pipelines:
                    metrics:
                      receivers: [kong]
                      exporters:
                        - recording
                        - recording/other
                """);
        assertEquals(List.of("p.yaml:12: service.pipelines.metrics.exporters[1]: exporter 'recording/other' is not configured under exporters"),
                errors(r));
        assertEquals(List.of("p.yaml:3: receivers.kong/spare: warning: receiver 'kong/spare' is configured but no pipeline uses it"),
                warnings(r));
    }

    @Test
    void unusedComponentIsOnlyAWarning() throws IOException {
        var r = load(VALID.replace("      processors: [filter/latency]\n", ""));
        assertTrue(r.ok(), r.problems().report());
        assertEquals(List.of("p.yaml:8: processors.filter/latency: warning: processor 'filter/latency' is configured but no pipeline uses it"),
                warnings(r));
    }

    @Test
    void badValuesAreAllReportedAtOnce() throws IOException {
        var r = load("""
                receivers:
                  kong:
                    interval: 10
                    timeout: soon
                    targets:
                      - http://ok:8100/metrics
                      - ftp://kong:21/metrics
                      - http://ok:8100/metrics
                    limits:
                      max_body_bytes: 12 parsecs
                      max_samples: -5
                exporters:
                  recording: {tag: [1, 2]}
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [recording]}
                """);
        assertFalse(r.ok());
        assertEquals(List.of(
                "p.yaml:3: receivers.kong.interval: '10' is not a duration (write it like 500ms, 10s, 1m30s)",
                "p.yaml:4: receivers.kong.timeout: 'soon' is not a duration (write it like 500ms, 10s, 1m30s)",
                "p.yaml:7: receivers.kong.targets[1]: 'ftp://kong:21/metrics' is not an http or https URL",
                "p.yaml:8: receivers.kong.targets[2]: target http://ok:8100/metrics is listed twice",
                "p.yaml:10: receivers.kong.limits.max_body_bytes: '12 parsecs' is not a size (write it like 1MiB, 512KiB, 10MB or a number of bytes)",
                "p.yaml:11: receivers.kong.limits.max_samples: -5 is out of range [1, 9223372036854775807]",
                "p.yaml:13: exporters.recording.tag: expected a single value, not a list"),
                errors(r));
    }

    @Test
    void missingEnvironmentVariableIsNamedButNoValueIsShown() throws IOException {
        var r = load(VALID.replace("${env:KONG_HOST}", "${env:KMP_TEST_UNSET_VAR}"));
        assertEquals(List.of("p.yaml:5: receivers.kong.targets[0]: environment variable KMP_TEST_UNSET_VAR is not set "
                + "(write ${env:KMP_TEST_UNSET_VAR:-default} to give a default)"), errors(r));
    }

    @Test
    void timeoutLongerThanIntervalAndMissingTargets() throws IOException {
        var r = load("""
                receivers:
                  kong: {interval: 5s, timeout: 10s}
                exporters:
                  recording:
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [recording]}
                """);
        assertEquals(List.of(
                "p.yaml:2: receivers.kong.timeout: must not be longer than interval (5s)",
                "p.yaml:2: receivers.kong.targets: is required unless discovery.kubernetes is set: list the Kong Status API URLs (e.g. http://kong:8100/metrics)"),
                errors(r));
    }

    @Test
    void duplicateKeysSyntaxErrorsAndUnknownSections() throws IOException {
        var dup = load(VALID.replace("exporters:\n  recording: {}", "exporters:\n  recording: {}\n  recording: {tag: x}"));
        assertEquals(List.of("p.yaml:12: exporters.recording: duplicate key (first at line 11)"), errors(dup));

        var syntax = load("receivers:\n  kong: {targets: [http://a:1/metrics\nexporters: {}\n");
        assertEquals(1, errors(syntax).size());
        assertTrue(errors(syntax).getFirst().startsWith("p.yaml:3: YAML syntax:"), errors(syntax).toString());

        var section = load(VALID + "extensions:\n  health_check: {}\n");
        assertEquals(List.of("p.yaml:18: extensions: unknown key"), errors(section));
    }

    @Test
    void pipelineShapeErrors() throws IOException {
        var r = load("""
                receivers:
                  kong: {targets: [http://a:1/metrics]}
                exporters:
                  recording: {}
                service:
                  pipelines:
                    traces: {receivers: [kong], exporters: [recording]}
                    metrics/a: {receivers: [kong], exporter: [recording]}
                    metrics/b: {receivers: [kong, kong], exporters: [recording]}
                """);
        assertEquals(List.of(
                "p.yaml:7: service.pipelines.traces: unknown pipeline type 'traces' (only metrics pipelines exist: metrics or metrics/<name>)",
                "p.yaml:8: service.pipelines.metrics/a.exporters: a pipeline needs at least one exporter",
                "p.yaml:8: service.pipelines.metrics/a.exporter: unknown key (did you mean 'exporters'?)",
                "p.yaml:9: service.pipelines.metrics/b.receivers[1]: receiver 'kong' is listed twice in this pipeline"),
                errors(r));
    }

    @Test
    void aDirectoryMergesFilesAndIdsAreGlobal() throws IOException {
        Path d = Files.createDirectories(dir.resolve("pipelines"));
        Files.writeString(d.resolve("a.yaml"), """
                receivers:
                  kong: {targets: [http://a:1/metrics]}
                exporters:
                  recording: {}
                """);
        Files.writeString(d.resolve("b.yaml"), """
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [recording]}
                """);
        Files.createDirectories(d.resolve("..data"));
        Files.writeString(d.resolve("notes.txt"), "not yaml");
        var loader = new PipelineConfigLoader(factories, new EnvSubstitution(env::get));
        var ok = loader.load(d);
        assertTrue(ok.ok(), ok.problems().report());
        assertEquals(2, ok.config().files().size());

        Files.writeString(d.resolve("c.yaml"), "exporters:\n  recording: {tag: again}\n");
        var dup = loader.load(d);
        assertEquals(List.of(d.resolve("c.yaml") + ":2: exporters.recording: exporter 'recording' is already configured at "
                + d.resolve("a.yaml") + ":4"), dup.problems().errors().stream().map(Problem::toString).toList());
    }

    @Test
    void emptyFileHasNoPipeline() throws IOException {
        var r = load("");
        assertEquals(List.of("p.yaml:1: service.pipelines: no pipeline is defined"), errors(r));
    }
}
