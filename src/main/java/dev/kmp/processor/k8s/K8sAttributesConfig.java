package dev.kmp.processor.k8s;

/**
 * {@code labels}: the label schema ({@code kgo}, compatible with Kong's operator, is the only one);
 * {@code unresolved}: {@code keep} (default) or {@code drop} series whose Kong service resolves to
 * no Kubernetes object.
 */
public record K8sAttributesConfig(String labels, String unresolved) {
    public static final String KGO = "kgo";
    public static final String KEEP = "keep";
    public static final String DROP = "drop";

    public boolean dropUnresolved() {
        return DROP.equals(unresolved);
    }
}
