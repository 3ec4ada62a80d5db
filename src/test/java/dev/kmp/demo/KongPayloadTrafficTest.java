package dev.kmp.demo;

import dev.kmp.demo.PromLines.Block;
import dev.kmp.demo.PromLines.Sample;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KongPayloadTrafficTest {

    @Test
    void advancingOnlyGrowsCountersAndBuckets() {
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "30", "--consumers", "2"));
        Map<String, Double> before = cumulativeValues(PromLines.read(Payloads.render(g)));
        g.traffic().advance(Duration.ofMinutes(5));
        Map<String, Double> after = cumulativeValues(PromLines.read(Payloads.render(g)));

        int increased = 0;
        for (var e : before.entrySet()) {
            Double now = after.get(e.getKey());
            assertNotNull(now, "a series never disappears: " + e.getKey());
            assertTrue(now >= e.getValue(), "never decreases: " + e.getKey() + " " + e.getValue() + " -> " + now);
            increased += now > e.getValue() ? 1 : 0;
        }
        assertTrue(increased > before.size() / 4, increased + " of " + before.size() + " grew");
        assertTrue(after.size() >= before.size());
    }

    @Test
    void requestCountersAgreeWithHistogramCounts() {
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "10"));
        g.traffic().advance(Duration.ofMinutes(3));
        List<Block> blocks = PromLines.read(Payloads.render(g));
        Map<String, Double> requestsPerRoute = new HashMap<>();
        Map<String, Double> countPerRoute = new HashMap<>();
        for (Block b : blocks) {
            for (Sample s : b.samples()) {
                String route = s.labels().get("route");
                if (s.name().equals("kong_http_requests_total")) {
                    requestsPerRoute.merge(route, s.value(), Double::sum);
                } else if (s.name().equals("kong_request_latency_ms_count")) {
                    countPerRoute.put(route, s.value());
                }
            }
        }
        // Kong increments both for every request: they can only differ if a code was split off
        assertEquals(countPerRoute, requestsPerRoute);
    }

    @Test
    void upstreamLatencyDriftsOverTime() {
        // one route at a steady rate; its mean latency per window must follow the slow sine
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "3", "--idle-fraction",
                "0", "--median-requests", "2000000"));
        SimulatedTraffic t = g.traffic();
        String route = g.routeProfiles().getFirst().route();
        double[] previous = meanInputs(t, route);
        double min = Double.MAX_VALUE;
        double max = 0;
        Duration window = t.settings().driftPeriod().dividedBy(12);
        for (int i = 0; i < 12; i++) {
            t.advance(window);
            double[] now = meanInputs(t, route);
            double mean = (now[0] - previous[0]) / (now[1] - previous[1]);
            min = Math.min(min, mean);
            max = Math.max(max, mean);
            previous = now;
        }
        assertTrue(max / min > 1.5, "window means between " + min + " and " + max + " ms");
    }

    /** {sum, count} of kong_upstream_latency_ms for one route. */
    private static double[] meanInputs(SimulatedTraffic t, String route) {
        double sum = 0;
        double count = 0;
        for (Block b : PromLines.read(Payloads.render(t))) {
            for (Sample s : b.samples()) {
                if (route.equals(s.labels().get("route"))) {
                    if (s.name().equals("kong_upstream_latency_ms_sum")) {
                        sum = s.value();
                    } else if (s.name().equals("kong_upstream_latency_ms_count")) {
                        count = s.value();
                    }
                }
            }
        }
        return new double[]{sum, count};
    }

    /** Every counter and histogram sample (buckets, counts, sums), keyed by name and labels. */
    private static Map<String, Double> cumulativeValues(List<Block> blocks) {
        Map<String, Double> m = new HashMap<>();
        for (Block b : blocks) {
            if (b.type().equals("counter") || b.type().equals("histogram")) {
                for (Sample s : b.samples()) {
                    m.put(s.name() + s.labels(), s.value());
                }
            }
        }
        return m;
    }
}
