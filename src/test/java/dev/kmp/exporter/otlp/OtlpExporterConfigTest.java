package dev.kmp.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.config.Problems;
import dev.kmp.config.YamlFiles;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Compression;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Protocol;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Retry;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Temporality;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OtlpExporterConfigTest {
    private static final String SECRET = "4f6e1c2d9a8b7e6f5d4c3b2a1f0e9d8c";

    private record Parsed(OtlpExporterConfig config, List<String> problems) {
    }

    private static Parsed parse(String yaml) {
        Problems problems = new Problems();
        ConfigNode root = YamlFiles.parse("pipelines.yaml", yaml, problems,
                new EnvSubstitution(Map.of("DD_API_KEY", SECRET, "EMPTY", "")::get));
        OtlpExporterConfig config = new OtlpExporterFactory().parseConfig(root.map("exporters").get("otlp/datadog"));
        root.reportUnknownKeys();
        return new Parsed(config, problems.all().stream().map(Problem::toString).toList());
    }

    @Test
    void defaultsAndTheSignalPathAppended() {
        Parsed p = parse("""
                exporters:
                  otlp/datadog:
                    endpoint: http://datadog-agent:4318
                """);
        assertEquals(List.of(), p.problems());
        OtlpExporterConfig c = p.config();
        assertEquals(URI.create("http://datadog-agent:4318/v1/metrics"), c.endpoint());
        assertEquals(Protocol.HTTP_PROTOBUF, c.protocol());
        assertEquals(Temporality.CUMULATIVE, c.temporality());
        assertEquals(Compression.GZIP, c.compression());
        assertEquals(Duration.ofSeconds(10), c.interval());
        assertEquals(Duration.ofSeconds(10), c.timeout());
        assertEquals(Retry.DEFAULTS, c.retry());
        assertEquals(OtlpExporterConfig.DEFAULT_QUEUE_SIZE, c.queueSize());
        assertEquals(Map.of(), c.headers());
        assertEquals("otlp", new OtlpExporterFactory().type());
    }

    @Test
    void everyKey() {
        Parsed p = parse("""
                exporters:
                  otlp/datadog:
                    endpoint: https://otlp.example.com/custom/metrics
                    protocol: http/protobuf
                    temporality: delta
                    interval: 30s
                    headers:
                      dd-api-key: ${env:DD_API_KEY}
                      dd-otel-metric-config: '{"histograms": {"mode": "distributions"}}'
                    compression: none
                    timeout: 5s
                    retry: {enabled: true, initial_interval: 2s, max_interval: 1m, max_elapsed_time: 10m}
                    queue_size: 20000
                    series_ttl: 15m
                """);
        assertEquals(List.of(), p.problems());
        OtlpExporterConfig c = p.config();
        assertEquals(URI.create("https://otlp.example.com/custom/metrics"), c.endpoint(), "a path is used as written");
        assertEquals(Temporality.DELTA, c.temporality());
        assertEquals(SECRET, c.headers().get("dd-api-key"));
        assertEquals(new Retry(true, Duration.ofSeconds(2), Duration.ofMinutes(1), Duration.ofMinutes(10)), c.retry());
        assertEquals(20000, c.queueSize());
        assertEquals(Duration.ofMinutes(15), c.seriesTtl());
        assertFalse(c.toString().contains(SECRET), c.toString());
        assertTrue(c.toString().contains("dd-api-key=<redacted>"), c.toString());
    }

    @Test
    void grpcEndpointIsHostAndPort() {
        Parsed p = parse("""
                exporters:
                  otlp/datadog: {endpoint: "http://collector:4317/", protocol: grpc}
                """);
        assertEquals(List.of(), p.problems());
        assertEquals(URI.create("http://collector:4317"), p.config().endpoint());
    }

    @Test
    void badValuesAreReportedWithFileLineAndPath() {
        Parsed p = parse("""
                exporters:
                  otlp/datadog:
                    endpoint: collector:4318
                    protocol: thrift
                    temporality: sometimes
                    compression: zstd
                    headers:
                      dd-api-key: ${env:EMPTY}
                      "bad header": x
                    retry: {initial_interval: 10s, max_interval: 1s, max_elapsd_time: 1m}
                    queue_size: 0
                    intreval: 5s
                """);
        assertEquals(List.of(
                "pipelines.yaml:3: exporters.otlp/datadog.endpoint: 'collector:4318' must start with http:// or https:// (for example http://datadog-agent:4318)",
                "pipelines.yaml:4: exporters.otlp/datadog.protocol: 'thrift' is not one of http/protobuf, grpc",
                "pipelines.yaml:5: exporters.otlp/datadog.temporality: 'sometimes' is not one of cumulative, delta",
                "pipelines.yaml:6: exporters.otlp/datadog.compression: 'zstd' is not one of gzip, none",
                "pipelines.yaml:8: exporters.otlp/datadog.headers.dd-api-key: the value is empty (is the environment variable set?)",
                "pipelines.yaml:9: exporters.otlp/datadog.headers.bad header: 'bad header' is not a valid HTTP header name",
                "pipelines.yaml:10: exporters.otlp/datadog.retry.max_interval: must not be shorter than initial_interval",
                "pipelines.yaml:10: exporters.otlp/datadog.retry.max_elapsd_time: unknown key (did you mean 'max_elapsed_time'?)",
                "pipelines.yaml:11: exporters.otlp/datadog.queue_size: 0 is out of range [1, 2147483647]",
                "pipelines.yaml:12: exporters.otlp/datadog.intreval: unknown key (did you mean 'interval'?)"),
                p.problems());
    }

    @Test
    void missingEndpointAndAGrpcPathAndAnUnsetVariable() {
        Parsed p = parse("""
                exporters:
                  otlp/datadog:
                    headers: {dd-api-key: "${env:DD_API_KEY_UNSET}"}
                """);
        assertEquals(List.of(
                "pipelines.yaml:2: exporters.otlp/datadog.endpoint: is required",
                "pipelines.yaml:3: exporters.otlp/datadog.headers.dd-api-key: environment variable DD_API_KEY_UNSET is not set (write ${env:DD_API_KEY_UNSET:-default} to give a default)"),
                p.problems());
        Parsed grpc = parse("""
                exporters:
                  otlp/datadog: {endpoint: "http://collector:4317/v1/metrics", protocol: grpc}
                """);
        assertEquals(List.of("pipelines.yaml:2: exporters.otlp/datadog.endpoint: a grpc endpoint is scheme://host:port with no path (the service path is fixed)"),
                grpc.problems());
    }

    @Test
    void aChangedKeyIsAChangedConfig() {
        // A reload must restart the exporter when only a header value changed, though toString hides it.
        OtlpExporterConfig a = parse("exporters:\n  otlp/datadog: {endpoint: http://a:4318, headers: {k: one1}}\n").config();
        OtlpExporterConfig b = parse("exporters:\n  otlp/datadog: {endpoint: http://a:4318, headers: {k: two2}}\n").config();
        assertNotEquals(a, b);
        assertEquals(a.toString(), b.toString());
    }
}
