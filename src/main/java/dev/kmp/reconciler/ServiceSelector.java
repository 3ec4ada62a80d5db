package dev.kmp.reconciler;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;
import java.util.Map;

/** Selection = {@code matchNames} union {@code matchLabels} (the latter is our addition, optional). */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ServiceSelector {
    @JsonPropertyDescription("Services selected by name (Kong operator's field).")
    private List<ServiceSelectorEntry> matchNames;

    @JsonPropertyDescription("Services whose labels include all of these (kong-metrics-pipeline's addition).")
    private Map<String, String> matchLabels;

    public List<ServiceSelectorEntry> getMatchNames() {
        return matchNames;
    }

    public void setMatchNames(List<ServiceSelectorEntry> matchNames) {
        this.matchNames = matchNames;
    }

    public Map<String, String> getMatchLabels() {
        return matchLabels;
    }

    public void setMatchLabels(Map<String, String> matchLabels) {
        this.matchLabels = matchLabels;
    }
}
