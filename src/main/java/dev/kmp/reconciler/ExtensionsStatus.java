package dev.kmp.reconciler;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What /status shows about the reconciler: leadership and, per extension, its conditions, the
 * Services it selects now (from the caches) and those its status says carry the plugin.
 */
public record ExtensionsStatus(
        boolean leader,
        String identity,
        String currentLeader,
        boolean synced,
        List<Extension> extensions) {

    public record Extension(
            String namespace,
            String name,
            Long generation,
            Long observedGeneration,
            List<Condition> conditions,
            List<String> selectedServices,
            List<String> servicesInEffect,
            Map<String, String> conflicts,
            List<String> missingServices) {
    }

    public record Condition(String type, String status, String reason, String message, String lastTransitionTime) {
    }

    /** The same as plain maps and lists, for a JSON status document. */
    public Map<String, Object> asMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("leader", leader);
        m.put("identity", identity);
        m.put("currentLeader", currentLeader);
        m.put("synced", synced);
        m.put("extensions", extensions.stream().map(e -> {
            Map<String, Object> x = new LinkedHashMap<>();
            x.put("namespace", e.namespace());
            x.put("name", e.name());
            x.put("generation", e.generation());
            x.put("observedGeneration", e.observedGeneration());
            x.put("conditions", e.conditions().stream().map(c -> {
                Map<String, Object> cm = new LinkedHashMap<>();
                cm.put("type", c.type());
                cm.put("status", c.status());
                cm.put("reason", c.reason());
                cm.put("message", c.message());
                cm.put("lastTransitionTime", c.lastTransitionTime());
                return cm;
            }).toList());
            x.put("selectedServices", e.selectedServices());
            x.put("servicesInEffect", e.servicesInEffect());
            x.put("conflicts", e.conflicts());
            x.put("missingServices", e.missingServices());
            return x;
        }).toList());
        return m;
    }
}
