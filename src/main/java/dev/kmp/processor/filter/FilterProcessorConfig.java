package dev.kmp.processor.filter;

import java.util.List;

/**
 * Which metric families pass: with {@code include} only those listed, then minus {@code exclude}.
 * Entries are family names, with {@code *} matching any run of characters ({@code kong_*_latency_ms}).
 */
public record FilterProcessorConfig(List<String> include, List<String> exclude) {
    public FilterProcessorConfig {
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
    }
}
