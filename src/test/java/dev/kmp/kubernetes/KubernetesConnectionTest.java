package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class KubernetesConnectionTest {
    @TempDir
    Path home;

    @Test
    void offWhenDisabledOrNothingIsConfigured() {
        KubernetesConnection off = KubernetesConnection.open("false", Map.of(), home);
        assertFalse(off.enabled());
        assertTrue(off.description().contains("kubernetes.enabled is false"));
        KubernetesConnection none = KubernetesConnection.open("auto", Map.of(), home);
        assertFalse(none.enabled());
        assertTrue(none.description().contains("no Kubernetes API configured"), none.description());
    }

    @Test
    void autoUsesTheFileThatKubeconfigNames() throws Exception {
        Path kubeconfig = home.resolve("kc.yaml");
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters: [{name: c, cluster: {server: "http://127.0.0.1:1"}}]
                users: [{name: u, user: {token: s3cret-token}}]
                contexts: [{name: x, context: {cluster: c, user: u}}]
                current-context: x
                """);
        try (KubernetesConnection c = KubernetesConnection.open("auto", Map.of("KUBECONFIG", kubeconfig.toString()), home)) {
            assertTrue(c.enabled(), c.description());
            assertTrue(c.description().equals("KUBECONFIG " + kubeconfig + ": http://127.0.0.1:1/"), c.description());
            assertFalse(c.description().contains("s3cret"), "no secret in the description");
        }
    }
}
