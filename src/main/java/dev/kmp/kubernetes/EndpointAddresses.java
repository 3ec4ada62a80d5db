package dev.kmp.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Every address of the cached EndpointSlices with the endpoint it belongs to: what a Kong upstream
 * target {@code ip:port} maps to (its Pod, namespace and Service). Kept up to date by the slice
 * informers' events, one slice at a time, so a lookup is always one map read: the informer's own
 * address index costs a few microseconds per lookup (tens of thousands of upstream targets in a
 * large cluster), and a snapshot of every slice taken on first use cost a target's first scrape
 * 20-30 ms at 5000 services, and again after slice changes.
 *
 * <p>Lookups read without locking; the informers' event threads write under this object's lock.
 */
final class EndpointAddresses {
    /** One endpoint address of one slice: the slice, the ports it lists (null: all ports) and what it maps to. */
    private record Entry(String slice, int[] ports, ClusterCache.TargetEndpoint endpoint) {
    }

    private static final Entry[] NONE = new Entry[0];

    private final Map<String, Entry[]> byAddress = new ConcurrentHashMap<>();
    /** Writers only: the addresses each slice ("namespace/name") put in, to take them out again. */
    private final Map<String, List<String>> addressesBySlice = new HashMap<>();

    /** How many distinct addresses the slices hold. */
    int size() {
        return byAddress.size();
    }

    /** Adds a slice, or replaces what an earlier version of it put in. */
    synchronized void put(EndpointSlice slice) {
        String key = keyOf(slice);
        remove(key);
        if (slice.getEndpoints() == null) {
            return;
        }
        int[] ports = portsOf(slice);
        List<String> added = new ArrayList<>();
        for (Endpoint ep : slice.getEndpoints()) {
            if (ep.getAddresses() == null) {
                continue;
            }
            Entry entry = new Entry(key, ports, endpointOf(slice, ep));
            for (String address : ep.getAddresses()) {
                byAddress.merge(address, new Entry[] {entry}, EndpointAddresses::concat);
                added.add(address);
            }
        }
        if (!added.isEmpty()) {
            addressesBySlice.put(key, added);
        }
    }

    /** Takes out what a deleted slice put in. */
    synchronized void remove(EndpointSlice slice) {
        remove(keyOf(slice));
    }

    /** The endpoint at {@code ip} in a slice that serves {@code port}; the slice put in first wins. */
    Optional<ClusterCache.TargetEndpoint> find(String ip, int port) {
        for (Entry e : byAddress.getOrDefault(ip, NONE)) {
            if (serves(e.ports(), port)) {
                return Optional.of(e.endpoint());
            }
        }
        return Optional.empty();
    }

    private void remove(String key) {
        List<String> addresses = addressesBySlice.remove(key);
        if (addresses == null) {
            return;
        }
        for (String address : addresses) {
            byAddress.computeIfPresent(address, (a, entries) -> {
                Entry[] kept = Arrays.stream(entries).filter(e -> !e.slice().equals(key)).toArray(Entry[]::new);
                return kept.length == 0 ? null : kept;
            });
        }
    }

    private static Entry[] concat(Entry[] a, Entry[] b) {
        Entry[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    private static String keyOf(EndpointSlice slice) {
        return slice.getMetadata().getNamespace() + "/" + slice.getMetadata().getName();
    }

    private static boolean serves(int[] ports, int port) {
        if (ports == null) {
            return true;
        }
        for (int p : ports) {
            if (p == port) {
                return true;
            }
        }
        return false;
    }

    // No ports listed means "all ports" in the EndpointSlice API: null.
    private static int[] portsOf(EndpointSlice slice) {
        if (slice.getPorts() == null || slice.getPorts().isEmpty()) {
            return null;
        }
        return slice.getPorts().stream().map(EndpointPort::getPort).filter(p -> p != null).mapToInt(Integer::intValue).toArray();
    }

    private static ClusterCache.TargetEndpoint endpointOf(EndpointSlice slice, Endpoint ep) {
        String service = slice.getMetadata().getLabels() == null ? null
                : slice.getMetadata().getLabels().get(ClusterCache.SERVICE_NAME_LABEL);
        ObjectReference ref = ep.getTargetRef();
        boolean isPod = ref != null && "Pod".equals(ref.getKind());
        String ns = slice.getMetadata().getNamespace();
        return new ClusterCache.TargetEndpoint(isPod ? ref.getName() : null,
                isPod && ref.getNamespace() != null ? ref.getNamespace() : ns, service);
    }
}
