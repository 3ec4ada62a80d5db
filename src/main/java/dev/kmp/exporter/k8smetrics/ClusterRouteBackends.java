package dev.kmp.exporter.k8smetrics;

import dev.kmp.kubernetes.ClusterCache;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Multi-backend HTTPRoute rules read from the cluster cache, so an Object metric on a backend
 * Service works from the first scrape (before any batch told the exporter about the rule). The
 * index is rebuilt only when the cache's generation moves; lookups never call the API server.
 * Falls back to what batches taught (the {@code kmp_route_backend_info} rows).
 */
final class ClusterRouteBackends implements RouteBackends {
    private final ClusterCache cache;
    private final RouteBackends learned;
    private volatile Index index = new Index(-1, Map.of());

    private record Index(long generation, Map<String, RouteRule> byService) {
    }

    ClusterRouteBackends(ClusterCache cache, RouteBackends learned) {
        this.cache = cache;
        this.learned = learned;
    }

    @Override
    public Optional<RouteRule> ruleOf(String namespace, String service) {
        RouteRule rule = current().byService().get(namespace + "/" + service);
        return rule != null ? Optional.of(rule) : learned.ruleOf(namespace, service);
    }

    private Index current() {
        long generation = cache.routingGeneration(); // only routes are read: Pod and slice churn keeps the index
        Index i = index;
        if (i.generation() != generation) {
            i = new Index(generation, build(cache.httpRoutes()));
            index = i;
        }
        return i;
    }

    /** Service "ns/name" -> the rule of which it is one backend among several (first route wins, by name). */
    static Map<String, RouteRule> build(List<HTTPRoute> routes) {
        Map<String, RouteRule> out = new HashMap<>();
        routes.stream()
                .sorted((a, b) -> (a.getMetadata().getNamespace() + "/" + a.getMetadata().getName())
                        .compareTo(b.getMetadata().getNamespace() + "/" + b.getMetadata().getName()))
                .forEach(route -> {
                    String ns = route.getMetadata().getNamespace();
                    String name = route.getMetadata().getName();
                    List<HTTPRouteRule> rules = route.getSpec() == null || route.getSpec().getRules() == null
                            ? List.of() : route.getSpec().getRules();
                    for (int i = 0; i < rules.size(); i++) {
                        List<HTTPBackendRef> refs = rules.get(i).getBackendRefs();
                        if (refs == null || refs.size() < 2) {
                            continue; // a single backend resolves to the Service itself
                        }
                        RouteRule rule = new RouteRule(ns, name, String.valueOf(i), "httproute." + ns + "." + name + "." + i);
                        for (HTTPBackendRef ref : refs) {
                            boolean service = (ref.getKind() == null || ref.getKind().equals("Service"))
                                    && (ref.getGroup() == null || ref.getGroup().isEmpty());
                            if (service) {
                                String refNs = ref.getNamespace() == null ? ns : ref.getNamespace();
                                out.putIfAbsent(refNs + "/" + ref.getName(), rule);
                            }
                        }
                    }
                });
        return out;
    }
}
