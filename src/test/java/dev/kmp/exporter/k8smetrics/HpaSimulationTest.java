package dev.kmp.exporter.k8smetrics;

import static dev.kmp.exporter.k8smetrics.EnrichedBatches.batch;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.histogram;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.pod;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.service;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kmp.model.TargetId;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Drives the API with a latency ramp and applies the HPA controller's replica formula
 * (pkg/controller/podautoscaler/replica_calculator.go, tolerance 0.1) to each answer, for an
 * Object metric with a {@code Value} target (Kong's guide: 40 ms) and an External metric with an
 * {@code AverageValue} target. The formula only: no stabilization window or scaling policies.
 *
 * <pre>
 * Value:        ratio = value / target;                  |1 - ratio| <= 0.1 keeps; else ceil(ratio * current)
 * AverageValue: ratio = value / (target * current);      |1 - ratio| <= 0.1 keeps; else ceil(value / target)
 * then clamped to [minReplicas, maxReplicas] = [2, 10]
 * </pre>
 */
class HpaSimulationTest {
    private static final String METRIC = "kong_upstream_latency_ms_60s_average";
    private static final TargetId A = pod("kong-a");
    private static final TargetId B = pod("kong-b");
    private static final double TOLERANCE = 0.1;
    private static final int MIN = 2;
    private static final int MAX = 10;
    /** Average latency (ms) Kong measures during each minute. */
    private static final double[] RAMP = {40, 42, 60, 80, 43, 30, 20, 10};

    static int valueTarget(double value, double target, int current) {
        double ratio = value / target;
        int desired = Math.abs(1.0 - ratio) <= TOLERANCE ? current : (int) Math.ceil(ratio * current);
        return Math.clamp(desired, MIN, MAX);
    }

    static int averageValueTarget(double value, double targetPerPod, int current) {
        double ratio = value / (targetPerPod * current);
        int desired = Math.abs(1.0 - ratio) <= TOLERANCE ? current : (int) Math.ceil(value / targetPerPod);
        return Math.clamp(desired, MIN, MAX);
    }

    @Test
    void replicasFollowTheLatencyRamp() throws Exception {
        long t0 = 1_700_000_000_000L;
        MetricsApiTest.MutableClock clock = new MetricsApiTest.MutableClock(t0);
        K8sMetricsConfig config = new K8sMetricsConfig(0, null, null, Authentication.NONE, null, List.of(),
                K8sMetricsConfig.NoTraffic.ZERO,
                List.of(new MetricDefinition(METRIC, "kong_upstream_latency_ms", Aggregation.AVERAGE, Duration.ofSeconds(60))));
        SeriesHistory history = new SeriesHistory(Set.of("kong_upstream_latency_ms"), Duration.ofSeconds(60), 100);
        MetricsApi api = new MetricsApi(config, history, new RouteBackendTable(), clock);
        ObjectMapper json = new ObjectMapper();

        // Two Kong pods split the traffic 3:1; every 30 s scrape adds 300 and 100 requests at the minute's latency.
        double[] count = {0, 0};
        double[] sum = {0, 0};
        long t = t0;
        scrape(history, t, count, sum);
        int objectReplicas = 2;
        int externalReplicas = 2;
        List<Integer> objectSteps = new ArrayList<>();
        List<Integer> externalSteps = new ArrayList<>();
        System.out.println("minute  latency  object-value  replicas(Value 40)  external-value  replicas(AverageValue 10)");
        for (int minute = 0; minute < RAMP.length; minute++) {
            for (int s = 0; s < 2; s++) {
                t += 30_000;
                count[0] += 300;
                sum[0] += 300 * RAMP[minute];
                count[1] += 100;
                sum[1] += 100 * RAMP[minute];
                scrape(history, t, count, sum);
            }
            clock.set(t + 1_000);
            String objectValue = json.readTree(api.handle("GET",
                    "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/" + METRIC, Map.of(), null).body())
                    .at("/items/0/value").asText();
            String externalValue = json.readTree(api.handle("GET",
                    "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + METRIC, Map.of("labelSelector", "service=storefront"),
                    null).body()).at("/items/0/value").asText();
            objectReplicas = valueTarget(KubernetesQuantity.parse(objectValue), 40, objectReplicas);
            externalReplicas = averageValueTarget(KubernetesQuantity.parse(externalValue), 10, externalReplicas);
            objectSteps.add(objectReplicas);
            externalSteps.add(externalReplicas);
            System.out.printf("%6d  %7.0f  %12s  %18d  %14s  %25d%n", minute, RAMP[minute], objectValue, objectReplicas,
                    externalValue, externalReplicas);
            assertEquals(KubernetesQuantity.format(RAMP[minute]), objectValue, "minute " + minute);
        }
        // Value 40: 40->2 (ratio 1), 42->2 (1.05, within 0.1), 60->3, 80->6, 43->6 (1.075), 30->5, 20->3, 10->1 => min 2
        assertEquals(List.of(2, 2, 3, 6, 6, 5, 3, 2), objectSteps);
        // AverageValue 10: 40->4, 42->4 (42/40), 60->6, 80->8, 43->5, 30->3, 20->2 (20/30), 10->1 => min 2
        assertEquals(List.of(4, 4, 6, 8, 5, 3, 2, 2), externalSteps);
    }

    private static void scrape(SeriesHistory history, long t, double[] count, double[] sum) {
        history.record(batch(A, t, histogram(service(A, "shop", "storefront", "r1"), sum[0], "+Inf", count[0])));
        history.record(batch(B, t, histogram(service(B, "shop", "storefront", "r1"), sum[1], "+Inf", count[1])));
    }
}
