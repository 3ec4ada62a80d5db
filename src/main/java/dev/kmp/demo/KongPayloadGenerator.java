package dev.kmp.demo;

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

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/**
 * Java port of gen_kong_metrics.py's synthetic mode: invents a cluster of N Kong services (from
 * Ingresses and HTTPRoutes, some with two weighted backends) and the traffic they saw, and renders
 * it as Kong's Prometheus plugin would. Same families, labels, buckets, order and number format as
 * the reference, similar sizes; not the same random stream, so not byte-identical.
 *
 * <p>Deterministic for a seed. The payload is streamed; nothing holds the whole text.
 */
public final class KongPayloadGenerator {
    private static final String[] WORDS = {"orders", "catalog", "cart", "billing", "search", "users", "auth",
            "inventory", "shipping", "reviews", "pricing", "media", "notify", "ledger", "reports", "profile", "ads",
            "feeds", "chat", "geo", "tickets", "loyalty", "quotes", "docs", "events"};
    private static final String[] SUFFIX = {"api", "svc", "web", "backend", "frontend", "grpc", "gateway", "worker",
            "edge"};
    private static final String[] TEAMS = {"team-red", "team-blue", "platform", "payments", "growth", "data", "mobile",
            "web", "internal", "partners", "ml", "search", "identity", "ops", "billing", "media"};
    /** Port as the Ingress backend names it: mostly numbers, sometimes the port's name. */
    private static final String[] PORTS = {"80", "80", "80", "8080", "8080", "8000", "3000", "9090", "http"};
    private static final int[] TARGET_PORTS = {8080, 8080, 3000, 5000, 80, 9000};
    private static final double[] KONG_MEDIANS = {0, 1, 1, 1, 2, 3};
    private static final StatusCodeShare[] CODE_POOL = {
            code(200, "service", 9000), code(201, "service", 500), code(204, "service", 300),
            code(301, "service", 60), code(302, "service", 90), code(304, "service", 250),
            code(400, "service", 120), code(401, "kong", 80), code(403, "service", 30), code(404, "service", 200),
            code(409, "service", 15), code(422, "service", 25), code(429, "kong", 40), code(500, "service", 20),
            code(502, "kong", 6), code(503, "kong", 5), code(504, "kong", 3)};
    /** The initial counters stand for about a day of traffic; advancing continues at that rate. */
    private static final double INITIAL_UPTIME_SECONDS = Duration.ofDays(1).toSeconds();

    private final GeneratorOptions options;
    private final GeneratedCluster cluster;
    private final List<RouteProfile> routeProfiles;
    private final SimulatedTraffic traffic;

    public KongPayloadGenerator(GeneratorOptions options) {
        this.options = options;
        Random rng = new Random(options.seed());
        ClusterBuilder builder = new ClusterBuilder(new Random(options.seed() * 31 + 7),
                Math.max(3, options.services() / 20));
        List<RouteProfile> profiles = new ArrayList<>();
        synthesize(rng, builder, profiles);
        this.cluster = builder.build();
        this.routeProfiles = List.copyOf(profiles);
        this.traffic = new SimulatedTraffic(options.trafficSettings(), cluster.kongServices(), routeProfiles,
                options.seed() * 131 + 17);
    }

    public GeneratorOptions options() {
        return options;
    }

    private KongPayloadGenerator(GeneratorOptions options, GeneratedCluster cluster, List<RouteProfile> routeProfiles) {
        this.options = options;
        this.cluster = cluster;
        this.routeProfiles = List.copyOf(routeProfiles);
        this.traffic = new SimulatedTraffic(options.trafficSettings(), cluster.kongServices(), routeProfiles,
                options.seed() * 131 + 17);
    }

    /**
     * The same traffic, from the start, with Kong service names and upstream targets replaced
     * where the maps say ({@code service} label, upstream target {@code ip:port}); names not in
     * them stay. The start-up warm-up scrapes names its cluster cache holds this way. A map must
     * not send two names to one, or two series would share a label set.
     */
    public KongPayloadGenerator renamed(Map<String, String> serviceNames, Map<String, String> targets) {
        List<KongService> services = new ArrayList<>(cluster.kongServices().size());
        for (KongService s : cluster.kongServices()) {
            List<KongTarget> renamedTargets = new ArrayList<>(s.targets().size());
            for (KongTarget t : s.targets()) {
                renamedTargets.add(new KongTarget(targets.getOrDefault(t.target(), t.target()), t.weight(), t.state()));
            }
            services.add(new KongService(s.id(), serviceNames.getOrDefault(s.name(), s.name()), s.host(), s.port(),
                    s.protocol(), s.upstream(), s.tags(), s.routes(), renamedTargets));
        }
        List<RouteProfile> profiles = new ArrayList<>(routeProfiles.size());
        for (RouteProfile p : routeProfiles) {
            profiles.add(new RouteProfile(serviceNames.getOrDefault(p.service(), p.service()), p.route(),
                    p.initialRequests(), p.requestsPerSecond(), p.codes(), p.upstreamMedianMs(), p.upstreamSigma(),
                    p.kongMedianMs(), p.requestBytes(), p.responseBytes(), p.driftPhase()));
        }
        GeneratedCluster c = cluster;
        return new KongPayloadGenerator(options, new GeneratedCluster(c.namespaces(), c.services(), c.pods(),
                c.ingresses(), c.httpRoutes(), services), profiles);
    }

    /** The Kubernetes objects and Kong entities behind the payload. */
    public GeneratedCluster cluster() {
        return cluster;
    }

    /** Traffic of each route that saw any (idle routes have none). */
    public List<RouteProfile> routeProfiles() {
        return routeProfiles;
    }

    /** The live state; {@link SimulatedTraffic#advance} moves it forward. */
    public SimulatedTraffic traffic() {
        return traffic;
    }

    /** Renders the current state. Returns the number of bytes written. */
    public long write(OutputStream out) throws IOException {
        ExpositionSink sink = new ExpositionSink(out);
        long n = traffic.render(sink);
        sink.close();
        return n;
    }

    public static void main(String[] args) throws IOException {
        GenerateKongPayload.main(args);
    }

    // ---------------------------------------------------------------------------------------------

    private void synthesize(Random rng, ClusterBuilder builder, List<RouteProfile> profiles) {
        int nNs = Math.max(3, options.services() / 25);
        List<String> namespaces = new ArrayList<>(nNs);
        for (int i = 0; i < nNs; i++) {
            String base = TEAMS[i % TEAMS.length];
            namespaces.add(i < TEAMS.length ? base : base + "-" + i / TEAMS.length);
        }
        Set<String> used = new HashSet<>();
        for (int i = 0; i < options.services(); i++) {
            String ns = namespaces.get(rng.nextInt(nNs));
            String name = WORDS[rng.nextInt(WORDS.length)] + "-" + SUFFIX[rng.nextInt(SUFFIX.length)];
            if (!used.add(ns + "/" + name)) {
                name = name + "-" + i;
                used.add(ns + "/" + name);
            }
            String portRef = PORTS[rng.nextInt(PORTS.length)];
            int port = portRef.equals("http") ? 80 : Integer.parseInt(portRef);
            boolean httpRoute = rng.nextDouble() < options.httpRouteRatio();
            boolean multiBackend = httpRoute && rng.nextDouble() < options.multiBackendRatio();
            double upMedian = Math.exp(uniform(rng, Math.log(4), Math.log(450)));
            double upSigma = uniform(rng, 0.35, 1.1);
            double kongMedian = KONG_MEDIANS[rng.nextInt(KONG_MEDIANS.length)];
            long baseRequests = (long) Math.exp(rng.nextGaussian() * 1.6 + Math.log(options.medianRequests()));
            int podsPerBackend = 1 + rng.nextInt(5);
            int targetPort = TARGET_PORTS[rng.nextInt(TARGET_PORTS.length)];
            boolean healthchecks = rng.nextDouble() >= 0.8;

            String kongName = httpRoute ? KicNames.httpRouteService(ns, name, 0)
                    : KicNames.ingressService(ns, name, portRef);
            String upstream = httpRoute ? kongName : KicNames.ingressUpstream(ns, name, portRef);
            List<KongRoute> kongRoutes = new ArrayList<>();
            List<String> paths = new ArrayList<>();
            for (int j = 0; j < options.routesPerService(); j++) {
                String routeName;
                if (httpRoute) {
                    String path = j == 0 ? "/" : "/v" + j;
                    paths.add(path);
                    routeName = KicNames.httpRouteRoute(ns, name, 0, j);
                    kongRoutes.add(new KongRoute(routeName, List.of(name + "." + ns + ".example.com"), List.of(path)));
                } else {
                    String host = j == 0 ? name + "." + ns + ".example.com" : name + "-" + j + "." + ns + ".example.com";
                    String ingress = j == 0 ? name : name + "-" + j;
                    routeName = KicNames.ingressRoute(ns, ingress, name, host, portRef);
                    builder.ingress(new Ingress(ns, ingress, host, "/", name, portRef));
                    kongRoutes.add(new KongRoute(routeName, List.of(host), List.of("/")));
                }
                if (rng.nextDouble() < options.idleFraction()) {
                    continue; // the route never received traffic: no series at all
                }
                long n = Math.max(1, (long) (baseRequests * Math.exp(rng.nextGaussian() * 0.8)));
                profiles.add(new RouteProfile(kongName, routeName, n, n / INITIAL_UPTIME_SECONDS, codeMix(rng),
                        upMedian, upSigma, kongMedian, 300 + rng.nextInt(2201), 200 + rng.nextInt(39801),
                        uniform(rng, 0, 2 * Math.PI)));
            }

            List<KongTarget> targets = new ArrayList<>();
            KongServiceTags tags;
            if (!httpRoute) {
                K8sService svc = builder.service(ns, name, "http", port, targetPort, Map.of("app", name));
                List<Pod> pods = builder.pods(ns, name, podsPerBackend,
                        Map.of("app", name, "app.kubernetes.io/name", name));
                addTargets(rng, targets, pods, targetPort, 100, healthchecks);
                tags = KongServiceTags.forService(svc);
            } else if (!multiBackend) {
                K8sService svc = builder.service(ns, name, "http", port, targetPort, Map.of("app", name));
                List<Pod> pods = builder.pods(ns, name, podsPerBackend,
                        Map.of("app", name, "app.kubernetes.io/name", name));
                addTargets(rng, targets, pods, targetPort, 100, healthchecks);
                builder.httpRoute(new HttpRoute(ns, name, KicNames.fakeUid("httproute", ns, name),
                        List.of(name + "." + ns + ".example.com"),
                        List.of(new HttpRouteRule(paths, List.of(new BackendRef(name, port, Optional.empty()))))));
                tags = KongServiceTags.forService(svc);
            } else {
                // one rule, two weighted backendRefs: KIC makes ONE Kong service/upstream for both and
                // spreads each backendRef's weight over its pods' targets
                String stable = name + "-v1";
                String canary = name + "-v2";
                builder.service(ns, stable, "http", port, targetPort, Map.of("app", name, "track", "stable"));
                builder.service(ns, canary, "http", port, targetPort, Map.of("app", name, "track", "canary"));
                List<Pod> stablePods = builder.pods(ns, stable, podsPerBackend,
                        Map.of("app", name, "track", "stable", "version", "v1"));
                List<Pod> canaryPods = builder.pods(ns, canary, podsPerBackend,
                        Map.of("app", name, "track", "canary", "version", "v2"));
                addTargets(rng, targets, stablePods, targetPort, Math.max(1, 90 / podsPerBackend), healthchecks);
                addTargets(rng, targets, canaryPods, targetPort, Math.max(1, 10 / podsPerBackend), healthchecks);
                HttpRoute route = new HttpRoute(ns, name, KicNames.fakeUid("httproute", ns, name),
                        List.of(name + "." + ns + ".example.com"),
                        List.of(new HttpRouteRule(paths, List.of(new BackendRef(stable, port, Optional.of(90)),
                                new BackendRef(canary, port, Optional.of(10))))));
                builder.httpRoute(route);
                tags = KongServiceTags.forHttpRoute(route);
            }
            builder.kongService(new KongService(ClusterBuilder.kongId("service", kongName), kongName, upstream, 80,
                    "http", upstream, tags, kongRoutes, targets));
        }
    }

    /** 80% of upstreams run without health checks; with them, a pod is occasionally unhealthy. */
    private static void addTargets(Random rng, List<KongTarget> targets, List<Pod> pods, int targetPort, int weight,
                                   boolean healthchecks) {
        for (Pod p : pods) {
            TargetState state = !healthchecks ? TargetState.HEALTHCHECKS_OFF
                    : rng.nextDouble() < 0.05 ? TargetState.UNHEALTHY : TargetState.HEALTHY;
            targets.add(new KongTarget(p.ip() + ":" + targetPort, weight, state));
        }
    }

    /** 200 plus 2-8 other codes from the pool, each weight jittered per route. */
    private static List<StatusCodeShare> codeMix(Random rng) {
        int k = 3 + rng.nextInt(7);
        List<StatusCodeShare> others = new ArrayList<>(List.of(CODE_POOL).subList(1, CODE_POOL.length));
        List<StatusCodeShare> mix = new ArrayList<>(k);
        mix.add(CODE_POOL[0]);
        for (int i = 1; i < k; i++) {
            mix.add(others.remove(rng.nextInt(others.size())));
        }
        List<StatusCodeShare> jittered = new ArrayList<>(k);
        for (StatusCodeShare c : mix) {
            jittered.add(code(c.code(), c.source(), Math.max(1, (int) (c.weight() * Math.exp(rng.nextGaussian() * 0.7)))));
        }
        return jittered;
    }

    private static StatusCodeShare code(int code, String source, double weight) {
        return new StatusCodeShare(code, source, weight);
    }

    private static double uniform(Random rng, double lo, double hi) {
        return lo + (hi - lo) * rng.nextDouble();
    }
}
