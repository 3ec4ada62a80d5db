package dev.kmp.reconciler;

import static dev.kmp.reconciler.ManagedMarks.EXTENSION_LABEL;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_BY_LABEL;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_BY_VALUE;
import static dev.kmp.reconciler.ManagedMarks.MANAGED_PLUGINS_ANNOTATION;
import static dev.kmp.reconciler.ManagedMarks.PLUGINS_ANNOTATION;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A Service's labels and annotations as the reconciler wants them. Both operations compare
 * meaning, not text (a list written {@code "a, b"} by a person is left alone when nothing is to be
 * added), so a converged Service is never rewritten.
 */
record ServiceMarks(Map<String, String> labels, Map<String, String> annotations) {

    static ServiceMarks of(Map<String, String> labels, Map<String, String> annotations) {
        return new ServiceMarks(labels == null ? new LinkedHashMap<>() : new LinkedHashMap<>(labels),
                annotations == null ? new LinkedHashMap<>() : new LinkedHashMap<>(annotations));
    }

    /** Marks the Service as managed by {@code extension} and lists {@code plugin} once; null when already so. */
    ServiceMarks applied(String extension, String plugin) {
        ServiceMarks out = of(labels, annotations);
        out.labels.put(MANAGED_BY_LABEL, MANAGED_BY_VALUE);
        out.labels.put(EXTENSION_LABEL, extension);
        PluginList plugins = PluginList.parse(annotations.get(PLUGINS_ANNOTATION));
        PluginList managed = PluginList.parse(annotations.get(MANAGED_PLUGINS_ANNOTATION));
        if (!plugins.contains(plugin)) {
            // Only what we append is ours to take away later; a name a person listed stays theirs.
            out.put(PLUGINS_ANNOTATION, plugins.with(plugin).render());
            out.put(MANAGED_PLUGINS_ANNOTATION, managed.with(plugin).render());
        }
        return out.equals(this) ? null : out;
    }

    /** Takes away exactly what {@link #applied} added; null when there is nothing of ours. */
    ServiceMarks undone() {
        ServiceMarks out = of(labels, annotations);
        if (MANAGED_BY_VALUE.equals(out.labels.get(MANAGED_BY_LABEL))) {
            out.labels.remove(MANAGED_BY_LABEL);
        }
        out.labels.remove(EXTENSION_LABEL);
        PluginList managed = PluginList.parse(annotations.get(MANAGED_PLUGINS_ANNOTATION));
        if (!managed.isEmpty()) {
            PluginList plugins = PluginList.parse(annotations.get(PLUGINS_ANNOTATION));
            if (plugins.names().stream().anyMatch(managed::contains)) {
                out.put(PLUGINS_ANNOTATION, plugins.without(managed.names()).render());
            }
        }
        out.annotations.remove(MANAGED_PLUGINS_ANNOTATION);
        return out.equals(this) ? null : out;
    }

    private void put(String key, String valueOrNull) {
        if (valueOrNull == null) {
            annotations.remove(key);
        } else {
            annotations.put(key, valueOrNull);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ServiceMarks m && labels.equals(m.labels) && annotations.equals(m.annotations);
    }

    @Override
    public int hashCode() {
        return Objects.hash(labels, annotations);
    }
}
