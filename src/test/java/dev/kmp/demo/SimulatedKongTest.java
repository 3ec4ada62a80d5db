package dev.kmp.demo;

import dev.kmp.demo.PromLines.Block;
import dev.kmp.demo.PromLines.Sample;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.zip.GZIPInputStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SimulatedKongTest {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void metricsServedPlainAndGzipAndCountersGrow() throws Exception {
        try (SimulatedKong kong = SimulatedKong.start(0, 42)) {
            assertTrue(kong.port() > 0);
            HttpResponse<byte[]> plain = get(kong.metricsUrl(), false);
            assertEquals(200, plain.statusCode());
            assertEquals("text/plain; charset=UTF-8", plain.headers().firstValue("Content-Type").orElseThrow());
            assertTrue(plain.headers().firstValue("Content-Encoding").isEmpty());
            List<Block> first = PromLines.read(new ByteArrayInputStream(plain.body()));

            HttpResponse<byte[]> zipped = get(kong.metricsUrl(), true);
            assertEquals(200, zipped.statusCode());
            assertEquals("gzip", zipped.headers().firstValue("Content-Encoding").orElseThrow());
            List<Block> second = PromLines.read(new GZIPInputStream(new ByteArrayInputStream(zipped.body())));

            String storefront = "shop.storefront.storefront.shop.example.com.80";
            assertTrue(requests(second, storefront) > requests(first, storefront),
                    "the second scrape saw more requests");
            HistogramChecks.assertConsistent(second);
            // the demo cluster: Ingress services, a two-backend HTTPRoute rule and a single-backend one
            for (String svc : List.of("shop.storefront.80", "payments.payments-api.8080", "httproute.checkout.cart.0",
                    "httproute.checkout.cart.1")) {
                assertTrue(second.stream().flatMap(b -> b.samples().stream())
                        .anyMatch(s -> svc.equals(s.labels().get("service"))), svc);
            }
        }
    }

    @Test
    void acceptEncodingDecidesGzip() {
        assertTrue(SimulatedKong.acceptsGzip("gzip"));
        assertTrue(SimulatedKong.acceptsGzip("deflate, gzip;q=0.5"));
        assertTrue(SimulatedKong.acceptsGzip("*"));
        assertFalse(SimulatedKong.acceptsGzip("gzip;q=0"));
        assertFalse(SimulatedKong.acceptsGzip("identity"));
        assertFalse(SimulatedKong.acceptsGzip(null));
    }

    @Test
    void servicesArePaginatedWithNext() throws Exception {
        try (SimulatedKong kong = SimulatedKong.start(0, 42)) {
            List<String> names = new ArrayList<>();
            String path = "/services?size=3";
            int pages = 0;
            while (path != null) {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(kong.url().resolve(path)).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, r.statusCode());
                assertTrue(r.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
                String body = r.body();
                assertTrue(body.startsWith("{\"data\":["), body);
                Matcher m = Pattern.compile("\"name\":\"([^\"]+)\"").matcher(body);
                while (m.find()) {
                    names.add(m.group(1));
                }
                Matcher next = Pattern.compile("\"next\":(null|\"([^\"]+)\")").matcher(body);
                assertTrue(next.find(), body);
                path = next.group(2);
                pages++;
            }
            assertEquals(2, pages, "4 services in pages of 3");
            assertEquals(kong.cluster().kongServices().stream().map(GeneratedCluster.KongService::name).sorted().toList(),
                    names);

            String all = http.send(HttpRequest.newBuilder(kong.url().resolve("/services")).build(),
                    HttpResponse.BodyHandlers.ofString()).body();
            assertTrue(all.endsWith("\"next\":null}"), all);
            assertTrue(all.contains("\"tags\":[\"k8s-name:storefront\",\"k8s-namespace:shop\",\"k8s-kind:Service\""),
                    all);
            assertTrue(all.contains("\"k8s-kind:HTTPRoute\""), all);

            HttpResponse<String> bad = http.send(HttpRequest.newBuilder(kong.url().resolve("/services?size=0")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(400, bad.statusCode());
        }
    }

    @Test
    void closeFreesThePort() throws Exception {
        SimulatedKong kong = SimulatedKong.start(0, 1);
        int port = kong.port();
        assertEquals(200, get(kong.metricsUrl(), false).statusCode());
        kong.close();
        waitUntil(Duration.ofSeconds(10), () -> canBind(port), "port " + port + " is free again");
        assertTrue(connectError(port) != null, "nothing accepts connections after close");
    }

    private HttpResponse<byte[]> get(URI uri, boolean gzip) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10));
        if (gzip) {
            b.header("Accept-Encoding", "gzip");
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    }

    private static double requests(List<Block> blocks, String route) {
        double n = 0;
        for (Block b : blocks) {
            for (Sample s : b.samples()) {
                if (s.name().equals("kong_http_requests_total") && route.equals(s.labels().get("route"))) {
                    n += s.value();
                }
            }
        }
        return n;
    }

    private static boolean canBind(int port) {
        try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            return s.isBound();
        } catch (IOException e) { // BindException while the old socket lingers
            return false;
        }
    }

    /** Null when something accepted a connection on the port, else the error. */
    private static IOException connectError(int port) {
        try (Socket s = new Socket(InetAddress.getLoopbackAddress(), port)) {
            return s.isConnected() ? null : new IOException("not connected");
        } catch (IOException e) { // ConnectException: refused
            return e;
        }
    }

    private static void waitUntil(Duration deadline, BooleanSupplier condition, String what)
            throws InterruptedException {
        long end = System.nanoTime() + deadline.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > end) {
                throw new AssertionError("timed out waiting until " + what);
            }
            Thread.sleep(20);
        }
    }
}
