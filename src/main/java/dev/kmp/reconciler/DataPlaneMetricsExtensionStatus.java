package dev.kmp.reconciler;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.ArrayList;
import java.util.List;

/** {@code status}: written by the reconciler only when it changes. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataPlaneMetricsExtensionStatus {
    @JsonPropertyDescription("metadata.generation of the spec this status describes.")
    private Long observedGeneration;

    @JsonPropertyDescription("Accepted (the spec is usable) and Ready (every selected Service has its plugin).")
    private List<ExtensionCondition> conditions = new ArrayList<>();

    @JsonPropertyDescription("Services that carry this extension's KongPlugin now.")
    private List<String> services = new ArrayList<>();

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public List<ExtensionCondition> getConditions() {
        return conditions;
    }

    public void setConditions(List<ExtensionCondition> conditions) {
        this.conditions = conditions;
    }

    public List<String> getServices() {
        return services;
    }

    public void setServices(List<String> services) {
        this.services = services;
    }
}
