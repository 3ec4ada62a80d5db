package dev.kmp.reconciler;

/** The names this reconciler writes onto objects it manages (DESIGN.md, Reconciler). */
public final class ManagedMarks {
    public static final String MANAGED_BY_LABEL = "app.kubernetes.io/managed-by";
    public static final String MANAGED_BY_VALUE = "kong-metrics-pipeline";
    public static final String EXTENSION_LABEL = "kmp.dev/extension";
    /** On a Service: the entries of {@link #PLUGINS_ANNOTATION} that we added, so undo removes exactly those. */
    public static final String MANAGED_PLUGINS_ANNOTATION = "kmp.dev/managed-plugins";
    public static final String PLUGINS_ANNOTATION = "konghq.com/plugins";
    public static final String FINALIZER = "kmp.dev/cleanup";
    public static final String ROLE_LABEL = "kmp.dev/role";
    public static final String ROLE_LEADER = "leader";

    private ManagedMarks() {
    }

    /** The KongPlugin that carries the metrics config for one Service (Kong operator's naming). */
    public static String pluginName(String serviceName) {
        return serviceName + "-metrics-prometheus";
    }
}
