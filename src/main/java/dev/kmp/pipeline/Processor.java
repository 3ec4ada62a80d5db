package dev.kmp.pipeline;

import dev.kmp.model.Batch;

/** A function over one batch (plus cached state of its own); never calls remote APIs per batch. */
public interface Processor {
    /** The processed batch; may be {@code batch} itself when nothing changes. */
    Batch process(Batch batch);

    default void shutdown() {
    }

    /** What /status shows about this processor (e.g. how names resolved); JSON-serialisable values. */
    default java.util.Map<String, Object> status() {
        return java.util.Map.of();
    }
}
