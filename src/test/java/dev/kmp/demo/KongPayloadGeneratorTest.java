package dev.kmp.demo;

import dev.kmp.demo.GeneratedCluster.BackendRef;
import dev.kmp.demo.GeneratedCluster.HttpRoute;
import dev.kmp.demo.GeneratedCluster.K8sService;
import dev.kmp.demo.GeneratedCluster.KongRoute;
import dev.kmp.demo.GeneratedCluster.KongService;
import dev.kmp.demo.GeneratedCluster.KongTarget;
import dev.kmp.demo.GeneratedCluster.Pod;
import dev.kmp.demo.PromLines.Block;
import dev.kmp.demo.PromLines.Sample;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class KongPayloadGeneratorTest {

    @Test
    void sameSeedSamePayloadEvenAfterAdvancing() {
        KongPayloadGenerator a = new KongPayloadGenerator(GeneratorOptions.parse("--services", "30", "--seed", "7"));
        KongPayloadGenerator b = new KongPayloadGenerator(GeneratorOptions.parse("--services", "30", "--seed", "7"));
        assertEquals(Payloads.render(a), Payloads.render(b));
        assertEquals(a.cluster(), b.cluster());
        a.traffic().advance(Duration.ofSeconds(90));
        b.traffic().advance(Duration.ofSeconds(90));
        assertEquals(Payloads.render(a), Payloads.render(b));
        assertNotEquals(Payloads.generate("--services", "30", "--seed", "7"),
                Payloads.generate("--services", "30", "--seed", "8"));
    }

    @Test
    void hundredServicesAreAboutTheReferenceSize() throws IOException {
        // reference (gen_kong_metrics.py --services 100 --routes-per-service 2 --seed 1): 2.3 MB, 12.8k samples
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "100",
                "--routes-per-service", "2", "--seed", "1"));
        LineCounter counter = new LineCounter();
        long bytes = g.write(counter);
        assertEquals(bytes, counter.bytes);
        long samples = counter.lines - counter.comments;
        assertTrue(Math.abs(bytes - 2_300_000) < 2_300_000 * 0.15, "bytes " + bytes);
        assertTrue(Math.abs(samples - 12_800) < 12_800 * 0.10, "samples " + samples);
    }

    @Test
    void everyNameInTheMetricsIsInTheCluster() {
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "60",
                "--httproute-ratio", "0.5", "--multi-backend-ratio", "0.5"));
        GeneratedCluster c = g.cluster();
        Map<String, KongService> byName = c.kongServices().stream()
                .collect(Collectors.toMap(KongService::name, s -> s));
        Set<String> targets = new HashSet<>();
        for (KongService s : c.kongServices()) {
            s.targets().forEach(t -> targets.add(s.upstream() + " " + t.target()));
        }
        for (Block b : PromLines.read(Payloads.render(g))) {
            for (Sample s : b.samples()) {
                String service = s.labels().get("service");
                if (service != null) {
                    KongService ks = byName.get(service);
                    assertTrue(ks != null, "unknown service " + service);
                    assertTrue(ks.routes().stream().map(KongRoute::name).anyMatch(s.labels().get("route")::equals),
                            "unknown route " + s.labels().get("route"));
                }
                if (s.name().equals("kong_upstream_target_health")) {
                    assertTrue(targets.contains(s.labels().get("upstream") + " " + s.labels().get("target")), s.toString());
                }
            }
        }
    }

    @Test
    void aRenamedPayloadIsTheSameTrafficUnderTheNewNames() {
        KongPayloadGenerator g = new KongPayloadGenerator(GeneratorOptions.parse("--services", "20"));
        KongService first = g.cluster().kongServices().get(0);
        String target = first.targets().get(0).target();
        KongPayloadGenerator renamed = g.renamed(Map.of(first.name(), "shop.storefront.80"), Map.of(target, "10.9.9.9:8080"));

        List<Sample> before = PromLines.read(Payloads.render(g)).stream().flatMap(b -> b.samples().stream()).toList();
        List<Sample> after = PromLines.read(Payloads.render(renamed)).stream().flatMap(b -> b.samples().stream()).toList();
        assertEquals(before.size(), after.size());
        Set<Sample> expected = before.stream().map(s -> {
            Map<String, String> labels = new java.util.HashMap<>(s.labels());
            labels.replace("service", first.name(), "shop.storefront.80");
            labels.replace("target", target, "10.9.9.9:8080");
            labels.replace("address", target, "10.9.9.9:8080");
            return new Sample(s.name(), labels, s.value());
        }).collect(Collectors.toSet());
        assertEquals(expected, new HashSet<>(after));
        assertTrue(after.stream().anyMatch(s -> "shop.storefront.80".equals(s.labels().get("service"))));
        assertTrue(after.stream().anyMatch(s -> "10.9.9.9:8080".equals(s.labels().get("target"))));
        assertEquals("shop.storefront.80", renamed.cluster().kongServices().get(0).name());
    }

    @Test
    void clusterFollowsKicNamingAndTags() {
        GeneratedCluster c = new KongPayloadGenerator(GeneratorOptions.parse("--services", "200",
                "--httproute-ratio", "0.5", "--multi-backend-ratio", "0.5")).cluster();
        assertEquals(200, c.kongServices().size());
        Set<String> ips = new HashSet<>();
        for (Pod p : c.pods()) {
            assertTrue(ips.add(p.ip()), "pod IPs are unique: " + p.ip());
        }
        int multi = 0;
        int single = 0;
        int ingress = 0;
        for (KongService s : c.kongServices()) {
            List<String> tags = s.tags().asTags();
            if (s.name().startsWith("httproute.")) {
                assertTrue(s.name().matches("httproute\\.[a-z0-9-]+\\.[a-z0-9-]+\\.0"), s.name());
                assertEquals(s.name(), s.upstream());
                String[] p = s.name().split("\\.");
                HttpRoute route = c.httpRoutes().stream()
                        .filter(r -> r.namespace().equals(p[1]) && r.name().equals(p[2])).findFirst().orElseThrow();
                List<BackendRef> refs = route.rules().getFirst().backendRefs();
                if (refs.size() == 2) {
                    multi++;
                    assertEquals(List.of("k8s-name:" + p[2], "k8s-namespace:" + p[1], "k8s-kind:HTTPRoute",
                            "k8s-uid:" + route.uid(), "k8s-group:gateway.networking.k8s.io", "k8s-version:v1"), tags);
                    assertEquals(100, refs.stream().mapToInt(r -> r.weight().orElseThrow()).sum());
                } else {
                    single++;
                    assertEquals("Service", s.tags().kind());
                    assertEquals(refs.getFirst().serviceName(), s.tags().name());
                }
                for (BackendRef r : refs) {
                    K8sService svc = service(c, p[1], r.serviceName());
                    assertFalse(c.podsOf(svc).isEmpty(), "backend has pods: " + svc);
                }
                for (KongRoute r : s.routes()) {
                    assertTrue(r.name().startsWith(s.name() + "."), r.name());
                }
            } else {
                ingress++;
                String[] p = s.name().split("\\.");
                assertEquals(3, p.length, s.name());
                assertEquals(List.of("k8s-name:" + p[1], "k8s-namespace:" + p[0], "k8s-kind:Service",
                        "k8s-uid:" + s.tags().uid(), "k8s-version:v1"), tags, "core objects get no k8s-group tag");
                assertEquals(p[1] + "." + p[0] + "." + p[2] + ".svc", s.upstream());
                K8sService svc = service(c, p[0], p[1]);
                Set<String> podIps = c.podsOf(svc).stream().map(Pod::ip).collect(Collectors.toSet());
                for (KongTarget t : s.targets()) {
                    assertTrue(podIps.contains(t.target().split(":")[0]), "target is a pod of the Service: " + t);
                }
            }
        }
        assertTrue(multi > 0 && single > 0 && ingress > 0, multi + " " + single + " " + ingress);
    }

    @Test
    void optionsParseLikeThePythonTool() {
        GeneratorOptions o = GeneratorOptions.parse("--services", "7", "--routes-per-service=3", "--kong-version",
                "3.4.2", "--no-status", "--no-latency", "--no-bandwidth", "--no-upstream-health", "--stream",
                "--consumers", "4", "--workers", "3", "--idle-fraction", "0", "--median-requests", "50");
        assertEquals(7, o.services());
        assertEquals(3, o.routesPerService());
        assertEquals(new KongVersion(3, 4, 2), o.kongVersion());
        assertFalse(o.statusCodeMetrics() || o.latencyMetrics() || o.bandwidthMetrics() || o.upstreamHealth());
        assertTrue(o.stream());
        assertEquals(4, o.consumers());
        assertEquals(GeneratorOptions.defaults(), GeneratorOptions.parse());
        assertThrows(IllegalArgumentException.class, () -> GeneratorOptions.parse("--bogus", "1"));
        assertThrows(IllegalArgumentException.class, () -> GeneratorOptions.parse("--services", "many"));

        // everything per-route switched off leaves only node-level families
        Set<String> families = PromLines.read(Payloads.generate("--services", "5", "--no-status", "--no-latency",
                "--no-bandwidth", "--no-upstream-health")).stream().map(Block::family).collect(Collectors.toSet());
        assertFalse(families.contains("kong_http_requests_total") || families.contains("kong_bandwidth_bytes")
                || families.contains("kong_kong_latency_ms") || families.contains("kong_upstream_target_health"),
                families.toString());
        assertTrue(families.contains("kong_node_info"));
    }

    private static K8sService service(GeneratedCluster c, String ns, String name) {
        return c.services().stream().filter(s -> s.namespace().equals(ns) && s.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no Service " + ns + "/" + name));
    }

    /** Counts without keeping: the payload streams through. */
    private static final class LineCounter extends OutputStream {
        long bytes;
        long lines;
        long comments;
        private boolean lineStart = true;

        @Override
        public void write(int b) {
            write(new byte[]{(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) {
            for (int i = off; i < off + len; i++) {
                if (lineStart && b[i] == '#') {
                    comments++;
                }
                lineStart = b[i] == '\n';
                lines += lineStart ? 1 : 0;
            }
            bytes += len;
        }
    }
}
