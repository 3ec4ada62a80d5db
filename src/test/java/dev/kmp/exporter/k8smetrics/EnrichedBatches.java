package dev.kmp.exporter.k8smetrics;

import dev.kmp.model.Batch;
import dev.kmp.model.BucketBounds;
import dev.kmp.model.HistogramSeries;
import dev.kmp.model.Labels;
import dev.kmp.model.MetricFamily;
import dev.kmp.model.MetricType;
import dev.kmp.model.Series;
import dev.kmp.model.TargetId;
import java.util.ArrayList;
import java.util.List;

/**
 * Batches shaped like the enrichment processor's output: Kong's latency histogram (sparse,
 * cumulative buckets on Kong's bounds) with the label schema of DESIGN.md.
 */
final class EnrichedBatches {
    static final String FAMILY = "kong_upstream_latency_ms";

    private EnrichedBatches() {
    }

    static TargetId pod(String name) {
        return new TargetId("kong", "http://" + name + ":8100/metrics");
    }

    /** Labels of a series of a Kong service that resolved to Service {@code ns/name}. */
    static Labels service(TargetId pod, String ns, String name, String route) {
        return Labels.of("service", name, "namespace", ns,
                "kubernetes_kind", "Service", "kubernetes_name", name, "kubernetes_namespace", ns,
                "kubernetes_apiversion", "v1", "dataplane_url", pod.url(), "dataplane_pod", podName(pod),
                "kong_service", ns + "." + name + ".80", "route", route, "workspace", "default");
    }

    /** Labels of a series of a multi-backend HTTPRoute rule (one Kong service). */
    static Labels httpRoute(TargetId pod, String ns, String route, int rule) {
        return Labels.of("service", route, "namespace", ns,
                "kubernetes_kind", "HTTPRoute", "kubernetes_name", route, "kubernetes_namespace", ns,
                "kubernetes_apiversion", "gateway.networking.k8s.io/v1", "dataplane_url", pod.url(),
                "dataplane_pod", podName(pod), "kong_service", "httproute." + ns + "." + route + "." + rule,
                "route", "httproute." + ns + "." + route + "." + rule + ".0", "workspace", "default");
    }

    private static String podName(TargetId pod) {
        return pod.url().substring("http://".length(), pod.url().indexOf(':', "http://".length()));
    }

    /**
     * A histogram from {@code le=count} pairs written as Kong writes them: only the bounds given
     * (sparse), cumulative, ending with +Inf.
     */
    static HistogramSeries histogram(Labels labels, double sum, Object... leThenCount) {
        int n = leThenCount.length / 2;
        double[] upper = new double[n];
        String[] texts = new String[n];
        double[] counts = new double[n];
        for (int i = 0; i < n; i++) {
            texts[i] = (String) leThenCount[2 * i];
            upper[i] = texts[i].equals("+Inf") ? Double.POSITIVE_INFINITY : Double.parseDouble(texts[i]);
            counts[i] = ((Number) leThenCount[2 * i + 1]).doubleValue();
        }
        return HistogramSeries.of(labels, new BucketBounds(upper, texts), counts, counts[n - 1], sum);
    }

    static Batch batch(TargetId pod, long timeMillis, HistogramSeries... series) {
        List<Series> list = new ArrayList<>(List.of(series));
        return Batch.success(pod, Labels.EMPTY, timeMillis,
                List.of(new MetricFamily(FAMILY, MetricType.HISTOGRAM, "Latency added by upstream response", list)));
    }
}
