package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Labels;
import dev.kmp.processor.k8s.KongServiceName;
import java.util.Optional;

/**
 * A fallback for series that reach the exporter without the Kubernetes-attributes processor:
 * reads the Kubernetes object from Kong's {@code service} label by the ingress controller's naming
 * rules ({@link KongServiceName}: {@code <ns>.<svc>.<port>}, {@code httproute.<ns>.<name>.<rule>}, ...) and adds the label-schema
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
        // The same naming rules the k8sattributes processor applies (without its check against the cluster).
        Optional<KongServiceName> parsed = KongServiceName.parse(kongService);
        if (parsed.isEmpty()) {
            return labels;
        }
        String kind;
        String namespace;
        String name;
        switch (parsed.get()) {
            case KongServiceName.RouteRule r -> {
                kind = r.kind();
                namespace = r.namespace();
                name = r.name();
            }
            case KongServiceName.IngressBackend b -> {
                kind = "Service";
                namespace = b.namespace();
                name = b.service();
            }
        }
        return labels.with("kong_service", kongService).with("service", name).with("namespace", namespace)
                .with("kubernetes_kind", kind).with("kubernetes_name", name).with("kubernetes_namespace", namespace);
    }
}
