package dev.kmp.pipeline;

import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;

/** Takes batches from upstream: a processor chain's next step or an exporter. */
public interface BatchConsumer {
    /** The latest scrape of {@code batch.target()}; a failed batch means "nothing valid now". */
    void consume(Batch batch);

    /** The target is gone for good (removed from config or discovery): drop what is held for it. */
    void forget(TargetId target);
}
