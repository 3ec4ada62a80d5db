package dev.kmp.exporter.k8smetrics;

import java.util.Optional;

/**
 * Which HTTPRoute rule a Service is one backend of, when that rule has several backends and so is
 * one Kong service whose series are labelled as the HTTPRoute. An Object metric on such a Service
 * answers with the rule's value (Kong cannot tell the backends apart).
 */
public interface RouteBackends {
    /** The rule sending traffic to Service {@code namespace/service} among other backends, if any. */
    Optional<RouteRule> ruleOf(String namespace, String service);

    /** One rule of an HTTPRoute and the Kong service it became ({@code httproute.<ns>.<name>.<rule>}). */
    record RouteRule(String namespace, String route, String rule, String kongService) {
    }

    /**
     * One row of {@code kmp_route_backend_info}: backend Service {@code backendService} (in
     * {@code namespace}) of rule {@code rule} of HTTPRoute {@code namespace/route}.
     */
    record RouteBackend(String namespace, String route, String rule, String kongService, String backendService,
                        String weight) {
        RouteRule toRule() {
            return new RouteRule(namespace, route, rule, kongService);
        }
    }
}
