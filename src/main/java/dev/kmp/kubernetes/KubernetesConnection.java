package dev.kmp.kubernetes;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

/**
 * The Kubernetes API the service talks to, found the standard way: the in-cluster service account,
 * else {@code KUBECONFIG}, else {@code ~/.kube/config}. {@code client} is empty when Kubernetes is
 * off, and {@code description} says why (it never holds a token or a certificate).
 */
public record KubernetesConnection(Optional<KubernetesClient> client, String description) implements AutoCloseable {
    static final String SERVICE_ACCOUNT_TOKEN = "/var/run/secrets/kubernetes.io/serviceaccount/token";

    /**
     * @param enabled {@code auto} (use an API when one is configured), {@code true} (always try,
     *                fabric8's defaults when nothing is configured) or {@code false}
     */
    public static KubernetesConnection open(String enabled, Map<String, String> env, Path home) {
        if ("false".equals(enabled)) {
            return off("kubernetes.enabled is false in the service config");
        }
        Source source = configuredSource(env, home);
        if (source == null && !"true".equals(enabled)) {
            return off("no Kubernetes API configured (not in a cluster, no KUBECONFIG, no ~/.kube/config)");
        }
        try {
            // A kubeconfig file found here is read as such: the process environment may differ from
            // what was examined (tests, or a KUBECONFIG list whose first entry is missing).
            Config config = source == null || source.kubeconfig() == null
                    ? Config.autoConfigure(null) : Config.fromKubeconfig(source.kubeconfig().toFile());
            KubernetesClient client = new KubernetesClientBuilder().withConfig(config).build();
            return new KubernetesConnection(Optional.of(client),
                    (source == null ? "fabric8 defaults" : source.description()) + ": " + config.getMasterUrl());
        } catch (RuntimeException e) {
            return off("cannot configure the Kubernetes client: " + e.getClass().getSimpleName());
        }
    }

    private record Source(String description, Path kubeconfig) {
    }

    private static Source configuredSource(Map<String, String> env, Path home) {
        if (env.get("KUBERNETES_SERVICE_HOST") != null && Files.isRegularFile(Path.of(SERVICE_ACCOUNT_TOKEN))) {
            return new Source("in-cluster service account", null);
        }
        String kubeconfig = env.get("KUBECONFIG");
        if (kubeconfig != null && !kubeconfig.isBlank()) {
            for (String f : kubeconfig.split(File.pathSeparator)) {
                if (!f.isBlank() && Files.isRegularFile(Path.of(f))) {
                    return new Source("KUBECONFIG " + f, Path.of(f));
                }
            }
        }
        Path dflt = home == null ? null : home.resolve(".kube").resolve("config");
        if (dflt != null && Files.isRegularFile(dflt)) {
            return new Source("~/.kube/config", dflt);
        }
        return null;
    }

    public static KubernetesConnection off(String reason) {
        return new KubernetesConnection(Optional.empty(), reason);
    }

    public boolean enabled() {
        return client.isPresent();
    }

    @Override
    public void close() {
        client.ifPresent(KubernetesClient::close);
    }
}
