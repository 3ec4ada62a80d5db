package dev.kmp.reconciler;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * deploy/rbac/ grants exactly what the reconciler uses: a full life cycle (leader election, create,
 * deselect, delete) is recorded request by request, turned into (group, resource, verb), and
 * compared with the rules in both directions.
 */
@EnableKubernetesMockClient(crud = true)
class RbacTest {
    static final Path RBAC = Path.of("deploy", "rbac", "reconciler-rbac.yaml");

    KubernetesMockServer server;
    KubernetesClient client;
    ReconcilerFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ReconcilerFixture(server, client);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    @Test
    void rulesAreExactlyTheVerbsTheCodeUses() throws IOException {
        client.pods().inNamespace("kmp-system").resource(new PodBuilder().withNewMetadata().withName("kmp-0").endMetadata().build()).create();
        fx.service("shop", "a", null, Map.of(ManagedMarks.PLUGINS_ANNOTATION, "cors"));
        fx.service("shop", "b", null, null);
        fx.extension("shop", "metrics", List.of("a", "b"), null, null);
        ReconcilerFixture.Running r = fx.start(ReconcilerFixture.settings("kmp-0", "kmp-0", "kmp-system"));
        Await.until("applied", () -> fx.plugin("shop", "b-metrics-prometheus") != null
                && fx.getExtension("shop", "metrics").getStatus() != null);
        fx.updateExtension("shop", "metrics", e -> {
            e.getSpec().getServiceSelector().setMatchNames(List.of(new ServiceSelectorEntry("a")));
            e.getSpec().setConfig(new MetricsConfig(true, false, false, false));
        });
        Await.until("b deselected, a's plugin updated", () -> fx.plugin("shop", "b-metrics-prometheus") == null
                && Boolean.TRUE.equals(((Map<?, ?>) fx.plugin("shop", "a-metrics-prometheus").getAdditionalProperties().get("config"))
                        .get("latency_metrics")));
        fx.admin.resources(DataPlaneMetricsExtension.class).inNamespace("shop").withName("metrics").delete();
        Await.until("extension finalized", () -> fx.getExtension("shop", "metrics") == null);
        Await.until("lease renewed", () -> r.writes().allRequests().stream().anyMatch(q -> q.startsWith("PATCH") && q.contains("/leases/")),
                () -> r.writes().allRequests().stream().filter(q -> q.contains("lease")).toList());
        r.controller().close();

        Set<String> used = new TreeSet<>();
        for (String request : r.writes().allRequests()) {
            int space = request.indexOf(' ');
            used.add(permission(request.substring(0, space), URI.create(request.substring(space + 1))));
        }
        assertEquals(granted(), used, "requests: " + r.writes().allRequests().stream().filter(q -> q.contains("/pods")).toList());
    }

    /** "group/resource:verb" for one request; the core group is written "". */
    static String permission(String method, URI uri) {
        String[] p = uri.getPath().substring(1).split("/");
        int i;
        String group;
        if (p[0].equals("api")) {
            group = "";
            i = 2;
        } else {
            group = p[1];
            i = 3;
        }
        boolean namespaced = p.length > i && p[i].equals("namespaces");
        if (namespaced) {
            i += 2;
        }
        String resource = p[i];
        boolean named = p.length > i + 1;
        if (p.length > i + 2) {
            resource = resource + "/" + p[i + 2];
        }
        String query = uri.getQuery() == null ? "" : uri.getQuery();
        String verb = switch (method) {
            case "GET" -> query.contains("watch=true") ? "watch" : named ? "get" : "list";
            case "POST" -> "create";
            case "PUT" -> "update";
            case "PATCH" -> "patch";
            case "DELETE" -> named ? "delete" : "deletecollection";
            default -> method;
        };
        return group + "/" + resource + ":" + verb;
    }

    @SuppressWarnings("unchecked")
    static Set<String> granted() throws IOException {
        Set<String> out = new TreeSet<>();
        for (Object doc : new Yaml().loadAll(Files.readString(RBAC))) {
            Map<String, Object> m = (Map<String, Object>) doc;
            if (!List.of("ClusterRole", "Role").contains(m.get("kind"))) {
                continue;
            }
            for (Map<String, Object> rule : (List<Map<String, Object>>) m.get("rules")) {
                for (String g : (List<String>) rule.get("apiGroups")) {
                    for (String res : (List<String>) rule.get("resources")) {
                        for (String verb : (List<String>) rule.get("verbs")) {
                            out.add(g + "/" + res + ":" + verb);
                        }
                    }
                }
            }
        }
        return out;
    }
}
