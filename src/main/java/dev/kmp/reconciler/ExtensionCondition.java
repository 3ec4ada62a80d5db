package dev.kmp.reconciler;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.fabric8.generator.annotation.Required;

/** A metav1.Condition-shaped entry of the extension's status. */
@JsonInclude(JsonInclude.Include.NON_NULL)
public class ExtensionCondition {
    public static final String ACCEPTED = "Accepted";
    public static final String READY = "Ready";

    @Required
    private String type;
    @Required
    private String status;
    private String reason;
    private String message;
    private Long observedGeneration;
    private String lastTransitionTime;

    public ExtensionCondition() {
    }

    public ExtensionCondition(String type, String status, String reason, String message, Long observedGeneration,
                              String lastTransitionTime) {
        this.type = type;
        this.status = status;
        this.reason = reason;
        this.message = message;
        this.observedGeneration = observedGeneration;
        this.lastTransitionTime = lastTransitionTime;
    }

    public String getType() {
        return type;
    }

    public void setType(String type) {
        this.type = type;
    }

    public String getStatus() {
        return status;
    }

    public void setStatus(String status) {
        this.status = status;
    }

    public String getReason() {
        return reason;
    }

    public void setReason(String reason) {
        this.reason = reason;
    }

    public String getMessage() {
        return message;
    }

    public void setMessage(String message) {
        this.message = message;
    }

    public Long getObservedGeneration() {
        return observedGeneration;
    }

    public void setObservedGeneration(Long observedGeneration) {
        this.observedGeneration = observedGeneration;
    }

    public String getLastTransitionTime() {
        return lastTransitionTime;
    }

    public void setLastTransitionTime(String lastTransitionTime) {
        this.lastTransitionTime = lastTransitionTime;
    }
}
