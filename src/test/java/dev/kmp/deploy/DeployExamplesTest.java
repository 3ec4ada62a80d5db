package dev.kmp.deploy;

import static dev.kmp.deploy.KubernetesObjects.at;
import static dev.kmp.deploy.KubernetesObjects.kind;
import static dev.kmp.deploy.KubernetesObjects.list;
import static dev.kmp.deploy.KubernetesObjects.map;
import static dev.kmp.deploy.KubernetesObjects.str;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** deploy/examples/ against the base and the code: the CRD, the served metric names, the Services. */
class DeployExamplesTest {
    static final Path EXAMPLES = Path.of("deploy", "examples");
    static final Path CRD = Path.of("deploy", "crds", "dataplanemetricsextensions.gateway-operator.konghq.com.yaml");

    static final Map<String, String> KINDS = Map.of(
            "HorizontalPodAutoscaler", "autoscaling/v2",
            "ServiceMonitor", "monitoring.coreos.com/v1",
            "DatadogMetric", "datadoghq.com/v1alpha1",
            "DataPlaneMetricsExtension", "gateway-operator.konghq.com/v1alpha1");

    static Map<?, ?> specSchema() throws IOException {
        Map<String, Object> crd = KubernetesObjects.read(CRD).get(0);
        Map<String, Object> v1alpha1 = list(crd, "spec.versions").stream().filter(v -> "v1alpha1".equals(v.get("name"))).findFirst().orElseThrow();
        return map(v1alpha1, "schema.openAPIV3Schema.properties.spec");
    }

    @Test
    void everyExampleObjectHasAKnownKindAndApiVersion() throws IOException {
        List<String> problems = new ArrayList<>();
        try (Stream<Path> files = Files.list(EXAMPLES)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).sorted().toList()) {
                for (Map<String, Object> o : KubernetesObjects.read(f)) {
                    if (kind(o) == null) {
                        continue; // a pipeline or Helm values file; checked elsewhere
                    }
                    if (!str(o, "apiVersion").equals(KINDS.get(kind(o)))) {
                        problems.add(f + ": " + kind(o) + " " + str(o, "apiVersion"));
                    }
                    if (str(o, "metadata.name") == null || str(o, "metadata.namespace") == null) {
                        problems.add(f + ": " + kind(o) + " needs metadata.name and metadata.namespace");
                    }
                }
            }
        }
        assertEquals(List.of(), problems);
    }

    @Test
    void exampleExtensionValidatesAgainstTheCrd() throws IOException {
        Map<String, Object> e = KubernetesObjects.read(EXAMPLES.resolve("dataplanemetricsextension.yaml")).get(0);
        assertEquals(List.of(), OpenApiSchemaCheck.validate(e.get("spec"), specSchema()));
        assertEquals("DataPlaneMetricsExtension", kind(e));
    }

    @Test
    void schemaCheckRefusesWhatTheApiServerWould() throws IOException {
        Map<String, Object> bad = KubernetesObjects.parse("""
                serviceSelector:
                  matchNames: [{name: a}, {nam: b}]
                  matchLabels: {tier: 1}
                config: {latency: "yes", colour: red}
                """).get(0);
        assertEquals(List.of(
                ".serviceSelector.matchNames[1].name: required",
                ".serviceSelector.matchNames[1].nam: unknown field",
                ".serviceSelector.matchLabels.tier: expected string, got Integer 1",
                ".config.latency: expected boolean, got String yes",
                ".config.colour: unknown field"), OpenApiSchemaCheck.validate(bad, specSchema()));
        assertEquals(List.of(".serviceSelector: required"), OpenApiSchemaCheck.validate(Map.of(), specSchema()));
    }

    @Test
    void hpasAskForMetricsTheDefaultPipelineServes() throws IOException {
        Set<String> served = new HashSet<>();
        Map<String, Object> pipeline = KubernetesObjects.read(Path.of("deploy", "pipelines", "kubernetes.yaml")).get(0);
        for (Map<String, Object> m : list(pipeline, "exporters.k8smetrics.metrics")) {
            served.add(str(m, "name"));
        }
        for (String f : List.of("hpa-object.yaml", "hpa-external.yaml")) {
            Map<String, Object> hpa = KubernetesObjects.read(EXAMPLES.resolve(f)).get(0);
            for (Map<String, Object> m : list(hpa, "spec.metrics")) {
                String type = str(m, "type");
                String metric = str(m, (type.equals("Object") ? "object" : "external") + ".metric.name");
                assertTrue(served.contains(metric), f + ": " + metric + " is served by k8smetrics in deploy/pipelines/kubernetes.yaml " + served);
            }
        }
    }

    @Test
    void prometheusAdapterRuleIsKongsGuide() throws IOException {
        Map<String, Object> values = KubernetesObjects.read(EXAMPLES.resolve("prometheus-adapter-values.yaml")).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> rule = ((List<Map<String, Object>>) at(values, "rules.custom")).get(0);
        // Kong's guide (shared/kong-operator-notes.md), with the adapter's <<.LabelMatchers>> placeholder.
        assertEquals("sum by (exported_service) (rate(kong_upstream_latency_ms_sum{<<.LabelMatchers>>}[60s:10s])) / "
                + "sum by (exported_service) (rate(kong_upstream_latency_ms_count{<<.LabelMatchers>>}[60s:10s]))",
                str(rule, "metricsQuery").strip().replaceAll("\\s+", " "));
        assertEquals("kong_upstream_latency_ms_60s_average", str(rule, "name.as"));
        assertEquals("service", str(rule, "resources.overrides.exported_service.resource"));
        assertEquals("namespace", str(rule, "resources.overrides.exported_namespace.resource"));
        // The HPA of Kong's guide asks for that name on a Service.
        Map<String, Object> hpa = KubernetesObjects.read(EXAMPLES.resolve("hpa-object.yaml")).get(0);
        assertEquals(str(rule, "name.as"), str(list(hpa, "spec.metrics").get(0), "object.metric.name"));
        assertEquals("Service", str(list(hpa, "spec.metrics").get(0), "object.describedObject.kind"));
    }

    @Test
    void serviceMonitorSelectsTheLeaderOnlyMetricsService() throws Exception {
        Map<String, Object> sm = KubernetesObjects.read(EXAMPLES.resolve("servicemonitor.yaml")).get(0);
        List<Map<String, Object>> services = KubernetesObjects.read(Path.of("deploy", "services.yaml"));
        List<Map<String, Object>> selected = services.stream().filter(s -> map(sm, "spec.selector.matchLabels").entrySet().stream()
                .allMatch(e -> e.getValue().equals(map(s, "metadata.labels").get(e.getKey())))
                && ((List<?>) at(sm, "spec.namespaceSelector.matchNames")).contains(str(s, "metadata.namespace"))).toList();
        assertEquals(1, selected.size(), "exactly one Service: " + selected);
        Map<String, Object> svc = selected.get(0);
        assertEquals("leader", map(svc, "spec.selector").get("kmp.dev/role"));
        for (Map<String, Object> ep : list(sm, "spec.endpoints")) {
            assertTrue(list(svc, "spec.ports").stream().anyMatch(p -> ep.get("port").equals(p.get("name"))), "port " + ep.get("port"));
            assertEquals("/metrics", ep.get("path"));
        }
    }

    @Test
    void datadogHpaNamesItsDatadogMetric() throws IOException {
        List<Map<String, Object>> docs = KubernetesObjects.read(EXAMPLES.resolve("datadog-metric.yaml"));
        Map<String, Object> metric = docs.stream().filter(o -> "DatadogMetric".equals(kind(o))).findFirst().orElseThrow();
        Map<String, Object> hpa = docs.stream().filter(o -> "HorizontalPodAutoscaler".equals(kind(o))).findFirst().orElseThrow();
        assertEquals("datadogmetric@" + str(metric, "metadata.namespace") + ":" + str(metric, "metadata.name"),
                str(list(hpa, "spec.metrics").get(0), "external.metric.name"));
        assertTrue(str(metric, "spec.query").contains("kong_upstream_latency_ms{service:command}"));
    }
}
