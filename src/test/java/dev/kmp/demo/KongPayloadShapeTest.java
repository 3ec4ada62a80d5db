package dev.kmp.demo;

import dev.kmp.demo.PromLines.Block;
import dev.kmp.demo.PromLines.Sample;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Compares the Java generator's output with gen_kong_metrics.py's, generated once and committed
 * under src/test/resources/kong-gen (see README there). The random streams differ, so the check is
 * on shape: families, texts, label names, bucket bounds, and sample counts within a tolerance.
 */
class KongPayloadShapeTest {

    @Test
    void defaultKongMatchesReferenceShape() {
        assertSameShape(Payloads.resource("py-20svc-seed1.prom"),
                Payloads.generate("--services", "20", "--routes-per-service", "2", "--seed", "1"), 0.12);
    }

    @Test
    void kong35WithStreamAndConsumersMatchesReferenceShape() {
        String java = Payloads.generate("--kong-version", "3.5.0", "--stream", "--consumers", "2", "--services", "5",
                "--seed", "1");
        // 5 services are ~10 routes: one idle route more or less moves the total by ~10%
        assertSameShape(Payloads.resource("py-5svc-3.5.0-stream-consumers2.prom"), java, 0.2);
        List<Block> blocks = PromLines.read(java);
        for (Block b : blocks) {
            for (Sample s : b.samples()) {
                assertTrue(!s.labels().containsKey("workspace"), "3.5 has no workspace label: " + s);
            }
        }
        long nodeInfo = blocks.stream().filter(b -> b.family().equals("kong_node_info")).count();
        assertEquals(2, nodeInfo, "the stream block repeats kong_node_info with its own HELP/TYPE");
        Block kongLatency = blocks.stream().filter(b -> b.family().equals("kong_kong_latency_ms")).findFirst()
                .orElseThrow();
        assertTrue(leValues(kongLatency).stream().allMatch(le -> le.equals("+Inf") || Double.parseDouble(le) <= 1000),
                "before 3.8.1 kong_latency_ms buckets end at 1000");
    }

    @Test
    void helpAndTypeTextsMatchTheHandBuiltFixture() {
        Map<String, String> fixture = headers(PromLines.read(Payloads.resource("kong-small.prom")));
        Map<String, String> java = headers(PromLines.read(Payloads.generate("--services", "10")));
        assertEquals(fixture, java);
        for (KongFamily f : KongFamily.values()) {
            assertEquals(fixture.get(f.metricName()), f.help() + " | " + f.type(), f.metricName());
        }
    }

    @Test
    void kong39HasTheLongKongLatencyBuckets() {
        Block kongLatency = PromLines.read(Payloads.generate("--services", "30")).stream()
                .filter(b -> b.family().equals("kong_kong_latency_ms")).findFirst().orElseThrow();
        assertTrue(leValues(kongLatency).containsAll(List.of("3000", "6000", "+Inf")), leValues(kongLatency).toString());
    }

    // ---------------------------------------------------------------------------------------------

    private static void assertSameShape(String reference, String java, double totalTolerance) {
        List<Block> ref = PromLines.read(reference);
        List<Block> gen = PromLines.read(java);
        assertEquals(families(ref), families(gen), "families, in order");
        for (int i = 0; i < ref.size(); i++) {
            Block r = ref.get(i);
            Block g = gen.get(i);
            String where = "block " + i + " " + r.family();
            assertEquals(r.help(), g.help(), where);
            assertEquals(r.type(), g.type(), where);
            assertEquals(labelNameSequences(r), labelNameSequences(g), where + ": label names per sample name");
            if (r.type().equals("histogram")) {
                Set<String> refLe = leValues(r);
                Set<String> genLe = leValues(g);
                assertEquals(refLe, genLe, where + ": bucket bounds");
            }
            int rn = r.samples().size();
            int gn = g.samples().size();
            // per-family counts swing with the random draws (status codes per route are 3-9 at
            // random): allow 25% or three standard deviations of a count, whichever is larger;
            // node-level families are fixed and must match exactly
            double allowed = rn < 30 ? 0 : Math.max(rn * 0.25, 3 * Math.sqrt(rn));
            assertTrue(Math.abs(rn - gn) <= allowed, where + ": samples " + gn + " vs reference " + rn);
        }
        int rt = PromLines.sampleCount(ref);
        int gt = PromLines.sampleCount(gen);
        assertTrue(Math.abs(rt - gt) <= rt * totalTolerance, "total samples " + gt + " vs reference " + rt);
    }

    private static List<String> families(List<Block> blocks) {
        List<String> out = new ArrayList<>();
        blocks.forEach(b -> out.add(b.family()));
        return out;
    }

    /** sample name (with _bucket/_count/_sum) -> the distinct label-name sequences, in order. */
    private static Map<String, Set<String>> labelNameSequences(Block b) {
        Map<String, Set<String>> m = new TreeMap<>();
        for (Sample s : b.samples()) {
            m.computeIfAbsent(s.name(), k -> new TreeSet<>()).add(s.labelNames());
        }
        return m;
    }

    private static Set<String> leValues(Block b) {
        Set<String> le = new TreeSet<>();
        for (Sample s : b.samples()) {
            if (s.labels().containsKey("le")) {
                le.add(s.labels().get("le"));
            }
        }
        return le;
    }

    private static Map<String, String> headers(List<Block> blocks) {
        Map<String, String> m = new TreeMap<>();
        for (Block b : blocks) {
            m.put(b.family(), b.help() + " | " + b.type());
        }
        return m;
    }
}
