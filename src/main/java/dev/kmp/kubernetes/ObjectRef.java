package dev.kmp.kubernetes;

import java.util.List;
import java.util.Optional;

/**
 * A Kubernetes object by kind, API group and version, namespace and name. {@code group} is empty
 * for core objects ({@code Service}); {@link #apiVersion()} is then just the version.
 */
public record ObjectRef(String kind, String group, String version, String namespace, String name) {
    public ObjectRef {
        group = group == null ? "" : group;
        version = version == null || version.isEmpty() ? "v1" : version;
    }

    public static ObjectRef service(String namespace, String name) {
        return new ObjectRef("Service", "", "v1", namespace, name);
    }

    public String apiVersion() {
        return group.isEmpty() ? version : group + "/" + version;
    }

    /**
     * The object named by the {@code k8s-*} tags Kong's ingress controller puts on a Kong service:
     * {@code k8s-name}, {@code k8s-namespace}, {@code k8s-kind} are required; {@code k8s-group} is
     * absent (core kinds, as KIC writes them), empty or a group; {@code k8s-version} defaults to v1.
     */
    public static Optional<ObjectRef> fromKongTags(List<String> tags) {
        String name = null;
        String namespace = null;
        String kind = null;
        String group = "";
        String version = null;
        for (String t : tags) {
            if (t == null) {
                continue;
            }
            if (t.startsWith("k8s-name:")) {
                name = t.substring(9);
            } else if (t.startsWith("k8s-namespace:")) {
                namespace = t.substring(14);
            } else if (t.startsWith("k8s-kind:")) {
                kind = t.substring(9);
            } else if (t.startsWith("k8s-group:")) {
                group = t.substring(10);
            } else if (t.startsWith("k8s-version:")) {
                version = t.substring(12);
            }
        }
        if (name == null || name.isEmpty() || namespace == null || namespace.isEmpty() || kind == null || kind.isEmpty()) {
            return Optional.empty();
        }
        // KIC writes group "core" in some versions for core kinds.
        if (group.equals("core")) {
            group = "";
        }
        return Optional.of(new ObjectRef(kind, group, version, namespace, name));
    }
}
