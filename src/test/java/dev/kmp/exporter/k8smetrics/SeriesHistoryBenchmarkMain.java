package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Set;

/**
 * A quick manual measurement of what the k8s metrics exporter's store costs per batch, not a test:
 * {@code java -cp "target/classes:target/test-classes:target/libs/*" dev.kmp.exporter.k8smetrics.SeriesHistoryBenchmarkMain FILE}
 * on a generated payload, with the two latency families an HPA setup typically reads. One target,
 * one batch per 15 s of simulated time; the median of the second half of the rounds.
 */
public final class SeriesHistoryBenchmarkMain {
    private SeriesHistoryBenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        KongTextParser parser = new KongTextParser();
        SeriesHistory h = new SeriesHistory(Set.of("kong_upstream_latency_ms", "kong_request_latency_ms"), Duration.ofMinutes(5), 4000);
        TargetId t = new TargetId("kong", "http://x");
        int rounds = 60;
        double[] ms = new double[rounds];
        for (int i = 0; i < rounds; i++) {
            var fams = parser.parse(new ByteArrayInputStream(body), ParseOptions.plainText(Labels.of("dataplane_url", "http://x"))).families();
            Batch b = Batch.success(t, Labels.EMPTY, 1000L * 15 * (i + 1), fams);
            long t0 = System.nanoTime();
            h.record(b);
            ms[i] = (System.nanoTime() - t0) / 1e6;
        }
        double[] s = Arrays.copyOfRange(ms, rounds / 2, rounds);
        Arrays.sort(s);
        System.out.printf("record median %.2f ms first %.1f ms series %d%n", s[s.length / 2], ms[0], h.seriesCount());
        // What one API request reads: one family, the series of one Kong service.
        String service = h.select("kong_upstream_latency_ms", l -> true).getFirst().labels().get("service");
        int matched = 0;
        long t0 = System.nanoTime();
        for (int i = 0; i < 200; i++) {
            matched = h.select("kong_upstream_latency_ms", l -> service.equals(l.get("service"))).size();
        }
        System.out.printf("select of one service's series: %.3f ms (%d series)%n", (System.nanoTime() - t0) / 1e6 / 200, matched);
    }
}
