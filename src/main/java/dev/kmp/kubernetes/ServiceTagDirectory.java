package dev.kmp.kubernetes;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Kong service name -> the Kubernetes object its tags name, as read from Kong's Admin API by the
 * receivers (one source per Admin API). The enrichment reads it; {@link #version()} grows on every
 * change so cached resolutions can be dropped.
 */
public final class ServiceTagDirectory {
    private final Map<String, Map<String, ObjectRef>> bySource = new ConcurrentHashMap<>();
    private final AtomicLong version = new AtomicLong();

    /** Replaces what {@code source} knows (a whole {@code GET /services} listing). */
    public void publish(String source, Map<String, ObjectRef> tagsByKongService) {
        Map<String, ObjectRef> copy = Map.copyOf(tagsByKongService);
        Map<String, ObjectRef> old = bySource.put(source, copy);
        if (!copy.equals(old)) {
            version.incrementAndGet();
        }
    }

    /** {@code source} is gone (its receiver stopped): forget what it said. */
    public void remove(String source) {
        if (bySource.remove(source) != null) {
            version.incrementAndGet();
        }
    }

    public Optional<ObjectRef> lookup(String kongService) {
        for (Map<String, ObjectRef> m : bySource.values()) {
            ObjectRef r = m.get(kongService);
            if (r != null) {
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /** True when some Admin API has been read, so a missing tag means "no tags", not "no source". */
    public boolean hasSources() {
        return !bySource.isEmpty();
    }

    public long version() {
        return version.get();
    }

    public Map<String, Integer> sizes() {
        Map<String, Integer> m = new LinkedHashMap<>();
        bySource.forEach((k, v) -> m.put(k, v.size()));
        return m;
    }
}
