package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged jar as a user runs it: Kong payloads in, the same values out on /metrics, families once,
 * reloads (refused and applied), validate, SIGTERM.
 */
class PackagedServiceIT {
    @TempDir
    Path dir;
    private HttpServer kong;

    @BeforeEach
    void startKong() throws IOException {
        kong = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        kong.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        for (String fixture : new String[] {"kong-small.prom", "kong-multibackend.prom"}) {
            byte[] body = resource("/kong/" + fixture);
            kong.createContext("/" + fixture, ex -> {
                ex.getResponseHeaders().add("Content-Type", "text/plain; charset=UTF-8");
                ex.sendResponseHeaders(200, body.length);
                try (var out = ex.getResponseBody()) {
                    out.write(body);
                }
            });
        }
        kong.start();
    }

    @AfterEach
    void stopKong() {
        kong.stop(0);
    }

    private static byte[] resource(String name) throws IOException {
        try (InputStream in = PackagedServiceIT.class.getResourceAsStream(name)) {
            return in.readAllBytes();
        }
    }

    private String kongUrl(String fixture) {
        return "http://127.0.0.1:" + kong.getAddress().getPort() + "/" + fixture;
    }

    private Path writeConfig(Path pipelines) throws IOException {
        Path app = dir.resolve("application.yaml");
        Files.writeString(app, """
                server: {host: 127.0.0.1, port: 8080}
                pipelines: {path: %s, reload_interval: 500ms}
                """.formatted(pipelines));
        return app;
    }

    private static String pipeline(String... targets) {
        return """
                receivers:
                  kong:
                    interval: 500ms
                    timeout: 400ms
                    targets: [%s]
                exporters:
                  prometheus: {}
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [prometheus]}
                """.formatted(String.join(", ", targets));
    }

    @Test
    void servesWhatKongServedValueByValueAndReloads() throws Exception {
        Path pipelines = dir.resolve("pipelines.yaml");
        Files.writeString(pipelines, pipeline(kongUrl("kong-small.prom")));
        try (ServiceProcess svc = ServiceProcess.start(dir, "--config", writeConfig(pipelines).toString())) {
            ServiceProcess.await("kong-small scraped", Duration.ofSeconds(30), () -> metrics(svc).contains("kong_upstream_latency_ms_bucket"));
            assertSameValues(svc, "kong-small.prom");

            // An invalid edit is refused; the running pipeline keeps serving.
            Files.writeString(pipelines, pipeline(kongUrl("kong-small.prom")).replace("interval: 500ms", "intervall: 500ms"));
            ServiceProcess.await("the refusal on /api/status", Duration.ofSeconds(30),
                    () -> apiStatus(svc).contains("receivers.kong.intervall: unknown key"));
            assertTrue(svc.logText().contains("receivers.kong.intervall: unknown key"), "the refusal is logged");
            assertSameValues(svc, "kong-small.prom");

            // A valid edit adding a target is applied; the first target's series stay.
            Files.writeString(pipelines, pipeline(kongUrl("kong-small.prom"), kongUrl("kong-multibackend.prom")));
            ServiceProcess.await("the second target", Duration.ofSeconds(30),
                    () -> metrics(svc).contains("dataplane_url=\"" + kongUrl("kong-multibackend.prom") + "\""));
            assertSameValues(svc, "kong-small.prom");
            assertSameValues(svc, "kong-multibackend.prom");

            long t0 = System.nanoTime();
            svc.stop();
            assertTrue(System.nanoTime() - t0 < TimeUnit.SECONDS.toNanos(10), "SIGTERM ends the process within 10 s");
        }
    }

    private static String metrics(ServiceProcess svc) {
        try {
            return svc.get("/metrics");
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    private static String apiStatus(ServiceProcess svc) {
        try {
            return svc.get("/api/status");
        } catch (IOException | InterruptedException e) {
            return "";
        }
    }

    /** Every sample of the fixture is on /metrics with the same value (plus dataplane_url); families once. */
    private void assertSameValues(ServiceProcess svc, String fixture) throws Exception {
        String served = svc.get("/metrics");
        TextSamples out = TextSamples.parse(served);
        TextSamples in = TextSamples.parse(new String(resource("/kong/" + fixture), StandardCharsets.UTF_8));
        String url = kongUrl(fixture);
        int compared = 0;
        for (Map.Entry<String, Double> e : in.values.entrySet()) {
            String key = e.getKey();
            String withUrl = key.endsWith("{}") ? key.replace("{}", "{dataplane_url=" + url + "}")
                    : insertLabel(key, "dataplane_url", url);
            Double got = out.values.get(withUrl);
            if (key.startsWith("kong_node_info") && got == null) {
                continue; // a duplicate node_info series of a stream block is merged (last wins)
            }
            assertEquals(e.getValue(), got, "value of " + withUrl);
            compared++;
        }
        assertTrue(compared > 100, "compared " + compared + " samples of " + fixture);
        out.typeLines.forEach((family, n) -> assertEquals(1, n, "TYPE lines of " + family));
        out.helpLines.forEach((family, n) -> assertEquals(1, n, "HELP lines of " + family));
    }

    /** Adds a label to a {@code name{a=x, b=y}} key (TreeMap's toString), keeping the labels sorted. */
    private static String insertLabel(String key, String name, String value) {
        int brace = key.indexOf('{');
        Map<String, String> labels = new java.util.TreeMap<>();
        String body = key.substring(brace + 1, key.length() - 1);
        Matcher m = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=(.*?)(?=, [a-zA-Z_][a-zA-Z0-9_]*=|$)").matcher(body);
        while (m.find()) {
            labels.put(m.group(1), m.group(2));
        }
        labels.put(name, value);
        return key.substring(0, brace) + labels;
    }

    @Test
    void validateNamesTheFileAndLineOfAMisspelledKey() throws Exception {
        Path pipelines = dir.resolve("bad.yaml");
        Files.writeString(pipelines, pipeline("http://127.0.0.1:9/metrics").replace("    timeout: 400ms", "    timeuot: 400ms"));
        Process p = ServiceProcess.jar("validate", "--pipelines", pipelines.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(1, p.exitValue(), output);
        assertTrue(output.contains(pipelines + ":4: receivers.kong.timeuot: unknown key (did you mean 'timeout'?)"), output);

        Files.writeString(pipelines, pipeline("http://127.0.0.1:9/metrics"));
        Process ok = ServiceProcess.jar("validate", "--pipelines", pipelines.toString()).redirectErrorStream(true).start();
        String okOut = new String(ok.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(ok.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, ok.exitValue(), okOut);
    }

    @Test
    void demoServesASimulatedKongWhoseCountersGrow() throws Exception {
        int metricsApiPort = ServiceProcess.freePort();
        try (ServiceProcess svc = ServiceProcess.start(dir, java.util.Map.of("KMP_DEMO_METRICS_API_PORT", String.valueOf(metricsApiPort)), "--demo")) {
            // The demo enriches: Kong's name is kept as kong_service, the Service behind it is service/namespace.
            String count = "kong_upstream_latency_ms_count{kong_service=\"shop.storefront.80\",route=\"shop.storefront.storefront.shop.example.com.80\"";
            ServiceProcess.await("demo data on /metrics", Duration.ofSeconds(30), () -> metrics(svc).contains(count));
            String line = metrics(svc).lines().filter(l -> l.startsWith(count)).findFirst().orElseThrow();
            assertTrue(line.contains("service=\"storefront\",namespace=\"shop\",kubernetes_kind=\"Service\"")
                    && line.contains("dataplane_pod=\"kong-gateway-"), line);
            assertTrue(metrics(svc).contains("kmp_route_backend_info{namespace=\"checkout\",route=\"cart\",rule=\"0\""));
            double first = valueOf(metrics(svc), count);
            ServiceProcess.await("the counter to grow", Duration.ofSeconds(30), () -> valueOf(metrics(svc), count) > first);

            String page = svc.get("/status");
            assertTrue(page.contains("<h2>Targets</h2>") && page.contains("kong/demo") && page.contains("class=up>up<"), page);
            assertTrue(apiStatus(svc).contains("\"up\" : true"));

            // The reconciler ran on the demo cluster: both extensions applied, listed with their conditions.
            ServiceProcess.await("the extensions applied", Duration.ofSeconds(30),
                    () -> apiStatus(svc).split("\"reason\" : \"PluginApplied\"", -1).length == 3);
            String statusPage = svc.get("/status");
            assertTrue(statusPage.contains("storefront-latency") && statusPage.contains("PluginApplied"), statusPage);

            // The metrics API answers an HPA's Object query for a backend of the weighted rule with the rule's value.
            String url = "https://127.0.0.1:" + metricsApiPort
                    + "/apis/custom.metrics.k8s.io/v1beta2/namespaces/checkout/services/cart-v2/kong_upstream_latency_ms_60s_average";
            String[] answer = {""};
            ServiceProcess.await("an Object metric for cart-v2", Duration.ofSeconds(30), () -> {
                try {
                    answer[0] = insecureGet(url);
                } catch (Exception e) {
                    answer[0] = e.toString();
                }
                return answer[0].contains("\"value\":\"");
            });
            assertTrue(answer[0].contains("\"kong_service\":\"httproute.checkout.cart.0\""), answer[0]);
        }
    }

    /** GET over TLS trusting any certificate: the demo's metrics API serves a self-signed pair. */
    private static String insecureGet(String url) throws Exception {
        javax.net.ssl.SSLContext tls = javax.net.ssl.SSLContext.getInstance("TLS");
        tls.init(null, new javax.net.ssl.TrustManager[] {new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] c, String a) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        }}, null);
        System.setProperty("jdk.internal.httpclient.disableHostnameVerification", "true");
        try (var client = java.net.http.HttpClient.newBuilder().sslContext(tls).build()) {
            return client.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(url)).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        }
    }

    private static double valueOf(String metrics, String seriesPrefix) {
        for (String line : metrics.split("\n")) {
            if (line.startsWith(seriesPrefix)) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return Double.NaN;
    }
}
