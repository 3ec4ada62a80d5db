package dev.kmp.pipeline;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.kmp.config.EnvSubstitution;
import dev.kmp.config.Problems;
import dev.kmp.config.YamlFiles;
import dev.kmp.exporter.k8smetrics.K8sMetricsExporterFactory;
import dev.kmp.exporter.prometheus.PrometheusExporterFactory;
import dev.kmp.receiver.kong.KongReceiverFactory;
import dev.kmp.telemetry.SelfMetrics;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

/** A component removed by a reload lets go of what it held: scrape loops, threads, listening ports. */
class ReloadFreesResourcesTest {
    private final Factories factories = Factories.builder()
            .receiver(new KongReceiverFactory())
            .exporter(new PrometheusExporterFactory())
            .exporter(new K8sMetricsExporterFactory())
            .build();

    private PipelinesConfig config(String yaml) {
        Problems problems = new Problems();
        EnvSubstitution env = new EnvSubstitution(n -> null);
        var result = new PipelineConfigLoader(factories, env)
                .validate(List.of(YamlFiles.parse("p.yaml", yaml, problems, env)), List.of("p.yaml"), problems);
        assertTrue(result.ok(), problems.report());
        return result.config();
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static boolean portFree(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!condition.getAsBoolean()) {
            assertTrue(System.nanoTime() < deadline, "timed out waiting for " + what);
            Thread.sleep(50);
        }
    }

    private static long threadsNamed(String prefix) {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith(prefix)).count();
    }

    @Test
    void removedReceiverAndExporterStopTheirLoopsThreadsAndPorts() throws Exception {
        AtomicLong requests = new AtomicLong();
        HttpServer kong = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kong.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        kong.createContext("/metrics", ex -> {
            requests.incrementAndGet();
            byte[] body = "# TYPE kong_nginx_timers gauge\nkong_nginx_timers{state=\"running\"} 3\n".getBytes();
            ex.sendResponseHeaders(200, body.length);
            ex.getResponseBody().write(body);
            ex.close();
        });
        kong.start();
        int apiPort = freePort();
        String url = "http://127.0.0.1:" + kong.getAddress().getPort() + "/metrics";
        String full = """
                receivers:
                  kong: {interval: 200ms, timeout: 150ms, targets: ["%s"]}
                  kong/extra: {interval: 200ms, timeout: 150ms, targets: ["%s?extra"]}
                exporters:
                  prometheus: {}
                  k8smetrics:
                    port: %d
                    authentication: none
                    metrics: [{name: timers, from: kong_nginx_timers, aggregation: rate, window: 30s}]
                service:
                  pipelines:
                    metrics: {receivers: [kong, kong/extra], exporters: [prometheus, k8smetrics]}
                """.formatted(url, url, apiPort);
        String reduced = """
                receivers:
                  kong: {interval: 200ms, timeout: 150ms, targets: ["%s"]}
                exporters:
                  prometheus: {}
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [prometheus]}
                """.formatted(url);

        PipelineRuntime runtime = new PipelineRuntime(factories, new ComponentContext(new SelfMetrics(), Clock.systemUTC()));
        try {
            runtime.apply(config(full));
            await("both receivers scraping", () -> runtime.targets().stream().allMatch(t -> t.up()) && runtime.targets().size() == 2);
            assertTrue(threadsNamed("kong-receiver-deadlines-kong/extra") == 1);
            await("the metrics API listening", () -> !portFree(apiPort));

            runtime.apply(config(reduced));
            await("the removed receiver's deadline thread gone", () -> threadsNamed("kong-receiver-deadlines-kong/extra") == 0);
            await("the removed exporter's port free", () -> portFree(apiPort));
            assertTrue(runtime.targets().size() == 1);

            // The kept receiver goes on; the removed one sends nothing more (one target left: one request per tick).
            long before = requests.get();
            await("the kept receiver scraping", () -> requests.get() >= before + 3);
        } finally {
            runtime.close();
            kong.stop(0);
        }
        await("every deadline thread gone after close", () -> threadsNamed("kong-receiver-deadlines-") == 0);
    }
}
