package dev.kmp.exporter.otlp;

import java.net.URI;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The {@code otlp} exporter's settings.
 *
 * @param endpoint    where requests go: for http the full URL ({@code /v1/metrics} already appended
 *                    when the configured URL had no path), for grpc {@code scheme://host:port}
 * @param protocol    {@code http/protobuf} or {@code grpc}
 * @param temporality how sums and histograms are reported; Datadog wants delta
 * @param interval    how often the queue is sent
 * @param headers     sent with every request; values are secrets (API keys) and never printed
 * @param compression gzip or none
 * @param timeout     one request; also bounds the flush at shutdown
 * @param retry       backoff for failed requests
 * @param queueSize   the most data points waiting to be sent; past it the oldest batches are dropped
 * @param seriesTtl   how long the state of a series that is no longer scraped is kept
 */
public record OtlpExporterConfig(
        URI endpoint,
        Protocol protocol,
        Temporality temporality,
        Duration interval,
        Map<String, String> headers,
        Compression compression,
        Duration timeout,
        Retry retry,
        long queueSize,
        Duration seriesTtl) {

    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    public static final long DEFAULT_QUEUE_SIZE = 500_000;
    public static final Duration DEFAULT_SERIES_TTL = Duration.ofMinutes(5);

    public OtlpExporterConfig {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        if (queueSize < 1) {
            throw new IllegalArgumentException("queueSize must be >= 1: " + queueSize);
        }
    }

    /** The wire protocols of OTLP. */
    public enum Protocol {
        HTTP_PROTOBUF("http/protobuf"), GRPC("grpc");

        public final String text;

        Protocol(String text) {
            this.text = text;
        }
    }

    /** Temporality of monotonic sums and histograms (gauges have none). */
    public enum Temporality {
        CUMULATIVE, DELTA;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    public enum Compression {
        GZIP, NONE;

        public String text() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * Exponential backoff (doubling, with jitter) between attempts to send one batch, given up
     * after {@code maxElapsed}; disabled means one attempt.
     */
    public record Retry(boolean enabled, Duration initialInterval, Duration maxInterval, Duration maxElapsed) {
        public static final Retry DEFAULTS = new Retry(true, Duration.ofSeconds(1), Duration.ofSeconds(30), Duration.ofMinutes(5));
    }

    /** Header values are API keys: shown as {@code <redacted>} so that no log or status line carries them. */
    @Override
    public String toString() {
        StringJoiner h = new StringJoiner(", ", "{", "}");
        headers.keySet().forEach(k -> h.add(k + "=<redacted>"));
        return "OtlpExporterConfig[endpoint=" + endpoint + ", protocol=" + protocol.text + ", temporality="
                + temporality.text() + ", interval=" + interval + ", headers=" + h + ", compression="
                + compression.text() + ", timeout=" + timeout + ", retry=" + retry + ", queueSize=" + queueSize
                + ", seriesTtl=" + seriesTtl + "]";
    }
}
