package dev.kmp.deploy;

import static dev.kmp.deploy.KubernetesObjects.at;
import static dev.kmp.deploy.KubernetesObjects.id;
import static dev.kmp.deploy.KubernetesObjects.kind;
import static dev.kmp.deploy.KubernetesObjects.list;
import static dev.kmp.deploy.KubernetesObjects.map;
import static dev.kmp.deploy.KubernetesObjects.name;
import static dev.kmp.deploy.KubernetesObjects.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.reconciler.ManagedMarks;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Renders deploy/ with {@code kubectl kustomize} and checks every object offline: known kinds and
 * apiVersions, required fields, the Deployment's hardening, least-privilege RBAC, selectors against
 * the pod template, ConfigMaps against the mounts, ports against Services and probes, APIServices
 * against the Service they name.
 */
class KustomizeBaseTest {
    /** Every kind the base may hold, with its apiVersion and whether it is namespaced. */
    record KindInfo(String apiVersion, boolean namespaced) {
    }

    static final Map<String, KindInfo> KINDS = Map.ofEntries(
            Map.entry("Namespace", new KindInfo("v1", false)),
            Map.entry("ServiceAccount", new KindInfo("v1", true)),
            Map.entry("ConfigMap", new KindInfo("v1", true)),
            Map.entry("Service", new KindInfo("v1", true)),
            Map.entry("Deployment", new KindInfo("apps/v1", true)),
            Map.entry("PodDisruptionBudget", new KindInfo("policy/v1", true)),
            Map.entry("ClusterRole", new KindInfo("rbac.authorization.k8s.io/v1", false)),
            Map.entry("ClusterRoleBinding", new KindInfo("rbac.authorization.k8s.io/v1", false)),
            Map.entry("Role", new KindInfo("rbac.authorization.k8s.io/v1", true)),
            Map.entry("RoleBinding", new KindInfo("rbac.authorization.k8s.io/v1", true)),
            Map.entry("CustomResourceDefinition", new KindInfo("apiextensions.k8s.io/v1", false)),
            Map.entry("APIService", new KindInfo("apiregistration.k8s.io/v1", false)));

    /** Roles that Kubernetes itself creates, which our bindings may name. */
    static final Set<String> BUILT_IN_ROLES = Set.of("ClusterRole system:auth-delegator",
            "Role extension-apiserver-authentication-reader");

    static final Set<String> VERBS = Set.of("get", "list", "watch", "create", "update", "patch", "delete", "deletecollection");

    static List<Map<String, Object>> objects;

    @BeforeAll
    static void render() throws Exception {
        objects = KubernetesObjects.kustomize(Path.of("deploy"));
    }

    static List<Map<String, Object>> ofKind(String kind) {
        return objects.stream().filter(o -> kind.equals(kind(o))).toList();
    }

    static Map<String, Object> one(String kind, String name) {
        return objects.stream().filter(o -> kind.equals(kind(o)) && name.equals(name(o))).findFirst()
                .orElseThrow(() -> new AssertionError("no " + kind + " " + name + " in the rendered base"));
    }

    static Map<String, Object> deployment() {
        List<Map<String, Object>> d = ofKind("Deployment");
        assertEquals(1, d.size(), "one Deployment");
        return d.get(0);
    }

    static Map<String, Object> container() {
        List<Map<String, Object>> c = list(deployment(), "spec.template.spec.containers");
        assertEquals(1, c.size(), "one container");
        return c.get(0);
    }

    @Test
    void everyObjectHasAKnownKindApiVersionAndItsRequiredFields() {
        List<String> problems = new ArrayList<>();
        for (Map<String, Object> o : objects) {
            KindInfo k = KINDS.get(kind(o));
            if (k == null) {
                problems.add(id(o) + ": kind not expected in the base");
                continue;
            }
            if (!k.apiVersion().equals(str(o, "apiVersion"))) {
                problems.add(id(o) + ": apiVersion " + str(o, "apiVersion") + ", expected " + k.apiVersion());
            }
            if (name(o) == null || !name(o).matches("[a-z0-9]([-a-z0-9.:]*[a-z0-9])?")) {
                problems.add(id(o) + ": metadata.name missing or not a valid name");
            }
            if (k.namespaced() != (str(o, "metadata.namespace") != null)) {
                problems.add(id(o) + (k.namespaced() ? ": needs metadata.namespace" : ": is cluster-scoped, has a namespace"));
            }
        }
        assertEquals(List.of(), problems);
        Map<String, Integer> counts = new TreeMap<>();
        objects.forEach(o -> counts.merge(kind(o), 1, Integer::sum));
        for (String required : List.of("CustomResourceDefinition", "ServiceAccount", "ClusterRole", "Role", "ClusterRoleBinding",
                "RoleBinding", "ConfigMap", "Deployment", "PodDisruptionBudget", "Service", "APIService")) {
            assertTrue(counts.containsKey(required), "the base renders a " + required + "; it has " + counts);
        }
        // Namespaced objects of ours live in one namespace, except the two grants that must sit elsewhere.
        Set<String> namespaces = new HashSet<>();
        objects.stream().filter(o -> str(o, "metadata.namespace") != null && !name(o).contains("auth-reader")
                && !name(o).contains("admin-tls")).forEach(o -> namespaces.add(str(o, "metadata.namespace")));
        assertEquals(Set.of("kong-metrics"), namespaces);
        one("Namespace", "kong-metrics");
    }

    @Test
    void renderedCrdIsTheGeneratedOne() throws IOException {
        Map<String, Object> committed = KubernetesObjects.read(Path.of("deploy", "crds",
                "dataplanemetricsextensions.gateway-operator.konghq.com.yaml")).get(0);
        assertEquals(committed, one("CustomResourceDefinition", "dataplanemetricsextensions.gateway-operator.konghq.com"));
    }

    @Test
    void deploymentIsHardened() {
        Map<String, Object> d = deployment();
        assertEquals(2, at(d, "spec.replicas"));
        Map<String, Object> pod = map(d, "spec.template.spec");
        assertEquals(true, at(pod, "securityContext.runAsNonRoot"));
        assertEquals("RuntimeDefault", str(pod, "securityContext.seccompProfile.type"));
        assertTrue(((Number) at(pod, "securityContext.runAsUser")).longValue() > 0, "numeric non-root uid");
        assertEquals("kong-metrics-pipeline", str(pod, "serviceAccountName"));
        one("ServiceAccount", "kong-metrics-pipeline");

        Map<String, Object> c = container();
        assertEquals(true, at(c, "securityContext.readOnlyRootFilesystem"));
        assertEquals(false, at(c, "securityContext.allowPrivilegeEscalation"));
        assertEquals(List.of("ALL"), at(c, "securityContext.capabilities.drop"));
        assertEquals(null, at(c, "securityContext.capabilities.add"));
        assertEquals(null, at(c, "securityContext.privileged"));
        for (String r : List.of("requests.cpu", "requests.memory", "limits.cpu", "limits.memory")) {
            assertNotNull(at(c, "resources." + r), "resources." + r);
        }
        assertEquals("/healthz", str(c, "livenessProbe.httpGet.path"));
        assertEquals("/readyz", str(c, "readinessProbe.httpGet.path"));

        // Leader election needs the pod's own name and namespace from the downward API.
        Map<String, String> fieldRefs = new TreeMap<>();
        for (Map<String, Object> e : list(c, "env")) {
            if (at(e, "valueFrom.fieldRef.fieldPath") != null) {
                fieldRefs.put(str(e, "name"), str(e, "valueFrom.fieldRef.fieldPath"));
            }
        }
        assertEquals(Map.of("POD_NAME", "metadata.name", "POD_NAMESPACE", "metadata.namespace"), fieldRefs);

        // A read-only root needs a writable /tmp.
        Map<String, String> mounts = mounts(c);
        assertTrue(mounts.containsKey("/tmp"), "a volume on /tmp: " + mounts);
        assertNotNull(volume(mounts.get("/tmp")).get("emptyDir"), "/tmp is an emptyDir");

        Map<String, Object> pdb = ofKind("PodDisruptionBudget").get(0);
        assertTrue(at(pdb, "spec.minAvailable") != null || at(pdb, "spec.maxUnavailable") != null);
    }

    @Test
    void rbacHasNoWildcardsAndEveryBindingResolves() {
        List<String> problems = new ArrayList<>();
        Set<String> roles = new HashSet<>(BUILT_IN_ROLES);
        for (Map<String, Object> r : objects) {
            if (!List.of("ClusterRole", "Role").contains(kind(r))) {
                continue;
            }
            roles.add(kind(r) + " " + name(r));
            List<Map<String, Object>> rules = list(r, "rules");
            if (rules.isEmpty()) {
                problems.add(id(r) + ": no rules");
            }
            for (Map<String, Object> rule : rules) {
                for (String field : List.of("apiGroups", "resources", "verbs", "resourceNames")) {
                    Object values = rule.get(field);
                    if (values instanceof List<?> l && l.stream().anyMatch(v -> String.valueOf(v).contains("*"))) {
                        problems.add(id(r) + ": wildcard in " + field + " " + l);
                    }
                }
                if (rule.get("nonResourceURLs") != null) {
                    problems.add(id(r) + ": nonResourceURLs");
                }
                for (Object verb : (List<?>) rule.get("verbs")) {
                    if (!VERBS.contains(String.valueOf(verb))) {
                        problems.add(id(r) + ": verb " + verb);
                    }
                }
                // Secrets only by name: reading every Secret would expose far more than Kong's client certificate.
                if (((List<?>) rule.get("resources")).contains("secrets") && rule.get("resourceNames") == null) {
                    problems.add(id(r) + ": secrets without resourceNames");
                }
            }
        }
        for (Map<String, Object> b : objects) {
            if (!List.of("ClusterRoleBinding", "RoleBinding").contains(kind(b))) {
                continue;
            }
            String ref = str(b, "roleRef.kind") + " " + str(b, "roleRef.name");
            if (!roles.contains(ref)) {
                problems.add(id(b) + ": roleRef " + ref + " is neither in the base nor built in");
            }
            if (kind(b).equals("ClusterRoleBinding") && str(b, "roleRef.kind").equals("Role")) {
                problems.add(id(b) + ": a ClusterRoleBinding cannot bind a Role");
            }
            for (Map<String, Object> s : list(b, "subjects")) {
                if ("ServiceAccount".equals(s.get("kind"))
                        && objects.stream().noneMatch(o -> "ServiceAccount".equals(kind(o)) && Objects.equals(name(o), s.get("name"))
                        && Objects.equals(str(o, "metadata.namespace"), s.get("namespace")))) {
                    problems.add(id(b) + ": subject " + s + " is not the base's ServiceAccount");
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void rbacGrantsWhatTheServiceReads() {
        // The reads outside the reconciler (whose rules RbacTest checks request by request).
        Set<String> granted = new HashSet<>();
        for (Map<String, Object> r : objects) {
            if (List.of("ClusterRole", "Role").contains(kind(r))) {
                for (Map<String, Object> rule : list(r, "rules")) {
                    for (Object g : (List<?>) rule.get("apiGroups")) {
                        for (Object res : (List<?>) rule.get("resources")) {
                            for (Object v : (List<?>) rule.get("verbs")) {
                                granted.add(kind(r) + ":" + g + "/" + res + ":" + v);
                            }
                        }
                    }
                }
            }
        }
        for (String need : List.of("/namespaces", "/services", "/pods", "discovery.k8s.io/endpointslices",
                "networking.k8s.io/ingresses", "gateway.networking.k8s.io/httproutes", "gateway.networking.k8s.io/grpcroutes")) {
            for (String verb : List.of("list", "watch")) {
                assertTrue(granted.contains("ClusterRole:" + need + ":" + verb), need + " " + verb);
            }
        }
        assertTrue(granted.contains("Role:/secrets:get"), "admin_api.tls.secret");
        assertTrue(granted.contains("Role:coordination.k8s.io/leases:patch"), "leader election");
        // The kube-system ConfigMap the k8smetrics exporter reads comes with the built-in reader Role.
        Map<String, Object> authReader = one("RoleBinding", "kong-metrics-pipeline-auth-reader");
        assertEquals("kube-system", str(authReader, "metadata.namespace"));
        assertEquals("extension-apiserver-authentication-reader", str(authReader, "roleRef.name"));
    }

    @Test
    void selectorsMatchThePodTemplate() {
        Map<String, Object> d = deployment();
        Map<String, Object> labels = map(d, "spec.template.metadata.labels");
        assertSubset(map(d, "spec.selector.matchLabels"), labels, "Deployment selector");
        assertSubset(map(ofKind("PodDisruptionBudget").get(0), "spec.selector.matchLabels"), labels, "PodDisruptionBudget selector");

        Map<String, Object> metricsSelector = new TreeMap<>(map(one("Service", "kong-metrics-pipeline-metrics"), "spec.selector"));
        // The leader adds this label to its own pod at run time; the template must not carry it.
        assertEquals("leader", metricsSelector.remove(ManagedMarks.ROLE_LABEL), "/metrics Service selects the leader");
        assertFalse(labels.containsKey(ManagedMarks.ROLE_LABEL));
        assertSubset(metricsSelector, labels, "/metrics Service selector");

        Map<String, Object> apiSelector = map(one("Service", "kong-metrics-pipeline"), "spec.selector");
        assertFalse(apiSelector.containsKey(ManagedMarks.ROLE_LABEL), "the metrics APIs are answered by every replica");
        assertSubset(apiSelector, labels, "metrics API Service selector");
    }

    @Test
    void configMapsHoldWhatTheDeploymentMounts() throws IOException {
        Map<String, Object> c = container();
        Map<String, String> mounts = mounts(c);
        List<String> args = ((List<?>) c.get("args")).stream().map(String::valueOf).toList();
        String configFile = args.get(args.indexOf("--config") + 1);
        String pipelinesDir = args.get(args.indexOf("--pipelines") + 1);

        Path config = Path.of(configFile);
        Map<String, Object> configMap = configMapOf(volume(mounts.get(config.getParent().toString())));
        assertTrue(map(configMap, "data").containsKey(config.getFileName().toString()), "--config " + configFile + " is in " + name(configMap));
        Map<String, Object> pipelinesMap = configMapOf(volume(mounts.get(pipelinesDir)));
        assertFalse(map(pipelinesMap, "data").isEmpty());

        for (Map<String, Object> v : list(deployment(), "spec.template.spec.volumes")) {
            if (v.get("configMap") == null) {
                continue;
            }
            Map<String, Object> cm = configMapOf(v);
            for (Map<String, Object> item : list(v, "configMap.items")) {
                assertTrue(map(cm, "data").containsKey(item.get("key")), name(cm) + " has key " + item.get("key"));
            }
        }
        // The rendered data are the sources themselves (DeployCopiesTest checks the copies in between).
        assertEquals(Files.readString(Path.of("config", "application.yaml")), map(configMap, "data").get("application.yaml"));
        assertEquals(Files.readString(Path.of("pipelines", "kubernetes.yaml")), map(pipelinesMap, "data").get("kubernetes.yaml"));
    }

    @Test
    void portsMatchServicesAndProbes() {
        Map<String, Object> c = container();
        Map<String, Integer> ports = new TreeMap<>();
        for (Map<String, Object> p : list(c, "ports")) {
            ports.put(str(p, "name"), (Integer) p.get("containerPort"));
        }
        assertEquals(Map.of("http", 8080, "metrics-api", 6443), ports, "container ports (8080 main, 6443 metrics APIs)");
        for (String probe : List.of("livenessProbe", "readinessProbe")) {
            assertTrue(portMatches(at(c, probe + ".httpGet.port"), ports), probe + " port");
        }
        for (Map<String, Object> s : ofKind("Service")) {
            for (Map<String, Object> p : list(s, "spec.ports")) {
                assertTrue(portMatches(p.get("targetPort"), ports), id(s) + " targetPort " + p.get("targetPort"));
            }
        }
        assertEquals(6443, ports.get(String.valueOf(at(list(one("Service", "kong-metrics-pipeline"), "spec.ports").get(0), "targetPort"))));
        assertEquals(443, at(list(one("Service", "kong-metrics-pipeline"), "spec.ports").get(0), "port"));
    }

    @Test
    void apiServicesPointAtTheMetricsApiService() {
        Set<String> groups = new HashSet<>();
        for (Map<String, Object> a : ofKind("APIService")) {
            groups.add(str(a, "spec.group"));
            assertEquals(str(a, "spec.version") + "." + str(a, "spec.group"), name(a));
            Map<String, Object> svc = one("Service", str(a, "spec.service.name"));
            assertEquals(str(svc, "metadata.namespace"), str(a, "spec.service.namespace"));
            Object port = at(a, "spec.service.port");
            assertTrue(list(svc, "spec.ports").stream().anyMatch(p -> Objects.equals(p.get("port"), port)), id(a) + " port " + port);
        }
        assertEquals(Set.of("external.metrics.k8s.io", "custom.metrics.k8s.io"), groups);
    }

    // ---- helpers

    static boolean portMatches(Object port, Map<String, Integer> containerPorts) {
        return port instanceof Integer n ? containerPorts.containsValue(n) : containerPorts.containsKey(String.valueOf(port));
    }

    static void assertSubset(Map<String, Object> selector, Map<String, Object> labels, String what) {
        assertFalse(selector.isEmpty(), what + " is empty (would select everything)");
        selector.forEach((k, v) -> assertEquals(v, labels.get(k), what + ": " + k));
    }

    static Map<String, String> mounts(Map<String, Object> container) {
        Map<String, String> out = new TreeMap<>();
        for (Map<String, Object> m : list(container, "volumeMounts")) {
            out.put(str(m, "mountPath"), str(m, "name"));
        }
        return out;
    }

    static Map<String, Object> volume(String name) {
        assertNotNull(name, "no volume mounted there");
        return list(deployment(), "spec.template.spec.volumes").stream().filter(v -> name.equals(v.get("name"))).findFirst()
                .orElseThrow(() -> new AssertionError("volume " + name + " is mounted but not defined"));
    }

    static Map<String, Object> configMapOf(Map<String, Object> volume) {
        String name = str(volume, "configMap.name");
        assertNotNull(name, "volume " + volume.get("name") + " is a ConfigMap");
        return one("ConfigMap", name);
    }
}
