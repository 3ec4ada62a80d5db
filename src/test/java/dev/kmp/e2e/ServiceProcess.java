package dev.kmp.e2e;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** The packaged service ({@code target/kong-metrics-pipeline.jar}) run as a child process, as a user runs it. */
final class ServiceProcess implements AutoCloseable {
    static final Path JAR = Path.of("target", "kong-metrics-pipeline.jar");
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    final Process process;
    final Path log;
    final int port;

    private ServiceProcess(Process process, Path log, int port) {
        this.process = process;
        this.log = log;
        this.port = port;
    }

    /** The java binary running this test: a JDK >= 21, as the build requires. */
    static String java() {
        return ProcessHandle.current().info().command().orElse("java");
    }

    static ProcessBuilder jar(String... args) {
        if (!Files.isRegularFile(JAR)) {
            throw new IllegalStateException(JAR + " is missing: end-to-end tests run after `package` (./mvnw verify)");
        }
        List<String> cmd = new ArrayList<>(List.of(java(), "-Xmx256m", "-jar", JAR.toString()));
        cmd.addAll(List.of(args));
        return new ProcessBuilder(cmd);
    }

    static ServiceProcess start(Path workDir, String... args) throws IOException {
        return start(workDir, java.util.Map.of(), args);
    }

    /** With extra environment variables (KUBECONFIG, secrets such as DD_API_KEY). */
    static ServiceProcess start(Path workDir, java.util.Map<String, String> env, String... args) throws IOException {
        int port = freePort();
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--port", String.valueOf(port)));
        Path log = workDir.resolve("service-" + port + ".log");
        ProcessBuilder pb = jar(all.toArray(String[]::new)).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        ServiceProcess s = new ServiceProcess(p, log, port);
        await("the service to be ready (log: " + log + ")", Duration.ofSeconds(60), () -> {
            if (!p.isAlive()) {
                throw new AssertionError("the service exited with " + p.exitValue() + ":\n" + s.logText());
            }
            return s.status("/readyz") == 200;
        });
        return s;
    }

    String url(String path) {
        return "http://127.0.0.1:" + port + path;
    }

    int status(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(5)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    String get(String path) throws IOException, InterruptedException {
        HttpResponse<String> r = HTTP.send(HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IOException(path + " answered " + r.statusCode() + ": " + r.body());
        }
        return r.body();
    }

    String logText() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static void await(String what, Duration timeout, BooleanSupplier condition) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out after " + timeout.toSeconds() + "s waiting for " + what);
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** SIGTERM, as Kubernetes stops a pod; returns the exit code. */
    int stop() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the service did not stop within 10s of SIGTERM");
        }
        return process.exitValue();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }
}
