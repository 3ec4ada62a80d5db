package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import dev.kmp.model.Batch;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.TargetStatus;
import dev.kmp.telemetry.SelfMetrics;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The kong receiver against a misbehaving local server: each bad target is down with its reason, the rest flow. */
class KongReceiverTest {
    private FakeKong kong;
    private KongReceiver receiver;
    private final SelfMetrics selfMetrics = new SelfMetrics();
    private final Map<TargetId, Batch> latest = new ConcurrentHashMap<>();
    private final BatchConsumer sink = new BatchConsumer() {
        @Override
        public void consume(Batch batch) {
            latest.put(batch.target(), batch);
        }

        @Override
        public void forget(TargetId target) {
            latest.remove(target);
        }
    };

    static byte[] fixture(String name) throws IOException {
        try (InputStream in = KongReceiverTest.class.getResourceAsStream("/kong/" + name)) {
            assertNotNull(in, name);
            return in.readAllBytes();
        }
    }

    @BeforeEach
    void start() throws IOException {
        kong = new FakeKong(fixture("kong-small.prom"));
    }

    @AfterEach
    void stop() {
        if (receiver != null) {
            receiver.shutdown();
        }
        kong.close();
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private KongReceiver start(KongReceiverConfig config) {
        receiver = new KongReceiverFactory().create("kong", config, new ComponentContext(selfMetrics, Clock.systemUTC()));
        receiver.start(sink);
        return receiver;
    }

    private static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                fail("timed out waiting for " + what);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        }
    }

    private double selfMetric(String family, String target, String reason) {
        for (MetricFamily f : selfMetrics.snapshot()) {
            if (f.name().equals(family)) {
                for (Series s : f.series()) {
                    if (target.equals(s.labels().get("target")) && (reason == null || reason.equals(s.labels().get("reason")))) {
                        return ((dev.kmp.model.ScalarSeries) s).value();
                    }
                }
            }
        }
        return Double.NaN;
    }

    @Test
    void eachBadTargetIsDownWithItsReasonAndTheOthersKeepFlowing() throws IOException {
        String refused = "http://127.0.0.1:" + closedPort() + "/metrics";
        List<URI> targets = List.of(
                URI.create(kong.url("/ok")), URI.create(kong.url("/gzip")), URI.create(refused),
                URI.create(kong.url("/slow")), URI.create(kong.url("/endless")), URI.create(kong.url("/status500")),
                URI.create(kong.url("/garbage")), URI.create(kong.url("/reset")));
        // The timeout leaves room for a loaded machine; the slow target waits 30 s, far past it.
        start(new KongReceiverConfig(Duration.ofMillis(1500), Duration.ofMillis(1200), targets, 256L << 20, 2_000_000));

        // A target's status is updated before its batch reaches the consumer: wait for both.
        await("every target scraped and its batch delivered", () -> receiver.targets().stream().allMatch(t -> t.lastScrapeMillis() > 0)
                && targets.stream().allMatch(t -> latest.containsKey(new TargetId("kong", t.toString()))));
        Map<String, TargetStatus> byUrl = receiver.targets().stream().collect(Collectors.toMap(TargetStatus::url, t -> t));

        assertTrue(byUrl.get(kong.url("/ok")).up(), byUrl.get(kong.url("/ok")).toString());
        assertTrue(byUrl.get(kong.url("/gzip")).up(), byUrl.get(kong.url("/gzip")).toString());
        assertEquals("refused", byUrl.get(refused).lastErrorReason());
        assertEquals("timeout", byUrl.get(kong.url("/slow")).lastErrorReason());
        // An endless body ends at the timeout, the body limit or the sample limit, whichever comes first.
        assertTrue(List.of("timeout", "body_limit", "sample_limit").contains(byUrl.get(kong.url("/endless")).lastErrorReason()));
        assertEquals("http_status", byUrl.get(kong.url("/status500")).lastErrorReason());
        assertTrue(byUrl.get(kong.url("/status500")).lastError().contains("HTTP 500"));
        TargetStatus garbage = byUrl.get(kong.url("/garbage"));
        assertEquals("parse", garbage.lastErrorReason());
        assertTrue(garbage.lastError().startsWith(kong.url("/garbage") + ": line 1, column "), garbage.lastError());

        TargetStatus reset = byUrl.get(kong.url("/reset"));
        assertFalse(reset.up(), reset.toString());
        assertTrue(reset.lastError().startsWith(kong.url("/reset") + ": "), reset.lastError());
        for (String bad : List.of(refused, kong.url("/slow"), kong.url("/endless"), kong.url("/status500"), kong.url("/garbage"),
                kong.url("/reset"))) {
            assertFalse(byUrl.get(bad).up(), bad);
            assertEquals(0.0, selfMetric("kmp_scrape_up", bad, null), bad);
            assertTrue(latest.get(new TargetId("kong", bad)).failed(), "a failed scrape sends a failed batch: " + bad);
        }
        assertTrue(selfMetric("kmp_scrape_errors_total", refused, "refused") >= 1);
        assertTrue(selfMetric("kmp_scrape_errors_total", kong.url("/slow"), "timeout") >= 1);

        // The healthy targets deliver full payloads, each series labelled with its dataplane_url.
        for (String good : List.of(kong.url("/ok"), kong.url("/gzip"))) {
            assertEquals(1.0, selfMetric("kmp_scrape_up", good, null));
            Batch b = latest.get(new TargetId("kong", good));
            assertFalse(b.failed());
            MetricFamily latency = b.families().stream().filter(f -> f.name().equals("kong_upstream_latency_ms")).findFirst().orElseThrow();
            assertTrue(latency.series().getFirst() instanceof HistogramSeries);
            assertTrue(latency.series().stream().allMatch(s -> good.equals(s.labels().get("dataplane_url"))));
            assertTrue(selfMetric("kmp_scrape_samples", good, null) > 100);
        }
    }

    @Test
    void limitsAreEnforcedWhileReading() {
        start(new KongReceiverConfig(Duration.ofMillis(300), Duration.ofSeconds(2),
                List.of(URI.create(kong.url("/ok"))), 4096, 2_000_000));
        await("body limit", () -> "body_limit".equals(receiver.targets().getFirst().lastErrorReason()));
        receiver.shutdown();

        receiver = null;
        SelfMetrics other = new SelfMetrics();
        KongReceiver r = new KongReceiverFactory().create("kong", new KongReceiverConfig(Duration.ofMillis(300), Duration.ofSeconds(2),
                List.of(URI.create(kong.url("/gzip"))), 4096, 2_000_000), new ComponentContext(other, Clock.systemUTC()));
        receiver = r;
        r.start(sink);
        await("body limit after gunzip", () -> "body_limit".equals(r.targets().getFirst().lastErrorReason()));
        r.shutdown();

        KongReceiver s = new KongReceiverFactory().create("kong", new KongReceiverConfig(Duration.ofMillis(300), Duration.ofSeconds(2),
                List.of(URI.create(kong.url("/ok"))), 256L << 20, 50), new ComponentContext(other, Clock.systemUTC()));
        receiver = s;
        s.start(sink);
        await("sample limit", () -> "sample_limit".equals(s.targets().getFirst().lastErrorReason()));
    }

    @Test
    void aTargetRecoversAndGoneSeriesDisappear() throws IOException {
        start(new KongReceiverConfig(Duration.ofMillis(200), Duration.ofSeconds(2), List.of(URI.create(kong.url("/ok"))), 256L << 20, 2_000_000));
        TargetId id = new TargetId("kong", kong.url("/ok"));
        await("first scrape", () -> latest.containsKey(id) && !latest.get(id).failed());

        kong.setPayload("broken {{{\n".getBytes());
        await("down", () -> latest.get(id).failed());
        assertEquals("parse", receiver.targets().getFirst().lastErrorReason());

        kong.setPayload(fixture("kong-multibackend.prom"));
        await("recovered", () -> !latest.get(id).failed());
        assertTrue(receiver.targets().getFirst().up());
        assertTrue(latest.get(id).families().stream().anyMatch(f -> f.name().equals("kong_upstream_latency_ms")));
    }

    @Test
    void shutdownStopsTheLoopsAndForgetsTheirSelfMetrics() {
        start(new KongReceiverConfig(Duration.ofMillis(100), Duration.ofMillis(100), List.of(URI.create(kong.url("/slow"))), 256L << 20, 10));
        await("a scrape", () -> receiver.targets().getFirst().lastScrapeMillis() > 0);
        long t0 = System.nanoTime();
        receiver.shutdown();
        assertTrue(System.nanoTime() - t0 < Duration.ofSeconds(5).toNanos(), "shutdown is prompt even mid-scrape");
        assertTrue(Double.isNaN(selfMetric("kmp_scrape_up", kong.url("/slow"), null)));
        receiver = null;
    }

    @Test
    void churnDoesNotGrowWhatIsKept() {
        var exporter = new dev.kmp.exporter.prometheus.PrometheusExporter("prometheus",
                dev.kmp.exporter.prometheus.PrometheusExporterConfig.DEFAULTS, new ComponentContext(selfMetrics, Clock.systemUTC()));
        receiver = new KongReceiverFactory().create("kong", new KongReceiverConfig(Duration.ofHours(1), Duration.ofSeconds(10),
                List.of(URI.create(kong.url("/churn"))), 256L << 20, 2_000_000), new ComponentContext(selfMetrics, Clock.systemUTC()));
        int[] kept = new int[40];
        for (int round = 0; round < kept.length; round++) {
            receiver.scrapeOnce(exporter);
            assertTrue(receiver.targets().getFirst().up(), receiver.targets().getFirst().toString());
            assertEquals(10_000L, ((Number) exporter.status().get("series")).longValue(), "only the latest scrape's series are held");
            kept[round] = receiver.retainedParserEntries();
        }
        // Every round brings 20,000 new strings and 10,000 new label sets; what is kept stays the
        // size of one round (plus the few fixed names), however many rounds pass.
        assertTrue(kept[kept.length - 1] <= kept[1] + 100, "parser state grows with churn: " + java.util.Arrays.toString(kept));
        assertTrue(kept[kept.length - 1] < 40_000, java.util.Arrays.toString(kept));
        exporter.shutdown();
    }
}
