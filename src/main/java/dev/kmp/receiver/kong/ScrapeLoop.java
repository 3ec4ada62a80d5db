package dev.kmp.receiver.kong;

import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.BatchConsumer;
import dev.kmp.pipeline.TargetStatus;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import javax.net.ssl.SSLException;

/**
 * Scrapes one target every {@code interval} on a virtual thread. A failure of any kind marks the
 * target down with its reason and sends a failed batch (so exporters drop its series); the loop
 * itself never dies until stopped.
 */
final class ScrapeLoop {
    private static final System.Logger LOG = System.getLogger(ScrapeLoop.class.getName());
    static final String ACCEPT = "text/plain;version=0.0.4;q=1.0,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1";

    private final String receiverId;
    private final URI url;
    private final KongReceiverConfig config;
    /** The target's connection, kept alive between scrapes; used only by the thread running a scrape. */
    private final HttpScrapeClient http;
    private final ScheduledExecutorService deadlines;
    private final KongReceiver.ScrapeMetrics metrics;
    private final Clock clock;
    private final TargetId targetId;
    private final Labels extraLabels;
    /** The target's identity for the batch: dataplane_url, plus the pod's metadata when discovered. */
    private final Labels resource;
    /** Owned by the loop's thread: its interner carries strings from one scrape to the next. */
    private final KongTextParser parser = new KongTextParser();

    private final boolean announce;

    /** True until stop(): a scrape that fails because the loop is stopping is not a target failure. */
    private volatile boolean running = true;
    private volatile Thread thread;
    private volatile TargetStatus status;

    ScrapeLoop(String receiverId, URI url, KongReceiverConfig config,
               ScheduledExecutorService deadlines, KongReceiver.ScrapeMetrics metrics, Clock clock, boolean announce) {
        this(receiverId, url, Labels.of("dataplane_url", url.toString()), config, deadlines, metrics, clock, announce);
    }

    /** {@code announce}: log the target going up, down and up again (off for the warm-up's throw-away target). */
    ScrapeLoop(String receiverId, URI url, Labels resource, KongReceiverConfig config,
               ScheduledExecutorService deadlines, KongReceiver.ScrapeMetrics metrics, Clock clock, boolean announce) {
        this.announce = announce;
        this.resource = resource;
        this.receiverId = receiverId;
        this.url = url;
        this.config = config;
        this.http = new HttpScrapeClient(url, ACCEPT, "kong-metrics-pipeline");
        this.deadlines = deadlines;
        this.metrics = metrics;
        this.clock = clock;
        this.targetId = new TargetId(receiverId, url.toString());
        this.extraLabels = Labels.of("dataplane_url", url.toString());
        this.status = new TargetStatus(receiverId, url.toString(), false, 0, 0, 0, 0, null, null);
    }

    String url() {
        return url.toString();
    }

    Labels resource() {
        return resource;
    }

    TargetId targetId() {
        return targetId;
    }

    /** Strings and label sets the parser keeps between scrapes (tests check churn does not grow them). */
    int retainedParserEntries() {
        return parser.internedStringCount() + parser.cachedLabelSetCount();
    }

    TargetStatus status() {
        return status;
    }

    void start(BatchConsumer next, Duration initialDelay) {
        running = true;
        thread = Thread.ofVirtual().name("scrape " + receiverId + " " + url).start(() -> run(next, initialDelay));
    }

    void stop() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
        }
        http.abort();
    }

    void awaitStopped() {
        Thread t = thread;
        try {
            if (t != null && !t.join(Duration.ofSeconds(5))) {
                LOG.log(System.Logger.Level.WARNING, "scrape loop for {0} did not stop within 5s", url);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        http.close();
    }

    private void run(BatchConsumer next, Duration initialDelay) {
        if (!pause(initialDelay.toNanos())) {
            return;
        }
        long intervalNanos = config.interval().toNanos();
        long nextTick = System.nanoTime();
        while (running) {
            try {
                scrapeOnce(next);
            } catch (Throwable t) { // a bug in one scrape must not end the loop
                LOG.log(System.Logger.Level.ERROR, "scrape of " + url + " failed unexpectedly", t);
            }
            nextTick += intervalNanos;
            long now = System.nanoTime();
            if (nextTick < now) {
                // Fell behind (a scrape longer than the interval): skip missed ticks rather than burst.
                nextTick = now + intervalNanos - ((now - nextTick) % intervalNanos);
            }
            if (!pause(nextTick - now)) {
                return;
            }
        }
    }

    /** Sleeps, returning false when the loop was stopped meanwhile. */
    private boolean pause(long nanos) {
        if (nanos <= 0) {
            return running;
        }
        try {
            TimeUnit.NANOSECONDS.sleep(nanos);
        } catch (InterruptedException e) {
            return running; // only stop() ends the loop
        }
        return running;
    }

    /**
     * Interrupts the scraping thread at the deadline, unless the scrape finished first. Firing and
     * disarming exclude each other, so a late watchdog can never interrupt the pause or the next scrape.
     */
    private static final class Watchdog {
        private final Thread scraper;
        private final HttpScrapeClient http;
        private boolean done;
        volatile ScheduledFuture<?> future;

        Watchdog(Thread scraper, HttpScrapeClient http) {
            this.scraper = scraper;
            this.http = http;
        }

        synchronized void fire() {
            if (!done) {
                scraper.interrupt();
                // A platform thread blocked in a socket read ignores interrupts; a closed socket ends the read.
                http.abort();
            }
        }

        synchronized void disarm() {
            done = true;
            ScheduledFuture<?> f = future;
            if (f != null) {
                f.cancel(false);
            }
        }
    }

    void scrapeOnce(BatchConsumer next) {
        long startNanos = System.nanoTime();
        long startMillis = clock.millis();
        long deadlineNanos = startNanos + config.timeout().toNanos();
        Watchdog watchdog = new Watchdog(Thread.currentThread(), http);
        watchdog.future = deadlines.schedule(watchdog::fire, config.timeout().toNanos(), TimeUnit.NANOSECONDS);
        ScrapeError error = null;
        ParseResult result = null;
        try {
            HttpScrapeClient.Response response = http.get(deadlineNanos);
            try (InputStream raw = response.body()) {
                if (response.status() != 200) {
                    error = new ScrapeError("http_status", url + ": HTTP " + response.status());
                } else {
                    LimitedInputStream limitedRaw = new LimitedInputStream(raw, config.maxBodyBytes());
                    InputStream body = limitedRaw;
                    String encoding = response.contentEncoding().toLowerCase(Locale.ROOT);
                    if (encoding.equals("gzip")) {
                        // Limit what gzip expands to as well: a small compressed body can hold a huge one.
                        body = new LimitedInputStream(new GZIPInputStream(limitedRaw, 64 * 1024), config.maxBodyBytes());
                    } else if (!encoding.isEmpty() && !encoding.equals("identity")) {
                        error = new ScrapeError("other", url + ": unsupported Content-Encoding " + encoding);
                    }
                    if (error == null) {
                        String contentType = response.contentType();
                        boolean openMetrics = contentType.toLowerCase(Locale.ROOT).startsWith("application/openmetrics-text");
                        result = parser.parse(body, new ParseOptions(extraLabels, config.maxSamples(), openMetrics));
                    }
                }
            }
        } catch (ParseException e) {
            error = new ScrapeError("parse", url + ": " + e.getMessage());
        } catch (SampleLimitException e) {
            error = new ScrapeError("sample_limit", url + ": " + e.getMessage());
        } catch (LimitedInputStream.BodyLimitException e) {
            error = new ScrapeError("body_limit", url + ": " + e.getMessage());
        } catch (IOException e) {
            error = classify(e, System.nanoTime() - deadlineNanos >= 0);
        } finally {
            watchdog.disarm();
            // An interrupt from this scrape's watchdog must not reach the pause or the next scrape.
            if (Thread.interrupted() && !running) {
                Thread.currentThread().interrupt();
            }
        }
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        publish(next, startMillis, seconds, result, error);
    }

    private ScrapeError classify(Exception e, boolean pastDeadline) {
        if (!running) {
            return new ScrapeError("other", url + ": stopped");
        }
        if (pastDeadline || e instanceof java.io.InterruptedIOException) {
            return new ScrapeError("timeout", url + ": no complete answer within " + config.timeout().toMillis() + " ms");
        }
        Throwable cause = e;
        while (cause != null) {
            if (cause instanceof ConnectException) {
                return new ScrapeError("refused", url + ": connection refused");
            }
            if (cause instanceof SSLException) {
                return new ScrapeError("tls", url + ": TLS: " + cause.getMessage());
            }
            if (cause instanceof java.util.zip.ZipException) {
                return new ScrapeError("parse", url + ": bad gzip body: " + cause.getMessage());
            }
            if (cause instanceof LimitedInputStream.BodyLimitException) {
                return new ScrapeError("body_limit", url + ": " + cause.getMessage());
            }
            cause = cause.getCause();
        }
        return new ScrapeError("other", url + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : ": " + e.getMessage()));
    }

    private void publish(BatchConsumer next, long startMillis, double seconds, ParseResult result, ScrapeError error) {
        String target = url.toString();
        metrics.duration.labels(receiverId, target).set(seconds);
        if (error == null) {
            metrics.up.labels(receiverId, target).set(1);
            metrics.samples.labels(receiverId, target).set(result.sampleLines());
            metrics.duplicates.labels(receiverId, target).set(result.duplicateSeries());
            long series = result.families().stream().mapToLong(f -> f.series().size()).sum();
            TargetStatus before = status;
            status = new TargetStatus(receiverId, target, true, startMillis, seconds, result.sampleLines(), series, null, null);
            // One log line per state change: the first good scrape, and a recovery after failures.
            if (announce && before.lastScrapeMillis() == 0) {
                LOG.log(System.Logger.Level.INFO, "target up: {0} ({1} samples, {2} series)", target, result.sampleLines(), series);
            } else if (announce && !before.up()) {
                LOG.log(System.Logger.Level.INFO, "target up again: {0} (was down: {1})", target, before.lastErrorReason());
            }
            next.consume(Batch.success(targetId, resource, startMillis, result.families()));
        } else {
            if (!running) {
                return; // a scrape cut short by shutdown is not a target failure
            }
            metrics.up.labels(receiverId, target).set(0);
            metrics.samples.labels(receiverId, target).set(0);
            metrics.errors.labels(receiverId, target, error.reason()).inc();
            TargetStatus previous = status;
            boolean changed = previous.lastError() == null || !previous.lastError().equals(error.message());
            status = new TargetStatus(receiverId, target, false, startMillis, seconds, 0, 0, error.reason(), error.message());
            // Log a failure when it starts or changes, not on every tick of a target that stays down.
            if (changed && announce) {
                LOG.log(System.Logger.Level.WARNING, "scrape failed ({0}): {1}", error.reason(), error.message());
            }
            next.consume(Batch.failure(targetId, resource, startMillis, error.message()));
        }
    }
}
