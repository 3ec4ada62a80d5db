package dev.kmp.receiver.kong;

import dev.kmp.config.ConfigNode;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.ComponentFactory;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
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
        List<URI> targets = new ArrayList<>();
        ConfigNode targetsNode = node.get("targets");
        if (targetsNode.isMissing() || targetsNode.isNull()) {
            targetsNode.error("is required: list the Kong Status API URLs (e.g. http://kong:8100/metrics)");
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
        return new KongReceiverConfig(interval, timeout, targets, maxBody, maxSamples);
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
