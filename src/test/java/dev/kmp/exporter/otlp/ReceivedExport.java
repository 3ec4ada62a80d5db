package dev.kmp.exporter.otlp;

import io.opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.metrics.v1.Metric;
import io.opentelemetry.proto.metrics.v1.ResourceMetrics;
import io.opentelemetry.proto.metrics.v1.ScopeMetrics;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** One OTLP request as a test endpoint decoded it: headers (lower-case names) and the protobuf message. */
public record ReceivedExport(Map<String, String> headers, ExportMetricsServiceRequest request) {

    /** Every metric of the request with the resource it came under. */
    public List<ResourceMetric> metrics() {
        List<ResourceMetric> out = new ArrayList<>();
        for (ResourceMetrics rm : request.getResourceMetricsList()) {
            for (ScopeMetrics sm : rm.getScopeMetricsList()) {
                for (Metric m : sm.getMetricsList()) {
                    out.add(new ResourceMetric(attributes(rm.getResource().getAttributesList()), m));
                }
            }
        }
        return out;
    }

    public static Map<String, String> attributes(List<KeyValue> kvs) {
        Map<String, String> m = new java.util.LinkedHashMap<>();
        for (KeyValue kv : kvs) {
            m.put(kv.getKey(), kv.getValue().getStringValue());
        }
        return m;
    }

    public record ResourceMetric(Map<String, String> resource, Metric metric) {
    }
}
