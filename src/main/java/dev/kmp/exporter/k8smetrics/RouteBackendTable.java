package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Batch;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * {@link RouteBackends} over two sources: rows set from outside ({@link #replace}, for whoever
 * watches HTTPRoutes), and {@code kmp_route_backend_info} series that arrive in batches (what the
 * Kubernetes-attributes processor publishes; each target's latest batch replaces its rows).
 * A Service in several multi-backend rules resolves to the first by route, then rule, so answers
 * are stable.
 */
public final class RouteBackendTable implements RouteBackends {
    public static final String FAMILY = "kmp_route_backend_info";
    private static final TargetId SET_FROM_OUTSIDE = new TargetId("", "");
    private static final Comparator<RouteBackend> ORDER =
            Comparator.comparing(RouteBackend::route).thenComparing(RouteBackend::rule).thenComparing(RouteBackend::kongService);

    private final Map<TargetId, List<RouteBackend>> rows = new ConcurrentHashMap<>();

    /** Replaces the rows set from outside. */
    public void replace(List<RouteBackend> backends) {
        rows.put(SET_FROM_OUTSIDE, List.copyOf(backends));
    }

    void learn(Batch batch) {
        if (batch.failed()) {
            return;
        }
        List<RouteBackend> found = new ArrayList<>();
        boolean present = false;
        for (MetricFamily f : batch.families()) {
            if (f.name().equals(FAMILY)) {
                present = true;
                for (Series s : f.series()) {
                    RouteBackend row = row(s.labels());
                    if (row != null) {
                        found.add(row);
                    }
                }
            }
        }
        if (present) {
            rows.put(batch.target(), List.copyOf(found));
        } else {
            rows.remove(batch.target());
        }
    }

    void forget(TargetId target) {
        rows.remove(target);
    }

    @Override
    public Optional<RouteRule> ruleOf(String namespace, String service) {
        RouteBackend best = null;
        for (List<RouteBackend> list : rows.values()) {
            for (RouteBackend b : list) {
                if (b.namespace().equals(namespace) && b.backendService().equals(service)
                        && (best == null || ORDER.compare(b, best) < 0)) {
                    best = b;
                }
            }
        }
        return Optional.ofNullable(best).map(RouteBackend::toRule);
    }

    int size() {
        return rows.values().stream().mapToInt(List::size).sum();
    }

    private static RouteBackend row(Labels l) {
        String namespace = l.get("namespace");
        String route = l.get("route");
        String kongService = l.get("kong_service");
        String backend = l.get("backend_service");
        if (namespace == null || route == null || kongService == null || backend == null) {
            return null;
        }
        String rule = l.get("rule");
        String weight = l.get("weight");
        return new RouteBackend(namespace, route, rule == null ? "" : rule, kongService, backend, weight == null ? "" : weight);
    }
}
