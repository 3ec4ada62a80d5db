package dev.kmp.reconciler;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** One {@code matchNames} item: a Service name in the extension's namespace. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSelectorEntry {
    @Required
    private String name;

    public ServiceSelectorEntry() {
    }

    public ServiceSelectorEntry(String name) {
        this.name = name;
    }

    public String getName() {
        return name;
    }

    public void setName(String name) {
        this.name = name;
    }
}
