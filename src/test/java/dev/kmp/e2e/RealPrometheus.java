package dev.kmp.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/** Debian's Prometheus, started on loopback with a scrape config of the test's own. */
final class RealPrometheus implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    final Process process;
    final int port;
    final Path log;

    private RealPrometheus(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    static String binary() {
        String explicit = System.getenv("PROMETHEUS_BIN");
        if (explicit != null) {
            return explicit;
        }
        for (String p : new String[] {"/usr/bin/prometheus", "/usr/local/bin/prometheus"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        throw new IllegalStateException("Prometheus is not installed: apt-get install prometheus (.ci/run does), or set PROMETHEUS_BIN");
    }

    /** Scrapes {@code target} (host:port) every second; {@code extraScrapeConfig} is YAML appended to the job. */
    static RealPrometheus start(Path dir, String target, String extraScrapeConfig) throws IOException {
        int port = ServiceProcess.freePort();
        Path config = dir.resolve("prometheus.yml");
        Files.writeString(config, """
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                scrape_configs:
                  - job_name: kmp
                    scrape_interval: 1s
                    scrape_timeout: 900ms
                    static_configs:
                      - targets: ['%s']
                %s
                """.formatted(target, extraScrapeConfig));
        Path log = dir.resolve("prometheus.log");
        Process p = new ProcessBuilder(binary(),
                "--config.file=" + config,
                "--storage.tsdb.path=" + dir.resolve("tsdb"),
                "--web.listen-address=127.0.0.1:" + port,
                "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        RealPrometheus prom = new RealPrometheus(p, port, log);
        ServiceProcess.await("Prometheus to be ready", Duration.ofSeconds(30), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("Prometheus exited: " + prom.logText());
            }
            try {
                return ServiceProcess.HTTP.send(HttpRequest.newBuilder(URI.create(prom.base() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
            } catch (IOException e) {
                return false;
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        return prom;
    }

    String base() {
        return "http://127.0.0.1:" + port;
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }

    /** An instant vector query: the value of each result, keyed by the value of label {@code by} (or "" ). */
    Map<String, Double> query(String promql, String by) throws IOException, InterruptedException {
        String url = base() + "/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8);
        HttpResponse<String> r = ServiceProcess.HTTP.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString());
        JsonNode root = JSON.readTree(r.body());
        if (!"success".equals(root.path("status").asText())) {
            throw new IOException("query failed: " + r.body());
        }
        Map<String, Double> out = new LinkedHashMap<>();
        for (JsonNode item : root.path("data").path("result")) {
            String key = by == null ? "" : item.path("metric").path(by).asText();
            out.put(key, Double.parseDouble(item.path("value").get(1).asText()));
        }
        return out;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }
}
