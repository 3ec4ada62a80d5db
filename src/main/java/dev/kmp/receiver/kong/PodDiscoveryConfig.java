package dev.kmp.receiver.kong;

import java.util.List;
import java.util.Map;

/**
 * {@code discovery.kubernetes}: Kong pods matching {@code selector} (equality terms
 * {@code k=v,k2=v2}) in {@code namespaces} (empty: all) are scraped at
 * {@code scheme://<pod IP>:port/path} while they are ready.
 */
public record PodDiscoveryConfig(List<String> namespaces, Map<String, String> selector, String selectorText,
                                 int port, String path, String scheme) {
    public static final String DEFAULT_SELECTOR = "app.kubernetes.io/name=kong";
    public static final int DEFAULT_PORT = 8100;

    public PodDiscoveryConfig {
        namespaces = List.copyOf(namespaces);
        selector = Map.copyOf(selector);
    }
}
