package dev.kmp.bench;

import dev.kmp.demo.KongPayloadEdits;
import dev.kmp.exporter.prometheus.PrometheusExporter;
import dev.kmp.exporter.prometheus.PrometheusExporterConfig;
import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Processor;
import dev.kmp.receiver.kong.HttpScrapeClient;
import dev.kmp.receiver.kong.KongReceiver;
import dev.kmp.receiver.kong.KongReceiverConfig;
import dev.kmp.receiver.kong.KongReceiverFactory;
import dev.kmp.receiver.kong.KongTextParser;
import dev.kmp.receiver.kong.ParseOptions;
import dev.kmp.receiver.kong.ParseResult;
import dev.kmp.telemetry.SelfMetrics;
import dev.kmp.warmup.HotPathWarmup;
import dev.kmp.warmup.LoopbackPayloadServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The hot-path benchmark: a generated Kong payload served from loopback, driven through the real
 * receiver -> processors -> Prometheus exporter path for K cycles after warm-up, then one full
 * /metrics render. Prints per-stage medians and the RESULT line of DESIGN.md.
 *
 * <p>Run it with {@code bench/run}; it is a measuring tool, never a test.
 */
public final class PipelineBenchmark {
    private static final System.Logger LOG = System.getLogger(PipelineBenchmark.class.getName());
    record Options(int services, int iterations, int warmup, Path cacheDir, boolean histogram, boolean startupWarmup,
                   int freshFirsts) {
        static Options parse(String[] args) {
            int services = 1000;
            int iterations = 10;
            int warmup = -1;
            Path cache = Path.of("bench", ".cache");
            boolean histogram = false;
            boolean startupWarmup = true;
            int freshFirsts = 1;
            for (int i = 0; i < args.length; i++) {
                switch (args[i]) {
                    case "--services" -> services = Integer.parseInt(args[++i]);
                    case "--iterations" -> iterations = Integer.parseInt(args[++i]);
                    case "--warmup" -> warmup = Integer.parseInt(args[++i]);
                    case "--cache" -> cache = Path.of(args[++i]);
                    case "--histogram" -> histogram = true;
                    case "--no-startup-warmup" -> startupWarmup = false;
                    case "--fresh-firsts" -> freshFirsts = Integer.parseInt(args[++i]);
                    default -> throw new IllegalArgumentException("unknown argument " + args[i]
                            + " (use --services N --iterations K [--warmup W] [--cache DIR] [--histogram] [--no-startup-warmup] [--fresh-firsts F])");
                }
            }
            return new Options(services, iterations, warmup >= 0 ? warmup : Math.max(3, iterations / 2), cache, histogram,
                    startupWarmup, Math.max(1, freshFirsts));
        }
    }

    /**
     * The stages one cycle runs through, wired the way a pipeline wires them; it keeps the time
     * the latest batch spent in the processors and in the exporter (the rest of a cycle is
     * fetching and parsing).
     */
    private static final class Chain implements BatchConsumer {
        private final List<Processor> processors;
        private final PrometheusExporter exporter;
        double processMs;
        double storeMs;

        Chain(List<Processor> processors, PrometheusExporter exporter) {
            this.processors = processors;
            this.exporter = exporter;
        }

        @Override
        public void consume(Batch batch) {
            long t0 = System.nanoTime();
            Batch b = batch;
            for (Processor p : processors) {
                b = p.process(b);
            }
            long t1 = System.nanoTime();
            exporter.consume(b);
            processMs = (t1 - t0) / 1e6;
            storeMs = (System.nanoTime() - t1) / 1e6;
        }

        @Override
        public void forget(TargetId target) {
            exporter.forget(target);
        }
    }

    public static void main(String[] args) {
        try {
            run(Options.parse(args));
        } catch (Throwable t) {
            // The loopback servers and the informers run on threads that would keep the JVM up
            // after a failure: say what failed and end the process, so bench/compare does not hang.
            t.printStackTrace();
            System.exit(1);
        }
    }

    private static void run(Options options) throws Exception {
        Path file = PayloadCache.payload(options.cacheDir(), options.services());
        ByteBuffer body = PayloadCache.load(file);
        int samples = PayloadCache.sampleLines(body);
        LoopbackPayloadServer server = LoopbackPayloadServer.start(body);
        String url = server.url().toString();
        System.out.printf(Locale.ROOT, "payload: %s (%d services, %.1f MB, %d sample lines)%n",
                file, options.services(), body.remaining() / 1e6, samples);

        SelfMetrics selfMetrics = new SelfMetrics();
        ComponentContext context = new ComponentContext(selfMetrics, Clock.systemUTC());
        long seedStart = System.nanoTime();
        BenchProcessors enrichment = BenchProcessors.start(PayloadCache.cluster(options.services()), context);
        System.out.printf(Locale.ROOT, "cluster: loopback Kubernetes API serving and cache synced in %.1f s%n",
                (System.nanoTime() - seedStart) / 1e9);
        // The service has logged a good deal before its first scrape (configuration, Kubernetes,
        // warm-up); the benchmark logs once too, so the logging system (handlers, formatter, the
        // classes it spins up, and their compiling) does not start up inside the first cycle at
        // its "target up" line: 6-7 ms of class loading measured there, and the compiling after it.
        LOG.log(System.Logger.Level.INFO, "benchmark of {0} services: cluster cache synced", options.services());
        // The Kubernetes side (mock API server, informer stores) is in the baseline: it scales with
        // the cluster's objects, not with the series the pipeline keeps.
        long baseline = usedHeapAfterGc();
        HeapHistogram histogramBefore = options.histogram() ? HeapHistogram.take() : null;
        KongReceiverConfig receiverConfig = new KongReceiverConfig(Duration.ofHours(1), Duration.ofMinutes(1),
                List.of(URI.create(url)), 1L << 30, 10_000_000);
        KongReceiver receiver = new KongReceiverFactory().create("kong", receiverConfig, context);
        PrometheusExporter exporter = new PrometheusExporter("prometheus", PrometheusExporterConfig.DEFAULTS, context);
        List<Processor> processors = enrichment.processors();
        Chain chain = new Chain(processors, exporter);

        // What the service does at start (pipelines.warmup), before its first scrape.
        if (options.startupWarmup()) {
            HotPathWarmup.Result warm = HotPathWarmup.run(HotPathWarmup.DEFAULT_BUDGET, Optional.of(enrichment.cache()));
            System.out.printf(Locale.ROOT, "start-up warm-up (as the service runs it before its first scrape): %d passes over generated payloads of %.1f MB"
                            + " (%d Kong service names and upstream targets from the cluster) in %d ms%n",
                    warm.passes(), warm.payloadBytes() / 1e6, warm.namesFromCluster(), warm.took().toMillis());
        }
        // Warm-up: the JIT and the interner settle; the first cycle is reported on its own.
        long firstGcBefore = gcMillis();
        var compiler = ManagementFactory.getCompilationMXBean();
        long firstJitBefore = compiler.getTotalCompilationTime();
        var threads = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long firstCpuBefore = threads.getCurrentThreadCpuTime();
        long firstAllocBefore = threads.getCurrentThreadAllocatedBytes();
        long firstStart = System.nanoTime();
        receiver.scrapeOnce(chain);
        double firstMs = (System.nanoTime() - firstStart) / 1e6;
        // The scraping thread's own CPU time: what it did, apart from pauses and waiting.
        double firstCpuMs = (threads.getCurrentThreadCpuTime() - firstCpuBefore) / 1e6;
        long firstAlloc = threads.getCurrentThreadAllocatedBytes() - firstAllocBefore;
        double firstProcessMs = chain.processMs;
        double firstStoreMs = chain.storeMs;
        long firstGcMs = gcMillis() - firstGcBefore;
        // Compiler threads' time meanwhile: on 2 cores they compete with the scrape for a CPU.
        long firstJitMs = compiler.getTotalCompilationTime() - firstJitBefore;
        requireUp(receiver);
        for (int i = 1; i < options.warmup(); i++) {
            receiver.scrapeOnce(chain);
        }

        double[] cycle = new double[options.iterations()];
        double[] cycleCpu = new double[options.iterations()];
        long allocBefore = threads.getTotalThreadAllocatedBytes();
        for (int i = 0; i < cycle.length; i++) {
            long cpu0 = threads.getCurrentThreadCpuTime();
            long t0 = System.nanoTime();
            receiver.scrapeOnce(chain);
            cycle[i] = (System.nanoTime() - t0) / 1e6;
            cycleCpu[i] = (threads.getCurrentThreadCpuTime() - cpu0) / 1e6;
        }
        long allocPerCycle = (threads.getTotalThreadAllocatedBytes() - allocBefore) / cycle.length;
        requireUp(receiver);
        // Retained heap: everything the pipeline keeps (store, parser tables, label sets), after GC,
        // measured before the stage-by-stage run below makes copies of its own. The benchmark's own
        // copy of the payload is a direct buffer, outside the heap.

        long retained = usedHeapAfterGc() - baseline;
        double heapPerSeries = (double) retained / samples;
        if (histogramBefore != null) {
            HeapHistogram.take().growthSince(histogramBefore, 25, samples).forEach(System.out::println);
        }

        // A live cluster changes between scrapes: Pods (rollouts, readiness, autoscaling) and with
        // them EndpointSlices. One cycle after each kind of change, three times, as the median.
        double[] afterPod = new double[3];
        double[] afterPodProcess = new double[3];
        double[] afterSlice = new double[3];
        double[] afterSliceProcess = new double[3];
        for (int i = 0; i < afterPod.length; i++) {
            enrichment.changeOnePod();
            long t0 = System.nanoTime();
            receiver.scrapeOnce(chain);
            afterPod[i] = (System.nanoTime() - t0) / 1e6;
            afterPodProcess[i] = chain.processMs;
            enrichment.moveOneTarget();
            t0 = System.nanoTime();
            receiver.scrapeOnce(chain);
            afterSlice[i] = (System.nanoTime() - t0) / 1e6;
            afterSliceProcess[i] = chain.processMs;
        }
        requireUp(receiver);

        // Kong's series change as well: a status code changes on one line (in place, between
        // scrapes), then changes back, twice. The first change is the first scrape whose series
        // are not the previous scrape's in the same order: the parser builds its table of label
        // sets then (a first scrape and steady ones never need it), so it is reported on its own.
        int codeDigit = KongPayloadEdits.lastDigitOfFirstStatusCode(body);
        byte code = body.get(codeDigit);
        double[] afterKong = new double[4];
        double[] afterKongProcess = new double[afterKong.length];
        for (int i = 0; i < afterKong.length; i++) {
            body.put(codeDigit, i % 2 == 0 ? KongPayloadEdits.otherDigit(code) : code);
            long t0 = System.nanoTime();
            receiver.scrapeOnce(chain);
            afterKong[i] = (System.nanoTime() - t0) / 1e6;
            afterKongProcess[i] = chain.processMs;
        }
        requireUp(receiver);

        // A series that goes (or comes back) early in the payload moves every series after it by
        // one step: what the parser guesses from the previous scrape's order, and what the
        // processor finds by position, no longer line up for the rest of the scrape.
        int requestsLine = KongPayloadEdits.firstRequestsLine(body);
        byte lineStart = body.get(requestsLine);
        double[] afterShift = new double[4];
        double[] afterShiftProcess = new double[afterShift.length];
        for (int i = 0; i < afterShift.length; i++) {
            body.put(requestsLine, i % 2 == 0 ? (byte) '#' : lineStart);
            long t0 = System.nanoTime();
            receiver.scrapeOnce(chain);
            afterShift[i] = (System.nanoTime() - t0) / 1e6;
            afterShiftProcess[i] = chain.processMs;
        }
        requireUp(receiver);

        // Stages one by one, on the same payload, to show where a cycle's time goes.
        double[] fetch = new double[options.iterations()];
        double[] parse = new double[options.iterations()];
        double[] resolve = new double[options.iterations()];
        double[] store = new double[options.iterations()];
        HttpScrapeClient http = new HttpScrapeClient(URI.create(url), "text/plain", "kmp-bench");
        KongTextParser parser = new KongTextParser();
        ParseOptions parseOptions = new ParseOptions(Labels.of("dataplane_url", url), 10_000_000, false);
        TargetId target = new TargetId("kong", url);
        byte[] readBuffer = new byte[64 * 1024];
        for (int i = 0; i < fetch.length; i++) {
            long t0 = System.nanoTime();
            try (InputStream in = http.get(t0 + Duration.ofMinutes(1).toNanos()).body()) {
                while (in.read(readBuffer) >= 0) {
                    // reads as large as the parser's, into nothing
                }
            }
            long t1 = System.nanoTime();
            ParseResult parsed = parser.parse(PayloadCache.stream(body), parseOptions);
            long t2 = System.nanoTime();
            Batch batch = Batch.success(target, Labels.EMPTY, System.currentTimeMillis(), parsed.families());
            for (Processor p : processors) {
                batch = p.process(batch);
            }
            long t3 = System.nanoTime();
            exporter.consume(batch);
            long t4 = System.nanoTime();
            fetch[i] = (t1 - t0) / 1e6;
            parse[i] = (t2 - t1) / 1e6;
            resolve[i] = (t3 - t2) / 1e6;
            store[i] = (t4 - t3) / 1e6;
        }
        http.close();

        double[] render = new double[Math.max(3, options.iterations() / 2)];
        long renderedBytes = 0;
        for (int i = 0; i < render.length; i++) {
            CountingStream out = new CountingStream();
            long t0 = System.nanoTime();
            exporter.write(null, out);
            render[i] = (System.nanoTime() - t0) / 1e6;
            renderedBytes = out.count;
        }

        // A second pipeline in the same process: its first cycle meets a warm JIT but empty tables,
        // which splits the first cycle's cost between compiling and building what is kept.
        double[] fresh = new double[options.freshFirsts()];
        double[] freshProcess = new double[fresh.length];
        long secondGcMs = 0;
        for (int i = 0; i < fresh.length; i++) {
            KongReceiver secondReceiver = new KongReceiverFactory().create("kong-2", receiverConfig, context);
            PrometheusExporter secondExporter = new PrometheusExporter("prometheus-2", PrometheusExporterConfig.DEFAULTS, context);
            long secondGcBefore = gcMillis();
            long secondStart = System.nanoTime();
            Chain secondChain = new Chain(enrichment.freshProcessors(), secondExporter);
            secondReceiver.scrapeOnce(secondChain);
            fresh[i] = (System.nanoTime() - secondStart) / 1e6;
            freshProcess[i] = secondChain.processMs;
            secondGcMs += gcMillis() - secondGcBefore;
            requireUp(secondReceiver);
            secondReceiver.shutdown();
            secondExporter.shutdown();
        }
        double secondFirstMs = median(fresh);
        secondGcMs /= fresh.length;

        double cycleMs = median(cycle);
        System.out.printf(Locale.ROOT, "stages (median of %d): fetch %.1f ms, parse %.1f ms, resolve %.1f ms, store %.1f ms, render %.1f ms (%.1f MB)%n",
                options.iterations(), median(fetch), median(parse), median(resolve), median(store), median(render), renderedBytes / 1e6);
        System.out.printf(Locale.ROOT, "cycle: first %.1f ms (GC %d ms, JIT compiling %d ms; processors %.1f ms, store %.1f ms; a second pipeline's first, JIT warm: %.1f ms, GC %d ms, processors %.1f ms), "
                        + "median %.1f ms, min %.1f ms, max %.1f ms; processors: %s%n",
                firstMs, firstGcMs, firstJitMs, firstProcessMs, firstStoreMs, secondFirstMs, secondGcMs, median(freshProcess),
                cycleMs, Arrays.stream(cycle).min().orElse(0), Arrays.stream(cycle).max().orElse(0),
                processors.isEmpty() ? "none" : processors.stream().map(p -> p.getClass().getSimpleName()).toList());
        System.out.printf(Locale.ROOT, "cpu: the scraping thread's CPU time, first cycle %.1f ms, steady cycle %.1f ms (median); allocated in the first cycle %.1f MB%n",
                firstCpuMs, median(cycleCpu), firstAlloc / 1e6);
        System.out.printf(Locale.ROOT, "cluster churn: a cycle after one Pod changed %.1f ms (processors %.1f ms), after one EndpointSlice changed %.1f ms (processors %.1f ms)%n",
                median(afterPod), median(afterPodProcess), median(afterSlice), median(afterSliceProcess));
        double[] laterKong = Arrays.copyOfRange(afterKong, 1, afterKong.length);
        System.out.printf(Locale.ROOT, "kong churn: a cycle after one of Kong's series changed %.1f ms the first time (processors %.1f ms; the parser builds its table of label sets), %.1f ms later (processors %.1f ms, median of %d)%n",
                afterKong[0], afterKongProcess[0], median(laterKong), median(Arrays.copyOfRange(afterKongProcess, 1, afterKong.length)), laterKong.length);
        System.out.printf(Locale.ROOT, "kong shift: a cycle after Kong's first series of kong_http_requests_total went %.1f ms (processors %.1f ms), after it came back %.1f ms (processors %.1f ms), each the mean of two%n",
                median(new double[] {afterShift[0], afterShift[2]}), median(new double[] {afterShiftProcess[0], afterShiftProcess[2]}),
                median(new double[] {afterShift[1], afterShift[3]}), median(new double[] {afterShiftProcess[1], afterShiftProcess[3]}));
        System.out.printf(Locale.ROOT, "RESULT services=%d samples=%d bytes=%d cycle_ms=%.1f ns_per_sample=%.0f mb_per_s=%.1f "
                        + "heap_bytes_per_series=%.0f alloc_bytes_per_cycle=%d render_ms=%.1f%n",
                options.services(), samples, body.remaining(), cycleMs, cycleMs * 1e6 / samples, body.remaining() / 1e6 / (cycleMs / 1e3),
                heapPerSeries, allocPerCycle, median(render));
        receiver.shutdown();
        exporter.shutdown();
        enrichment.close();
        server.close();
    }

    private static void requireUp(KongReceiver receiver) {
        var status = receiver.targets().getFirst();
        if (!status.up()) {
            throw new IllegalStateException("the benchmark scrape failed: " + status.lastError());
        }
    }

    /** Time the collectors spent so far (pauses, for the stop-the-world collectors used here). */
    private static long gcMillis() {
        long total = 0;
        for (var gc : ManagementFactory.getGarbageCollectorMXBeans()) {
            total += Math.max(0, gc.getCollectionTime());
        }
        return total;
    }

    static long usedHeapAfterGc() throws InterruptedException {
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(50);
            var heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
            used = Math.min(used, heap.getUsed());
        }
        return used;
    }

    static double median(double[] values) {
        double[] v = values.clone();
        Arrays.sort(v);
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static final class CountingStream extends OutputStream {
        long count;

        @Override
        public void write(int b) {
            count++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            count += len;
        }
    }

    private PipelineBenchmark() {
    }
}
