package dev.kmp.exporter.k8smetrics;

import java.time.Duration;
import java.util.List;

/**
 * The {@code k8smetrics} exporter's settings.
 *
 * @param port           the TLS port of the metrics APIs, on every interface (0 picks a free one, for tests)
 * @param certFile       PEM serving certificate (chain); null with {@code keyFile} null: self-signed at start
 * @param keyFile        PEM private key of {@code certFile}
 * @param authentication who may call
 * @param clientCaFile   PEM CA that signs accepted client certificates; for {@code requestheader}
 *                       null means the cluster's {@code extension-apiserver-authentication} ConfigMap
 * @param allowedNames   accepted front-proxy certificate CNs ({@code requestheader}); empty: any
 * @param noTraffic      what a window with no requests answers
 * @param metrics        what is served
 */
public record K8sMetricsConfig(
        int port,
        String certFile,
        String keyFile,
        Authentication authentication,
        String clientCaFile,
        List<String> allowedNames,
        NoTraffic noTraffic,
        List<MetricDefinition> metrics) {

    public static final int DEFAULT_PORT = 6443;

    public K8sMetricsConfig {
        allowedNames = List.copyOf(allowedNames);
        metrics = List.copyOf(metrics);
        if ((certFile == null) != (keyFile == null)) {
            throw new IllegalArgumentException("cert_file and key_file go together");
        }
    }

    /** The longest window of any metric: how much history a series keeps. */
    public Duration longestWindow() {
        Duration longest = Duration.ofSeconds(1);
        for (MetricDefinition m : metrics) {
            if (m.window().compareTo(longest) > 0) {
                longest = m.window();
            }
        }
        return longest;
    }

    /** The answer to a window with no requests: {@code zero} or an error. */
    public enum NoTraffic {
        ZERO, ERROR
    }
}
