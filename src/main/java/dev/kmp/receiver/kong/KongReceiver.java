package dev.kmp.receiver.kong;

import dev.kmp.model.Labels;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Receiver;
import dev.kmp.pipeline.TargetStatus;
import dev.kmp.telemetry.SelfMetrics;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The {@code kong} receiver: one {@link ScrapeLoop} per target, each on its own virtual thread, so
 * a slow or broken target never delays the others.
 */
public final class KongReceiver implements Receiver {
    private static final System.Logger LOG = System.getLogger(KongReceiver.class.getName());
    private final String id;
    private final KongReceiverConfig config;
    private final ComponentContext context;
    /** Enforces the whole-scrape timeout, also against a body that trickles in without ever stalling. */
    private final ScheduledExecutorService deadlines;
    private final List<ScrapeLoop> loops = new ArrayList<>();
    /** Targets found by discovery, by URL; static targets keep their own loops above. */
    private final Map<URI, ScrapeLoop> discovered = new LinkedHashMap<>();
    private final ScrapeMetrics metrics;
    private PodDiscovery discovery;
    private AdminApiPoller adminApi;
    private final boolean announce;
    private BatchConsumer next;
    private boolean running;

    KongReceiver(String id, KongReceiverConfig config, ComponentContext context) {
        this(id, config, context, true);
    }

    /**
     * A receiver that logs no target state changes: the start-up warm-up scrapes a throw-away
     * loopback target through it, whose going up is no news to whoever reads the log.
     */
    public static KongReceiver unannounced(String id, KongReceiverConfig config, ComponentContext context) {
        return new KongReceiver(id, config, context, false);
    }

    private KongReceiver(String id, KongReceiverConfig config, ComponentContext context, boolean announce) {
        this.announce = announce;
        this.id = id;
        this.config = config;
        this.context = context;
        this.deadlines = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "kong-receiver-deadlines-" + id);
            t.setDaemon(true);
            return t;
        });
        this.metrics = new ScrapeMetrics(context.selfMetrics());
        for (URI target : config.targets()) {
            loops.add(new ScrapeLoop(id, target, config, deadlines, metrics, context.clock(), announce));
        }
    }

    public String id() {
        return id;
    }

    @Override
    public synchronized void start(BatchConsumer next) {
        this.next = next;
        this.running = true;
        // Spread first scrapes over a tenth of the interval so many targets do not fire at once.
        long spreadMillis = loops.size() <= 1 ? 0 : config.interval().toMillis() / 10;
        for (int i = 0; i < loops.size(); i++) {
            loops.get(i).start(next, Duration.ofMillis(spreadMillis * i / Math.max(1, loops.size() - 1)));
        }
        config.adminApi().ifPresent(a -> {
            adminApi = new AdminApiPoller(id, a, context.serviceTags(), context.kubernetes());
            adminApi.start();
        });
        config.discovery().ifPresent(d -> {
            if (context.kubernetes().isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, "{0}: discovery.kubernetes is configured but no Kubernetes API is: "
                        + "only the static targets are scraped", id);
                return;
            }
            discovery = new PodDiscovery(context.kubernetes().get(), d, this::onDiscovered);
            discovery.start();
        });
    }

    /**
     * Moves the discovered loops to {@code targets}: gone or changed targets are stopped and
     * forgotten downstream (after their last batch), new ones start. Static targets win over a
     * discovered one with the same URL.
     */
    synchronized void onDiscovered(Map<URI, Labels> targets) {
        if (!running) {
            return;
        }
        Set<URI> staticUrls = new HashSet<>(config.targets());
        for (Iterator<Map.Entry<URI, ScrapeLoop>> it = discovered.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<URI, ScrapeLoop> e = it.next();
            Labels wanted = targets.get(e.getKey());
            if (wanted == null || !wanted.equals(e.getValue().resource())) {
                ScrapeLoop gone = e.getValue();
                gone.stop();
                gone.awaitStopped();
                metrics.forget(id, gone.url());
                next.forget(gone.targetId());
                it.remove();
            }
        }
        if (adminApi != null) {
            adminApi.setPodIps(targets.keySet().stream().map(u -> u.getHost().replace("[", "").replace("]", "")).toList());
        }
        for (Map.Entry<URI, Labels> e : targets.entrySet()) {
            if (!discovered.containsKey(e.getKey()) && !staticUrls.contains(e.getKey())) {
                ScrapeLoop loop = new ScrapeLoop(id, e.getKey(), e.getValue(), config, deadlines, metrics, context.clock(), announce);
                discovered.put(e.getKey(), loop);
                loop.start(next, Duration.ZERO);
            }
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
    public void shutdown() {
        PodDiscovery d;
        AdminApiPoller a;
        synchronized (this) {
            running = false;
            d = discovery;
            a = adminApi;
        }
        if (d != null) {
            d.close();
        }
        if (a != null) {
            a.close();
        }
        synchronized (this) {
            List<ScrapeLoop> all = allLoops();
            all.forEach(ScrapeLoop::stop);
            all.forEach(ScrapeLoop::awaitStopped);
            deadlines.shutdownNow();
            for (ScrapeLoop l : all) {
                metrics.forget(id, l.url());
            }
        }
    }

    private List<ScrapeLoop> allLoops() {
        List<ScrapeLoop> all = new ArrayList<>(loops);
        all.addAll(discovered.values());
        return all;
    }

    /** The Admin API poller, when admin_api is configured (for tests and status). */
    AdminApiPoller adminApi() {
        return adminApi;
    }

    /** Parser state kept by the static targets' loops (for tests). */
    int retainedParserEntries() {
        return loops.stream().mapToInt(ScrapeLoop::retainedParserEntries).sum();
    }

    @Override
    public synchronized List<TargetStatus> targets() {
        return allLoops().stream().map(ScrapeLoop::status).toList();
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
