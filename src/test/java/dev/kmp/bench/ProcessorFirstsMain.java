package dev.kmp.bench;

import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Processor;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.telemetry.SelfMetrics;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Arrays;

/**
 * A quick manual measurement, not a test and not the project benchmark ({@code bench/}):
 * {@code java -cp "target/classes:target/test-classes:target/libs/*" dev.kmp.bench.ProcessorFirstsMain SERVICES ROUNDS [fresh]}
 * (after {@code bench/run --services SERVICES} cached the payload). The {@code k8sattributes}
 * processor over the benchmark's cluster cache enriches one parsed batch as a target's first
 * (a fresh processor) and again as a steady one; prints the medians of the scraping thread's CPU
 * time over the second half of the rounds. With {@code fresh}, only first batches (for a profiler).
 */
public final class ProcessorFirstsMain {
    public static void main(String[] args) throws Exception {
        int services = Integer.parseInt(args[0]);
        int rounds = Integer.parseInt(args[1]);
        boolean freshOnly = args.length > 2 && args[2].equals("fresh");
        ComponentContext context = new ComponentContext(new SelfMetrics(), Clock.systemUTC());
        BenchProcessors enrichment = BenchProcessors.start(PayloadCache.cluster(services), context);
        ByteBuffer body = PayloadCache.load(PayloadCache.payload(Path.of("bench/.cache"), services));
        var parsed = new KongTextParser().parse(PayloadCache.stream(body),
                ParseOptions.plainText(Labels.of("dataplane_url", "http://10.0.0.7:8100/metrics")));
        Batch batch = Batch.success(new TargetId("kong", "http://10.0.0.7:8100/metrics"), Labels.EMPTY, System.currentTimeMillis(), parsed.families());
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        double[] fresh = new double[rounds];
        double[] steady = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            Processor p = enrichment.freshProcessors().get(0);
            long c0 = threads.getCurrentThreadCpuTime();
            p.process(batch);
            long c1 = threads.getCurrentThreadCpuTime();
            if (!freshOnly) {
                p.process(batch);
            }
            long c2 = threads.getCurrentThreadCpuTime();
            fresh[i] = (c1 - c0) / 1e6;
            steady[i] = (c2 - c1) / 1e6;
            p.shutdown();
        }
        double[] f = Arrays.copyOfRange(fresh, rounds / 2, rounds);
        double[] s = Arrays.copyOfRange(steady, rounds / 2, rounds);
        Arrays.sort(f);
        Arrays.sort(s);
        System.out.printf("fresh median %.1f ms (min %.1f)", f[f.length / 2], f[0]);
        System.out.printf(freshOnly ? "%n" : ", steady median %.1f ms (min %.1f)%n", s[s.length / 2], s[0]);
        enrichment.close();
        System.exit(0);
    }
}
