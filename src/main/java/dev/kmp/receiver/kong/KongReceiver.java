package dev.kmp.receiver.kong;

import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Receiver;
import dev.kmp.pipeline.TargetStatus;
import dev.kmp.telemetry.SelfMetrics;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code kong} receiver: one {@link ScrapeLoop} per target, each on its own virtual thread, so
 * a slow or broken target never delays the others.
 */
public final class KongReceiver implements Receiver {
    private final String id;
    private final KongReceiverConfig config;
    private final ComponentContext context;
    private final HttpClient http;
    /** Enforces the whole-scrape timeout: HttpClient's own timeout stops counting once headers arrive. */
    private final ScheduledExecutorService deadlines;
    private final List<ScrapeLoop> loops = new ArrayList<>();
    private final ScrapeMetrics metrics;

    KongReceiver(String id, KongReceiverConfig config, ComponentContext context) {
        this.id = id;
        this.config = config;
        this.context = context;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.timeout())
                .followRedirects(HttpClient.Redirect.NEVER)
                .executor(Executors.newVirtualThreadPerTaskExecutor())
                .build();
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kong-receiver-deadlines-" + id);
            t.setDaemon(true);
            return t;
        });
        this.metrics = new ScrapeMetrics(context.selfMetrics());
        for (URI target : config.targets()) {
            loops.add(new ScrapeLoop(id, target, config, http, deadlines, metrics, context.clock()));
        }
    }

    public String id() {
        return id;
    }

    @Override
    public synchronized void start(BatchConsumer next) {
        // Spread first scrapes over a tenth of the interval so many targets do not fire at once.
        long spreadMillis = loops.size() <= 1 ? 0 : config.interval().toMillis() / 10;
        for (int i = 0; i < loops.size(); i++) {
            loops.get(i).start(next, Duration.ofMillis(spreadMillis * i / Math.max(1, loops.size() - 1)));
        }
    }

    @Override
    public synchronized void shutdown() {
        loops.forEach(ScrapeLoop::stop);
        loops.forEach(ScrapeLoop::awaitStopped);
        deadlines.shutdownNow();
        http.shutdownNow();
        for (ScrapeLoop l : loops) {
            metrics.forget(id, l.url());
        }
    }

    /**
     * Scrapes every target once on the calling thread, outside the loops' schedule: what the
     * benchmark drives cycle by cycle, through exactly the code the loops run.
     */
    public void scrapeOnce(BatchConsumer next) {
        for (ScrapeLoop loop : loops) {
            loop.scrapeOnce(next);
        }
    }

    @Override
    public List<TargetStatus> targets() {
        return loops.stream().map(ScrapeLoop::status).toList();
    }

    /** The {@code kmp_scrape_*} families this receiver writes. */
    static final class ScrapeMetrics {
        final SelfMetrics.Family up;
        final SelfMetrics.Family duration;
        final SelfMetrics.Family samples;
        final SelfMetrics.Family errors;
        final SelfMetrics.Family duplicates;

        ScrapeMetrics(SelfMetrics m) {
            up = m.gauge("kmp_scrape_up", "1 if the last scrape of the target succeeded, else 0", "receiver", "target");
            duration = m.gauge("kmp_scrape_duration_seconds", "Duration of the last scrape of the target", "receiver", "target");
            samples = m.gauge("kmp_scrape_samples", "Sample lines read in the last scrape of the target", "receiver", "target");
            errors = m.counter("kmp_scrape_errors_total", "Failed scrapes by reason", "receiver", "target", "reason");
            duplicates = m.gauge("kmp_scrape_duplicate_series",
                    "Series written twice in the last scrape of the target (the last one was kept)", "receiver", "target");
        }

        void forget(String receiver, String target) {
            for (SelfMetrics.Family f : List.of(up, duration, samples, errors, duplicates)) {
                f.removeIf(l -> receiver.equals(l.get("receiver")) && target.equals(l.get("target")));
            }
        }
    }
}
