package dev.kmp.exporter.otlp;

import dev.kmp.config.ConfigNode;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Compression;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Protocol;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Retry;
import dev.kmp.exporter.otlp.OtlpExporterConfig.Temporality;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Makes {@code otlp} exporters (ids like {@code otlp/datadog}). Keys: {@code endpoint} (required),
 * {@code protocol}, {@code temporality}, {@code interval}, {@code headers}, {@code compression},
 * {@code timeout}, {@code retry.{enabled,initial_interval,max_interval,max_elapsed_time}},
 * {@code queue_size} (data points), {@code series_ttl}.
 */
public final class OtlpExporterFactory implements ComponentFactory<OtlpExporterConfig, OtlpExporter> {
    public static final String TYPE = "otlp";
    private static final URI PLACEHOLDER = URI.create("http://localhost:4318/v1/metrics");

    @Override
    public String type() {
        return TYPE;
    }

    /** Never throws: bad values are recorded in {@code node.problems()} and replaced by defaults. */
    @Override
    public OtlpExporterConfig parseConfig(ConfigNode node) {
        if (!node.isMissing() && !node.isMap()) {
            node.error("expected a map of keys");
        }
        String protocolText = node.oneOf("protocol", "http/protobuf", "http/protobuf", "grpc");
        Protocol protocol = protocolText.equals("grpc") ? Protocol.GRPC : Protocol.HTTP_PROTOBUF;
        URI endpoint = endpoint(node, protocol);
        Temporality temporality = Temporality.valueOf(
                node.oneOf("temporality", "cumulative", "cumulative", "delta").toUpperCase(Locale.ROOT));
        Duration interval = node.duration("interval", OtlpExporterConfig.DEFAULT_INTERVAL, Duration.ofMillis(10));
        Map<String, String> headers = headers(node);
        Compression compression = Compression.valueOf(
                node.oneOf("compression", "gzip", "gzip", "none").toUpperCase(Locale.ROOT));
        Duration timeout = node.duration("timeout", OtlpExporterConfig.DEFAULT_TIMEOUT, Duration.ofMillis(10));
        Retry retry = retry(node.map("retry"));
        long queueSize = node.integer("queue_size", OtlpExporterConfig.DEFAULT_QUEUE_SIZE, 1, Integer.MAX_VALUE);
        Duration ttl = node.duration("series_ttl", OtlpExporterConfig.DEFAULT_SERIES_TTL, Duration.ofSeconds(1));
        return new OtlpExporterConfig(endpoint, protocol, temporality, interval, headers, compression, timeout,
                retry, queueSize, ttl);
    }

    private static URI endpoint(ConfigNode node, Protocol protocol) {
        ConfigNode n = node.get("endpoint");
        String text = node.requiredString("endpoint");
        if (text == null) {
            return PLACEHOLDER;
        }
        // Messages quote the text as written: a URL taken from the environment may carry credentials.
        URI uri;
        try {
            uri = new URI(text.strip());
        } catch (URISyntaxException e) {
            n.error("'" + n.rawText() + "' is not a URL: " + e.getReason());
            return PLACEHOLDER;
        }
        if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
            n.error("'" + n.rawText() + "' must start with http:// or https:// (for example http://datadog-agent:4318)");
            return PLACEHOLDER;
        }
        if (uri.getHost() == null) {
            n.error("'" + n.rawText() + "' has no host");
            return PLACEHOLDER;
        }
        if (uri.getRawQuery() != null || uri.getRawFragment() != null) {
            n.error("'" + n.rawText() + "' must not have a query or fragment");
            return PLACEHOLDER;
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        boolean noPath = path.isEmpty() || path.equals("/");
        if (protocol == Protocol.GRPC) {
            if (!noPath) {
                n.error("a grpc endpoint is scheme://host:port with no path (the service path is fixed)");
                return PLACEHOLDER;
            }
            return URI.create(uri.getScheme() + "://" + uri.getRawAuthority());
        }
        // OTLP/HTTP: a base URL gets the signal path, as the OTel SDKs do with OTEL_EXPORTER_OTLP_ENDPOINT.
        return noPath ? URI.create(uri.getScheme() + "://" + uri.getRawAuthority() + "/v1/metrics") : uri;
    }

    private static Map<String, String> headers(ConfigNode node) {
        Map<String, String> raw = node.stringMap("headers");
        ConfigNode h = node.get("headers");
        Map<String, String> out = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : raw.entrySet()) {
            String name = e.getKey();
            ConfigNode v = h.get(name);
            if (!name.matches("[!#$%&'*+.^_`|~0-9A-Za-z-]+")) {
                v.error("'" + name + "' is not a valid HTTP header name");
            } else if (e.getValue().indexOf('\r') >= 0 || e.getValue().indexOf('\n') >= 0) {
                v.error("the value contains a line break"); // never quote the value: it is a secret
            } else if (e.getValue().isEmpty()) {
                v.error("the value is empty (is the environment variable set?)");
            } else {
                out.put(name, e.getValue());
            }
        }
        return out;
    }

    private static Retry retry(ConfigNode r) {
        Retry d = Retry.DEFAULTS;
        boolean enabled = r.bool("enabled", d.enabled());
        Duration initial = r.duration("initial_interval", d.initialInterval(), Duration.ofMillis(1));
        Duration max = r.duration("max_interval", d.maxInterval(), Duration.ofMillis(1));
        Duration elapsed = r.duration("max_elapsed_time", d.maxElapsed(), Duration.ZERO);
        if (max.compareTo(initial) < 0) {
            r.get("max_interval").error("must not be shorter than initial_interval");
            max = initial;
        }
        return new Retry(enabled, initial, max, elapsed);
    }

    @Override
    public OtlpExporter create(String id, OtlpExporterConfig config, ComponentContext context) {
        return new OtlpExporter(id, config, context);
    }
}
