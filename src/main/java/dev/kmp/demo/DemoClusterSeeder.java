package dev.kmp.demo;

import dev.kmp.reconciler.DataPlaneMetricsExtension;
import dev.kmp.reconciler.DataPlaneMetricsExtensionSpec;
import dev.kmp.reconciler.MetricsConfig;
import dev.kmp.reconciler.ServiceSelector;
import dev.kmp.reconciler.ServiceSelectorEntry;
import dev.kmp.demo.GeneratedCluster.BackendRef;
import dev.kmp.demo.GeneratedCluster.HttpRoute;
import dev.kmp.demo.GeneratedCluster.HttpRouteRule;
import dev.kmp.demo.GeneratedCluster.Ingress;
import dev.kmp.demo.GeneratedCluster.K8sService;
import dev.kmp.demo.GeneratedCluster.Pod;
import dev.kmp.demo.GeneratedCluster.ServicePort;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.NamespaceBuilder;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointBuilder;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSliceBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPBackendRefBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPPathMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteMatchBuilder;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRuleBuilder;
import io.fabric8.kubernetes.api.model.networking.v1.IngressBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Writes a {@link GeneratedCluster} into a Kubernetes API (the demo's in-memory one, or a test's
 * mock): namespaces, Services, their pods and EndpointSlices, Ingresses and HTTPRoutes, so every
 * name in the simulated Kong's metrics and Admin API resolves to an object.
 */
public final class DemoClusterSeeder {
    public static final String SERVICE_NAME_LABEL = "kubernetes.io/service-name";

    private final KubernetesClient client;
    private final Set<String> namespaces = new LinkedHashSet<>();

    public DemoClusterSeeder(KubernetesClient client) {
        this.client = client;
    }

    public void seed(GeneratedCluster cluster) {
        for (HasMetadata object : objects(cluster)) {
            if (object instanceof io.fabric8.kubernetes.api.model.Namespace ns) {
                namespace(ns.getMetadata().getName());
            } else {
                apply(object);
            }
        }
    }

    /**
     * The objects {@link #seed} writes, in the order it writes them (namespaces first). The
     * benchmark serves them as fixed lists instead of writing them one by one into a mock API.
     */
    public static List<HasMetadata> objects(GeneratedCluster cluster) {
        List<HasMetadata> out = new ArrayList<>();
        for (String ns : cluster.namespaces()) {
            out.add(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
        }
        for (Pod p : cluster.pods()) {
            out.add(new PodBuilder().withNewMetadata().withNamespace(p.namespace()).withName(p.name()).withUid(p.uid())
                    .withLabels(p.labels()).endMetadata()
                    .withNewSpec().withNodeName(p.nodeName()).addNewContainer().withName("app").withImage("app").endContainer().endSpec()
                    .withNewStatus().withPhase("Running").withPodIP(p.ip()).addNewPodIP(p.ip())
                    .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
        }
        for (K8sService s : cluster.services()) {
            ServiceBuilder b = new ServiceBuilder().withNewMetadata().withNamespace(s.namespace()).withName(s.name())
                    .withUid(s.uid()).endMetadata().withNewSpec().withSelector(s.selector()).endSpec();
            for (ServicePort port : s.ports()) {
                b.editSpec().addNewPort().withName(port.name()).withPort(port.port()).withProtocol("TCP")
                        .withTargetPort(new IntOrString(port.targetPort())).endPort().endSpec();
            }
            out.add(b.build());
            EndpointSliceBuilder slice = new EndpointSliceBuilder().withNewMetadata().withNamespace(s.namespace())
                    .withName(s.name() + "-" + Integer.toHexString(s.name().hashCode() & 0xfffff))
                    .addToLabels(SERVICE_NAME_LABEL, s.name()).endMetadata().withAddressType("IPv4");
            for (ServicePort port : s.ports()) {
                slice.addNewPort().withName(port.name()).withPort(port.targetPort()).withProtocol("TCP").endPort();
            }
            for (Pod p : cluster.podsOf(s)) {
                slice.addToEndpoints(new EndpointBuilder().withAddresses(p.ip()).withNodeName(p.nodeName())
                        .withNewConditions().withReady(true).endConditions()
                        .withNewTargetRef().withKind("Pod").withNamespace(p.namespace()).withName(p.name()).endTargetRef().build());
            }
            out.add(slice.build());
        }
        for (Ingress i : cluster.ingresses()) {
            var backend = new io.fabric8.kubernetes.api.model.networking.v1.IngressServiceBackendBuilder().withName(i.serviceName());
            if (i.servicePort().chars().allMatch(Character::isDigit)) {
                backend.withNewPort().withNumber(Integer.parseInt(i.servicePort())).endPort();
            } else {
                backend.withNewPort().withName(i.servicePort()).endPort();
            }
            out.add(new IngressBuilder().withNewMetadata().withNamespace(i.namespace()).withName(i.name()).endMetadata()
                    .withNewSpec().withIngressClassName("kong").addNewRule().withHost(i.host()).withNewHttp().addNewPath()
                    .withPath(i.path()).withPathType("Prefix").withNewBackend().withService(backend.build()).endBackend()
                    .endPath().endHttp().endRule().endSpec().build());
        }
        for (HttpRoute r : cluster.httpRoutes()) {
            List<io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteRule> rules = new ArrayList<>();
            for (HttpRouteRule rule : r.rules()) {
                HTTPRouteRuleBuilder rb = new HTTPRouteRuleBuilder();
                for (String path : rule.paths()) {
                    rb.addToMatches(new HTTPRouteMatchBuilder().withPath(new HTTPPathMatchBuilder().withType("PathPrefix")
                            .withValue(path).build()).build());
                }
                for (BackendRef ref : rule.backendRefs()) {
                    HTTPBackendRefBuilder bb = new HTTPBackendRefBuilder().withName(ref.serviceName()).withPort(ref.port());
                    ref.weight().ifPresent(bb::withWeight);
                    rb.addToBackendRefs(bb.build());
                }
                rules.add(rb.build());
            }
            out.add(new HTTPRouteBuilder().withNewMetadata().withNamespace(r.namespace()).withName(r.name()).withUid(r.uid())
                    .endMetadata().withNewSpec().withHostnames(r.hostnames()).addNewParentRef().withName("kong").endParentRef()
                    .withRules(rules).endSpec().build());
        }
        return out;
    }

    /**
     * A ready Kong pod owned by Deployment {@code deployment} through its ReplicaSet, labelled
     * {@code app.kubernetes.io/name=kong} for discovery, at {@code ip}.
     */
    /**
     * A DataPlaneMetricsExtension asking for latency and status-code metrics on {@code services}: the
     * reconciler then creates their KongPlugins and annotates them, as it would in a real cluster.
     */
    public void extension(String namespace, String name, List<String> services) {
        namespace(namespace);
        DataPlaneMetricsExtension ext = new DataPlaneMetricsExtension();
        ext.setMetadata(new io.fabric8.kubernetes.api.model.ObjectMetaBuilder().withNamespace(namespace).withName(name).build());
        DataPlaneMetricsExtensionSpec spec = new DataPlaneMetricsExtensionSpec();
        ServiceSelector selector = new ServiceSelector();
        selector.setMatchNames(services.stream().map(s -> {
            ServiceSelectorEntry e = new ServiceSelectorEntry();
            e.setName(s);
            return e;
        }).toList());
        spec.setServiceSelector(selector);
        MetricsConfig config = new MetricsConfig();
        config.setLatency(true);
        config.setStatusCode(true);
        spec.setConfig(config);
        ext.setSpec(spec);
        client.resources(DataPlaneMetricsExtension.class).resource(ext).createOr(op -> op.update());
    }

    public void kongPod(String namespace, String deployment, String name, String ip, String node) {
        namespace(namespace);
        String hash = "7d9c5b8f4";
        apply(new PodBuilder().withNewMetadata().withNamespace(namespace).withName(name)
                .addToLabels("app.kubernetes.io/name", "kong").addToLabels("pod-template-hash", hash)
                .addNewOwnerReference().withApiVersion("apps/v1").withKind("ReplicaSet").withName(deployment + "-" + hash)
                .withUid(KicNames.fakeUid(namespace, deployment, hash)).withController(true).endOwnerReference().endMetadata()
                .withNewSpec().withNodeName(node).addNewContainer().withName("proxy").withImage("kong:3.9").endContainer().endSpec()
                .withNewStatus().withPhase("Running").withPodIP(ip).addNewPodIP(ip)
                .addNewCondition().withType("Ready").withStatus("True").endCondition().endStatus().build());
    }

    private void namespace(String ns) {
        if (namespaces.add(ns)) {
            apply(new NamespaceBuilder().withNewMetadata().withName(ns).endMetadata().build());
        }
    }

    private void apply(HasMetadata object) {
        client.resource(object).createOr(r -> r.update());
    }
}
