package dev.kmp.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.discovery.v1.EndpointSlice;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.networking.v1.Ingress;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;

/**
 * A read-only Kubernetes API on loopback that serves a fixed set of objects: each collection the
 * {@code ClusterCache}'s informers list ({@code GET /api/v1/services} and so on) is answered with a
 * list built once, and each watch is held open, sending only the events the benchmark announces
 * ({@link #announceModified}: the churn of a live cluster, one object at a time). The informers,
 * their stores and indexes are the real ones; only the API side is fixed.
 *
 * <p>Why not fabric8's CRUD mock: it stores objects in a way that makes each create cost in
 * proportion to what is already stored, so seeding 5000 services' objects took about ten minutes.
 */
final class SnapshotApiServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SnapshotApiServer.class.getName());
    private static final String RESOURCE_VERSION = "1";

    /** The collections the cache lists, by kind; a kind with no objects still answers an empty list. */
    private record Collection(String path, String apiVersion, String listKind, Class<? extends HasMetadata> type) {
    }

    private static final List<Collection> COLLECTIONS = List.of(
            new Collection("/api/v1/namespaces", "v1", "NamespaceList", Namespace.class),
            new Collection("/api/v1/services", "v1", "ServiceList", Service.class),
            new Collection("/api/v1/pods", "v1", "PodList", Pod.class),
            new Collection("/apis/discovery.k8s.io/v1/endpointslices", "discovery.k8s.io/v1", "EndpointSliceList", EndpointSlice.class),
            new Collection("/apis/networking.k8s.io/v1/ingresses", "networking.k8s.io/v1", "IngressList", Ingress.class),
            new Collection("/apis/gateway.networking.k8s.io/v1/httproutes", "gateway.networking.k8s.io/v1", "HTTPRouteList", HTTPRoute.class),
            new Collection("/apis/gateway.networking.k8s.io/v1/grpcroutes", "gateway.networking.k8s.io/v1", "GRPCRouteList",
                    io.fabric8.kubernetes.api.model.gatewayapi.v1.GRPCRoute.class));

    private final HttpServer server;
    private final Map<String, byte[]> lists;
    private final CountDownLatch closing = new CountDownLatch(1);
    private final Set<String> unknownPaths = ConcurrentHashMap.newKeySet();
    /** The open watches' response streams, by collection path. */
    private final Map<String, List<OutputStream>> watches = new ConcurrentHashMap<>();
    private final KubernetesSerialization json = new KubernetesSerialization();

    private SnapshotApiServer(HttpServer server, Map<String, byte[]> lists) {
        this.server = server;
        this.lists = lists;
    }

    /** Serializes {@code objects} into one list per collection and starts serving them. */
    static SnapshotApiServer start(List<HasMetadata> objects) throws IOException {
        KubernetesSerialization json = new KubernetesSerialization();
        Map<String, byte[]> lists = new LinkedHashMap<>();
        for (Collection c : COLLECTIONS) {
            List<String> items = new ArrayList<>();
            for (HasMetadata o : objects) {
                if (c.type().isInstance(o)) {
                    o.getMetadata().setResourceVersion(RESOURCE_VERSION);
                    items.add(json.asJson(o));
                }
            }
            String list = "{\"apiVersion\":\"" + c.apiVersion() + "\",\"kind\":\"" + c.listKind()
                    + "\",\"metadata\":{\"resourceVersion\":\"" + RESOURCE_VERSION + "\"},\"items\":["
                    + String.join(",", items) + "]}";
            lists.put(c.path(), list.getBytes(StandardCharsets.UTF_8));
        }
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Virtual threads: every open watch holds one handler thread until close.
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        SnapshotApiServer api = new SnapshotApiServer(server, lists);
        server.createContext("/", api::handle);
        server.start();
        return api;
    }

    /** A client for this API; watches over plain HTTP streams (this server does not speak WebSocket). */
    KubernetesClient client() {
        Config config = new ConfigBuilder(Config.empty())
                .withMasterUrl("http://127.0.0.1:" + server.getAddress().getPort())
                .withNamespace("default")
                .withOnlyHttpWatches(true)
                .build();
        return new KubernetesClientBuilder().withConfig(config).build();
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String query = exchange.getRequestURI().getRawQuery();
            byte[] list = lists.get(path);
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            if (list == null || !"GET".equals(exchange.getRequestMethod())) {
                if (unknownPaths.add(exchange.getRequestMethod() + " " + path)) {
                    LOG.log(System.Logger.Level.WARNING, "benchmark API: no answer for {0} {1}", exchange.getRequestMethod(), path);
                }
                byte[] status = "{\"kind\":\"Status\",\"apiVersion\":\"v1\",\"status\":\"Failure\",\"reason\":\"NotFound\",\"code\":404}"
                        .getBytes(StandardCharsets.UTF_8);
                exchange.sendResponseHeaders(404, status.length);
                exchange.getResponseBody().write(status);
                return;
            }
            if (query != null && (query.contains("watch=true") || query.contains("watch=1"))) {
                // The watch stays open until the benchmark ends, with the events it announces.
                exchange.sendResponseHeaders(200, 0);
                exchange.getResponseBody().flush();
                watches.computeIfAbsent(path, p -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(exchange.getResponseBody());
                try {
                    closing.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return;
            }
            exchange.sendResponseHeaders(200, list.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(list);
            }
        }
    }

    /**
     * Sends a MODIFIED event for {@code object} to every open watch of its collection, with a
     * newer resourceVersion (the informers count a change only when it differs). Returns how many
     * watches it reached.
     */
    int announceModified(HasMetadata object, long resourceVersion) {
        Collection c = COLLECTIONS.stream().filter(k -> k.type().isInstance(object)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("not served: " + object.getKind()));
        object.getMetadata().setResourceVersion(Long.toString(resourceVersion));
        byte[] event = ("{\"type\":\"MODIFIED\",\"object\":" + json.asJson(object) + "}\n").getBytes(StandardCharsets.UTF_8);
        int reached = 0;
        List<OutputStream> open = watches.getOrDefault(c.path(), List.of());
        for (OutputStream out : open) {
            try {
                synchronized (out) {
                    out.write(event);
                    out.flush();
                }
                reached++;
            } catch (IOException e) {
                open.remove(out); // a watch the informer closed (it opens a new one): not an error
            }
        }
        return reached;
    }

    @Override
    public void close() {
        closing.countDown();
        server.stop(0);
    }
}
