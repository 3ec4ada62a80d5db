package dev.kmp.demo;

import dev.kmp.kubernetes.ObjectRef;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes objects behind a generated Kong payload, and the Kong entities Kong's ingress
 * controller (KIC) would have created from them. Later stages seed an in-memory Kubernetes API and
 * a simulated Admin API from this, so every name in the metrics resolves to something.
 *
 * @param namespaces   namespace names, in creation order
 * @param services     Kubernetes Services
 * @param pods         pods selected by those Services (IPs are unique in the cluster)
 * @param ingresses    Ingress objects (one host and path each)
 * @param httpRoutes   Gateway API HTTPRoutes
 * @param kongServices the Kong services KIC derived, each with its tags, routes and targets
 */
public record GeneratedCluster(
        List<String> namespaces,
        List<K8sService> services,
        List<Pod> pods,
        List<Ingress> ingresses,
        List<HttpRoute> httpRoutes,
        List<KongService> kongServices) {

    public GeneratedCluster {
        namespaces = List.copyOf(namespaces);
        services = List.copyOf(services);
        pods = List.copyOf(pods);
        ingresses = List.copyOf(ingresses);
        httpRoutes = List.copyOf(httpRoutes);
        kongServices = List.copyOf(kongServices);
    }

    /**
     * Kong service name -> the Kubernetes object its Admin API tags name, as the enrichment reads
     * them (what the Admin API poller would publish for this cluster).
     */
    public Map<String, ObjectRef> objectsByKongService() {
        Map<String, ObjectRef> m = new LinkedHashMap<>();
        for (KongService s : kongServices) {
            ObjectRef.fromKongTags(s.tags().asTags()).ifPresent(ref -> m.put(s.name(), ref));
        }
        return m;
    }

    /** Kong service name (the {@code service} label) -> the tags KIC put on it. */
    public Map<String, KongServiceTags> tagsByKongService() {
        Map<String, KongServiceTags> m = new LinkedHashMap<>();
        for (KongService s : kongServices) {
            m.put(s.name(), s.tags());
        }
        return m;
    }

    public Optional<KongService> kongService(String name) {
        return kongServices.stream().filter(s -> s.name().equals(name)).findFirst();
    }

    /** Pods of one Service: those in its namespace whose labels contain its selector. */
    public List<Pod> podsOf(K8sService service) {
        List<Pod> out = new ArrayList<>();
        for (Pod p : pods) {
            if (p.namespace().equals(service.namespace())
                    && p.labels().entrySet().containsAll(service.selector().entrySet())) {
                out.add(p);
            }
        }
        return out;
    }

    public record ServicePort(String name, int port, int targetPort) {
    }

    public record K8sService(String namespace, String name, String uid, List<ServicePort> ports,
                             Map<String, String> selector) {
        public K8sService {
            ports = List.copyOf(ports);
            selector = Map.copyOf(selector);
        }
    }

    public record Pod(String namespace, String name, String uid, String ip, String nodeName,
                      Map<String, String> labels) {
        public Pod {
            labels = Map.copyOf(labels);
        }
    }

    /**
     * One Ingress with one rule. {@code servicePort} is a number or a port name, as the Ingress
     * backend refers to it; KIC copies that text into the Kong service name.
     */
    public record Ingress(String namespace, String name, String host, String path, String serviceName,
                          String servicePort) {
    }

    public record HttpRoute(String namespace, String name, String uid, List<String> hostnames,
                            List<HttpRouteRule> rules) {
        public HttpRoute {
            hostnames = List.copyOf(hostnames);
            rules = List.copyOf(rules);
        }
    }

    /** One rule; each path is one match (KIC makes one Kong route per match). */
    public record HttpRouteRule(List<String> paths, List<BackendRef> backendRefs) {
        public HttpRouteRule {
            paths = List.copyOf(paths);
            backendRefs = List.copyOf(backendRefs);
        }
    }

    /** A backendRef to a Service in the route's namespace; weight empty means unset (1 by spec). */
    public record BackendRef(String serviceName, int port, Optional<Integer> weight) {
    }

    /**
     * The k8s-* tags KIC sets on a Kong service (util.GenerateTagsForObject): the object the
     * service came from. {@code group} is empty for core objects, and KIC then omits the tag.
     */
    public record KongServiceTags(String name, String namespace, String kind, String uid, String group,
                                  String version) {
        public static KongServiceTags forService(K8sService s) {
            return new KongServiceTags(s.name(), s.namespace(), "Service", s.uid(), "", "v1");
        }

        public static KongServiceTags forHttpRoute(HttpRoute r) {
            return new KongServiceTags(r.name(), r.namespace(), "HTTPRoute", r.uid(),
                    "gateway.networking.k8s.io", "v1");
        }

        /** In KIC's order: name, namespace, kind, uid, group (only when non-empty), version. */
        public List<String> asTags() {
            List<String> t = new ArrayList<>(6);
            t.add("k8s-name:" + name);
            t.add("k8s-namespace:" + namespace);
            t.add("k8s-kind:" + kind);
            t.add("k8s-uid:" + uid);
            if (!group.isEmpty()) {
                t.add("k8s-group:" + group);
            }
            t.add("k8s-version:" + version);
            return t;
        }
    }

    /** A Kong route; for Ingress routes {@code hosts} holds the Ingress host. */
    public record KongRoute(String name, List<String> hosts, List<String> paths) {
        public KongRoute {
            hosts = List.copyOf(hosts);
            paths = List.copyOf(paths);
        }
    }

    /** A Kong upstream target: a pod IP and target port, with the health state Kong reports. */
    public record KongTarget(String target, int weight, TargetState state) {
    }

    public enum TargetState {
        HEALTHCHECKS_OFF, HEALTHY, UNHEALTHY, DNS_ERROR;

        public String label() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * A Kong service as the Admin API shows it. KIC points {@code host} at the upstream of the same
     * name family and uses port 80, protocol http.
     */
    public record KongService(String id, String name, String host, int port, String protocol, String upstream,
                              KongServiceTags tags, List<KongRoute> routes, List<KongTarget> targets) {
        public KongService {
            routes = List.copyOf(routes);
            targets = List.copyOf(targets);
        }
    }
}
