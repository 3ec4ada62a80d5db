package dev.kmp.demo;

import com.fasterxml.jackson.core.io.JsonStringEncoder;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.kmp.demo.GeneratedCluster.BackendRef;
import dev.kmp.demo.GeneratedCluster.HttpRoute;
import dev.kmp.demo.GeneratedCluster.HttpRouteRule;
import dev.kmp.demo.GeneratedCluster.Ingress;
import dev.kmp.demo.GeneratedCluster.K8sService;
import dev.kmp.demo.GeneratedCluster.KongRoute;
import dev.kmp.demo.GeneratedCluster.KongService;
import dev.kmp.demo.GeneratedCluster.KongServiceTags;
import dev.kmp.demo.GeneratedCluster.KongTarget;
import dev.kmp.demo.GeneratedCluster.Pod;
import dev.kmp.demo.GeneratedCluster.TargetState;
import dev.kmp.demo.RouteProfile.StatusCodeShare;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.zip.GZIPOutputStream;

/**
 * A Kong node on loopback for the demo and for tests: the Status API's {@code GET /metrics} and the
 * Admin API's {@code GET /services}, on one port (real Kong uses two; nothing here depends on it).
 *
 * <p>The cluster is small and fixed: Ingress services {@code shop/storefront:80} (two routes) and
 * {@code payments/payments-api:8080}, and HTTPRoute {@code checkout/cart} whose rule 0 splits 90/10
 * between {@code cart-v1} and {@code cart-v2} and whose rule 1 goes to {@code cart-v1} alone.
 *
 * <p>Each scrape advances the traffic by the wall-clock time since the previous one, but by at least
 * one simulated second, so two quick scrapes still see counters grow.
 */
public final class SimulatedKong implements AutoCloseable {
    private static final Duration MIN_STEP = Duration.ofSeconds(1);
    private static final int DEFAULT_PAGE_SIZE = 100;
    private static final int MAX_PAGE_SIZE = 1000;
    /** created_at/updated_at of every entity: a fixed instant keeps the JSON reproducible. */
    private static final long CREATED_AT = 1_735_689_600L;

    private final HttpServer server;
    private final ExecutorService executor;
    private final GeneratedCluster cluster;
    private final SimulatedTraffic traffic;
    private long lastAdvanceNanos;

    private SimulatedKong(HttpServer server, ExecutorService executor, GeneratedCluster cluster,
                          SimulatedTraffic traffic) {
        this.server = server;
        this.executor = executor;
        this.cluster = cluster;
        this.traffic = traffic;
        this.lastAdvanceNanos = System.nanoTime();
    }

    /** Starts on 127.0.0.1:{@code port} (0 = any free port) with Kong 3.9.1 defaults. */
    public static SimulatedKong start(int port, long seed) throws IOException {
        return start(port, seed, TrafficSettings.defaults(seed));
    }

    public static SimulatedKong start(int port, long seed, TrafficSettings settings) throws IOException {
        DemoCluster demo = demoCluster(seed);
        SimulatedTraffic traffic = new SimulatedTraffic(settings, demo.cluster().kongServices(), demo.routes(), seed);
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 0);
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        SimulatedKong kong = new SimulatedKong(server, executor, demo.cluster(), traffic);
        server.createContext("/metrics", kong::handleMetrics);
        server.createContext("/services", kong::handleServices);
        server.createContext("/", ex -> kong.respond(ex, 404, "application/json; charset=utf-8",
                "{\"message\":\"Not found\"}"));
        server.start();
        return kong;
    }

    /** {@code http://127.0.0.1:<port>}. */
    public URI url() {
        return URI.create("http://" + server.getAddress().getAddress().getHostAddress() + ":"
                + server.getAddress().getPort());
    }

    public URI metricsUrl() {
        return url().resolve("/metrics");
    }

    public int port() {
        return server.getAddress().getPort();
    }

    /** The Kubernetes objects and Kong entities this node serves. */
    public GeneratedCluster cluster() {
        return cluster;
    }

    /** Stops at once and frees the port. */
    @Override
    public void close() {
        server.stop(0);
        executor.close();
    }

    // ---------------------------------------------------------------------------------------------
    // Status API

    private void handleMetrics(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
                respond(ex, 405, "text/plain; charset=UTF-8", "method not allowed\n");
                return;
            }
            // Rendered into memory under the lock (the demo payload is tens of KB), so a slow
            // client cannot hold up other scrapes or the simulation.
            ByteArrayOutputStream body = new ByteArrayOutputStream(64 * 1024);
            synchronized (traffic) {
                long now = System.nanoTime();
                Duration elapsed = Duration.ofNanos(now - lastAdvanceNanos);
                lastAdvanceNanos = now;
                traffic.advance(elapsed.compareTo(MIN_STEP) < 0 ? MIN_STEP : elapsed);
                traffic.render(body);
            }
            boolean gzip = acceptsGzip(ex.getRequestHeaders().getFirst("Accept-Encoding"));
            ex.getResponseHeaders().set("Content-Type", "text/plain; charset=UTF-8");
            if (gzip) {
                ex.getResponseHeaders().set("Content-Encoding", "gzip");
            }
            if (ex.getRequestMethod().equals("HEAD")) {
                ex.sendResponseHeaders(200, -1);
                return;
            }
            ex.sendResponseHeaders(200, 0);
            try (OutputStream out = gzip ? new GZIPOutputStream(ex.getResponseBody(), 8192)
                    : ex.getResponseBody()) {
                body.writeTo(out);
            }
        }
    }

    /** True unless the client did not list gzip (or *), or gave it q=0. */
    static boolean acceptsGzip(String acceptEncoding) {
        if (acceptEncoding == null) {
            return false;
        }
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.trim().split(";");
            String coding = p[0].trim().toLowerCase(Locale.ROOT);
            if (!coding.equals("gzip") && !coding.equals("*")) {
                continue;
            }
            double q = 1;
            for (int i = 1; i < p.length; i++) {
                String param = p[i].trim();
                if (param.startsWith("q=")) {
                    try {
                        q = Double.parseDouble(param.substring(2));
                    } catch (NumberFormatException e) {
                        q = 0;
                    }
                }
            }
            return q > 0;
        }
        return false;
    }

    // ---------------------------------------------------------------------------------------------
    // Admin API

    /** {@code GET /services[?size=N][&offset=T]}: Kong's paginated shape, ordered by name. */
    private void handleServices(HttpExchange ex) throws IOException {
        try (ex) {
            if (!ex.getRequestURI().getPath().equals("/services")) {
                respond(ex, 404, "application/json; charset=utf-8", "{\"message\":\"Not found\"}");
                return;
            }
            if (!ex.getRequestMethod().equals("GET")) {
                respond(ex, 405, "application/json; charset=utf-8", "{\"message\":\"Method not allowed\"}");
                return;
            }
            Map<String, String> query = query(ex.getRequestURI().getRawQuery());
            int size = DEFAULT_PAGE_SIZE;
            int from = 0;
            try {
                if (query.containsKey("size")) {
                    size = Integer.parseInt(query.get("size"));
                }
                if (query.containsKey("offset")) {
                    from = Integer.parseInt(new String(Base64.getUrlDecoder().decode(query.get("offset")),
                            StandardCharsets.UTF_8));
                }
            } catch (IllegalArgumentException e) {
                respond(ex, 400, "application/json; charset=utf-8",
                        "{\"message\":\"invalid size or offset\",\"name\":\"invalid size\",\"code\":9}");
                return;
            }
            if (size < 1 || size > MAX_PAGE_SIZE) {
                respond(ex, 400, "application/json; charset=utf-8", "{\"message\":\"size must be an integer between 1 and "
                        + MAX_PAGE_SIZE + "\",\"name\":\"invalid size\",\"code\":9}");
                return;
            }
            List<KongService> all = new ArrayList<>(cluster.kongServices());
            all.sort(Comparator.comparing(KongService::name));
            int to = Math.min(all.size(), Math.max(0, from) + size);
            StringBuilder json = new StringBuilder("{\"data\":[");
            for (int i = Math.max(0, from); i < to; i++) {
                if (i > Math.max(0, from)) {
                    json.append(',');
                }
                appendService(json, all.get(i));
            }
            json.append("],");
            if (to < all.size()) {
                String token = Base64.getUrlEncoder().withoutPadding()
                        .encodeToString(Integer.toString(to).getBytes(StandardCharsets.UTF_8));
                String sizeParam = query.containsKey("size") ? "&size=" + size : "";
                json.append("\"next\":\"/services?offset=").append(token).append(sizeParam)
                        .append("\",\"offset\":\"").append(token).append("\"}");
            } else {
                json.append("\"next\":null}");
            }
            respond(ex, 200, "application/json; charset=utf-8", json.toString());
        }
    }

    private static void appendService(StringBuilder json, KongService s) {
        json.append("{\"id\":").append(quote(s.id()))
                .append(",\"name\":").append(quote(s.name()))
                .append(",\"host\":").append(quote(s.host()))
                .append(",\"port\":").append(s.port())
                .append(",\"protocol\":").append(quote(s.protocol()))
                .append(",\"path\":null,\"retries\":5,\"connect_timeout\":60000,\"write_timeout\":60000,"
                        + "\"read_timeout\":60000,\"enabled\":true,\"client_certificate\":null,"
                        + "\"tls_verify\":null,\"tls_verify_depth\":null,\"ca_certificates\":null")
                .append(",\"created_at\":").append(CREATED_AT)
                .append(",\"updated_at\":").append(CREATED_AT)
                .append(",\"tags\":[");
        List<String> tags = s.tags().asTags();
        for (int i = 0; i < tags.size(); i++) {
            json.append(i > 0 ? "," : "").append(quote(tags.get(i)));
        }
        json.append("]}");
    }

    static String quote(String s) {
        return '"' + new String(JsonStringEncoder.getInstance().quoteAsString(s)) + '"';
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> m = new HashMap<>();
        if (raw == null || raw.isEmpty()) {
            return m;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            m.put(k, v);
        }
        return m;
    }

    private void respond(HttpExchange ex, int status, String contentType, String body) {
        try (ex) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", contentType);
            ex.sendResponseHeaders(status, bytes.length);
            ex.getResponseBody().write(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---------------------------------------------------------------------------------------------
    // the demo cluster

    private record DemoCluster(GeneratedCluster cluster, List<RouteProfile> routes) {
    }

    private static DemoCluster demoCluster(long seed) {
        Random rng = new Random(seed);
        ClusterBuilder b = new ClusterBuilder(rng, 3);
        List<RouteProfile> routes = new ArrayList<>();

        // shop/storefront:80, two Ingresses -> one Kong service with two routes
        K8sService storefront = b.service("shop", "storefront", "http", 80, 8080,
                Map.of("app.kubernetes.io/name", "storefront"));
        List<Pod> storefrontPods = b.pods("shop", "storefront", 2,
                Map.of("app.kubernetes.io/name", "storefront", "app.kubernetes.io/version", "2.14.0"));
        Ingress web = new Ingress("shop", "storefront", "shop.example.com", "/", "storefront", "80");
        Ingress admin = new Ingress("shop", "storefront-admin", "admin.shop.example.com", "/admin", "storefront", "80");
        b.ingress(web);
        b.ingress(admin);
        String storefrontSvc = KicNames.ingressService("shop", "storefront", "80");
        String webRoute = KicNames.ingressRoute("shop", web.name(), "storefront", web.host(), "80");
        String adminRoute = KicNames.ingressRoute("shop", admin.name(), "storefront", admin.host(), "80");
        b.kongService(new KongService(ClusterBuilder.kongId("service", storefrontSvc), storefrontSvc,
                KicNames.ingressUpstream("shop", "storefront", "80"), 80, "http",
                KicNames.ingressUpstream("shop", "storefront", "80"), KongServiceTags.forService(storefront),
                List.of(new KongRoute(webRoute, List.of(web.host()), List.of("/")),
                        new KongRoute(adminRoute, List.of(admin.host()), List.of("/admin"))),
                targets(storefrontPods, 8080, 100, TargetState.HEALTHY)));
        routes.add(route(storefrontSvc, webRoute, 120, 34, 0.75, 1, 720, 14800, 0.0,
                code(200, "service", 9180), code(301, "service", 140), code(304, "service", 410),
                code(404, "service", 205), code(500, "service", 12), code(502, "kong", 3), code(503, "kong", 2)));
        routes.add(route(storefrontSvc, adminRoute, 4, 460, 0.3, 2, 1150, 6400, 1.0,
                code(200, "service", 900), code(302, "service", 40), code(401, "kong", 55), code(403, "service", 5)));

        // payments/payments-api:8080, one Ingress
        K8sService payments = b.service("payments", "payments-api", "http", 8080, 8080, Map.of("app", "payments-api"));
        List<Pod> paymentsPods = b.pods("payments", "payments-api", 2, Map.of("app", "payments-api", "tier", "backend"));
        Ingress pay = new Ingress("payments", "payments-api", "api.pay.example.com", "/v1", "payments-api", "8080");
        b.ingress(pay);
        String paymentsSvc = KicNames.ingressService("payments", "payments-api", "8080");
        String payRoute = KicNames.ingressRoute("payments", pay.name(), "payments-api", pay.host(), "8080");
        b.kongService(new KongService(ClusterBuilder.kongId("service", paymentsSvc), paymentsSvc,
                KicNames.ingressUpstream("payments", "payments-api", "8080"), 80, "http",
                KicNames.ingressUpstream("payments", "payments-api", "8080"), KongServiceTags.forService(payments),
                List.of(new KongRoute(payRoute, List.of(pay.host()), List.of("/v1"))),
                targets(paymentsPods, 8080, 100, TargetState.HEALTHCHECKS_OFF)));
        routes.add(route(paymentsSvc, payRoute, 40, 182, 0.65, 1, 1650, 980, 2.0,
                code(200, "service", 8200), code(201, "service", 1150), code(400, "service", 210),
                code(401, "kong", 95), code(429, "kong", 160), code(500, "service", 9), code(504, "kong", 4)));

        // checkout/cart HTTPRoute: rule 0 = cart-v1 90 / cart-v2 10, rule 1 = cart-v1 only
        K8sService cartV1 = b.service("checkout", "cart-v1", "http", 8080, 8080, Map.of("app", "cart", "track", "stable"));
        b.service("checkout", "cart-v2", "http", 8080, 8080, Map.of("app", "cart", "track", "canary"));
        List<Pod> v1Pods = b.pods("checkout", "cart-v1", 3, Map.of("app", "cart", "track", "stable", "version", "v1"));
        List<Pod> v2Pods = b.pods("checkout", "cart-v2", 1, Map.of("app", "cart", "track", "canary", "version", "v2"));
        HttpRoute cart = new HttpRoute("checkout", "cart", KicNames.fakeUid("httproute", "checkout", "cart"),
                List.of("cart.example.com"), List.of(
                new HttpRouteRule(List.of("/cart"), List.of(new BackendRef("cart-v1", 8080, Optional.of(90)),
                        new BackendRef("cart-v2", 8080, Optional.of(10)))),
                new HttpRouteRule(List.of("/cart/healthz"), List.of(new BackendRef("cart-v1", 8080, Optional.empty())))));
        b.httpRoute(cart);
        String cart0 = KicNames.httpRouteService("checkout", "cart", 0);
        String cart1 = KicNames.httpRouteService("checkout", "cart", 1);
        List<KongTarget> cart0Targets = new ArrayList<>(targets(v1Pods, 8080, 30, TargetState.HEALTHY));
        cart0Targets.addAll(targets(v2Pods, 8080, 10, TargetState.UNHEALTHY));
        b.kongService(new KongService(ClusterBuilder.kongId("service", cart0), cart0, cart0, 80, "http", cart0,
                KongServiceTags.forHttpRoute(cart),
                List.of(new KongRoute(KicNames.httpRouteRoute("checkout", "cart", 0, 0), List.of("cart.example.com"),
                        List.of("/cart"))), cart0Targets));
        b.kongService(new KongService(ClusterBuilder.kongId("service", cart1), cart1, cart1, 80, "http", cart1,
                KongServiceTags.forService(cartV1),
                List.of(new KongRoute(KicNames.httpRouteRoute("checkout", "cart", 1, 0), List.of("cart.example.com"),
                        List.of("/cart/healthz"))), targets(v1Pods, 8080, 100, TargetState.HEALTHY)));
        routes.add(route(cart0, KicNames.httpRouteRoute("checkout", "cart", 0, 0), 60, 41, 0.7, 1, 980, 2300, 3.0,
                code(200, "service", 9300), code(201, "service", 420), code(400, "service", 60),
                code(404, "service", 90), code(500, "service", 22), code(503, "kong", 9)));
        routes.add(route(cart1, KicNames.httpRouteRoute("checkout", "cart", 1, 0), 2, 3, 0.4, 0, 240, 310, 4.0,
                code(200, "service", 1)));
        return new DemoCluster(b.build(), routes);
    }

    /** A route that has been up about an hour at its rate. */
    private static RouteProfile route(String service, String route, double rps, double upMedian, double upSigma,
                                      double kongMedian, int reqBytes, int respBytes, double phase,
                                      StatusCodeShare... codes) {
        return new RouteProfile(service, route, (long) (rps * 3600), rps, List.of(codes), upMedian, upSigma,
                kongMedian, reqBytes, respBytes, phase);
    }

    private static StatusCodeShare code(int code, String source, double weight) {
        return new StatusCodeShare(code, source, weight);
    }

    private static List<KongTarget> targets(List<Pod> pods, int port, int weight, TargetState state) {
        return pods.stream().map(p -> new KongTarget(p.ip() + ":" + port, weight, state)).toList();
    }
}
