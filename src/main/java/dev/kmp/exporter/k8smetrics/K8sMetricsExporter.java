package dev.kmp.exporter.k8smetrics;

import dev.kmp.tls.Certificates;
import dev.kmp.model.Batch;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Exporter;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Serves the Kubernetes external and custom metrics APIs from the batches it consumes, on its own
 * TLS port, so an HPA reads Kong latency with no Prometheus and no adapter.
 */
public final class K8sMetricsExporter implements Exporter {
    private static final System.Logger LOG = System.getLogger(K8sMetricsExporter.class.getName());
    /** Caps one series' history (a 1 h window scraped every second, and some). */
    static final int MAX_SAMPLES_PER_SERIES = 4000;
    static final String AUTH_CONFIG_MAP_NAMESPACE = "kube-system";
    static final String AUTH_CONFIG_MAP = "extension-apiserver-authentication";

    private final String id;
    private final K8sMetricsConfig config;
    private final ComponentContext context;
    private final SeriesHistory history;
    private final RouteBackendTable routeBackends = new RouteBackendTable();
    private final MetricsApi api;
    private volatile MetricsApiServer server;
    private volatile Certificates.CertifiedKey serving;
    private volatile String clientCaSource = "none";
    private volatile String startError;

    public K8sMetricsExporter(String id, K8sMetricsConfig config, ComponentContext context) {
        this.id = id;
        this.config = config;
        this.context = context;
        Set<String> families = config.metrics().stream().map(MetricDefinition::from).collect(Collectors.toSet());
        // Keep a little more than the longest window so its baseline survives a late scrape.
        this.history = new SeriesHistory(families, config.longestWindow(), MAX_SAMPLES_PER_SERIES);
        RouteBackends routes = context.clusterCache()
                .<RouteBackends>map(cache -> new ClusterRouteBackends(cache, routeBackends))
                .orElse(routeBackends);
        this.api = new MetricsApi(config, history, routes, context.clock());
    }

    public String id() {
        return id;
    }

    public K8sMetricsConfig config() {
        return config;
    }

    /** Where multi-backend HTTPRoute rules are looked up; rows may be set from outside. */
    public RouteBackendTable routeBackends() {
        return routeBackends;
    }

    /** The TLS port actually bound (useful with {@code port: 0}); -1 before start. */
    public int port() {
        MetricsApiServer s = server;
        return s == null ? -1 : s.port();
    }

    /** The serving certificate chain (leaf first), e.g. for an APIService caBundle; empty before start. */
    public List<X509Certificate> servingCertificates() {
        Certificates.CertifiedKey s = serving;
        return s == null ? List.of() : s.chain();
    }

    @Override
    public void consume(Batch batch) {
        history.record(batch);
        routeBackends.learn(batch);
    }

    @Override
    public void forget(TargetId target) {
        history.forget(target);
        routeBackends.forget(target);
    }

    @Override
    public void start() {
        try {
            serving = servingPair();
            List<X509Certificate> cas = clientCas();
            List<String> allowed = config.allowedNames();
            if (allowed.isEmpty() && config.authentication() == Authentication.REQUESTHEADER && config.clientCaFile() == null) {
                allowed = allowedNamesFromCluster();
            }
            if (config.authentication() != Authentication.NONE && cas.isEmpty()) {
                LOG.log(System.Logger.Level.WARNING, id + ": no client CA: every call to the metrics APIs will be refused ("
                        + config.authentication().word + " authentication)");
            }
            CallerAuthenticator authenticator = new CallerAuthenticator(config.authentication(), cas, allowed);
            MetricsApiServer s = new MetricsApiServer(config.port(), serving,
                    config.authentication() == Authentication.NONE ? List.of() : cas, authenticator, api);
            s.start();
            server = s;
            LOG.log(System.Logger.Level.INFO, id + ": Kubernetes metrics APIs on https port " + s.port()
                    + " (" + config.authentication().word + " authentication, client CA from " + clientCaSource + ")");
        } catch (IOException | CertificateException | RuntimeException e) {
            // Only the message: it names files, never their contents.
            startError = e.getMessage();
            LOG.log(System.Logger.Level.ERROR, id + ": cannot serve the Kubernetes metrics APIs: " + e.getMessage());
        }
    }

    @Override
    public void shutdown() {
        MetricsApiServer s = server;
        if (s != null) {
            s.stop();
            server = null;
        }
        history.clear();
    }

    @Override
    public Map<String, Object> status() {
        Map<String, Object> status = new LinkedHashMap<>();
        MetricsApiServer s = server;
        status.put("port", s == null ? config.port() : s.port());
        status.put("serving", s != null);
        status.put("authentication", config.authentication().word);
        status.put("client_ca", clientCaSource);
        status.put("tls", config.certFile() == null ? "self-signed" : config.certFile());
        status.put("metrics", config.metrics().stream().map(MetricDefinition::name).toList());
        status.put("targets", history.targetCount());
        status.put("series", history.seriesCount());
        status.put("route_backends", routeBackends.size());
        status.put("answered", s == null ? 0 : s.answered());
        status.put("refused", s == null ? 0 : s.refused());
        if (startError != null) {
            status.put("error", startError);
        }
        return status;
    }

    private Certificates.CertifiedKey servingPair() throws IOException, CertificateException {
        if (config.certFile() != null) {
            return new Certificates.CertifiedKey(Certificates.readPrivateKey(Path.of(config.keyFile())),
                    Certificates.readCertificates(Path.of(config.certFile())));
        }
        List<String> names = new ArrayList<>(List.of("localhost", "127.0.0.1", "::1"));
        String host = System.getenv("HOSTNAME");
        if (host != null && !host.isBlank()) {
            names.add(host);
        }
        return Certificates.selfSigned("kong-metrics-pipeline", names, false, Duration.ofDays(365));
    }

    private List<X509Certificate> clientCas() throws IOException, CertificateException {
        if (config.authentication() == Authentication.NONE) {
            return List.of();
        }
        if (config.clientCaFile() != null) {
            clientCaSource = config.clientCaFile();
            return Certificates.readCertificates(Path.of(config.clientCaFile()));
        }
        if (config.authentication() == Authentication.REQUESTHEADER) {
            Optional<String> pem = authConfigMapValue("requestheader-client-ca-file");
            if (pem.isPresent()) {
                clientCaSource = "configmap " + AUTH_CONFIG_MAP_NAMESPACE + "/" + AUTH_CONFIG_MAP;
                return Certificates.readCertificates(pem.get());
            }
        }
        return List.of();
    }

    /** The ConfigMap's {@code requestheader-allowed-names} (a JSON list), as real aggregated servers read it. */
    private List<String> allowedNamesFromCluster() {
        Optional<String> text = authConfigMapValue("requestheader-allowed-names");
        if (text.isEmpty() || text.get().isBlank()) {
            return List.of();
        }
        try {
            return List.of(new com.fasterxml.jackson.databind.ObjectMapper().readValue(text.get(), String[].class));
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, id + ": requestheader-allowed-names is not a JSON list of names; ignored");
            return List.of();
        }
    }

    private Optional<String> authConfigMapValue(String key) {
        Optional<KubernetesClient> client = context.kubernetes();
        if (client.isEmpty()) {
            return Optional.empty();
        }
        try {
            ConfigMap cm = client.get().configMaps().inNamespace(AUTH_CONFIG_MAP_NAMESPACE).withName(AUTH_CONFIG_MAP).get();
            return cm == null || cm.getData() == null ? Optional.empty() : Optional.ofNullable(cm.getData().get(key));
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, id + ": cannot read " + AUTH_CONFIG_MAP_NAMESPACE + "/" + AUTH_CONFIG_MAP
                    + ": " + e.getMessage());
            return Optional.empty();
        }
    }
}
