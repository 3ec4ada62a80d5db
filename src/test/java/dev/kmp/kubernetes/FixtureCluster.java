package dev.kmp.kubernetes;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRef;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Creates the Kubernetes objects that src/test/resources/kong/*-services.json describe (namespaces,
 * Services, pods, EndpointSlices, HTTPRoutes) in a (mock) API server, and reads the Kong service
 * tags they list.
 */
public final class FixtureCluster {
    private final JsonNode root;

    private FixtureCluster(JsonNode root) {
        this.root = root;
    }

    public static FixtureCluster read(String resource) {
        try (InputStream in = FixtureCluster.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalArgumentException("no resource " + resource);
            }
            return new FixtureCluster(new ObjectMapper().readTree(in));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Kong service name -> its tags. */
    public Map<String, List<String>> kongServiceTags() {
        Map<String, List<String>> m = new LinkedHashMap<>();
        for (JsonNode s : root.get("kong_services")) {
            List<String> tags = new ArrayList<>();
            s.get("kong_service_tags").forEach(t -> tags.add(t.asText()));
            m.put(s.get("kong_service").asText(), tags);
        }
        return m;
    }

    public void seed(KubernetesClient client) {
        Set<String> done = new HashSet<>();
        Map<String, TreeMap<Integer, List<HTTPBackendRef>>> routes = new LinkedHashMap<>();
        for (JsonNode s : root.get("kong_services")) {
            JsonNode k = s.get("kubernetes");
            if (k.has("httproute")) {
                TreeMap<Integer, List<HTTPBackendRef>> rules = routes.computeIfAbsent(k.get("httproute").asText(), r -> new TreeMap<>());
                List<HTTPBackendRef> refs = new ArrayList<>();
                for (JsonNode b : k.get("backends")) {
                    seedService(client, b, done);
                    HTTPBackendRefBuilder ref = new HTTPBackendRefBuilder().withName(b.get("service").asText())
                            .withPort(b.get("port").asInt());
                    if (b.hasNonNull("backendRef_weight")) {
                        ref.withWeight(b.get("backendRef_weight").asInt());
                    }
                    refs.add(ref.build());
                }
                rules.put(k.get("rule_index").asInt(), refs);
            } else {
                seedService(client, k, done);
            }
        }
        routes.forEach((nsName, rules) -> {
            String[] p = nsName.split("/");
            namespace(client, p[0], done);
            List<HTTPRouteRule> list = new ArrayList<>();
            for (int i = 0; i <= rules.lastKey(); i++) {
                list.add(new HTTPRouteRuleBuilder().withBackendRefs(rules.getOrDefault(i, List.of())).build());
            }
            client.resource(new HTTPRouteBuilder().withNewMetadata().withNamespace(p[0]).withName(p[1]).endMetadata()
                    .withNewSpec().withRules(list).endSpec().build()).createOr(r -> r.update());
        });
    }

    static void namespace(KubernetesClient client, String ns, Set<String> done) {
        if (done.add("ns/" + ns)) {
            client.resource(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build()).createOr(r -> r.update());
        }
    }

    private static void seedService(KubernetesClient client, JsonNode k, Set<String> done) {
        String ns = k.get("namespace").asText();
        String name = k.get("service").asText();
        namespace(client, ns, done);
        if (!done.add("svc/" + ns + "/" + name)) {
            return;
        }
        Map<String, String> selector = new HashMap<>();
        k.get("selector").fields().forEachRemaining(e -> selector.put(e.getKey(), e.getValue().asText()));
        client.resource(new ServiceBuilder().withNewMetadata().withNamespace(ns).withName(name).endMetadata()
                .withNewSpec().withSelector(selector).addNewPort().withName("http").withPort(k.get("port").asInt())
                .withNewTargetPort(k.get("target_port").asInt()).endPort().endSpec().build()).createOr(r -> r.update());
        EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withNamespace(ns).withName(name + "-abcde")
                .addToLabels(ClusterCache.SERVICE_NAME_LABEL, name).endMetadata()
                .withAddressType("IPv4")
                .addNewPort().withName("http").withPort(k.get("target_port").asInt()).withProtocol("TCP").endPort();
        for (JsonNode p : k.get("pods")) {
            Map<String, String> labels = new HashMap<>();
            p.get("labels").fields().forEachRemaining(e -> labels.put(e.getKey(), e.getValue().asText()));
            String node = p.hasNonNull("node") ? p.get("node").asText() : null;
            Pod pod = new PodBuilder().withNewMetadata().withNamespace(ns).withName(p.get("name").asText()).withLabels(labels).endMetadata()
                    .withNewSpec().withNodeName(node).addNewContainer().withName("app").withImage("app").endContainer().endSpec()
                    .withNewStatus().withPodIP(p.get("ip").asText()).addNewPodIP(p.get("ip").asText()).withPhase("Running").endStatus()
                    .build();
            if (done.add("pod/" + ns + "/" + pod.getMetadata().getName())) {
                client.resource(pod).createOr(r -> r.update());
            }
            slice.addToEndpoints(new EndpointBuilder().withAddresses(p.get("ip").asText()).withNewConditions().withReady(true).endConditions()
                    .withNewTargetRef().withKind("Pod").withNamespace(ns).withName(p.get("name").asText()).endTargetRef().build());
        }
        client.resource(slice.build()).createOr(r -> r.update());
    }
}
