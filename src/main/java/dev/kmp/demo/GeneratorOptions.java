package dev.kmp.demo;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The options of gen_kong_metrics.py's synthetic mode, with the same names and defaults.
 *
 * @param services            Kong services (one per k8s Service, or per HTTPRoute rule)
 * @param routesPerService    Kong routes per service
 * @param seed                makes the whole payload reproducible
 * @param kongVersion         3.4-3.6: no workspace label; before 3.8.1: kong_latency buckets end at 1000
 * @param workers             nginx workers
 * @param httpRouteRatio      share of services that come from an HTTPRoute rather than an Ingress
 * @param multiBackendRatio   share of HTTPRoute services whose rule has two weighted backendRefs
 * @param idleFraction        share of routes that never saw a request (no series at all)
 * @param medianRequests      median requests per service
 * @param consumers           per_consumer=true with this many consumers (0 = off)
 * @param statusCodeMetrics   false = --no-status
 * @param latencyMetrics      false = --no-latency
 * @param bandwidthMetrics    false = --no-bandwidth
 * @param upstreamHealth      false = --no-upstream-health
 * @param stream              append the stream subsystem's block
 * @param sampleCap           latency resolution of the initial state (see {@link TrafficSettings#sampleCap()})
 */
public record GeneratorOptions(
        int services,
        int routesPerService,
        long seed,
        KongVersion kongVersion,
        int workers,
        double httpRouteRatio,
        double multiBackendRatio,
        double idleFraction,
        double medianRequests,
        int consumers,
        boolean statusCodeMetrics,
        boolean latencyMetrics,
        boolean bandwidthMetrics,
        boolean upstreamHealth,
        boolean stream,
        int sampleCap) {

    public static final String USAGE = """
            usage: GenerateKongPayload [--services N] [--routes-per-service N] [--seed N]
                                       [--kong-version V] [--workers N] [--httproute-ratio F]
                                       [--multi-backend-ratio F] [--idle-fraction F]
                                       [--median-requests F] [--consumers N] [--no-status]
                                       [--no-latency] [--no-bandwidth] [--no-upstream-health]
                                       [--stream] [--sample-cap N]
            Writes a Kong Prometheus-plugin /metrics payload to stdout (defaults as gen_kong_metrics.py:
            100 services, 2 routes each, seed 1, Kong 3.9.1).""";

    public GeneratorOptions {
        if (services < 0 || routesPerService < 0 || consumers < 0 || workers < 1 || sampleCap < 1) {
            throw new IllegalArgumentException("counts must not be negative, workers and sample cap >= 1");
        }
        for (double f : new double[]{httpRouteRatio, multiBackendRatio, idleFraction}) {
            if (f < 0 || f > 1) {
                throw new IllegalArgumentException("ratios and fractions must be in [0, 1]");
            }
        }
    }

    public static GeneratorOptions defaults() {
        return new GeneratorOptions(100, 2, 1, KongVersion.DEFAULT, 2, 0.3, 0.2, 0.05, 20000, 0,
                true, true, true, true, false, 200);
    }

    public GeneratorOptions withServices(int n) {
        return new GeneratorOptions(n, routesPerService, seed, kongVersion, workers, httpRouteRatio, multiBackendRatio,
                idleFraction, medianRequests, consumers, statusCodeMetrics, latencyMetrics, bandwidthMetrics,
                upstreamHealth, stream, sampleCap);
    }

    public GeneratorOptions withSeed(long s) {
        return new GeneratorOptions(services, routesPerService, s, kongVersion, workers, httpRouteRatio,
                multiBackendRatio, idleFraction, medianRequests, consumers, statusCodeMetrics, latencyMetrics,
                bandwidthMetrics, upstreamHealth, stream, sampleCap);
    }

    /** The settings of the simulated node these options describe. */
    public TrafficSettings trafficSettings() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < consumers; i++) {
            names.add(String.format(Locale.ROOT, "consumer-%03d", i));
        }
        TrafficSettings d = TrafficSettings.defaults(seed);
        return new TrafficSettings(kongVersion, workers, names, statusCodeMetrics, latencyMetrics, bandwidthMetrics,
                upstreamHealth, stream, sampleCap, d.driftAmplitude(), d.driftPeriod(), seed);
    }

    /**
     * Parses command-line flags ({@code --name value} or {@code --name=value}).
     *
     * @throws IllegalArgumentException on an unknown flag or a bad value, with a message for the user
     */
    public static GeneratorOptions parse(String... args) {
        GeneratorOptions d = defaults();
        int services = d.services;
        int routes = d.routesPerService;
        long seed = d.seed;
        KongVersion version = d.kongVersion;
        int workers = d.workers;
        double httpRoute = d.httpRouteRatio;
        double multi = d.multiBackendRatio;
        double idle = d.idleFraction;
        double median = d.medianRequests;
        int consumers = d.consumers;
        boolean status = true;
        boolean latency = true;
        boolean bandwidth = true;
        boolean health = true;
        boolean stream = false;
        int sampleCap = d.sampleCap;
        for (int i = 0; i < args.length; i++) {
            String flag = args[i];
            String value = null;
            int eq = flag.indexOf('=');
            if (eq > 0) {
                value = flag.substring(eq + 1);
                flag = flag.substring(0, eq);
            }
            switch (flag) {
                case "--no-status" -> status = false;
                case "--no-latency" -> latency = false;
                case "--no-bandwidth" -> bandwidth = false;
                case "--no-upstream-health" -> health = false;
                case "--stream" -> stream = true;
                default -> {
                    if (value == null) {
                        if (i + 1 >= args.length) {
                            throw new IllegalArgumentException(flag + " needs a value\n" + USAGE);
                        }
                        value = args[++i];
                    }
                    try {
                        switch (flag) {
                            case "--services" -> services = Integer.parseInt(value);
                            case "--routes-per-service" -> routes = Integer.parseInt(value);
                            case "--seed" -> seed = Long.parseLong(value);
                            case "--kong-version" -> version = KongVersion.parse(value);
                            case "--workers" -> workers = Integer.parseInt(value);
                            case "--httproute-ratio" -> httpRoute = Double.parseDouble(value);
                            case "--multi-backend-ratio" -> multi = Double.parseDouble(value);
                            case "--idle-fraction" -> idle = Double.parseDouble(value);
                            case "--median-requests" -> median = Double.parseDouble(value);
                            case "--consumers" -> consumers = Integer.parseInt(value);
                            case "--sample-cap" -> sampleCap = Integer.parseInt(value);
                            default -> throw new IllegalArgumentException("unknown option " + flag + "\n" + USAGE);
                        }
                    } catch (NumberFormatException e) {
                        throw new IllegalArgumentException("bad value for " + flag + ": " + value, e);
                    }
                }
            }
        }
        return new GeneratorOptions(services, routes, seed, version, workers, httpRoute, multi, idle, median, consumers,
                status, latency, bandwidth, health, stream, sampleCap);
    }
}
