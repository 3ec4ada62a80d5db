package dev.kmp.pipeline;

import java.util.List;

/** Produces batches (one per scrape of one target) and hands them to {@code next}. */
public interface Receiver {
    void start(BatchConsumer next);

    /** Stops producing; returns once no more batches will be sent. */
    void shutdown();

    /** The state of each target, for /status. */
    List<TargetStatus> targets();
}
