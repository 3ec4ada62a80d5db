package dev.kmp.reconciler;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;

/** {@code spec}: which Services get the prometheus plugin, and which metric groups it turns on. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class DataPlaneMetricsExtensionSpec {
    @Required
    @JsonPropertyDescription("Services (in the extension's namespace) that get the managed prometheus KongPlugin.")
    private ServiceSelector serviceSelector;

    @JsonPropertyDescription("Metric groups of Kong's prometheus plugin; every group is off unless set.")
    private MetricsConfig config;

    public ServiceSelector getServiceSelector() {
        return serviceSelector;
    }

    public void setServiceSelector(ServiceSelector serviceSelector) {
        this.serviceSelector = serviceSelector;
    }

    public MetricsConfig getConfig() {
        return config;
    }

    public void setConfig(MetricsConfig config) {
        this.config = config;
    }
}
