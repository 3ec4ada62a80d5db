package dev.kmp.exporter.otlp;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * Converted batches waiting to be sent, bounded by their data points: what keeps memory flat while
 * the backend is down. When a batch does not fit, the oldest batches go first (the newest data is
 * worth more); a batch larger than the whole queue is refused itself.
 */
final class OutboundQueue {
    private final long maxPoints;
    private final ArrayDeque<ConvertedBatch> batches = new ArrayDeque<>();
    private long points;

    OutboundQueue(long maxPoints) {
        this.maxPoints = maxPoints;
    }

    /** Adds {@code batch}; returns what was dropped to make room (possibly {@code batch} itself). */
    synchronized List<ConvertedBatch> offer(ConvertedBatch batch) {
        if (batch.points() > maxPoints) {
            return List.of(batch);
        }
        List<ConvertedBatch> dropped = new ArrayList<>(0);
        while (points + batch.points() > maxPoints) {
            ConvertedBatch oldest = batches.pollFirst();
            points -= oldest.points();
            dropped.add(oldest);
        }
        batches.addLast(batch);
        points += batch.points();
        return dropped;
    }

    synchronized ConvertedBatch poll() {
        ConvertedBatch b = batches.pollFirst();
        if (b != null) {
            points -= b.points();
        }
        return b;
    }

    /** Empties the queue; returns how many points were in it. */
    synchronized long clear() {
        long n = points;
        batches.clear();
        points = 0;
        return n;
    }

    synchronized long points() {
        return points;
    }

    synchronized int batches() {
        return batches.size();
    }
}
