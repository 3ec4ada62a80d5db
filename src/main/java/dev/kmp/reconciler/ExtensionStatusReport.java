package dev.kmp.reconciler;

import static dev.kmp.reconciler.ExtensionCondition.ACCEPTED;
import static dev.kmp.reconciler.ExtensionCondition.READY;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** Builds the status an extension should carry for a {@link SelectionPlan}. */
final class ExtensionStatusReport {
    static final String REASON_ACCEPTED = "Accepted";
    static final String REASON_INVALID_SELECTOR = "InvalidSelector";
    static final String REASON_PLUGIN_APPLIED = "PluginApplied";
    static final String REASON_CONFLICT = "Conflict";
    static final String REASON_SERVICE_NOT_FOUND = "ServiceNotFound";
    static final String REASON_NO_SERVICE_SELECTED = "NoServiceSelected";

    private ExtensionStatusReport() {
    }

    /**
     * @param previous the status now on the object (may be null): a condition whose status did not
     *                 change keeps its lastTransitionTime, so an unchanged state compares equal
     */
    static DataPlaneMetricsExtensionStatus of(Long generation, SelectionPlan plan, DataPlaneMetricsExtensionStatus previous,
                                              String now) {
        List<ExtensionCondition> conditions = new ArrayList<>();
        if (plan.selectorEmpty()) {
            String msg = "spec.serviceSelector has neither matchNames nor matchLabels";
            conditions.add(condition(ACCEPTED, false, REASON_INVALID_SELECTOR, msg, generation, previous, now));
            conditions.add(condition(READY, false, REASON_INVALID_SELECTOR, msg, generation, previous, now));
        } else {
            conditions.add(condition(ACCEPTED, true, REASON_ACCEPTED, "spec is valid", generation, previous, now));
            List<String> problems = new ArrayList<>();
            plan.conflicts().forEach((svc, why) -> problems.add("Service " + svc + ": " + why));
            if (!plan.missing().isEmpty()) {
                problems.add("Service(s) not found: " + String.join(", ", plan.missing()));
            }
            String applied = plan.owned().isEmpty() ? "" : "; KongPlugin applied to " + String.join(", ", plan.owned());
            if (!plan.conflicts().isEmpty()) {
                conditions.add(condition(READY, false, REASON_CONFLICT, String.join("; ", problems) + applied, generation, previous, now));
            } else if (!plan.missing().isEmpty()) {
                conditions.add(condition(READY, false, REASON_SERVICE_NOT_FOUND, String.join("; ", problems) + applied, generation, previous, now));
            } else if (plan.owned().isEmpty()) {
                conditions.add(condition(READY, false, REASON_NO_SERVICE_SELECTED, "no Service matches spec.serviceSelector",
                        generation, previous, now));
            } else {
                conditions.add(condition(READY, true, REASON_PLUGIN_APPLIED,
                        "KongPlugin applied to " + plan.owned().stream().collect(Collectors.joining(", ")), generation, previous, now));
            }
        }
        DataPlaneMetricsExtensionStatus status = new DataPlaneMetricsExtensionStatus();
        status.setObservedGeneration(generation);
        status.setConditions(conditions);
        status.setServices(new ArrayList<>(plan.owned()));
        return status;
    }

    private static ExtensionCondition condition(String type, boolean ok, String reason, String message, Long generation,
                                                DataPlaneMetricsExtensionStatus previous, String now) {
        String status = ok ? "True" : "False";
        String since = now;
        if (previous != null && previous.getConditions() != null) {
            for (ExtensionCondition c : previous.getConditions()) {
                if (type.equals(c.getType()) && status.equals(c.getStatus()) && c.getLastTransitionTime() != null) {
                    since = c.getLastTransitionTime();
                }
            }
        }
        return new ExtensionCondition(type, status, reason, message, generation, since);
    }
}
