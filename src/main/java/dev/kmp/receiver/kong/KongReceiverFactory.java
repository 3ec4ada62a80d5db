package dev.kmp.receiver.kong;

import dev.kmp.config.ConfigNode;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Type {@code kong}: scrapes the Prometheus plugin output of Kong Gateway nodes. */
public final class KongReceiverFactory implements ComponentFactory<KongReceiverConfig, KongReceiver> {
    @Override
    public String type() {
        return "kong";
    }

    @Override
    public KongReceiverConfig parseConfig(ConfigNode node) {
        Duration interval = node.duration("interval", KongReceiverConfig.DEFAULT_INTERVAL, Duration.ofMillis(100));
        Duration timeout = node.duration("timeout", null, Duration.ofMillis(10));
        if (timeout == null) {
            timeout = interval.compareTo(KongReceiverConfig.DEFAULT_TIMEOUT) < 0 ? interval : KongReceiverConfig.DEFAULT_TIMEOUT;
        } else if (timeout.compareTo(interval) > 0) {
            node.get("timeout").error("must not be longer than interval (" + node.string("interval", "10s") + ")");
        }
        Optional<PodDiscoveryConfig> discovery = parseDiscovery(node);
        List<URI> targets = new ArrayList<>();
        ConfigNode targetsNode = node.get("targets");
        if (targetsNode.isMissing() || targetsNode.isNull()) {
            if (discovery.isEmpty()) {
                targetsNode.error("is required unless discovery.kubernetes is set: list the Kong Status API URLs "
                        + "(e.g. http://kong:8100/metrics)");
            }
        } else if (!targetsNode.isList()) {
            targetsNode.error("expected a list of URLs");
        } else {
            Set<URI> seen = new HashSet<>();
            for (ConfigNode t : targetsNode.items()) {
                String text = t.asString();
                URI uri = text == null ? null : parseTarget(t, text);
                if (uri != null && !seen.add(uri)) {
                    t.error("target " + uri + " is listed twice");
                } else if (uri != null) {
                    targets.add(uri);
                }
            }
        }
        ConfigNode limits = node.map("limits");
        long maxBody = limits.size("max_body_bytes", KongReceiverConfig.DEFAULT_MAX_BODY_BYTES, 1024);
        long maxSamples = limits.integer("max_samples", KongReceiverConfig.DEFAULT_MAX_SAMPLES, 1, Long.MAX_VALUE);
        Optional<AdminApiConfig> adminApi = parseAdminApi(node, discovery.isPresent());
        return new KongReceiverConfig(interval, timeout, targets, maxBody, maxSamples, discovery, adminApi);
    }

    private static Optional<PodDiscoveryConfig> parseDiscovery(ConfigNode node) {
        ConfigNode d = node.map("discovery");
        if (d.isMissing() || d.isNull()) {
            return Optional.empty();
        }
        ConfigNode k = d.map("kubernetes");
        if (k.isMissing() || k.isNull()) {
            k.error("is required under discovery (the only kind of discovery)");
            return Optional.empty();
        }
        List<String> namespaces = k.stringList("namespaces");
        String selectorText = k.string("selector", PodDiscoveryConfig.DEFAULT_SELECTOR);
        Map<String, String> selector = new LinkedHashMap<>();
        for (String term : selectorText.split(",")) {
            String t = term.strip();
            int eq = t.indexOf('=');
            String key = eq <= 0 ? "" : t.substring(0, eq).strip();
            String value = eq <= 0 ? "" : t.substring(t.startsWith("==", eq) ? eq + 2 : eq + 1).strip();
            if (key.isEmpty() || key.endsWith("!") || !key.matches("[A-Za-z0-9._/-]+") || !value.matches("[A-Za-z0-9._-]*")) {
                k.get("selector").error("'" + t + "' is not an equality term key=value (the selector is key=value[,key=value...])");
                continue;
            }
            selector.put(key, value);
        }
        if (selector.isEmpty()) {
            k.get("selector").error("must select something: an empty selector would scrape every pod");
        }
        int port = (int) k.integer("port", PodDiscoveryConfig.DEFAULT_PORT, 1, 65535);
        String path = k.string("path", "/metrics");
        if (!path.startsWith("/")) {
            k.get("path").error("'" + path + "' must start with '/'");
        }
        String scheme = k.oneOf("scheme", "http", "http", "https");
        return Optional.of(new PodDiscoveryConfig(namespaces, selector, selectorText, port, path, scheme));
    }

    private static Optional<AdminApiConfig> parseAdminApi(ConfigNode node, boolean discovery) {
        ConfigNode a = node.map("admin_api");
        if (a.isMissing() || a.isNull()) {
            return Optional.empty();
        }
        Optional<URI> url = Optional.empty();
        String urlText = a.string("url", null);
        if (urlText != null) {
            try {
                URI u = new URI(urlText.strip());
                if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                    a.get("url").error("'" + a.get("url").rawText() + "' is not an http or https URL with a host");
                } else {
                    url = Optional.of(u);
                }
            } catch (URISyntaxException e) {
                a.get("url").error("'" + a.get("url").rawText() + "' is not a URL: " + e.getReason());
            }
        } else if (!discovery) {
            a.error("needs url (a static Admin API), or discovery.kubernetes to use admin_api.port on each pod");
        }
        int port = (int) a.integer("port", AdminApiConfig.DEFAULT_PORT, 1, 65535);
        Duration interval = a.duration("interval", AdminApiConfig.DEFAULT_INTERVAL, Duration.ofMillis(100));
        TlsConfig tls = parseTls(a.map("tls"));
        return Optional.of(new AdminApiConfig(url, port, interval, tls));
    }

    static TlsConfig parseTls(ConfigNode t) {
        if (t.isMissing() || t.isNull()) {
            return TlsConfig.NONE;
        }
        String ca = existingFile(t, "ca_file");
        String cert = existingFile(t, "cert_file");
        String key = existingFile(t, "key_file");
        String secret = t.string("secret", null);
        boolean insecure = t.bool("insecure_skip_verify", false);
        if (t.get("cert_file").isMissing() != t.get("key_file").isMissing()) {
            t.error("cert_file and key_file go together");
        }
        if (secret != null && !secret.matches("[a-z0-9]([-a-z0-9]*[a-z0-9])?/[a-z0-9]([-.a-z0-9]*[a-z0-9])?")) {
            t.get("secret").error("'" + secret + "' is not namespace/name");
            secret = null;
        }
        if (secret != null && (ca != null || cert != null)) {
            t.get("secret").error("use either secret or the *_file keys, not both");
        }
        return new TlsConfig(ca, cert, key, secret, insecure);
    }

    private static String existingFile(ConfigNode t, String key) {
        String f = t.string(key, null);
        if (f != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(f))) {
            t.get(key).error("cannot read " + f);
        }
        return f;
    }

    private static URI parseTarget(ConfigNode t, String text) {
        try {
            URI uri = new URI(text.strip());
            if (!"http".equals(uri.getScheme()) && !"https".equals(uri.getScheme())) {
                t.error("'" + t.rawText() + "' is not an http or https URL");
                return null;
            }
            if (uri.getHost() == null) {
                t.error("'" + t.rawText() + "' has no host");
                return null;
            }
            if (uri.getRawPath() == null || uri.getRawPath().isEmpty()) {
                // Kong serves the plugin output on /metrics of the Status API.
                uri = uri.resolve("/metrics");
            }
            return uri;
        } catch (URISyntaxException e) {
            t.error("'" + t.rawText() + "' is not a URL: " + e.getReason());
            return null;
        }
    }

    @Override
    public KongReceiver create(String id, KongReceiverConfig config, ComponentContext context) {
        return new KongReceiver(id, config, context);
    }
}
