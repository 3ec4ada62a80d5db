package dev.kmp.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The service's own settings ({@code config/application.yaml}): the main port and who may read it,
 * where the pipeline files are and how often they are checked for changes, whether the scrape path
 * is warmed up before the first scrape, and the Kubernetes and reconciler switches.
 */
public record ServiceConfig(
        String host,
        int port,
        Access access,
        MainTls tls,
        String pipelinesPath,
        Duration reloadInterval,
        boolean warmup,
        String kubernetesEnabled,
        List<String> kubernetesNamespaces,
        boolean reconcilerEnabled,
        List<String> reconcilerNamespaces) {

    public static final String DEFAULT_PIPELINES = "pipelines/kong-latency.yaml";
    /** Everything but the probes: a kubelet has no token. */
    public static final List<String> DEFAULT_PROTECTED_PATHS = List.of("/metrics", "/api/status", "/status");

    /**
     * Who may read the protected paths of the main port: {@code open} (anyone), {@code bearer} (the
     * token in {@code tokenFile}, re-read when it changes) or {@code tokenreview} (a Kubernetes
     * TokenReview, then a SubjectAccessReview for {@code get} on the path, as kube-rbac-proxy does).
     */
    public record Access(String mode, String tokenFile, List<String> protectedPaths) {
        public Access {
            protectedPaths = List.copyOf(protectedPaths);
        }
    }

    /** HTTPS on the main port; with {@code clientCaFile}, callers must present a certificate it signed. */
    public record MainTls(String certFile, String keyFile, String clientCaFile) {
        public boolean enabled() {
            return certFile != null;
        }
    }

    public ServiceConfig {
        kubernetesNamespaces = List.copyOf(kubernetesNamespaces);
        reconcilerNamespaces = List.copyOf(reconcilerNamespaces);
    }

    public static ServiceConfig defaults() {
        return new ServiceConfig("0.0.0.0", 8080, new Access("open", null, DEFAULT_PROTECTED_PATHS),
                new MainTls(null, null, null), DEFAULT_PIPELINES, Duration.ofSeconds(5), true, "auto", List.of(), true, List.of());
    }

    /** Reads and validates the service config; problems go to {@code root.problems()}. */
    public static ServiceConfig parse(ConfigNode root) {
        ServiceConfig d = defaults();
        ConfigNode server = root.map("server");
        String host = server.string("host", d.host());
        int port = (int) server.integer("port", d.port(), 0, 65535);
        Access access = parseAccess(server.map("access"));
        MainTls tls = parseTls(server.map("tls"));
        ConfigNode pipelines = root.map("pipelines");
        String path = pipelines.string("path", d.pipelinesPath());
        Duration reload = pipelines.duration("reload_interval", d.reloadInterval(), Duration.ZERO);
        boolean warmup = pipelines.bool("warmup", d.warmup());
        ConfigNode k8s = root.map("kubernetes");
        String k8sEnabled = k8s.oneOf("enabled", d.kubernetesEnabled(), "auto", "true", "false");
        List<String> k8sNamespaces = k8s.stringList("namespaces");
        ConfigNode reconciler = root.map("reconciler");
        boolean reconcilerEnabled = reconciler.bool("enabled", d.reconcilerEnabled());
        List<String> reconcilerNamespaces = reconciler.stringList("namespaces");
        root.reportUnknownKeys();
        return new ServiceConfig(host, port, access, tls, path, reload, warmup, k8sEnabled, k8sNamespaces, reconcilerEnabled,
                reconcilerNamespaces);
    }

    private static Access parseAccess(ConfigNode node) {
        String mode = node.oneOf("mode", "open", "open", "bearer", "tokenreview");
        String tokenFile = existingFile(node, "token_file");
        if (mode.equals("bearer") && tokenFile == null && !node.has("token_file")) {
            node.problems().error(node.file(), node.line(), node.path() + ".token_file", "is required when mode is bearer");
        }
        List<String> paths = node.has("protected_paths") ? node.stringList("protected_paths") : DEFAULT_PROTECTED_PATHS;
        for (String p : paths) {
            if (!p.startsWith("/")) {
                node.get("protected_paths").error("'" + p + "' must start with '/'");
            }
        }
        return new Access(mode, tokenFile, paths);
    }

    private static MainTls parseTls(ConfigNode node) {
        String cert = existingFile(node, "cert_file");
        String key = existingFile(node, "key_file");
        String ca = existingFile(node, "client_ca_file");
        if ((cert == null) != (key == null) && node.has("cert_file") != node.has("key_file")) {
            node.error("cert_file and key_file go together");
        }
        if (ca != null && cert == null) {
            node.get("client_ca_file").error("needs cert_file and key_file: client certificates are asked for over TLS only");
        }
        return new MainTls(cert, key, ca);
    }

    /** A file path that must exist when given; a missing file is reported where it is written. */
    private static String existingFile(ConfigNode node, String key) {
        String path = node.string(key, null);
        if (path != null && !Files.isReadable(Path.of(path))) {
            node.get(key).error("cannot read " + path);
            return null;
        }
        return path;
    }

    public ServiceConfig withPort(int newPort) {
        return new ServiceConfig(host, newPort, access, tls, pipelinesPath, reloadInterval, warmup, kubernetesEnabled,
                kubernetesNamespaces, reconcilerEnabled, reconcilerNamespaces);
    }

    public ServiceConfig withPipelinesPath(String newPath) {
        return new ServiceConfig(host, port, access, tls, newPath, reloadInterval, warmup, kubernetesEnabled,
                kubernetesNamespaces, reconcilerEnabled, reconcilerNamespaces);
    }
}
