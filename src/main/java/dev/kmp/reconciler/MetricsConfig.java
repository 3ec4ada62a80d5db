package dev.kmp.reconciler;

import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Default;

/** {@code spec.config}: maps one to one onto the prometheus plugin's {@code *_metrics} switches. */
public class MetricsConfig {
    @Default("false")
    @JsonPropertyDescription("latency_metrics of the prometheus plugin.")
    private boolean latency;
    @Default("false")
    @JsonPropertyDescription("bandwidth_metrics of the prometheus plugin.")
    private boolean bandwidth;
    @Default("false")
    @JsonPropertyDescription("upstream_health_metrics of the prometheus plugin.")
    private boolean upstreamHealth;
    @Default("false")
    @JsonPropertyDescription("status_code_metrics of the prometheus plugin.")
    private boolean statusCode;

    public MetricsConfig() {
    }

    public MetricsConfig(boolean latency, boolean bandwidth, boolean upstreamHealth, boolean statusCode) {
        this.latency = latency;
        this.bandwidth = bandwidth;
        this.upstreamHealth = upstreamHealth;
        this.statusCode = statusCode;
    }

    public boolean isLatency() {
        return latency;
    }

    public void setLatency(boolean latency) {
        this.latency = latency;
    }

    public boolean isBandwidth() {
        return bandwidth;
    }

    public void setBandwidth(boolean bandwidth) {
        this.bandwidth = bandwidth;
    }

    public boolean isUpstreamHealth() {
        return upstreamHealth;
    }

    public void setUpstreamHealth(boolean upstreamHealth) {
        this.upstreamHealth = upstreamHealth;
    }

    public boolean isStatusCode() {
        return statusCode;
    }

    public void setStatusCode(boolean statusCode) {
        this.statusCode = statusCode;
    }
}
