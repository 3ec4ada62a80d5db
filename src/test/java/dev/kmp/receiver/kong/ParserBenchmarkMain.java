package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;
import dev.kmp.warmup.LoopbackPayloadServer;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * A quick manual measurement, not a test and not the project benchmark ({@code bench/}):
 * {@code java -cp "target/classes:target/test-classes:target/libs/*" dev.kmp.receiver.kong.ParserBenchmarkMain FILE [ROUNDS] [fresh] [socket]}
 * on a generated payload (e.g. {@code gen_kong_metrics.py --services 1000 --routes-per-service 2 --seed 1}).
 * One parser, one thread, body in memory so only parsing is timed; with {@code fresh}, a new parser
 * each round (every round is then a target's first scrape); with {@code socket}, the body is read
 * from a loopback server through the scrape client, as {@code bench/run} reads it (the kernel's
 * copies then count too).
 */
public final class ParserBenchmarkMain {
    private ParserBenchmarkMain() {
    }

    public static void main(String[] args) throws Exception {
        byte[] body = Files.readAllBytes(Path.of(args[0]));
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        List<String> modes = Arrays.asList(args).subList(Math.min(2, args.length), args.length);
        boolean fresh = modes.contains("fresh");
        boolean socket = modes.contains("socket");
        LoopbackPayloadServer server = socket ? LoopbackPayloadServer.start(ByteBuffer.allocateDirect(body.length).put(body).flip()) : null;
        HttpScrapeClient client = socket ? new HttpScrapeClient(server.url(), "text/plain", "parser-benchmark") : null;
        KongTextParser parser = new KongTextParser();
        ParseOptions options = ParseOptions.plainText(Labels.of("dataplane_url", "http://10.0.0.7:8100/metrics"));
        com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long[] nanos = new long[rounds];
        long allocated = 0;
        long[] gcNanos = new long[rounds];
        long[] cpuNanos = new long[rounds];
        ParseResult result = null;
        for (int i = 0; i < rounds; i++) {
            long allocatedBefore = threads.getCurrentThreadAllocatedBytes();
            if (fresh) {
                parser = new KongTextParser();
            }
            long gcBefore = gcMillis();
            long cpuBefore = threads.getCurrentThreadCpuTime();
            long start = System.nanoTime();
            if (socket) {
                try (InputStream in = client.get(System.nanoTime() + 60_000_000_000L).body()) {
                    result = parser.parse(in, options);
                }
            } else {
                result = parser.parse(new ByteArrayInputStream(body), options);
            }
            nanos[i] = System.nanoTime() - start;
            gcNanos[i] = (gcMillis() - gcBefore) * 1_000_000;
            cpuNanos[i] = threads.getCurrentThreadCpuTime() - cpuBefore;
            allocated = threads.getCurrentThreadAllocatedBytes() - allocatedBefore;
        }
        long[] steady = Arrays.copyOfRange(nanos, rounds / 2, rounds); // second half: after warm-up
        Arrays.sort(steady);
        long median = steady[steady.length / 2];
        System.out.printf("bytes=%d samples=%d families=%d first_ms=%.1f median_ms=%.2f best_ms=%.2f ns_per_sample=%.0f"
                        + " mb_per_s=%.0f alloc_bytes_per_parse=%d alloc_bytes_per_sample=%.0f gc_ms_per_parse=%.1f cpu_ms=%.1f%n",
                body.length, result.sampleLines(), result.families().size(), nanos[0] / 1e6, median / 1e6, steady[0] / 1e6,
                (double) median / result.sampleLines(), body.length / (median / 1e9) / 1e6, allocated,
                (double) allocated / result.sampleLines(),
                Arrays.stream(gcNanos, rounds / 2, rounds).average().orElse(0) / 1e6,
                Arrays.stream(cpuNanos, rounds / 2, rounds).sorted().toArray()[(rounds - rounds / 2) / 2] / 1e6);

        System.out.printf("label_sets=%d interned_strings=%d series=%d%n", parser.cachedLabelSetCount(), parser.internedStringCount(),
                result.families().stream().mapToInt(f -> f.series().size()).sum());
        // Rough retained heap of what a pipeline keeps: the last result plus the parser's tables.
        int samples = result.sampleLines();
        long withBoth = usedAfterGc();
        result = null;
        long withParser = usedAfterGc();
        parser = null;
        long withNothing = usedAfterGc();
        System.out.printf("retained_bytes_per_sample: result=%.0f parser_tables=%.0f%n",
                (double) (withBoth - withParser) / samples, (double) (withParser - withNothing) / samples);
        if (socket) {
            client.close();
            server.close();
        }
    }

    private static long gcMillis() {
        long total = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    private static long usedAfterGc() throws InterruptedException {
        Runtime rt = Runtime.getRuntime();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return rt.totalMemory() - rt.freeMemory();
    }
}
