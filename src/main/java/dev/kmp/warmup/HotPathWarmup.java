package dev.kmp.warmup;

import dev.kmp.demo.GeneratedCluster;
import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadGenerator;
import dev.kmp.exporter.prometheus.PrometheusExporter;
import dev.kmp.exporter.prometheus.PrometheusExporterConfig;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.processor.k8s.K8sAttributesConfig;
import dev.kmp.processor.k8s.K8sAttributesProcessor;
import dev.kmp.processor.k8s.KongServiceResolver;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.telemetry.SelfMetrics;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;

/**
 * Runs the scrape path (parse, k8sattributes, Prometheus store, render) over a generated Kong
 * payload at start, on private instances whose output is thrown away, until the JIT stops
 * compiling. Without it the first real scrape runs interpreted code over the whole body and
 * takes several times a steady one; with it, it pays only for building what later scrapes reuse.
 *
 * <p>Each pass starts from empty tables and then repeats the same body, so the compiled code has
 * seen both a first scrape (every label set new) and a steady one (every label set found): code
 * compiled from steady passes alone is thrown away again at the first real scrape.
 */
public final class HotPathWarmup {
    /** What the warm-up did: passes over the payload, its size, and how long it took. */
    public record Result(int passes, int payloadBytes, Duration took) {
    }

    /** Enough for the JIT on this kind of machine; a pass takes a few milliseconds once compiled. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(3);
    private static final int SERVICES = 60;
    private static final int MIN_PASSES = 4;
    private static final int QUIET_PASSES = 2;

    private HotPathWarmup() {
    }

    /** Warms up for at most {@code budget}; stops early once two passes in a row compiled nothing new. */
    public static Result run(Duration budget) {
        long start = System.nanoTime();
        if (budget.isNegative() || budget.isZero()) {
            return new Result(0, 0, Duration.ZERO);
        }
        long deadline = start + budget.toNanos();
        KongPayloadGenerator generator = new KongPayloadGenerator(GeneratorOptions.defaults().withServices(SERVICES));
        byte[] payload = generate(generator);
        ServiceTagDirectory tags = tagsOf(generator.cluster());
        CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        long compiled = measurable ? compiler.getTotalCompilationTime() : 0;
        int passes = 0;
        int quiet = 0;
        while (System.nanoTime() < deadline && (passes < MIN_PASSES || (measurable && quiet < QUIET_PASSES))) {
            pass(payload, tags);
            passes++;
            if (measurable) {
                long now = compiler.getTotalCompilationTime();
                quiet = now == compiled ? quiet + 1 : 0;
                compiled = now;
            }
        }
        return new Result(passes, payload.length, Duration.ofNanos(System.nanoTime() - start));
    }

    // One target's life: a first scrape into empty tables, then steady scrapes of the same body.
    private static void pass(byte[] payload, ServiceTagDirectory tags) {
        SelfMetrics metrics = new SelfMetrics();
        ComponentContext context = new ComponentContext(metrics, Clock.systemUTC());
        KongTextParser parser = new KongTextParser();
        K8sAttributesProcessor processor = new K8sAttributesProcessor(
                new K8sAttributesConfig(K8sAttributesConfig.KGO, K8sAttributesConfig.KEEP),
                new KongServiceResolver(Optional.empty(), tags), Optional.empty(), metrics);
        PrometheusExporter exporter = new PrometheusExporter("warmup", PrometheusExporterConfig.DEFAULTS, context);
        String url = "http://warmup.invalid/metrics";
        ParseOptions options = ParseOptions.plainText(Labels.of("dataplane_url", url));
        TargetId target = new TargetId("warmup", url);
        try {
            for (int scrape = 0; scrape < 3; scrape++) {
                var families = parser.parse(new ByteArrayInputStream(payload), options).families();
                exporter.consume(processor.process(Batch.success(target, Labels.EMPTY, System.currentTimeMillis(), families)));
            }
            exporter.write(null, OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (Exception e) {
            throw new IllegalStateException("the generated warm-up payload did not parse", e);
        } finally {
            processor.shutdown();
            exporter.shutdown();
        }
    }

    private static byte[] generate(KongPayloadGenerator generator) {
        try {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            generator.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // Admin API tags for every generated Kong service, so the processor takes its resolving path.
    private static ServiceTagDirectory tagsOf(GeneratedCluster cluster) {
        ServiceTagDirectory tags = new ServiceTagDirectory();
        tags.publish("warmup", cluster.objectsByKongService());
        return tags;
    }
}
