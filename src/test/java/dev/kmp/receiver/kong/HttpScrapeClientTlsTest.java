package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocketFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * https targets: the server's certificate must chain to a trusted CA and name the host. Certificates
 * are made with the openssl command (present on these machines; skipped elsewhere).
 */
class HttpScrapeClientTlsTest {
    @TempDir
    Path dir;

    private void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    private void pair(String name, String san) throws Exception {
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), "subjectAltName=" + san + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    private HttpsServer server(String name) throws Exception {
        SSLContext tls = TlsMaterial.read(new TlsConfig(null, dir.resolve(name + ".crt").toString(),
                dir.resolve(name + ".key").toString(), null, false), Optional.empty()).sslContext();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(tls));
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] body = "kong_nginx_connections_total{state=\"active\"} 1\n".getBytes(StandardCharsets.US_ASCII);
        server.createContext("/metrics", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
        return server;
    }

    @Test
    void httpsTargetsAreVerifiedAgainstTheTrustStoreAndTheHostName() throws Exception {
        assumeTrue(AdminApiMutualTlsTest.opensslPresent(), "openssl is not installed");
        openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2", "-subj", "/CN=ca");
        pair("right", "IP:127.0.0.1");
        pair("wrong", "DNS:elsewhere.example");
        SSLSocketFactory trustingCa = TlsMaterial.read(new TlsConfig(dir.resolve("ca.crt").toString(), null, null, null, false),
                Optional.empty()).sslContext().getSocketFactory();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();

        HttpsServer right = server("right");
        HttpsServer wrong = server("wrong");
        URI rightUrl = URI.create("https://127.0.0.1:" + right.getAddress().getPort() + "/metrics");
        URI wrongUrl = URI.create("https://127.0.0.1:" + wrong.getAddress().getPort() + "/metrics");
        try (HttpScrapeClient trusted = new HttpScrapeClient(rightUrl, "text/plain", "test", trustingCa);
             HttpScrapeClient defaultTrust = new HttpScrapeClient(rightUrl, "text/plain", "test");
             HttpScrapeClient otherName = new HttpScrapeClient(wrongUrl, "text/plain", "test", trustingCa)) {
            for (int i = 0; i < 2; i++) {
                HttpScrapeClient.Response r = trusted.get(deadline);
                assertEquals(200, r.status());
                try (InputStream in = r.body()) {
                    assertEquals("kong_nginx_connections_total{state=\"active\"} 1\n", new String(in.readAllBytes(), StandardCharsets.US_ASCII));
                }
            }
            assertThrows(SSLException.class, () -> defaultTrust.get(deadline), "a CA outside the default trust store");
            assertThrows(SSLException.class, () -> otherName.get(deadline), "a certificate for another name");
        } finally {
            right.stop(0);
            wrong.stop(0);
        }
    }
}
