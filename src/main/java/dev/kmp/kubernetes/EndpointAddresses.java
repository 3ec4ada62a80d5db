package dev.kmp.kubernetes;

import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Every address of a set of EndpointSlices with the endpoint it belongs to: what a Kong upstream
 * target {@code ip:port} maps to (its Pod, namespace and Service). One snapshot answers a lookup
 * with a map read; the informer's address index costs a few microseconds per lookup, which a
 * target's first batch pays once per upstream target (tens of thousands in a large cluster).
 */
final class EndpointAddresses {
    /** One endpoint address of one slice: the ports the slice lists (null: all ports) and what it maps to. */
    private record Entry(int[] ports, ClusterCache.TargetEndpoint endpoint) {
    }

    private final long version;
    private final Map<String, List<Entry>> byAddress;

    private EndpointAddresses(long version, Map<String, List<Entry>> byAddress) {
        this.version = version;
        this.byAddress = byAddress;
    }

    /** A snapshot of these slices, labelled with the change count it was taken at. */
    static EndpointAddresses of(long version, List<EndpointSlice> slices) {
        Map<String, List<Entry>> byAddress = new HashMap<>(Math.max(16, slices.size() * 4));
        for (EndpointSlice slice : slices) {
            if (slice.getEndpoints() == null) {
                continue;
            }
            int[] ports = portsOf(slice);
            for (Endpoint ep : slice.getEndpoints()) {
                if (ep.getAddresses() == null) {
                    continue;
                }
                Entry entry = new Entry(ports, endpointOf(slice, ep));
                for (String address : ep.getAddresses()) {
                    byAddress.computeIfAbsent(address, a -> new ArrayList<>(1)).add(entry);
                }
            }
        }
        return new EndpointAddresses(version, byAddress);
    }

    long version() {
        return version;
    }

    /** The endpoint at {@code ip} in a slice that serves {@code port}; the first slice listed wins. */
    Optional<ClusterCache.TargetEndpoint> find(String ip, int port) {
        List<Entry> entries = byAddress.get(ip);
        if (entries != null) {
            for (Entry e : entries) {
                if (serves(e.ports(), port)) {
                    return Optional.of(e.endpoint());
                }
            }
        }
        return Optional.empty();
    }

    /** The same answer read from slices one by one (those the informer's address index returned for {@code ip}). */
    static Optional<ClusterCache.TargetEndpoint> find(List<EndpointSlice> slices, String ip, int port) {
        for (EndpointSlice slice : slices) {
            if (slice.getEndpoints() == null || !serves(portsOf(slice), port)) {
                continue;
            }
            for (Endpoint ep : slice.getEndpoints()) {
                if (ep.getAddresses() != null && ep.getAddresses().contains(ip)) {
                    return Optional.of(endpointOf(slice, ep));
                }
            }
        }
        return Optional.empty();
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
