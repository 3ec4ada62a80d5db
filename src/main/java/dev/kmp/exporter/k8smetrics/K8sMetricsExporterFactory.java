package dev.kmp.exporter.k8smetrics;

import dev.kmp.config.ConfigNode;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Makes {@code k8smetrics} exporters. Keys: {@code port}, {@code tls.cert_file}, {@code tls.key_file},
 * {@code authentication} ({@code requestheader} | {@code clientcert} | {@code none}),
 * {@code client_ca_file}, {@code allowed_names}, {@code no_traffic} ({@code zero} | {@code error}),
 * {@code metrics[]} with {@code name}, {@code from}, {@code aggregation}, {@code window}.
 */
public final class K8sMetricsExporterFactory implements ComponentFactory<K8sMetricsConfig, K8sMetricsExporter> {
    public static final String TYPE = "k8smetrics";

    /** Kubernetes puts metric names in URL paths and lower-cases them; keep them to one path segment. */
    private static final Pattern METRIC_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_:.-]*");
    private static final Duration MIN_WINDOW = Duration.ofSeconds(1);
    private static final Duration MAX_WINDOW = Duration.ofHours(1);

    @Override
    public String type() {
        return TYPE;
    }

    /** Never throws: bad values are recorded in {@code node.problems()} and replaced by defaults. */
    @Override
    public K8sMetricsConfig parseConfig(ConfigNode node) {
        if (!node.isMissing() && !node.isMap()) {
            node.error("expected a map of keys");
            return new K8sMetricsConfig(K8sMetricsConfig.DEFAULT_PORT, null, null, Authentication.REQUESTHEADER,
                    null, List.of(), K8sMetricsConfig.NoTraffic.ZERO, List.of());
        }
        int port = (int) node.integer("port", K8sMetricsConfig.DEFAULT_PORT, 0, 65535);

        ConfigNode tls = node.map("tls");
        String certFile = tls.string("cert_file", null);
        String keyFile = tls.string("key_file", null);
        if ((certFile == null) != (keyFile == null)) {
            tls.error("cert_file and key_file go together (leave both out for a self-signed pair made at start)");
            certFile = null;
            keyFile = null;
        }
        certFile = existingFile(tls.get("cert_file"), certFile);
        keyFile = existingFile(tls.get("key_file"), keyFile);
        if ((certFile == null) != (keyFile == null)) {
            certFile = null;
            keyFile = null;
        }

        Authentication authentication = Authentication.ofWord(
                node.oneOf("authentication", Authentication.REQUESTHEADER.word, "requestheader", "clientcert", "none"));
        String clientCaFile = existingFile(node.get("client_ca_file"), node.string("client_ca_file", null));
        if (authentication == Authentication.CLIENTCERT && clientCaFile == null && !node.get("client_ca_file").isScalar()) {
            node.get("authentication").error("clientcert needs client_ca_file (the CA that signs callers' certificates)");
        }
        List<String> allowedNames = node.stringList("allowed_names");
        if (!allowedNames.isEmpty() && authentication != Authentication.REQUESTHEADER) {
            node.get("allowed_names").warning("only used with authentication: requestheader");
        }
        K8sMetricsConfig.NoTraffic noTraffic = K8sMetricsConfig.NoTraffic.valueOf(
                node.oneOf("no_traffic", "zero", "zero", "error").toUpperCase(Locale.ROOT));

        List<MetricDefinition> metrics = new ArrayList<>();
        Map<String, Integer> seen = new HashMap<>();
        ConfigNode list = node.get("metrics");
        if (list.isMissing() || list.isNull() || (list.isList() && list.items().isEmpty())) {
            node.get("metrics").error("at least one metric is required (name, from, aggregation, window)");
        }
        list.forEachMapItem(item -> {
            String name = item.requiredString("name");
            String from = item.requiredString("from");
            String aggregation = item.oneOf("aggregation", "average", Aggregation.words());
            Duration window = item.duration("window", Duration.ofSeconds(60), MIN_WINDOW);
            if (window.compareTo(MAX_WINDOW) > 0) {
                item.get("window").error(window.toSeconds() + "s is longer than the maximum of 1h (history is kept in memory)");
                window = MAX_WINDOW;
            }
            if (name == null || from == null) {
                return;
            }
            if (!METRIC_NAME.matcher(name).matches()) {
                item.get("name").error("'" + name + "' is not a metric name (letters, digits, _ : . -; no leading digit)");
                return;
            }
            // The HPA lower-cases metric names on the way, so two names that differ only in case collide.
            Integer first = seen.putIfAbsent(name.toLowerCase(Locale.ROOT), item.line());
            if (first != null) {
                item.get("name").error("'" + name + "' is already defined at line " + first + " (names are compared ignoring case)");
                return;
            }
            metrics.add(new MetricDefinition(name, from, Aggregation.ofWord(aggregation), window));
        });
        return new K8sMetricsConfig(port, certFile, keyFile, authentication, clientCaFile, allowedNames, noTraffic, metrics);
    }

    private static String existingFile(ConfigNode node, String file) {
        if (file == null) {
            return null;
        }
        if (!Files.isRegularFile(Path.of(file))) {
            node.error("no such file: " + file);
            return null;
        }
        return file;
    }

    @Override
    public K8sMetricsExporter create(String id, K8sMetricsConfig config, ComponentContext context) {
        return new K8sMetricsExporter(id, config, context);
    }
}
