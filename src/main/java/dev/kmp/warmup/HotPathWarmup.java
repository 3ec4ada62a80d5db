package dev.kmp.warmup;

import dev.kmp.demo.GeneratedCluster;
import dev.kmp.demo.GeneratorOptions;
import dev.kmp.demo.KongPayloadEdits;
import dev.kmp.demo.KongPayloadGenerator;
import dev.kmp.exporter.prometheus.PrometheusExporter;
import dev.kmp.exporter.prometheus.PrometheusExporterConfig;
import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.TargetStatus;
import dev.kmp.processor.k8s.K8sAttributesConfig;
import dev.kmp.processor.k8s.K8sAttributesProcessor;
import dev.kmp.processor.k8s.KongServiceResolver;
import dev.kmp.receiver.kong.KongReceiver;
import dev.kmp.receiver.kong.KongReceiverConfig;
import dev.kmp.telemetry.SelfMetrics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.IntPredicate;

/**
 * Runs the scrape path (HTTP fetch, parse, k8sattributes, Prometheus store, render) over a
 * generated Kong payload at start, on private instances whose output is thrown away, until the
 * JIT stops compiling. Without it the first real scrape runs interpreted code over the whole body
 * and takes several times a steady one; with it, it pays only for building what later scrapes reuse.
 *
 * <p>The payload is scraped from a loopback server through a real {@link KongReceiver}, and the
 * processor looks names up in the service's own cluster cache: code compiled while reading a
 * byte array, or resolving without a cache, met other classes and branches at the first real
 * scrape and was thrown away there (deoptimised) — which cost that scrape 100-200 ms at 5000
 * services.
 *
 * <p>Each pass starts from empty tables and then repeats the same body, so the compiled code has
 * seen both a first scrape (every label set new) and a steady one (every label set found): code
 * compiled from steady passes alone is thrown away again at the first real scrape.
 */
public final class HotPathWarmup {
    /**
     * What the warm-up did: passes over the payloads, their sizes together, how many of its Kong
     * service names and upstream targets are ones the cluster holds, and how long it took.
     */
    public record Result(int passes, int payloadBytes, int namesFromCluster, Duration took) {
    }

    /** Enough for the JIT on this kind of machine; a pass takes a few milliseconds once compiled. */
    public static final Duration DEFAULT_BUDGET = Duration.ofSeconds(3);
    private static final int SMALL_SERVICES = 60;
    private static final int LARGE_SERVICES = 300;
    private static final int MIN_PASSES = 4;
    private static final int QUIET_PASSES = 2;
    private static final int LARGE_PASSES = 2;
    private static final int MAX_SETTLING_PASSES = 8;
    private static final int FRESH_ENRICHMENTS = 4;
    private static final Duration MAX_QUIET_WAIT = Duration.ofMillis(1500);
    private static final Duration QUIET_SPELL = Duration.ofMillis(100);

    private HotPathWarmup() {
    }

    /**
     * Warms up for at most {@code budget}: passes over a small payload until two in a row compiled
     * nothing new (at most half the budget), then a few over a larger one, then waits until the
     * compiler is quiet, then small passes again until two in a row compiled nothing (at most
     * eight) and the same wait, then collects the garbage of it all. {@code cluster}: the cache the
     * real processors will read (only read here), when there is one.
     */
    public static Result run(Duration budget, Optional<ClusterCache> cluster) {
        long start = System.nanoTime();
        if (budget.isNegative() || budget.isZero()) {
            return new Result(0, 0, 0, Duration.ZERO);
        }
        long deadline = start + budget.toNanos();
        long smallDeadline = start + budget.toNanos() / 2;
        try {
            // Both payloads first: generating them is code of its own that the JIT compiles, and
            // those compilations must not still be queued when the first real scrape starts.
            // At start the cache may still be listing: a third of the budget at most for it.
            awaitSynced(cluster, start + budget.toNanos() / 3);
            ClusterSample sample = ClusterSample.of(cluster, LARGE_SERVICES, LARGE_SERVICES * 4);
            Workload small = Workload.generate(SMALL_SERVICES, sample);
            Workload large = Workload.generate(LARGE_SERVICES, sample);
            JitActivity jit = new JitActivity();
            int passes = passesOver(small, cluster,
                    done -> System.nanoTime() < smallDeadline && (done < MIN_PASSES || !jit.settled()));
            int bytes = small.payload().length;
            // Tables of tens of thousands of entries take branches (probe collisions, growth) that a
            // small payload's never do, and code compiled without them was thrown away again at the
            // first real scrape: 50-100 ms of it at 5000 services.
            if (System.nanoTime() < deadline) {
                passes += passesOver(large, cluster, done -> done < LARGE_PASSES && System.nanoTime() < deadline);
                bytes += large.payload().length;
            }
            // The compilations the last passes asked for run in the background: on two cores a
            // first scrape that starts meanwhile shares a CPU with them (100-300 ms of compiling
            // at 5000 services). Wait for the compiler to go quiet, within the budget.
            jit.awaitQuiet(Math.min(deadline, System.nanoTime() + MAX_QUIET_WAIT.toNanos()));
            // While the compiler's queue was long, tiered compilation raised the thresholds of the
            // top tier and compiled methods at an intermediate tier without full profiling; both
            // are looked at again only when a method next runs. Left so, the first real scrape
            // ran the parser's per-line methods, the HTTP read path and FamilyBuilder.build in
            // profiling code and compiled them meanwhile (PrintCompilation: tier 2 -> 3 -> 4
            // inside it). Small passes with the queue empty take them through, until two in a
            // row compile nothing: in alternating runs at 5000 services, compiling inside the
            // first cycle fell from 34-202 ms to 13-73 ms (one such pass only, as before).
            if (System.nanoTime() < deadline) {
                jit.restart();
                passes += passesOver(small, cluster, done -> System.nanoTime() < deadline
                        && done < MAX_SETTLING_PASSES && (done < 1 || !jit.settled()));
                jit.awaitQuiet(Math.min(deadline, System.nanoTime() + MAX_QUIET_WAIT.toNanos()));
            }
            collectWarmupGarbage();
            return new Result(passes, bytes, sample.services().size() + sample.targets().size(),
                    Duration.ofNanos(System.nanoTime() - start));
        } catch (IOException e) {
            throw new UncheckedIOException("the warm-up's loopback server failed", e);
        }
    }

    /**
     * The passes leave their payloads, tables and batches as garbage in the young generation, and
     * a target's first scrape allocates what later scrapes reuse (102 MB at 5000 Kong services).
     * Started with eden part full, that scrape had a young collection inside it in every run
     * (6-37 ms at 5000 services, ParallelGC, {@code bench/firsts}); collected here, once, at
     * start-up, it starts with an empty eden and had none in 25 of 33 runs (the others: 32-58 ms,
     * when the collector had shrunk the young generation below what the scrape allocates). A JVM
     * run with {@code -XX:+DisableExplicitGC} skips this; nothing else depends on it.
     */
    private static void collectWarmupGarbage() {
        System.gc();
    }

    private static void awaitSynced(Optional<ClusterCache> cluster, long deadlineNanos) {
        if (cluster.isEmpty()) {
            return;
        }
        try {
            cluster.get().awaitSynced(Duration.ofNanos(Math.max(0, deadlineNanos - System.nanoTime())));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // shutting down: the sample takes what the cache holds
        }
    }

    /** Serves the workload on loopback and makes passes over it while {@code more} says so (given the passes done). */
    private static int passesOver(Workload workload, Optional<ClusterCache> cluster, IntPredicate more) throws IOException {
        int done = 0;
        try (LoopbackPayloadServer server = LoopbackPayloadServer.start(ByteBuffer.wrap(workload.payload()))) {
            URI url = server.url();
            while (more.test(done)) {
                pass(url, workload, cluster);
                done++;
            }
        }
        return done;
    }

    /** What the JIT is doing, from the compilation time it reports: settled after passes, quiet for a while. */
    private static final class JitActivity {
        private final CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
        private final boolean measurable = compiler != null && compiler.isCompilationTimeMonitoringSupported();
        private long compiled = measurable ? compiler.getTotalCompilationTime() : 0;
        private int quiet;

        /** Counts quiet passes from now on. */
        void restart() {
            compiled = measurable ? compiler.getTotalCompilationTime() : 0;
            quiet = 0;
        }

        /** Asked after a pass: true once the last two passes compiled nothing. */
        boolean settled() {
            if (!measurable) {
                return true; // nothing to wait for: the minimum passes only
            }
            long now = compiler.getTotalCompilationTime();
            quiet = now == compiled ? quiet + 1 : 0;
            compiled = now;
            return quiet >= QUIET_PASSES;
        }

        /** Returns once no compilation finished for {@link #QUIET_SPELL}, at {@code deadlineNanos}, or when interrupted. */
        void awaitQuiet(long deadlineNanos) {
            if (!measurable) {
                return;
            }
            long last = compiler.getTotalCompilationTime();
            long quietSince = System.nanoTime();
            while (System.nanoTime() - deadlineNanos < 0 && System.nanoTime() - quietSince < QUIET_SPELL.toNanos()) {
                try {
                    Thread.sleep(10);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt(); // shutting down: the warm-up is over
                    return;
                }
                long now = compiler.getTotalCompilationTime();
                if (now != last) {
                    last = now;
                    quietSince = System.nanoTime();
                }
            }
        }
    }

    /**
     * A generated Kong payload and the Admin API tags of its services. {@code churnAt}: the last
     * digit of the first {@code kong_http_requests_total} line's status code, changed in place for
     * a pass's last scrape: a route answering with a new code is the change Kong's own series see
     * most, and the first such scrape of a target builds the parser's table of label sets and
     * looks sets up in it. Warmed only on series in place, that scrape deoptimised the parser
     * (JFR: {@code LabelSetCache.add}, a branch never taken before): at 5000 services it took
     * 170-349 ms in alternating runs where it takes 137-201 ms now (steady cycles 107-216 ms, the
     * machine drifting).
     */
    private record Workload(byte[] payload, ServiceTagDirectory tags, int churnAt, byte code) {
        static Workload of(byte[] payload, ServiceTagDirectory tags) {
            int at = KongPayloadEdits.lastDigitOfFirstStatusCode(ByteBuffer.wrap(payload));
            return new Workload(payload, tags, at, payload[at]);
        }

        /** Changes the status code (or puts it back); the loopback server sends the array as it is at each request. */
        void churn(boolean changed) {
            payload[churnAt] = changed ? KongPayloadEdits.otherDigit(code) : code;
        }

        /**
         * {@code services} generated Kong services, the first of them renamed to the sample's
         * names and their upstream targets to the sample's targets. Half the renamed names have
         * Admin API tags and the rest resolve by the naming rules alone, so both ways of resolving
         * a name the cluster holds are run; the generated names left have tags naming objects the
         * cluster does not hold, as before (a name that is not found takes its own paths).
         */
        static Workload generate(int services, ClusterSample sample) {
            KongPayloadGenerator generated = new KongPayloadGenerator(GeneratorOptions.defaults().withServices(services));
            Map<String, String> names = new HashMap<>();
            Map<String, ObjectRef> tagged = new LinkedHashMap<>(generated.cluster().objectsByKongService());
            Iterator<ClusterSample.Named> real = sample.services().iterator();
            for (GeneratedCluster.KongService s : generated.cluster().kongServices()) {
                if (!real.hasNext()) {
                    break;
                }
                ClusterSample.Named n = real.next();
                names.put(s.name(), n.kongService());
                tagged.remove(s.name());
                if ((names.size() - 1) / 2 % 2 == 0) { // the sample takes Services and routes in turn: pairs of them
                    tagged.put(n.kongService(), n.object());
                }
            }
            Map<String, String> targets = new HashMap<>();
            Iterator<String> realTargets = sample.targets().iterator();
            for (GeneratedCluster.KongService s : generated.cluster().kongServices()) {
                for (GeneratedCluster.KongTarget t : s.targets()) {
                    if (realTargets.hasNext() && !targets.containsKey(t.target())) {
                        targets.put(t.target(), realTargets.next());
                    }
                }
            }
            KongPayloadGenerator generator = names.isEmpty() && targets.isEmpty() ? generated
                    : generated.renamed(names, targets);
            ServiceTagDirectory tags = new ServiceTagDirectory();
            tags.publish("warmup", tagged);
            return Workload.of(HotPathWarmup.generate(generator), tags);
        }
    }

    // One target's life: a first scrape into empty tables, then steady scrapes of the same body.
    private static void pass(URI url, Workload workload, Optional<ClusterCache> cluster) {
        SelfMetrics metrics = new SelfMetrics();
        ComponentContext context = new ComponentContext(metrics, Clock.systemUTC());
        KongReceiver receiver = KongReceiver.unannounced("warmup",
                new KongReceiverConfig(Duration.ofHours(1), Duration.ofSeconds(30), List.of(url),
                        KongReceiverConfig.DEFAULT_MAX_BODY_BYTES, KongReceiverConfig.DEFAULT_MAX_SAMPLES), context);
        K8sAttributesProcessor processor = processor(workload.tags(), cluster, metrics);
        PrometheusExporter exporter = new PrometheusExporter("warmup", PrometheusExporterConfig.DEFAULTS, context);
        Batch[] first = new Batch[1];
        BatchConsumer chain = new BatchConsumer() {
            @Override
            public void consume(Batch batch) {
                if (first[0] == null) {
                    first[0] = batch;
                }
                exporter.consume(processor.process(batch));
            }

            @Override
            public void forget(TargetId target) {
                exporter.forget(target);
            }
        };
        try {
            for (int scrape = 0; scrape < 3; scrape++) {
                // The last scrape sees one of Kong's series changed (see Workload.churn).
                workload.churn(scrape == 2);
                receiver.scrapeOnce(chain);
                TargetStatus status = receiver.targets().getFirst();
                if (!status.up()) {
                    throw new IllegalStateException("the warm-up's scrape of its generated payload failed: " + status.lastError());
                }
                if (scrape == 0) {
                    enrichAsNew(first[0], workload.tags(), cluster);
                }
            }
            workload.churn(false);
            exporter.write(null, OutputStream.nullOutputStream());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            receiver.shutdown();
            processor.shutdown();
            exporter.shutdown();
        }
    }

    /**
     * A pass resolves each of its names and looks up each upstream target once, where the first
     * real scrape does it thousands of times: left so, those paths were still compiled at an
     * intermediate tier when the warm-up ended, and C2 compiled them during the first real scrape
     * (tier 4 of the target lookup and the naming rules inside it in PrintCompilation). Fresh
     * processors (empty caches) enriching the pass's first batch again run them as often as the
     * rest of the pass's code is run.
     */
    private static void enrichAsNew(Batch batch, ServiceTagDirectory tags, Optional<ClusterCache> cluster) {
        for (int i = 0; i < FRESH_ENRICHMENTS; i++) {
            K8sAttributesProcessor fresh = processor(tags, cluster, new SelfMetrics());
            fresh.process(batch);
            fresh.shutdown();
        }
    }

    private static K8sAttributesProcessor processor(ServiceTagDirectory tags, Optional<ClusterCache> cluster,
                                                    SelfMetrics metrics) {
        return new K8sAttributesProcessor(new K8sAttributesConfig(K8sAttributesConfig.KGO, K8sAttributesConfig.KEEP),
                new KongServiceResolver(cluster, tags), cluster, metrics);
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
}
