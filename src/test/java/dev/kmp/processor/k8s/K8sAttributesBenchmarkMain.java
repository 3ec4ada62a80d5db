package dev.kmp.processor.k8s;

import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.telemetry.SelfMetrics;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A quick manual measurement of the enrichment hot path, not a test:
 * {@code java -cp "target/classes:target/test-classes:target/libs/*" dev.kmp.processor.k8s.K8sAttributesBenchmarkMain FILE [ROUNDS] [fresh]}
 * on a generated payload. Every Kong service resolves through tags (cached per name), so what is
 * timed is the per-series label rewrite; parsing is done once, outside the timing. With
 * {@code fresh}, a new processor each round: every round is a target's first batch.
 */
public final class K8sAttributesBenchmarkMain {
    private K8sAttributesBenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 30;
        boolean fresh = args.length > 2 && args[2].equals("fresh");
        String url = "http://10.0.0.7:8100/metrics";
        var parsed = new KongTextParser().parse(new ByteArrayInputStream(body), ParseOptions.plainText(Labels.of("dataplane_url", url)));
        Map<String, ObjectRef> tags = new HashMap<>();
        for (MetricFamily f : parsed.families()) {
            for (Series s : f.series()) {
                String svc = s.labels().get("service");
                if (svc != null && !svc.isEmpty()) {
                    tags.putIfAbsent(svc, ObjectRef.service("ns", svc.replace('.', '-')));
                }
            }
        }
        ServiceTagDirectory dir = new ServiceTagDirectory();
        dir.publish("bench", tags);
        K8sAttributesProcessor p = new K8sAttributesProcessor(new K8sAttributesConfig("kgo", "keep"),
                new KongServiceResolver(Optional.empty(), dir), Optional.empty(), new SelfMetrics());
        Batch batch = Batch.success(new TargetId("kong", url), Labels.of("dataplane_url", url, "dataplane_pod", "kong-1",
                "dataplane_namespace", "kong", "dataplane_node", "n1", "dataplane_deployment", "kong"), 0, parsed.families());
        long[] nanos = new long[rounds];
        long[] gcNanos = new long[rounds];
        long[] cpuNanos = new long[rounds];
        var os = (com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        Batch out = null;
        for (int i = 0; i < rounds; i++) {
            if (fresh) {
                p = new K8sAttributesProcessor(new K8sAttributesConfig("kgo", "keep"),
                        new KongServiceResolver(Optional.empty(), dir), Optional.empty(), new SelfMetrics());
            }
            long gc = gcMillis();
            long cpu = os.getProcessCpuTime();
            long t = System.nanoTime();
            out = p.process(batch);
            nanos[i] = System.nanoTime() - t;
            cpuNanos[i] = os.getProcessCpuTime() - cpu;
            gcNanos[i] = (gcMillis() - gc) * 1_000_000;
        }
        long[] steady = Arrays.copyOfRange(nanos, rounds / 2, rounds);
        Arrays.sort(steady);
        long median = steady[steady.length / 2];
        long series = out.families().stream().mapToLong(f -> f.series().size()).sum();
        System.out.printf("samples=%d series=%d kong_services=%d first_ms=%.1f median_ms=%.2f ns_per_sample=%.0f ns_per_series=%.0f"
                        + " gc_ms_per_round=%.1f process_cpu_ms_per_round=%.1f%n",
                parsed.sampleLines(), series, tags.size(), nanos[0] / 1e6, median / 1e6,
                (double) median / parsed.sampleLines(), (double) median / series,
                Arrays.stream(gcNanos, rounds / 2, rounds).average().orElse(0) / 1e6,
                Arrays.stream(cpuNanos, rounds / 2, rounds).average().orElse(0) / 1e6);
    }

    private static long gcMillis() {
        long total = 0;
        for (var gc : java.lang.management.ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }
}
