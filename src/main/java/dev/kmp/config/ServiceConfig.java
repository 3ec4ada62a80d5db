package dev.kmp.config;

import java.time.Duration;
import java.util.List;

/**
 * The service's own settings ({@code config/application.yaml}): the main port, where the pipeline
 * files are and how often they are checked for changes, and the Kubernetes and reconciler switches.
 */
public record ServiceConfig(
        String host,
        int port,
        String pipelinesPath,
        Duration reloadInterval,
        String kubernetesEnabled,
        List<String> kubernetesNamespaces,
        boolean reconcilerEnabled,
        List<String> reconcilerNamespaces) {

    public static final String DEFAULT_PIPELINES = "pipelines/kong-latency.yaml";

    public ServiceConfig {
        kubernetesNamespaces = List.copyOf(kubernetesNamespaces);
        reconcilerNamespaces = List.copyOf(reconcilerNamespaces);
    }

    public static ServiceConfig defaults() {
        return new ServiceConfig("0.0.0.0", 8080, DEFAULT_PIPELINES, Duration.ofSeconds(5), "auto", List.of(), true, List.of());
    }

    /** Reads and validates the service config; problems go to {@code root.problems()}. */
    public static ServiceConfig parse(ConfigNode root) {
        ServiceConfig d = defaults();
        ConfigNode server = root.map("server");
        String host = server.string("host", d.host());
        int port = (int) server.integer("port", d.port(), 0, 65535);
        ConfigNode pipelines = root.map("pipelines");
        String path = pipelines.string("path", d.pipelinesPath());
        Duration reload = pipelines.duration("reload_interval", d.reloadInterval(), Duration.ZERO);
        ConfigNode k8s = root.map("kubernetes");
        String k8sEnabled = k8s.oneOf("enabled", d.kubernetesEnabled(), "auto", "true", "false");
        List<String> k8sNamespaces = k8s.stringList("namespaces");
        ConfigNode reconciler = root.map("reconciler");
        boolean reconcilerEnabled = reconciler.bool("enabled", d.reconcilerEnabled());
        List<String> reconcilerNamespaces = reconciler.stringList("namespaces");
        root.reportUnknownKeys();
        return new ServiceConfig(host, port, path, reload, k8sEnabled, k8sNamespaces, reconcilerEnabled, reconcilerNamespaces);
    }

    public ServiceConfig withPort(int newPort) {
        return new ServiceConfig(host, newPort, pipelinesPath, reloadInterval, kubernetesEnabled, kubernetesNamespaces,
                reconcilerEnabled, reconcilerNamespaces);
    }

    public ServiceConfig withPipelinesPath(String newPath) {
        return new ServiceConfig(host, port, newPath, reloadInterval, kubernetesEnabled, kubernetesNamespaces,
                reconcilerEnabled, reconcilerNamespaces);
    }
}
