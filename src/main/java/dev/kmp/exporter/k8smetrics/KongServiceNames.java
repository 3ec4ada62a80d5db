package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Labels;

/**
 * A fallback for series that reach the exporter without the Kubernetes-attributes processor:
 * reads the Kubernetes object from Kong's {@code service} label by the ingress controller's naming
 * rules ({@code <ns>.<svc>.<port>}, {@code httproute.<ns>.<name>.<rule>}) and adds the label-schema
 * labels the APIs select on. Series that already carry {@code kubernetes_kind} are left alone: the
 * processor, which checks the names against the cluster, knows better.
 */
final class KongServiceNames {
    private KongServiceNames() {
    }

    static Labels withObjectLabels(Labels labels) {
        if (labels.get("kubernetes_kind") != null || labels.get("kong_service") != null) {
            return labels;
        }
        String kongService = labels.get("service");
        if (kongService == null) {
            return labels;
        }
        String[] parts = kongService.split("\\.");
        String kind;
        String namespace;
        String name;
        if (parts.length == 4 && parts[0].equals("httproute")) {
            kind = "HTTPRoute";
            namespace = parts[1];
            name = parts[2];
        } else if (parts.length == 3 && !parts[2].isEmpty() && parts[2].chars().allMatch(Character::isDigit)) {
            kind = "Service";
            namespace = parts[0];
            name = parts[1];
        } else {
            return labels;
        }
        return labels.with("kong_service", kongService).with("service", name).with("namespace", namespace)
                .with("kubernetes_kind", kind).with("kubernetes_name", name).with("kubernetes_namespace", namespace);
    }
}
