package dev.kmp.bench.jmh;

import dev.kmp.exporter.prometheus.PrometheusExporter;
import dev.kmp.exporter.prometheus.PrometheusExporterConfig;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.telemetry.SelfMetrics;
import java.io.ByteArrayInputStream;
import java.io.OutputStream;
import java.time.Clock;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/** One full {@code /metrics} render (text 0.0.4) of a stored scrape, into a stream that only counts. */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Fork(value = 1, jvmArgsAppend = {"-Xmx1g", "-XX:+UseParallelGC"})
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
public class PrometheusRenderBenchmark {
    @Param({"100", "1000"})
    public int services;

    private PrometheusExporter exporter;

    @Setup
    public void setUp() throws Exception {
        String url = "http://10.0.0.7:8100/metrics";
        byte[] body = GeneratedPayload.of(services);
        var families = new KongTextParser().parse(new ByteArrayInputStream(body),
                ParseOptions.plainText(Labels.of("dataplane_url", url))).families();
        exporter = new PrometheusExporter("prometheus", PrometheusExporterConfig.DEFAULTS,
                new ComponentContext(new SelfMetrics(), Clock.systemUTC()));
        exporter.consume(Batch.success(new TargetId("kong", url), Labels.EMPTY, 0, families));
    }

    @Benchmark
    public void render(Blackhole blackhole) throws Exception {
        Counting out = new Counting();
        exporter.write(null, out);
        blackhole.consume(out.bytes);
    }

    private static final class Counting extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
