package dev.kmp.pipeline;

import java.util.Map;

/** The end of a pipeline. Exporters may be fed by several pipelines at once: they must be thread-safe. */
public interface Exporter extends BatchConsumer {
    default void start() {
    }

    /** Flushes what can be flushed within a bounded time and releases resources. */
    default void shutdown() {
    }

    /** What /status shows about this exporter (counts, last error); JSON-serialisable values. */
    default Map<String, Object> status() {
        return Map.of();
    }
}
