package dev.kmp.exporter.otlp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.config.Problems;
import dev.kmp.config.YamlFiles;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.telemetry.SelfMetrics;
import io.opentelemetry.proto.metrics.v1.Metric;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Builds exporters the way the service does (YAML through the factory) and waits on conditions. */
final class OtlpTestExporters {
    private OtlpTestExporters() {
    }

    static OtlpExporterConfig config(String keys, Map<String, String> env) {
        Problems problems = new Problems();
        String yaml = "exporters:\n  otlp/test:\n" + keys.lines().map(l -> "    " + l + "\n").reduce("", String::concat);
        ConfigNode root = YamlFiles.parse("pipelines.yaml", yaml, problems, new EnvSubstitution(env::get));
        OtlpExporterConfig config = new OtlpExporterFactory().parseConfig(root.map("exporters").get("otlp/test"));
        root.reportUnknownKeys();
        assertEquals(List.of(), problems.all().stream().map(Problem::toString).toList());
        return config;
    }

    static OtlpExporter exporter(String keys, Map<String, String> env, SelfMetrics metrics) {
        return new OtlpExporterFactory().create("otlp/test", config(keys, env),
                new ComponentContext(metrics, Clock.systemUTC()));
    }

    /** Polls every 20 ms for up to 30 s. */
    static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for: " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                fail("interrupted");
            }
        }
    }

    static <T> T awaitValue(String what, Supplier<Optional<T>> probe) {
        Object[] found = new Object[1];
        await(what, () -> probe.get().map(v -> found[0] = v).isPresent());
        @SuppressWarnings("unchecked")
        T t = (T) found[0];
        return t;
    }

    static Optional<Metric> metric(ReceivedExport r, String name) {
        return r.metrics().stream().map(ReceivedExport.ResourceMetric::metric).filter(m -> m.getName().equals(name)).findFirst();
    }

    static long counter(SelfMetrics m, String name) {
        return m.snapshot().stream().filter(f -> f.name().equals(name))
                .flatMap(f -> f.series().stream())
                .filter(s -> "otlp/test".equals(s.labels().get("exporter")))
                .mapToLong(s -> (long) ((dev.kmp.model.ScalarSeries) s).value())
                .sum();
    }
}
