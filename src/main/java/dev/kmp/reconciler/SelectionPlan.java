package dev.kmp.reconciler;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Predicate;

/**
 * What one extension should hold, computed from cached state only (no API calls): the Services it
 * selects, those it owns, those another extension holds (conflicts) and names that match nothing.
 *
 * @param conflicts Service name -> why this extension may not have it
 */
record SelectionPlan(
        boolean selectorEmpty,
        SortedSet<String> selected,
        SortedSet<String> owned,
        SortedMap<String, String> conflicts,
        SortedSet<String> missing) {

    /**
     * Older creationTimestamp, then name, wins a Service. A pure function of the extensions, so
     * every pass and every replica reaches the same answer: no flapping.
     */
    static final Comparator<DataPlaneMetricsExtension> PRECEDENCE = Comparator
            .comparing((DataPlaneMetricsExtension e) -> created(e))
            .thenComparing(e -> e.getMetadata().getName());

    /**
     * @param foreignPlugin true for a Service whose {@code <service>-metrics-prometheus} KongPlugin
     *                      exists but is not ours (a person's, or Kong operator's): we never overwrite it
     */
    static SelectionPlan of(DataPlaneMetricsExtension extension, Collection<DataPlaneMetricsExtension> sameNamespace,
                            Collection<Service> services, Predicate<String> foreignPlugin) {
        ServiceSelector selector = extension.getSpec() == null ? null : extension.getSpec().getServiceSelector();
        SortedSet<String> names = new TreeSet<>();
        Map<String, String> labels = Map.of();
        if (selector != null) {
            if (selector.getMatchNames() != null) {
                selector.getMatchNames().stream()
                        .filter(e -> e != null && e.getName() != null && !e.getName().isBlank())
                        .forEach(e -> names.add(e.getName()));
            }
            if (selector.getMatchLabels() != null) {
                labels = selector.getMatchLabels();
            }
        }
        boolean selectorEmpty = names.isEmpty() && labels.isEmpty();

        SortedSet<String> selected = new TreeSet<>();
        SortedSet<String> missing = new TreeSet<>(names);
        for (Service s : services) {
            if (selects(extension, s)) {
                selected.add(s.getMetadata().getName());
            }
            missing.remove(s.getMetadata().getName());
        }
        List<DataPlaneMetricsExtension> rivals = sameNamespace.stream()
                .filter(e -> e.getMetadata().getDeletionTimestamp() == null)
                .filter(e -> !e.getMetadata().getName().equals(extension.getMetadata().getName()))
                .toList();
        SortedSet<String> owned = new TreeSet<>();
        SortedMap<String, String> conflicts = new TreeMap<>();
        for (Service s : services) {
            String name = s.getMetadata().getName();
            if (!selected.contains(name)) {
                continue;
            }
            DataPlaneMetricsExtension winner = extension;
            for (DataPlaneMetricsExtension rival : rivals) {
                if (selects(rival, s) && PRECEDENCE.compare(rival, winner) < 0) {
                    winner = rival;
                }
            }
            if (winner != extension) {
                conflicts.put(name, "selected by the older extension " + winner.getMetadata().getName());
            } else if (foreignPlugin.test(name)) {
                conflicts.put(name, "KongPlugin " + ManagedMarks.pluginName(name)
                        + " exists and is not managed by " + ManagedMarks.MANAGED_BY_VALUE);
            } else {
                owned.add(name);
            }
        }
        return new SelectionPlan(selectorEmpty, selected, owned, conflicts, missing);
    }

    static boolean selects(DataPlaneMetricsExtension extension, HasMetadata service) {
        ServiceSelector selector = extension.getSpec() == null ? null : extension.getSpec().getServiceSelector();
        if (selector == null) {
            return false;
        }
        String name = service.getMetadata().getName();
        if (selector.getMatchNames() != null
                && selector.getMatchNames().stream().anyMatch(e -> e != null && name.equals(e.getName()))) {
            return true;
        }
        Map<String, String> want = selector.getMatchLabels();
        if (want == null || want.isEmpty()) {
            return false;
        }
        Map<String, String> have = service.getMetadata().getLabels();
        return have != null && want.entrySet().stream().allMatch(w -> w.getValue() != null && w.getValue().equals(have.get(w.getKey())));
    }

    private static Instant created(DataPlaneMetricsExtension e) {
        String ts = e.getMetadata().getCreationTimestamp();
        if (ts == null) {
            return Instant.MAX;
        }
        try {
            return Instant.parse(ts);
        } catch (DateTimeParseException ex) {
            return Instant.MAX;
        }
    }
}
