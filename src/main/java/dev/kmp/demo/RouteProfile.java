package dev.kmp.demo;

import java.util.List;

/**
 * The traffic one Kong route sees: how much, which status codes, and how slow.
 *
 * @param service           Kong service name (the {@code service} label)
 * @param route             Kong route name (the {@code route} label)
 * @param initialRequests   requests already counted when the simulation starts
 * @param requestsPerSecond rate used when traffic advances
 * @param codes             status code mix; codes answered by Kong itself carry source "kong"
 * @param upstreamMedianMs  median upstream latency before drift
 * @param upstreamSigma     log-normal sigma of upstream latency
 * @param kongMedianMs      median latency Kong's plugins add (0 = under a millisecond)
 * @param requestBytes      mean request size
 * @param responseBytes     mean response size
 * @param driftPhase        phase (radians) of this route's latency swing, so routes don't move in lockstep
 */
public record RouteProfile(
        String service,
        String route,
        long initialRequests,
        double requestsPerSecond,
        List<StatusCodeShare> codes,
        double upstreamMedianMs,
        double upstreamSigma,
        double kongMedianMs,
        int requestBytes,
        int responseBytes,
        double driftPhase) {

    public RouteProfile {
        codes = List.copyOf(codes);
        if (codes.isEmpty()) {
            throw new IllegalArgumentException("a route needs at least one status code");
        }
    }

    /**
     * One status code's share of a route's requests.
     *
     * @param code   HTTP status
     * @param source "service" when the upstream answered, "kong" when Kong did
     * @param weight relative weight
     */
    public record StatusCodeShare(int code, String source, double weight) {
    }
}
