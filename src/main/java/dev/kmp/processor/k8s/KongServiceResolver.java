package dev.kmp.processor.k8s;

import dev.kmp.kubernetes.ClusterCache;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Kong service name -> Kubernetes object, in DESIGN.md's order: the Kong service's tags from the
 * Admin API, else the ingress controller's naming rules checked against the cluster cache, else
 * unresolved. Results are cached per name and dropped whole when the routing objects (Services,
 * Ingresses, HTTPRoutes, GRPCRoutes: {@link ClusterCache#routingGeneration()}) or the tags change,
 * so a scrape of 600k samples resolves each of its few thousand names once, not per sample, and
 * Pods and EndpointSlices, which change all the time, never cost a re-resolution.
 */
public final class KongServiceResolver {
    static final String ROUTE_API_VERSION = ClusterCache.GATEWAY_GROUP + "/v1";
    private static final int MAX_CACHED = 200_000;

    private final Optional<ClusterCache> cluster;
    private final ServiceTagDirectory tags;
    private final Map<String, Resolution> cache = new ConcurrentHashMap<>();
    private volatile long seenGeneration = -1;
    private volatile long seenTagVersion = -1;

    public KongServiceResolver(Optional<ClusterCache> cluster, ServiceTagDirectory tags) {
        this.cluster = cluster;
        this.tags = tags;
    }

    /**
     * Drops cached results when the routing objects or the tags changed since the last call; true
     * when it did. Called once per batch, not per sample.
     */
    public boolean refresh() {
        long gen = cluster.map(ClusterCache::routingGeneration).orElse(0L);
        long ver = tags.version();
        if (gen != seenGeneration || ver != seenTagVersion || cache.size() > MAX_CACHED) {
            cache.clear();
            seenGeneration = gen;
            seenTagVersion = ver;
            return true;
        }
        return false;
    }

    public Resolution resolve(String kongService) {
        Resolution r = cache.get(kongService);
        if (r == null) {
            r = compute(kongService);
            cache.put(kongService, r);
        }
        return r;
    }

    /** For /status: up to {@code limit} of the names resolved since the last refresh, sorted by name. */
    public java.util.SortedMap<String, Resolution> cached(int limit) {
        java.util.TreeMap<String, Resolution> out = new java.util.TreeMap<>(cache);
        while (out.size() > limit) {
            out.pollLastEntry();
        }
        return out;
    }

    /** For /status: whether the Admin API's tags name this Kong service's object (else naming rules did). */
    public boolean resolvedByTags(String kongService) {
        return tags.lookup(kongService).isPresent();
    }

    Resolution compute(String kongService) {
        Optional<KongServiceName> parsed = KongServiceName.parse(kongService);
        Optional<ObjectRef> tagged = tags.lookup(kongService);
        if (tagged.isPresent()) {
            ObjectRef ref = tagged.get();
            if (isRoute(ref.kind()) && parsed.orElse(null) instanceof KongServiceName.RouteRule rule) {
                // The tags name the route; its rule's backends come from the cache when it has them.
                Resolution fromCache = resolveRouteRule(rule);
                return new Resolution(ref, null, rule.rule(), fromCache.backends());
            }
            return Resolution.of(ref);
        }
        if (parsed.isEmpty()) {
            return Resolution.unresolved(tags.hasSources() ? Resolution.NO_TAGS : Resolution.UNPARSABLE_NAME);
        }
        if (cluster.isEmpty()) {
            return Resolution.unresolved(Resolution.NO_OBJECT);
        }
        return switch (parsed.get()) {
            case KongServiceName.IngressBackend b -> resolveIngressBackend(b);
            case KongServiceName.RouteRule rule -> resolveRouteRule(rule);
        };
    }

    private static boolean isRoute(String kind) {
        return "HTTPRoute".equals(kind) || "GRPCRoute".equals(kind);
    }

    private Resolution resolveIngressBackend(KongServiceName.IngressBackend b) {
        Optional<Service> svc = cluster.get().service(b.namespace(), b.service());
        if (svc.isEmpty() || !hasPort(svc.get(), b)) {
            return Resolution.unresolved(Resolution.NO_OBJECT);
        }
        return Resolution.of(ObjectRef.service(b.namespace(), b.service()));
    }

    private static boolean hasPort(Service svc, KongServiceName.IngressBackend b) {
        if (svc.getSpec() == null || svc.getSpec().getPorts() == null) {
            return false;
        }
        for (ServicePort p : svc.getSpec().getPorts()) {
            if (b.portName() != null ? b.portName().equals(p.getName()) : p.getPort() != null && p.getPort() == b.portNumber()) {
                return true;
            }
        }
        return false;
    }

    private Resolution resolveRouteRule(KongServiceName.RouteRule rule) {
        if (cluster.isEmpty()) {
            return Resolution.unresolved(Resolution.NO_OBJECT);
        }
        List<Resolution.Backend> backends = new ArrayList<>();
        if (rule.kind().equals("HTTPRoute")) {
            Optional<HTTPRoute> route = cluster.get().httpRoute(rule.namespace(), rule.name());
            if (route.isEmpty() || route.get().getSpec() == null || route.get().getSpec().getRules() == null
                    || rule.rule() >= route.get().getSpec().getRules().size()) {
                return Resolution.unresolved(Resolution.NO_OBJECT);
            }
            List<HTTPBackendRef> refs = route.get().getSpec().getRules().get(rule.rule()).getBackendRefs();
            for (HTTPBackendRef ref : refs == null ? List.<HTTPBackendRef>of() : refs) {
                if (isService(ref.getGroup(), ref.getKind())) {
                    backends.add(new Resolution.Backend(ref.getNamespace() == null ? rule.namespace() : ref.getNamespace(),
                            ref.getName(), ref.getWeight() == null ? 1 : ref.getWeight()));
                }
            }
        } else {
            Optional<GRPCRoute> route = cluster.get().grpcRoute(rule.namespace(), rule.name());
            if (route.isEmpty() || route.get().getSpec() == null || route.get().getSpec().getRules() == null
                    || rule.rule() >= route.get().getSpec().getRules().size()) {
                return Resolution.unresolved(Resolution.NO_OBJECT);
            }
            List<GRPCBackendRef> refs = route.get().getSpec().getRules().get(rule.rule()).getBackendRefs();
            for (GRPCBackendRef ref : refs == null ? List.<GRPCBackendRef>of() : refs) {
                if (isService(ref.getGroup(), ref.getKind())) {
                    backends.add(new Resolution.Backend(ref.getNamespace() == null ? rule.namespace() : ref.getNamespace(),
                            ref.getName(), ref.getWeight() == null ? 1 : ref.getWeight()));
                }
            }
        }
        ObjectRef routeRef = new ObjectRef(rule.kind(), ClusterCache.GATEWAY_GROUP, "v1", rule.namespace(), rule.name());
        if (backends.size() == 1) {
            Resolution.Backend only = backends.get(0);
            if (cluster.get().service(only.namespace(), only.service()).isEmpty()) {
                return Resolution.unresolved(Resolution.NO_OBJECT);
            }
            return new Resolution(ObjectRef.service(only.namespace(), only.service()), null, rule.rule(), List.of());
        }
        // Several backends are one Kong service: label it as the route, never as one of its Services.
        return new Resolution(routeRef, null, rule.rule(), backends.size() > 1 ? backends : List.of());
    }

    private static boolean isService(String group, String kind) {
        return (group == null || group.isEmpty()) && (kind == null || kind.equals("Service"));
    }
}
