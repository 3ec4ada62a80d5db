package dev.kmp.kubernetes;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

/**
 * The informers of one kind: one for all namespaces, or one per configured namespace (RBAC scoped
 * to a few namespaces cannot list cluster-wide). Lookups ask each of them; they are few.
 */
final class ScopedInformers<T extends HasMetadata> {
    final String kind;
    final List<SharedIndexInformer<T>> informers;
    // The handler's onAdd calls so far, and how many objects the first lists held (-1 until the
    // informers reported them): see hasSynced.
    private final java.util.concurrent.atomic.AtomicLong addsHandled = new java.util.concurrent.atomic.AtomicLong();
    private volatile long firstListed = -1;

    ScopedInformers(String kind, List<SharedIndexInformer<T>> informers) {
        this.kind = kind;
        this.informers = List.copyOf(informers);
    }

    static <T extends HasMetadata> ScopedInformers<T> of(String kind, List<String> namespaces,
                                                       Function<String, SharedIndexInformer<T>> perNamespace,
                                                       java.util.function.Supplier<SharedIndexInformer<T>> anyNamespace) {
        List<SharedIndexInformer<T>> list = new ArrayList<>();
        if (namespaces.isEmpty()) {
            list.add(anyNamespace.get());
        } else {
            for (String ns : namespaces) {
                list.add(perNamespace.apply(ns));
            }
        }
        return new ScopedInformers<>(kind, list);
    }

    void addIndexers(Map<String, Function<T, List<String>>> indexers) {
        informers.forEach(i -> i.addIndexers(indexers));
    }

    Optional<T> byKey(String namespace, String name) {
        String key = namespace + "/" + name;
        for (SharedIndexInformer<T> i : informers) {
            T t = i.getStore().getByKey(key);
            if (t != null) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    List<T> byIndex(String index, String key) {
        if (informers.size() == 1) {
            return informers.get(0).getIndexer().byIndex(index, key);
        }
        List<T> out = new ArrayList<>();
        for (SharedIndexInformer<T> i : informers) {
            out.addAll(i.getIndexer().byIndex(index, key));
        }
        return out;
    }

    List<T> all() {
        List<T> out = new ArrayList<>();
        for (SharedIndexInformer<T> i : informers) {
            out.addAll(i.getStore().list());
        }
        return out;
    }

    /** Counts one onAdd that the cache's handler finished with. */
    void addHandled() {
        addsHandled.incrementAndGet();
    }

    /**
     * Whether the first lists are in the stores and the handler has seen each of their objects.
     * fabric8 reports an informer synced once its store holds the list, and delivers the handler's
     * onAdd calls afterwards, on its own thread: the counts that tell a Kong service name's
     * resolution may be stale grew after "synced", and the first batches enriched everything
     * again (a test caught it reusing no set from one batch to the next).
     */
    boolean hasSynced() {
        for (SharedIndexInformer<T> i : informers) {
            if (!i.hasSynced()) {
                return false;
            }
        }
        long listed = firstListed;
        if (listed < 0) {
            listed = size(); // objects added since the list come with an onAdd each too
            firstListed = listed;
        }
        return addsHandled.get() >= listed;
    }

    boolean watching() {
        for (SharedIndexInformer<T> i : informers) {
            if (!i.isWatching()) {
                return false;
            }
        }
        return true;
    }

    int size() {
        int n = 0;
        for (SharedIndexInformer<T> i : informers) {
            n += i.getStore().list().size();
        }
        return n;
    }

    void stop() {
        informers.forEach(SharedIndexInformer::stop);
    }
}
