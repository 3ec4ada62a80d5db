package dev.kmp.processor.k8s;

import dev.kmp.kubernetes.ObjectRef;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The outcome of resolving one Kong service name: the Kubernetes object (null when unresolved,
 * then {@code reason} is {@code no_tags}, {@code no_object} or {@code unparsable_name}), and for a
 * route rule with several backends those backends with their weights.
 */
public record Resolution(ObjectRef object, String reason, int rule, List<Backend> backends) {
    public static final String NO_TAGS = "no_tags";
    public static final String NO_OBJECT = "no_object";
    public static final String UNPARSABLE_NAME = "unparsable_name";

    public Resolution {
        // One List class whatever the count (List.copyOf picks among three): enrichment asks every
        // resolution for its backends, and a call site that met only empty lists during the
        // start-up warm-up was thrown away (deoptimised) at the first batch with a canary route.
        backends = Collections.unmodifiableList(new ArrayList<>(backends));
    }

    public static Resolution of(ObjectRef object) {
        return new Resolution(object, null, -1, List.of());
    }

    public static Resolution unresolved(String reason) {
        return new Resolution(null, reason, -1, List.of());
    }

    public boolean resolved() {
        return object != null;
    }

    /** One backendRef of a multi-backend rule; {@code weight} is 1 when the ref sets none (the API's default). */
    public record Backend(String namespace, String service, int weight) {
    }
}
