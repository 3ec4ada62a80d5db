package dev.kmp.exporter.otlp;

import dev.kmp.exporter.otlp.OtlpExporterConfig.Protocol;
import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Leadership;
import dev.kmp.pipeline.Exporter;
import dev.kmp.telemetry.SelfMetrics;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporterBuilder;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporter;
import io.opentelemetry.exporter.otlp.metrics.OtlpGrpcMetricExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.export.GrpcResponse;
import io.opentelemetry.sdk.common.export.HttpResponse;
import io.opentelemetry.sdk.metrics.export.MetricExporter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The {@code otlp} exporter: converts each scrape as it arrives (so delta baselines follow every
 * scrape), queues it, and sends the queue every {@code interval} through the OTel SDK's own OTLP
 * exporter on one sender thread. A failed request is retried with exponential backoff while newer
 * scrapes wait in the bounded queue, which drops its oldest batches when full: memory stays flat
 * however long the backend is down, and sending resumes when it is back.
 *
 * <p>Only the leader replica should push: {@link #setActive(boolean)} pauses and resumes sending;
 * a paused exporter still follows the scrapes so that its first deltas after resuming are right.
 */
public final class OtlpExporter implements Exporter {
    private static final System.Logger LOG = System.getLogger(OtlpExporter.class.getName());

    private final String id;
    private final OtlpExporterConfig config;
    private final Clock clock;
    private final BatchConverter converter;
    private final OutboundQueue queue;
    private final MetricExporter sdk;
    private final SelfMetrics.Child sentPoints;
    private final SelfMetrics.Child droppedPoints;
    private final SelfMetrics.Child exportSeconds;
    private final SelfMetrics.Child queuedPoints;

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition wake = lock.newCondition();
    private volatile boolean closing;
    private volatile boolean active = true;
    private Thread sender;

    private final Leadership leadership;
    private final java.util.function.Consumer<Boolean> followLeadership = this::setActive;
    private volatile String lastError;
    private volatile long lastErrorMillis;
    private volatile long lastSuccessMillis;
    private volatile long failingSinceMillis;
    private volatile double lastExportSeconds;

    public OtlpExporter(String id, OtlpExporterConfig config, ComponentContext context) {
        this.id = id;
        this.config = config;
        this.clock = context.clock();
        this.converter = new BatchConverter(config.temporality(), config.seriesTtl().toMillis());
        this.queue = new OutboundQueue(config.queueSize());
        this.sdk = sdkExporter(config);
        SelfMetrics m = context.selfMetrics();
        // Same names and help as the Prometheus exporter's: the registry hands back one family.
        this.sentPoints = m.counter("kmp_exporter_sent_points_total",
                "Data points sent (for the Prometheus exporter: sample lines served)", "exporter").labels(id);
        this.exportSeconds = m.gauge("kmp_exporter_export_duration_seconds",
                "Duration of the last export (for the Prometheus exporter: the last render)", "exporter").labels(id);
        // Only the leader replica pushes (DESIGN.md, Replicas): follow the Lease from the start.
        this.leadership = context.leadership();
        this.active = leadership.isLeader();
        leadership.addListener(followLeadership);
        this.droppedPoints = m.counter("kmp_exporter_dropped_points_total",
                "Data points dropped: queue full, retries given up, or not sent at shutdown", "exporter").labels(id);
        this.queuedPoints = m.gauge("kmp_exporter_queue_points",
                "Data points waiting in the exporter's queue", "exporter").labels(id);
    }

    private static MetricExporter sdkExporter(OtlpExporterConfig c) {
        String compression = c.compression().text();
        if (c.protocol() == Protocol.GRPC) {
            OtlpGrpcMetricExporterBuilder b = OtlpGrpcMetricExporter.builder()
                    .setComponentLoader(SenderChoice.okHttpGrpc())
                    .setEndpoint(c.endpoint().toString())
                    .setTimeout(c.timeout())
                    .setCompression(compression)
                    .setRetryPolicy(null) // retried here, around the bounded queue
                    .setMeterProvider(MeterProvider.noop());
            c.headers().forEach(b::addHeader);
            return b.build();
        }
        OtlpHttpMetricExporterBuilder b = OtlpHttpMetricExporter.builder()
                .setComponentLoader(SenderChoice.jdkHttp())
                .setEndpoint(c.endpoint().toString())
                .setTimeout(c.timeout())
                .setCompression(compression)
                .setRetryPolicy(null)
                .setMeterProvider(MeterProvider.noop());
        c.headers().forEach(b::addHeader);
        return b.build();
    }

    public String id() {
        return id;
    }

    public OtlpExporterConfig config() {
        return config;
    }

    @Override
    public synchronized void start() {
        if (sender == null) {
            sender = new Thread(this::sendLoop, "otlp-exporter-" + id);
            sender.setDaemon(true);
            sender.start();
        }
    }

    @Override
    public void consume(Batch batch) {
        ConvertedBatch converted = converter.convert(batch);
        if (!active || closing || converted.isEmpty()) {
            return;
        }
        List<ConvertedBatch> dropped = queue.offer(converted);
        for (ConvertedBatch d : dropped) {
            drop(d.points(), d == converted
                    ? "a scrape of " + d.points() + " points is larger than queue_size " + config.queueSize()
                    : null);
        }
        queuedPoints.set(queue.points());
    }

    @Override
    public void forget(TargetId target) {
        converter.forget(target);
    }

    /** Pauses (false) or resumes (true) sending; pausing drops what is queued (the new leader sends its own). */
    public void setActive(boolean active) {
        this.active = active;
        if (!active) {
            long n = queue.clear();
            if (n > 0) {
                drop(n, null);
            }
            queuedPoints.set(0);
        }
    }

    public boolean isActive() {
        return active;
    }

    /** Stops taking batches, sends what is queued within {@code timeout}, and closes the SDK exporter. */
    @Override
    public void shutdown() {
        leadership.removeListener(followLeadership);
        closing = true;
        signal();
        Thread t;
        synchronized (this) {
            t = sender;
        }
        if (t != null) {
            try {
                t.join(config.timeout().toMillis() * 2 + 1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        } else {
            flush(null);
        }
        sdk.shutdown().join(config.timeout().toMillis(), TimeUnit.MILLISECONDS);
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> s = new LinkedHashMap<>();
        s.put("endpoint", displayEndpoint(config.endpoint()));
        s.put("protocol", config.protocol().text);
        s.put("temporality", config.temporality().text());
        s.put("active", active);
        s.put("queued_batches", queue.batches());
        s.put("queued_points", queue.points());
        s.put("queue_size", config.queueSize());
        s.put("sent_points", (long) sentPoints.get());
        s.put("dropped_points", (long) droppedPoints.get());
        s.put("tracked_series", converter.trackedSeries());
        s.put("last_export_seconds", lastExportSeconds);
        s.put("last_success", lastSuccessMillis == 0 ? "never" : Instant.ofEpochMilli(lastSuccessMillis).toString());
        String error = lastError;
        if (error != null) {
            s.put("last_error", error);
            s.put("last_error_time", Instant.ofEpochMilli(lastErrorMillis).toString());
        }
        if (failingSinceMillis != 0) {
            s.put("failing_since", Instant.ofEpochMilli(failingSinceMillis).toString());
        }
        return s;
    }

    private static String displayEndpoint(URI endpoint) {
        // A user:password@ part would be a credential.
        return endpoint.getUserInfo() == null ? endpoint.toString()
                : endpoint.getScheme() + "://" + endpoint.getHost() + (endpoint.getPort() < 0 ? "" : ":" + endpoint.getPort())
                + (endpoint.getRawPath() == null ? "" : endpoint.getRawPath());
    }

    // ---- the sender thread ----

    private void sendLoop() {
        long intervalNanos = config.interval().toNanos();
        long next = System.nanoTime() + intervalNanos;
        ConvertedBatch pending = null;
        while (!closing) {
            awaitUntil(next);
            if (closing) {
                break;
            }
            long now = System.nanoTime();
            next = next + intervalNanos - now > 0 ? next + intervalNanos : now + intervalNanos;
            while (!closing && active) {
                ConvertedBatch b = queue.poll();
                queuedPoints.set(queue.points());
                if (b == null) {
                    break;
                }
                if (!sendWithRetry(b)) {
                    if (closing) {
                        pending = b;
                    } else {
                        drop(b.points(), null);
                    }
                }
            }
        }
        flush(pending);
    }

    /** True once sent; false when retries are used up or shutdown began. */
    private boolean sendWithRetry(ConvertedBatch b) {
        long start = System.nanoTime();
        long backoff = config.retry().initialInterval().toNanos();
        while (true) {
            if (attempt(b)) {
                return true;
            }
            if (!config.retry().enabled() || closing || !active) {
                return false;
            }
            // Jitter keeps several replicas or exporters from retrying in step.
            long wait = (long) (backoff * (0.8 + 0.4 * ThreadLocalRandom.current().nextDouble()));
            if (System.nanoTime() - start + wait > config.retry().maxElapsed().toNanos()) {
                return false;
            }
            awaitUntil(System.nanoTime() + wait);
            backoff = Math.min(backoff * 2, config.retry().maxInterval().toNanos());
        }
    }

    private boolean attempt(ConvertedBatch b) {
        long t0 = System.nanoTime();
        CompletableResultCode result;
        try {
            result = sdk.export(b.metrics());
            result.join(config.timeout().toMillis() + 1000, TimeUnit.MILLISECONDS);
        } catch (RuntimeException e) {
            result = CompletableResultCode.ofExceptionalFailure(e);
        }
        lastExportSeconds = (System.nanoTime() - t0) / 1e9;
        exportSeconds.set(lastExportSeconds);
        if (result.isSuccess()) {
            sentPoints.inc(b.points());
            lastSuccessMillis = clock.millis();
            if (failingSinceMillis != 0) {
                LOG.log(System.Logger.Level.INFO, "exporter {0}: sending again to {1}", id, displayEndpoint(config.endpoint()));
                failingSinceMillis = 0;
            }
            return true;
        }
        Throwable cause = result.getFailureThrowable();
        String message = !result.isDone() ? "no answer within " + config.timeout().toMillis() + " ms"
                : cause == null ? "export failed" : describe(cause);
        fail(redact(message));
        return false;
    }

    /**
     * What went wrong, for /status and the log. The SDK reports a backend's answer in an exception
     * of its internal package; its {@code getResponse()} returns public types, read here without
     * compiling against the internal class.
     */
    static String describe(Throwable t) {
        Object response = null;
        try {
            response = t.getClass().getMethod("getResponse").invoke(t);
        } catch (ReflectiveOperationException | RuntimeException e) {
            // not an answer from the backend: a connection failure or the like
        }
        if (response instanceof HttpResponse r) {
            String body = new String(r.getResponseBody() == null ? new byte[0] : r.getResponseBody(), StandardCharsets.UTF_8);
            return "HTTP " + r.getStatusCode() + (body.isBlank() ? "" : ": " + shorten(body.strip()));
        }
        if (response instanceof GrpcResponse r) {
            return "gRPC " + r.getStatusCode() + (r.getStatusDescription() == null ? "" : ": " + shorten(r.getStatusDescription()));
        }
        Throwable cause = t.getCause() != null && t.getMessage() == null ? t.getCause() : t;
        StringBuilder sb = new StringBuilder(cause.getClass().getSimpleName());
        for (Throwable c = cause; c != null; c = c.getCause()) {
            if (c.getMessage() != null && sb.indexOf(c.getMessage()) < 0) {
                sb.append(": ").append(c.getMessage());
            }
        }
        return shorten(sb.toString());
    }

    private static String shorten(String s) {
        return s.length() <= 300 ? s : s.substring(0, 300) + "...";
    }

    private void fail(String message) {
        long now = clock.millis();
        boolean changed = failingSinceMillis == 0 || !message.equals(lastError);
        lastError = message;
        lastErrorMillis = now;
        if (failingSinceMillis == 0) {
            failingSinceMillis = now;
        }
        // Log when failing starts or the reason changes, not on every retry of a backend that stays down.
        if (changed) {
            LOG.log(System.Logger.Level.WARNING, "exporter {0}: export to {1} failed: {2}", id,
                    displayEndpoint(config.endpoint()), message);
        }
    }

    private void drop(long points, String reason) {
        droppedPoints.inc(points);
        if (reason != null) {
            fail(reason);
        }
    }

    /** Header values are secrets: whatever a backend or library echoes back, they never reach a log or /status. */
    private String redact(String message) {
        String out = message;
        for (String v : config.headers().values()) {
            if (v.length() >= 4) {
                out = out.replace(v, "<redacted>");
            }
        }
        return out;
    }

    private void flush(ConvertedBatch pending) {
        long deadline = System.nanoTime() + config.timeout().toNanos();
        ConvertedBatch b = pending != null ? pending : queue.poll();
        while (b != null && active && System.nanoTime() < deadline) {
            if (!attempt(b)) {
                drop(b.points(), null);
            }
            b = queue.poll();
        }
        long left = (b == null ? 0 : b.points()) + queue.clear();
        queuedPoints.set(0);
        if (left > 0) {
            droppedPoints.inc(left);
            LOG.log(System.Logger.Level.WARNING, "exporter {0}: {1} points not sent at shutdown", id, left);
        }
    }

    private void signal() {
        lock.lock();
        try {
            wake.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void awaitUntil(long deadlineNanos) {
        lock.lock();
        try {
            long left;
            while (!closing && (left = deadlineNanos - System.nanoTime()) > 0) {
                wake.awaitNanos(left);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closing = true;
        } finally {
            lock.unlock();
        }
    }
}
