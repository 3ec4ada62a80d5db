package dev.kmp.reconciler;

import static dev.kmp.reconciler.ReconcilerFixture.label;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Two reconciler replicas on one API server: only the Lease holder writes; the other takes over. */
@EnableKubernetesMockClient(crud = true)
class LeaderElectionTest {
    KubernetesMockServer server;
    KubernetesClient client;
    ReconcilerFixture fx;

    @BeforeEach
    void setUp() {
        fx = new ReconcilerFixture(server, client);
    }

    @AfterEach
    void tearDown() throws Exception {
        fx.close();
    }

    private Pod pod(String name) {
        return client.pods().inNamespace("kmp-system").resource(new PodBuilder()
                .withNewMetadata().withName(name).withNamespace("kmp-system").withLabels(Map.of("app", "kmp")).endMetadata()
                .build()).create();
    }

    @Test
    void onlyTheLeaderWritesAndTheOtherTakesOver() {
        pod("kmp-a");
        pod("kmp-b");
        fx.service("shop", "a", null, Map.of(ManagedMarks.PLUGINS_ANNOTATION, "cors"));
        fx.extension("shop", "metrics", List.of("a"), null, null);

        // Roomier than the other tests' timings: on a loaded 2-core machine a 1.5 s renew deadline can
        // legitimately pass without renewal, which moves leadership in the middle of the test.
        ReconcilerFixture.Running a = fx.start(roomy("kmp-a"));
        ReconcilerFixture.Running b = fx.start(roomy("kmp-b"));
        List<Boolean> bTransitions = new CopyOnWriteArrayList<>();
        b.controller().addLeadershipListener(bTransitions::add);

        Await.until("one leader", () -> a.controller().isLeader() ^ b.controller().isLeader(),
                () -> "a=" + a.controller().isLeader() + " b=" + b.controller().isLeader());
        ReconcilerFixture.Running leader = a.controller().isLeader() ? a : b;
        ReconcilerFixture.Running follower = leader == a ? b : a;
        String leaderPod = leader == a ? "kmp-a" : "kmp-b";
        String followerPod = leader == a ? "kmp-b" : "kmp-a";

        Await.until("plugin applied by the leader", () -> fx.plugin("shop", "a-metrics-prometheus") != null
                && "cors,a-metrics-prometheus".equals(ReconcilerFixture.annotation(fx.getService("shop", "a"), ManagedMarks.PLUGINS_ANNOTATION)));
        Await.until("leader pod labelled", () -> "leader".equals(label(podNamed(leaderPod), ManagedMarks.ROLE_LABEL)));
        assertNull(label(podNamed(followerPod), ManagedMarks.ROLE_LABEL));
        assertEquals(List.of(), follower.writes().writes(), "the follower writes nothing");
        assertTrue(leader.writes().count() > 0);
        Lease lease = client.leases().inNamespace("kmp-system").withName(ReconcilerSettings.DEFAULT_LEASE_NAME).get();
        assertEquals(leaderPod, lease.getSpec().getHolderIdentity());
        assertEquals(leader.controller().status().identity(), lease.getSpec().getHolderIdentity());

        // The leader stops (releasing the Lease); the follower takes over and does the work from now on.
        long stopped = System.nanoTime();
        leader.controller().close();
        Await.until("follower became leader", () -> follower.controller().isLeader());
        System.out.printf("failover took %d ms%n", (System.nanoTime() - stopped) / 1_000_000);
        Await.until("labels moved", () -> "leader".equals(label(podNamed(followerPod), ManagedMarks.ROLE_LABEL))
                && label(podNamed(leaderPod), ManagedMarks.ROLE_LABEL) == null);
        if (follower == b) {
            assertTrue(bTransitions.contains(true), "listener told of the new leadership");
        }

        leader.writes().reset();
        client.genericKubernetesResources(ClusterCache.KONG_PLUGIN).inNamespace("shop").withName("a-metrics-prometheus").delete();
        Await.until("new leader recreates the plugin", () -> fx.plugin("shop", "a-metrics-prometheus") != null);
        assertEquals(List.of(), leader.writes().writes(), "the stopped replica writes nothing");
    }

    private static ReconcilerSettings roomy(String pod) {
        return ReconcilerFixture.settings(pod, pod, "kmp-system").withTiming(Duration.ofSeconds(10), Duration.ofSeconds(8),
                Duration.ofMillis(300), Duration.ofMillis(50), Duration.ofSeconds(1));
    }

    private Pod podNamed(String name) {
        return client.pods().inNamespace("kmp-system").withName(name).get();
    }
}
