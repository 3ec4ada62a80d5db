package dev.kmp.exporter.k8smetrics;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kmp.model.Labels;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The Kubernetes metrics APIs as plain request -> answer functions (no sockets, no TLS: see
 * {@link MetricsApiServer}): discovery documents, {@code external.metrics.k8s.io/v1beta1} and
 * {@code custom.metrics.k8s.io/v1beta2} (Object metrics on Services and HTTPRoutes), and
 * {@code Status} objects for everything that goes wrong. JSON field names are those of the
 * Kubernetes API types.
 */
final class MetricsApi {
    static final String EXTERNAL_GROUP = "external.metrics.k8s.io";
    static final String EXTERNAL_VERSION = "v1beta1";
    static final String CUSTOM_GROUP = "custom.metrics.k8s.io";
    static final String CUSTOM_VERSION = "v1beta2";
    static final String HTTPROUTES = "httproutes.gateway.networking.k8s.io";
    static final String JSON = "application/json";

    /** Labels that describe one data-plane pod or bucket, not the object: never in metricLabels. */
    private static final List<String> PER_POD_LABELS = List.of("dataplane_url", "dataplane_pod", "dataplane_namespace",
            "dataplane_node", "dataplane_deployment", "le");

    private final ObjectMapper json = new ObjectMapper();
    private final K8sMetricsConfig config;
    private final SeriesHistory history;
    private final RouteBackends routes;
    private final Clock clock;

    MetricsApi(K8sMetricsConfig config, SeriesHistory history, RouteBackends routes, Clock clock) {
        this.config = config;
        this.history = history;
        this.routes = routes;
        this.clock = clock;
    }

    /** An HTTP answer: status code and JSON body. */
    record Answer(int status, String contentType, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    Answer handle(String method, String path, Map<String, String> query, String accept) {
        if (!method.equals("GET")) {
            return status(405, "MethodNotAllowed", "the metrics APIs are read-only: " + method + " is not supported");
        }
        String[] p = segments(path);
        if (p.length == 0 || !p[0].equals("apis")) {
            return status(404, "NotFound", "the server could not find the requested resource");
        }
        boolean discovery = p.length <= 3;
        if (discovery && !acceptsPlainJson(accept)) {
            // The aggregator asks for aggregated discovery first; refusing that media type (as any
            // apiserver that lacks it does) makes it fall back to the documents below.
            return status(406, "NotAcceptable", "only application/json is served (no aggregated discovery)");
        }
        if (p.length == 1) {
            return ok(groupList());
        }
        String group = p[1];
        boolean external = group.equals(EXTERNAL_GROUP);
        if (!external && !group.equals(CUSTOM_GROUP)) {
            return status(404, "NotFound", "the server could not find the requested resource (group " + group + ")");
        }
        String version = external ? EXTERNAL_VERSION : CUSTOM_VERSION;
        if (p.length == 2) {
            return ok(apiGroup(group, version));
        }
        if (!p[2].equals(version)) {
            return status(404, "NotFound", group + " serves version " + version + " only, not " + p[2]);
        }
        if (p.length == 3) {
            return ok(resourceList(external));
        }
        try {
            return external ? external(p, query) : custom(p, query);
        } catch (IllegalArgumentException e) {
            return status(400, "BadRequest", e.getMessage());
        }
    }

    // ---- external.metrics.k8s.io ----

    private Answer external(String[] p, Map<String, String> query) {
        // apis/external.metrics.k8s.io/v1beta1/namespaces/{ns}/{metric}
        if (p.length != 6 || !p[3].equals("namespaces")) {
            return status(404, "NotFound", "external metrics are read at /apis/" + EXTERNAL_GROUP + "/" + EXTERNAL_VERSION
                    + "/namespaces/{namespace}/{metric}");
        }
        String namespace = p[4];
        MetricDefinition metric = metric(p[5]);
        if (metric == null) {
            return unknownMetric(p[5]);
        }
        LabelSelector selector = LabelSelector.parse(query.get("labelSelector"));
        Predicate<Labels> match = l -> namespace.equals(l.get("namespace")) && selector.test(l);
        List<SeriesHistory.SeriesSnapshot> selected = select(metric.from(), match);
        if (selected.isEmpty()) {
            return status(404, "NotFound", "no series of " + metric.from() + " in namespace " + namespace
                    + (selector.isEmpty() ? "" : " match " + query.get("labelSelector")));
        }
        WindowedValue.Result r = WindowedValue.compute(selected, metric.aggregation(), metric.window().toMillis(), clock.millis());
        Answer error = errorFor(metric, r);
        if (error != null) {
            return error;
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("metricName", metric.name());
        item.put("metricLabels", commonLabels(selected));
        item.put("timestamp", timestamp(r));
        item.put("window", metric.windowSeconds());
        item.put("value", KubernetesQuantity.format(valueOf(r)));
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "ExternalMetricValueList");
        list.put("apiVersion", EXTERNAL_GROUP + "/" + EXTERNAL_VERSION);
        list.put("metadata", Map.of());
        list.put("items", List.of(item));
        return ok(list);
    }

    // ---- custom.metrics.k8s.io ----

    private Answer custom(String[] p, Map<String, String> query) {
        // apis/custom.metrics.k8s.io/v1beta2/namespaces/{ns}/{resource}/{name}/{metric}
        if (p.length != 8 || !p[3].equals("namespaces")) {
            return status(404, "NotFound", "custom metrics are served for namespaced objects: /apis/" + CUSTOM_GROUP + "/"
                    + CUSTOM_VERSION + "/namespaces/{namespace}/services|" + HTTPROUTES + "/{name}/{metric}");
        }
        String namespace = p[4];
        String resource = p[5];
        String name = p[6];
        boolean service = resource.equals("services");
        if (!service && !resource.equals(HTTPROUTES)) {
            return status(404, "NotFound", "custom metrics are served for services and " + HTTPROUTES + ", not " + resource);
        }
        if (name.equals("*")) {
            return status(404, "NotFound", "name each object: listing every " + resource + " is not supported");
        }
        MetricDefinition metric = metric(p[7]);
        if (metric == null) {
            return unknownMetric(p[7]);
        }
        LabelSelector metricSelector = LabelSelector.parse(query.get("metricLabelSelector"));
        LabelSelector effective = metricSelector;
        List<SeriesHistory.SeriesSnapshot> selected;
        if (service) {
            selected = select(metric.from(), l -> namespace.equals(l.get("namespace")) && name.equals(l.get("service"))
                    && "service".equalsIgnoreCase(l.get("kubernetes_kind")) && metricSelector.test(l));
            if (selected.isEmpty()) {
                // One backend of a multi-backend rule: Kong measured the rule, so answer the rule's
                // value and say so in metric.selector.
                var rule = routes.ruleOf(namespace, name);
                if (rule.isPresent()) {
                    effective = metricSelector.and("kubernetes_kind", "HTTPRoute")
                            .and("kubernetes_namespace", rule.get().namespace())
                            .and("kubernetes_name", rule.get().route())
                            .and("kong_service", rule.get().kongService());
                    String kongService = rule.get().kongService();
                    selected = select(metric.from(), l -> kongService.equals(l.get("kong_service")) && metricSelector.test(l));
                }
            }
        } else {
            selected = select(metric.from(), l -> "httproute".equalsIgnoreCase(l.get("kubernetes_kind"))
                    && namespace.equals(l.get("kubernetes_namespace")) && name.equals(l.get("kubernetes_name"))
                    && metricSelector.test(l));
        }
        String kind = service ? "Service" : "HTTPRoute";
        if (selected.isEmpty()) {
            return status(404, "NotFound", "no series of " + metric.from() + " for " + kind + " " + namespace + "/" + name);
        }
        WindowedValue.Result r = WindowedValue.compute(selected, metric.aggregation(), metric.window().toMillis(), clock.millis());
        Answer error = errorFor(metric, r);
        if (error != null) {
            return error;
        }
        Map<String, Object> described = new LinkedHashMap<>();
        described.put("kind", kind);
        described.put("namespace", namespace);
        described.put("name", name);
        described.put("apiVersion", service ? "v1" : "gateway.networking.k8s.io/v1");
        Map<String, Object> metricId = new LinkedHashMap<>();
        metricId.put("name", metric.name());
        if (!effective.isEmpty()) {
            metricId.put("selector", effective.toLabelSelectorObject());
        }
        Map<String, Object> item = new LinkedHashMap<>();
        item.put("describedObject", described);
        item.put("metric", metricId);
        item.put("timestamp", timestamp(r));
        item.put("windowSeconds", metric.windowSeconds());
        item.put("value", KubernetesQuantity.format(valueOf(r)));
        Map<String, Object> list = new LinkedHashMap<>();
        list.put("kind", "MetricValueList");
        list.put("apiVersion", CUSTOM_GROUP + "/" + CUSTOM_VERSION);
        list.put("metadata", Map.of());
        list.put("items", List.of(item));
        return ok(list);
    }

    /** The series of {@code family} whose labels (with the naming fallback applied) match. */
    private List<SeriesHistory.SeriesSnapshot> select(String family, Predicate<Labels> match) {
        return history.select(family, l -> match.test(KongServiceNames.withObjectLabels(l)));
    }

    // ---- values ----

    private Answer errorFor(MetricDefinition metric, WindowedValue.Result r) {
        return switch (r.outcome()) {
            case VALUE -> null;
            case NO_TRAFFIC -> config.noTraffic() == K8sMetricsConfig.NoTraffic.ZERO ? null
                    : status(503, "ServiceUnavailable", metric.name() + ": no traffic in the last " + metric.windowSeconds()
                            + "s (" + r.detail() + "; no_traffic: error)");
            case STALE -> status(503, "ServiceUnavailable", metric.name() + ": " + r.detail());
            case UNSUITABLE -> status(500, "InternalError", metric.name() + ": " + r.detail());
        };
    }

    private static double valueOf(WindowedValue.Result r) {
        return r.outcome() == WindowedValue.Outcome.VALUE ? r.value() : 0;
    }

    private String timestamp(WindowedValue.Result r) {
        long millis = r.newestMillis() > 0 ? r.newestMillis() : clock.millis();
        return Instant.ofEpochMilli(millis).truncatedTo(ChronoUnit.SECONDS).toString();
    }

    /** Labels every selected series has with one value, except per-pod ones. */
    private static Map<String, String> commonLabels(List<SeriesHistory.SeriesSnapshot> selected) {
        Labels first = KongServiceNames.withObjectLabels(selected.get(0).labels());
        Map<String, String> out = new LinkedHashMap<>();
        for (int i = 0; i < first.size(); i++) {
            String name = first.name(i);
            String value = first.value(i);
            if (PER_POD_LABELS.contains(name)) {
                continue;
            }
            boolean common = true;
            for (SeriesHistory.SeriesSnapshot s : selected) {
                if (!value.equals(KongServiceNames.withObjectLabels(s.labels()).get(name))) {
                    common = false;
                    break;
                }
            }
            if (common) {
                out.put(name, value);
            }
        }
        return out;
    }

    /** The configured metric of that name; the HPA lower-cases names, so case is ignored. */
    private MetricDefinition metric(String name) {
        for (MetricDefinition m : config.metrics()) {
            if (m.name().equalsIgnoreCase(name)) {
                return m;
            }
        }
        return null;
    }

    private Answer unknownMetric(String name) {
        List<String> names = new ArrayList<>();
        config.metrics().forEach(m -> names.add(m.name()));
        return status(404, "NotFound", "metric " + name + " is not served (served: " + String.join(", ", names) + ")");
    }

    // ---- discovery ----

    private Map<String, Object> groupList() {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "APIGroupList");
        out.put("apiVersion", "v1");
        out.put("groups", List.of(group(EXTERNAL_GROUP, EXTERNAL_VERSION), group(CUSTOM_GROUP, CUSTOM_VERSION)));
        return out;
    }

    private static Map<String, Object> apiGroup(String name, String version) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "APIGroup");
        out.put("apiVersion", "v1");
        out.putAll(group(name, version));
        return out;
    }

    private static Map<String, Object> group(String name, String version) {
        Map<String, Object> gv = new LinkedHashMap<>();
        gv.put("groupVersion", name + "/" + version);
        gv.put("version", version);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("name", name);
        out.put("versions", List.of(gv));
        out.put("preferredVersion", gv);
        return out;
    }

    private Map<String, Object> resourceList(boolean external) {
        List<Map<String, Object>> resources = new ArrayList<>();
        for (MetricDefinition m : config.metrics()) {
            if (external) {
                resources.add(resource(m.name(), "ExternalMetricValueList"));
            } else {
                resources.add(resource("services/" + m.name(), "MetricValueList"));
                resources.add(resource(HTTPROUTES + "/" + m.name(), "MetricValueList"));
            }
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "APIResourceList");
        out.put("apiVersion", "v1");
        out.put("groupVersion", external ? EXTERNAL_GROUP + "/" + EXTERNAL_VERSION : CUSTOM_GROUP + "/" + CUSTOM_VERSION);
        out.put("resources", resources);
        return out;
    }

    private static Map<String, Object> resource(String name, String kind) {
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("name", name);
        r.put("singularName", "");
        r.put("namespaced", true);
        r.put("kind", kind);
        r.put("verbs", List.of("get"));
        return r;
    }

    /**
     * True when the caller takes plain JSON: no Accept, or a range for {@code application/json}
     * (without the aggregated-discovery profile), {@code application/*} or {@code *}{@code /*}.
     */
    static boolean acceptsPlainJson(String accept) {
        if (accept == null || accept.isBlank()) {
            return true;
        }
        for (String range : accept.split(",")) {
            String[] parts = range.split(";");
            String type = parts[0].strip().toLowerCase(Locale.ROOT);
            boolean profiled = false;
            double q = 1;
            for (int i = 1; i < parts.length; i++) {
                String param = parts[i].strip().toLowerCase(Locale.ROOT);
                if (param.startsWith("g=") || param.startsWith("as=") || param.startsWith("v=")) {
                    profiled = true;
                } else if (param.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            if (q > 0 && !profiled && (type.equals(JSON) || type.equals("application/*") || type.equals("*/*"))) {
                return true;
            }
        }
        return false;
    }

    // ---- answers ----

    Answer status(int code, String reason, String message) {
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("kind", "Status");
        out.put("apiVersion", "v1");
        out.put("metadata", Map.of());
        out.put("status", "Failure");
        out.put("message", message);
        out.put("reason", reason);
        out.put("code", code);
        return new Answer(code, JSON, bytes(out));
    }

    private Answer ok(Map<String, Object> body) {
        return new Answer(200, JSON, bytes(body));
    }

    private byte[] bytes(Object body) {
        try {
            return json.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    private static String[] segments(String path) {
        String trimmed = path;
        while (trimmed.startsWith("/")) {
            trimmed = trimmed.substring(1);
        }
        while (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }
}
