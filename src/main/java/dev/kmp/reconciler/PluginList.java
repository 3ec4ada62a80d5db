package dev.kmp.reconciler;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The comma list of {@code konghq.com/plugins} (and of {@code kmp.dev/managed-plugins}). Entries are
 * trimmed, empty entries dropped, and order kept, so a Service's other plugins come out as they were.
 */
public record PluginList(List<String> names) {
    public PluginList {
        names = List.copyOf(names);
    }

    public static PluginList parse(String annotation) {
        List<String> out = new ArrayList<>();
        if (annotation != null) {
            for (String part : annotation.split(",")) {
                String name = part.strip();
                if (!name.isEmpty() && !out.contains(name)) {
                    out.add(name);
                }
            }
        }
        return new PluginList(out);
    }

    public boolean contains(String name) {
        return names.contains(name);
    }

    public PluginList with(String name) {
        if (names.contains(name)) {
            return this;
        }
        List<String> out = new ArrayList<>(names);
        out.add(name);
        return new PluginList(out);
    }

    public PluginList without(Collection<String> remove) {
        List<String> out = new ArrayList<>(names);
        out.removeAll(remove);
        return new PluginList(out);
    }

    public boolean isEmpty() {
        return names.isEmpty();
    }

    /** The annotation value; null for an empty list, because an empty annotation is removed. */
    public String render() {
        return names.isEmpty() ? null : String.join(",", names);
    }
}
