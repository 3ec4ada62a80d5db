package dev.kmp.kubernetes;

import java.util.ArrayDeque;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * The addresses each recent EndpointSlice change touched (before and after it), by the version
 * the change took: a reader that saw version v learns which upstream targets may have moved since,
 * instead of checking every one. Keeps the latest {@code capacity} changes; asked about a version
 * older than those, it answers "unknown". Thread-safe.
 */
final class AddressChangeLog {
    private record Change(long version, List<String> addresses) {
    }

    private final int capacity;
    private final ArrayDeque<Change> changes = new ArrayDeque<>();
    private long latest;

    AddressChangeLog(int capacity) {
        this.capacity = capacity;
    }

    /** Records the change that took {@code version} (one more than the previous one's). */
    synchronized void add(long version, List<String> addresses) {
        changes.addLast(new Change(version, addresses));
        latest = version;
        if (changes.size() > capacity) {
            changes.removeFirst();
        }
    }

    /**
     * The addresses the changes after {@code version} touched; empty when some of those changes
     * are no longer kept (then any address may have moved).
     */
    synchronized Optional<Set<String>> changedAfter(long version) {
        Set<String> out = new HashSet<>();
        if (version >= latest) {
            return Optional.of(out);
        }
        Change oldest = changes.peekFirst();
        if (oldest == null || oldest.version() > version + 1) {
            return Optional.empty();
        }
        for (Iterator<Change> i = changes.descendingIterator(); i.hasNext(); ) {
            Change c = i.next();
            if (c.version() <= version) {
                break;
            }
            out.addAll(c.addresses());
        }
        return Optional.of(out);
    }
}
