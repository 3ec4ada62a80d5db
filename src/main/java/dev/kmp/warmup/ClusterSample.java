package dev.kmp.warmup;

import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ObjectRef;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointPort;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.discovery.v1.Endpoint;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Kong service names and upstream targets that the service's own cluster cache holds, named the
 * way Kong's ingress controller names them ({@code <ns>.<svc>.<port>},
 * {@code httproute.<ns>.<name>.<rule>}, {@code <pod ip>:<port>}). The warm-up scrapes them in
 * place of some generated names, so the resolver and the upstream target lookup run the paths of
 * a name that is found before the first real scrape does: with generated names alone, none of
 * which the cluster holds, that scrape compiled those paths (53 ms of C2 for the target lookup
 * at 5000 services) while running them in slower code.
 *
 * @param services Kong service names with the object each names, Services and HTTPRoutes in turn
 * @param targets  upstream targets of the sampled Services' EndpointSlices
 */
record ClusterSample(List<Named> services, List<String> targets) {
    static final ClusterSample EMPTY = new ClusterSample(List.of(), List.of());

    /** A Kong service name and the object it resolves to in the cluster. */
    record Named(String kongService, ObjectRef object) {
    }

    ClusterSample {
        services = List.copyOf(services);
        targets = List.copyOf(targets);
    }

    /** At most {@code maxServices} names and {@code maxTargets} targets; the same for the same objects. */
    static ClusterSample of(Optional<ClusterCache> cluster, int maxServices, int maxTargets) {
        if (cluster.isEmpty()) {
            return EMPTY;
        }
        ClusterCache cache = cluster.get();
        Iterator<Named> byService = servicesNamed(cache.services()).iterator();
        Iterator<Named> byRoute = routesNamed(cache.httpRoutes()).iterator();
        List<Named> named = new ArrayList<>();
        Set<String> targets = new LinkedHashSet<>();
        while (named.size() < maxServices && (byService.hasNext() || byRoute.hasNext())) {
            if (byService.hasNext()) {
                Named n = byService.next();
                named.add(n);
                addTargets(cache, n.object(), targets, maxTargets);
            }
            if (byRoute.hasNext() && named.size() < maxServices) {
                named.add(byRoute.next());
            }
        }
        return new ClusterSample(named, new ArrayList<>(targets));
    }

    /**
     * An Ingress backend names the Service's port by number or by name, and Kong's ingress
     * controller names the Kong service after it ({@code <ns>.<svc>.80}, {@code <ns>.<svc>.http}).
     * Where the port has a name, the sample takes the two in turn: with numbers only, the naming
     * rules' port-number check was compiled as if a port were never a name, and the first real
     * scrape's first named port threw that code away (deoptimised inside it in 5 of 8 runs at
     * 5000 services, the resolver with it, PrintCompilation).
     */
    private static List<Named> servicesNamed(List<Service> services) {
        List<Named> out = new ArrayList<>();
        int namedPorts = 0;
        for (Service s : sorted(services)) {
            ServicePort port = firstPort(s);
            if (port != null) {
                String ns = s.getMetadata().getNamespace();
                String name = s.getMetadata().getName();
                boolean named = port.getName() != null && !port.getName().isEmpty();
                boolean byName = named && namedPorts++ % 2 == 1; // every other Service whose port has a name
                String portRef = byName ? port.getName() : String.valueOf(port.getPort());
                out.add(new Named(ns + "." + name + "." + portRef, ObjectRef.service(ns, name)));
            }
        }
        return out;
    }

    private static List<Named> routesNamed(List<HTTPRoute> routes) {
        List<Named> out = new ArrayList<>();
        for (HTTPRoute r : sorted(routes)) {
            if (r.getSpec() != null && r.getSpec().getRules() != null && !r.getSpec().getRules().isEmpty()) {
                String ns = r.getMetadata().getNamespace();
                String name = r.getMetadata().getName();
                out.add(new Named("httproute." + ns + "." + name + ".0",
                        new ObjectRef("HTTPRoute", ClusterCache.GATEWAY_GROUP, "v1", ns, name)));
            }
        }
        return out;
    }

    private static ServicePort firstPort(Service s) {
        if (s.getSpec() == null || s.getSpec().getPorts() == null) {
            return null;
        }
        for (ServicePort p : s.getSpec().getPorts()) {
            if (p.getPort() != null && p.getPort() > 0) {
                return p;
            }
        }
        return null;
    }

    /** The {@code ip:port} of each endpoint address of the Service's slices, with the slice's first port. */
    private static void addTargets(ClusterCache cache, ObjectRef service, Set<String> targets, int max) {
        for (EndpointSlice slice : cache.endpointSlicesOf(service.namespace(), service.name())) {
            Integer port = slice.getPorts() == null ? null
                    : slice.getPorts().stream().map(EndpointPort::getPort).filter(p -> p != null && p > 0)
                            .findFirst().orElse(null);
            if (port == null || slice.getEndpoints() == null) {
                continue;
            }
            for (Endpoint ep : slice.getEndpoints()) {
                for (String address : ep.getAddresses() == null ? List.<String>of() : ep.getAddresses()) {
                    if (targets.size() >= max) {
                        return;
                    }
                    targets.add(address.indexOf(':') >= 0 ? "[" + address + "]:" + port : address + ":" + port);
                }
            }
        }
    }

    // The informers' stores list in no fixed order: sorted, the warm-up scrapes the same names each start.
    private static <T extends HasMetadata> List<T> sorted(List<T> objects) {
        List<T> out = new ArrayList<>(objects);
        out.sort(Comparator.comparing((T o) -> o.getMetadata().getNamespace())
                .thenComparing(o -> o.getMetadata().getName()));
        return out;
    }
}
