package dev.kmp;

import dev.kmp.config.ConfigNode;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problem;
import dev.kmp.config.Problems;
import dev.kmp.config.ServiceConfig;
import dev.kmp.config.YamlFiles;
import dev.kmp.demo.DemoKubernetes;
import dev.kmp.demo.SimulatedKong;
import dev.kmp.exporter.k8smetrics.K8sMetricsExporterFactory;
import dev.kmp.exporter.otlp.OtlpExporterFactory;
import dev.kmp.exporter.prometheus.PrometheusExporterFactory;
import dev.kmp.kubernetes.KubernetesConnection;
import dev.kmp.kubernetes.KubernetesFeatures;
import dev.kmp.kubernetes.ServiceTagDirectory;
import dev.kmp.kubernetes.SyncReadiness;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Factories;
import dev.kmp.pipeline.Leadership;
import dev.kmp.pipeline.PipelineConfigLoader;
import dev.kmp.pipeline.PipelineFileWatcher;
import dev.kmp.pipeline.PipelineRuntime;
import dev.kmp.processor.filter.FilterProcessorFactory;
import dev.kmp.processor.k8s.K8sAttributesProcessorFactory;
import dev.kmp.receiver.kong.KongReceiverFactory;
import dev.kmp.reconciler.ExtensionController;
import dev.kmp.reconciler.ReconcilerSettings;
import dev.kmp.server.AccessControl;
import dev.kmp.server.BearerTokenAccess;
import dev.kmp.server.HttpRoutes;
import dev.kmp.server.ServiceStatus;
import dev.kmp.server.TokenReviewAccess;
import dev.kmp.tls.Certificates;
import dev.kmp.telemetry.JsonLogFormatter;
import dev.kmp.telemetry.JvmMetrics;
import dev.kmp.telemetry.SelfMetrics;
import dev.kmp.warmup.HotPathWarmup;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import io.helidon.logging.common.LogConfig;
import io.helidon.webserver.WebServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;

/**
 * Entry point. Wires every part by hand, in the order data flows: config, self metrics, component
 * factories, pipeline runtime, file watcher, HTTP server. Nothing is looked up globally.
 *
 * <pre>
 * kong-metrics-pipeline [--config FILE] [--pipelines FILE|DIR] [--port N] [--demo]
 * kong-metrics-pipeline validate [--config FILE] [--pipelines FILE|DIR]
 * kong-metrics-pipeline --help | --version
 * </pre>
 */
public final class Main {
    private static final System.Logger LOG = System.getLogger(Main.class.getName());

    private Main() {
    }

    /** Parsed command line. */
    record Args(boolean validate, boolean demo, boolean help, boolean version, String config, String pipelines, Integer port,
                String logFormat) {
        static Args parse(String[] argv) {
            boolean validate = false;
            boolean demo = false;
            boolean help = false;
            boolean version = false;
            String config = null;
            String pipelines = null;
            Integer port = null;
            String logFormat = System.getenv().getOrDefault("KMP_LOG_FORMAT", "text");
            for (int i = 0; i < argv.length; i++) {
                String a = argv[i];
                switch (a) {
                    case "validate" -> validate = true;
                    case "--demo" -> demo = true;
                    case "--help", "-h" -> help = true;
                    case "--version" -> version = true;
                    case "--config" -> config = value(argv, ++i, a);
                    case "--pipelines" -> pipelines = value(argv, ++i, a);
                    case "--log-format" -> logFormat = value(argv, ++i, a);
                    case "--port" -> {
                        String v = value(argv, ++i, a);
                        try {
                            port = Integer.parseInt(v);
                        } catch (NumberFormatException e) {
                            throw new IllegalArgumentException("--port needs a number, not '" + v + "'");
                        }
                    }
                    default -> throw new IllegalArgumentException("unknown argument '" + a + "' (see --help)");
                }
            }
            if (!logFormat.equals("text") && !logFormat.equals("json")) {
                throw new IllegalArgumentException("--log-format takes text or json, not '" + logFormat + "'");
            }
            return new Args(validate, demo, help, version, config, pipelines, port, logFormat);
        }

        private static String value(String[] argv, int i, String flag) {
            if (i >= argv.length) {
                throw new IllegalArgumentException(flag + " needs a value");
            }
            return argv[i];
        }
    }

    static final String USAGE = """
            Usage:
              kong-metrics-pipeline [--config FILE] [--pipelines FILE|DIR] [--port N]
              kong-metrics-pipeline --demo [--port N]
              kong-metrics-pipeline validate [--config FILE] [--pipelines FILE|DIR]
              kong-metrics-pipeline --help | --version

              --config FILE       service settings (default: config/application.yaml when present)
              --pipelines PATH    a pipeline file, or a directory whose *.yaml files merge into one
              --port N            main port for /metrics, /status, /healthz, /readyz (default 8080)
              --demo              run the embedded demo: a simulated Kong scraped by pipelines/demo.yaml
              --log-format F      text (default) or json: one JSON object per log line (also KMP_LOG_FORMAT)
              validate            check the pipeline files; prints FILE:LINE: key.path: problem; exit 1 on errors
            """;

    public static void main(String[] argv) {
        int code;
        try {
            code = run(Args.parse(argv), System.out, System.err);
        } catch (IllegalArgumentException e) {
            System.err.println("kong-metrics-pipeline: " + e.getMessage());
            code = 2;
        }
        if (code != 0) {
            System.exit(code);
        }
    }

    static int run(Args args, PrintStream out, PrintStream err) {
        if (args.help()) {
            out.print(USAGE);
            return 0;
        }
        if (args.version()) {
            out.println("kong-metrics-pipeline " + version());
            return 0;
        }
        Map<String, String> envOverrides = new HashMap<>();
        EnvSubstitution env = new EnvSubstitution(name -> envOverrides.containsKey(name) ? envOverrides.get(name) : System.getenv(name));

        Problems serviceProblems = new Problems();
        ServiceConfig service = loadServiceConfig(args.config(), serviceProblems, env);
        serviceProblems.warnings().forEach(p -> err.println(p));
        if (serviceProblems.hasErrors()) {
            serviceProblems.errors().forEach(p -> err.println(p));
            return 1;
        }
        if (args.port() != null) {
            service = service.withPort(args.port());
        }
        if (args.pipelines() != null) {
            service = service.withPipelinesPath(args.pipelines());
        }

        Factories factories = factories();
        if (args.validate()) {
            return validate(Path.of(service.pipelinesPath()), factories, env, out, err);
        }

        LogConfig.configureRuntime();
        if (args.logFormat().equals("json")) {
            for (java.util.logging.Handler h : java.util.logging.Logger.getLogger("").getHandlers()) {
                h.setFormatter(new JsonLogFormatter());
            }
        }
        SimulatedKong demoKong = null;
        DemoKubernetes demoK8s = null;
        if (args.demo()) {
            try {
                demoKong = SimulatedKong.start(0, 1L);
            } catch (IOException e) {
                err.println("kong-metrics-pipeline: cannot start the simulated Kong: " + e.getMessage());
                return 1;
            }
            // The demo's in-memory Kubernetes API (issue 3): the pipeline discovers the Kong pod in it
            // and resolves the simulated Kong's services against its objects.
            try {
                demoK8s = DemoKubernetes.start(demoKong);
            } catch (IOException | RuntimeException e) {
                err.println("kong-metrics-pipeline: cannot start the in-memory Kubernetes API: " + e.getMessage());
                demoKong.close();
                return 1;
            }
            envOverrides.put("KMP_DEMO_KONG_URL", demoKong.metricsUrl().toString());
            envOverrides.put("KMP_DEMO_KONG_PORT", String.valueOf(demoKong.port()));
            service = service.withPipelinesPath(demoPipelines(args.pipelines()).toString());
        }
        return serve(service, factories, env, demoKong, demoK8s, out);
    }

    /** Every component type the service knows. */
    static Factories factories() {
        return Factories.builder()
                .receiver(new KongReceiverFactory())
                .processor(new FilterProcessorFactory())
                .processor(new K8sAttributesProcessorFactory())
                .exporter(new PrometheusExporterFactory())
                .exporter(new OtlpExporterFactory())
                .exporter(new K8sMetricsExporterFactory())
                .build();
    }

    private static ServiceConfig loadServiceConfig(String file, Problems problems, EnvSubstitution env) {
        Path path = file != null ? Path.of(file) : Path.of("config", "application.yaml");
        if (file == null && !Files.exists(path)) {
            return ServiceConfig.defaults();
        }
        ConfigNode root = YamlFiles.read(path, problems, env);
        return ServiceConfig.parse(root);
    }

    static int validate(Path pipelines, Factories factories, EnvSubstitution env, PrintStream out, PrintStream err) {
        PipelineConfigLoader.Result result = new PipelineConfigLoader(factories, env).load(pipelines);
        for (Problem p : result.problems().all()) {
            (p.severity() == Problem.Severity.ERROR ? err : out).println(p);
        }
        if (!result.ok()) {
            err.println(result.problems().errors().size() + " error(s) in " + pipelines);
            return 1;
        }
        out.println(pipelines + ": valid (" + result.config().pipelines().size() + " pipeline(s), "
                + result.problems().warnings().size() + " warning(s))");
        return 0;
    }

    /** pipelines/demo.yaml from the working directory, else the copy inside the jar. */
    private static Path demoPipelines(String explicit) {
        if (explicit != null) {
            return Path.of(explicit);
        }
        Path local = Path.of("pipelines", "demo.yaml");
        if (Files.isRegularFile(local)) {
            return local;
        }
        try (InputStream in = Main.class.getResourceAsStream("/pipelines/demo.yaml")) {
            if (in == null) {
                throw new IllegalStateException("pipelines/demo.yaml is neither in the working directory nor in the jar");
            }
            Path tmp = Files.createTempFile("kmp-demo-", ".yaml");
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            tmp.toFile().deleteOnExit();
            return tmp;
        } catch (IOException e) {
            throw new IllegalStateException("cannot extract the demo pipeline: " + e.getMessage(), e);
        }
    }

    private static int serve(ServiceConfig service, Factories factories, EnvSubstitution env, SimulatedKong demoKong,
                             DemoKubernetes demoK8s, PrintStream out) {
        SelfMetrics selfMetrics = new SelfMetrics();
        new JvmMetrics().register(selfMetrics);
        // --- Kubernetes (issue 3): the API found the standard way, the cluster cache on it, and the
        // readiness gate for its first sync; everything is off (and /status says why) without an API.
        KubernetesConnection connection = demoK8s != null
                ? new KubernetesConnection(Optional.of(demoK8s.client()), "demo in-memory API " + demoK8s.apiUrl())
                : KubernetesConnection.open(service.kubernetesEnabled(), System.getenv(), Path.of(System.getProperty("user.home")));
        KubernetesFeatures k8s = KubernetesFeatures.start(connection, service.kubernetesNamespaces(),
                KubernetesFeatures.DEFAULT_RESYNC, KubernetesFeatures.DEFAULT_SYNC_TIMEOUT);
        // The reconciler's Lease also decides which replica pushes OTLP; without it this one does.
        ExtensionController reconciler = startReconciler(service, k8s.connection().client());
        Leadership leadership = new Leadership(reconciler == null || reconciler.isLeader());
        if (reconciler != null) {
            reconciler.addLeadershipListener(leadership::set);
        }
        ComponentContext context = new ComponentContext(selfMetrics, Clock.systemUTC(), k8s.connection().client(),
                k8s.cache(), new ServiceTagDirectory(), leadership);
        // --- end Kubernetes
        if (service.warmup()) {
            // Before any scrape: the first one then runs compiled code (issue 7's first-cycle target).
            HotPathWarmup.Result warm = HotPathWarmup.run(HotPathWarmup.DEFAULT_BUDGET, k8s.cache());
            LOG.log(System.Logger.Level.INFO, "scrape path warmed up: {0} passes over generated payloads of {1} KB"
                            + " ({2} Kong service names and upstream targets from the cluster) in {3} ms",
                    warm.passes(), warm.payloadBytes() / 1024, warm.namesFromCluster(), warm.took().toMillis());
        }
        PipelineRuntime runtime = new PipelineRuntime(factories, context);
        PipelineFileWatcher watcher = new PipelineFileWatcher(Path.of(service.pipelinesPath()),
                new PipelineConfigLoader(factories, env), runtime, service.reloadInterval());
        if (!watcher.loadNow()) {
            System.err.println("kong-metrics-pipeline: the pipeline configuration is invalid:");
            watcher.state().errors().forEach(System.err::println);
            if (reconciler != null) {
                reconciler.close();
            }
            if (demoKong != null) {
                demoKong.close();
            }
            if (demoK8s != null) {
                demoK8s.close();
            }
            k8s.close();
            return 1;
        }
        ServiceStatus status = new ServiceStatus(version(), runtime, watcher, () -> kubernetesStatus(k8s, reconciler), () -> {
            SyncReadiness.State r = k8s.readiness();
            return new ServiceStatus.Readiness(r.ready(), r.note());
        });
        AccessControl access = accessControl(service.access(), k8s.connection().client());
        HttpRoutes routes = new HttpRoutes(runtime, status, access, service.access().protectedPaths());
        var serverBuilder = WebServer.builder()
                .host(service.host())
                .port(service.port())
                .routing(routes::register);
        if (service.tls().enabled()) {
            serverBuilder.tls(mainPortTls(service.tls()));
        }
        WebServer server = serverBuilder.build().start();
        LOG.log(System.Logger.Level.INFO, "main port access: {0}{1}", access.describe(),
                service.tls().enabled() ? (service.tls().clientCaFile() != null ? ", TLS with client certificates" : ", TLS") : "");
        watcher.start();
        status.markReady();

        CountDownLatch stopped = new CountDownLatch(1);
        SimulatedKong kong = demoKong;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            // SIGTERM: stop scraping first, then flush exporters, then close the port.
            LOG.log(System.Logger.Level.INFO, "shutting down");
            watcher.close();
            if (reconciler != null) {
                reconciler.close();
            }
            runtime.close();
            server.stop();
            if (kong != null) {
                kong.close();
            }
            if (demoK8s != null) {
                demoK8s.close(); // the server first: see DemoKubernetes.close
            }
            k8s.close();
            stopped.countDown();
        }, "shutdown"));

        String base = "http://127.0.0.1:" + server.port();
        out.println("kong-metrics-pipeline " + version() + " listening on " + service.host() + ":" + server.port());
        out.println("  pipelines: " + service.pipelinesPath());
        for (var p : runtime.current().pipelines()) {
            out.println("    " + p.id() + ": " + String.join(", ", p.receivers())
                    + (p.processors().isEmpty() ? "" : " -> " + String.join(" -> ", p.processors()))
                    + " -> " + String.join(", ", p.exporters()));
        }
        runtime.exporterStatus().forEach((id, st) -> {
            if (st.get("port") != null) {
                out.println("  " + id + ": port " + st.get("port") + (Boolean.TRUE.equals(st.get("serving")) ? "" : " (not serving)"));
            }
        });
        out.println("  main port access: " + access.describe() + (service.tls().enabled() ? ", HTTPS" : ""));
        if (kong != null) {
            out.println("  demo: simulated Kong at " + kong.metricsUrl());
        }
        if (demoK8s != null) {
            out.println("  demo: in-memory Kubernetes API at " + demoK8s.apiUrl() + "; look inside with");
            out.println("        kubectl --kubeconfig " + demoK8s.kubeconfig() + " get --raw /apis/gateway.networking.k8s.io/v1/httproutes");
        }
        out.println("  " + base + "/metrics   " + base + "/status   " + base + "/api/status");
        out.flush();
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return 0;
    }

    /** {@code server.access}: who may read /metrics and the status pages. */
    private static AccessControl accessControl(ServiceConfig.Access access, Optional<KubernetesClient> client) {
        return switch (access.mode()) {
            case "bearer" -> new BearerTokenAccess(Path.of(access.tokenFile()));
            case "tokenreview" -> new TokenReviewAccess(client.orElseThrow(() -> new IllegalArgumentException(
                    "server.access.mode: tokenreview needs a Kubernetes API, and none is configured")));
            default -> AccessControl.OPEN;
        };
    }

    /** {@code server.tls}: HTTPS on the main port, client certificates required when a CA is given. */
    private static io.helidon.common.tls.Tls mainPortTls(ServiceConfig.MainTls tls) {
        try {
            TlsConfig.Builder b = TlsConfig.builder()
                    .privateKey(Certificates.readPrivateKey(Path.of(tls.keyFile())))
                    .privateKeyCertChain(Certificates.readCertificates(Path.of(tls.certFile())));
            if (tls.clientCaFile() != null) {
                b.trust(Certificates.readCertificates(Path.of(tls.clientCaFile()))).clientAuth(TlsClientAuth.REQUIRED);
            }
            return b.build();
        } catch (IOException | java.security.cert.CertificateException e) {
            throw new IllegalArgumentException("server.tls: " + e.getMessage(), e);
        }
    }

    /** The cluster cache's state plus the reconciler's (leadership, extensions and their conditions). */
    private static Map<String, Object> kubernetesStatus(KubernetesFeatures k8s, ExtensionController reconciler) {
        Map<String, Object> m = new LinkedHashMap<>(k8s.status());
        m.put("reconciler", reconciler == null ? Map.of("enabled", false) : reconciler.status().asMap());
        return m;
    }

    /**
     * The DataPlaneMetricsExtension reconciler runs on the shared client whenever a Kubernetes API is
     * configured, unless {@code reconciler.enabled} is false (where Kong's operator owns the extensions).
     */
    private static ExtensionController startReconciler(ServiceConfig service, Optional<KubernetesClient> client) {
        if (!service.reconcilerEnabled() || client.isEmpty()) {
            return null;
        }
        ExtensionController reconciler = new ExtensionController(client.get(),
                ReconcilerSettings.fromEnvironment(service.reconcilerNamespaces(), System.getenv()));
        reconciler.start();
        return reconciler;
    }

    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }
}
