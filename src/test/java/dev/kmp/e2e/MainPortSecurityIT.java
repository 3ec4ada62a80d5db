package dev.kmp.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.tls.Certificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged service with its main port locked down: HTTPS with required client certificates and a
 * bearer token on /metrics and the status pages. The probes stay reachable; nothing secret is logged.
 */
class MainPortSecurityIT {
    @TempDir
    Path dir;

    private static SSLContext tls(Certificates.CertifiedKey trusted, Certificates.CertifiedKey client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("ca", trusted.certificate());
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (client != null) {
            keys.setKeyEntry("client", client.privateKey(), new char[0], client.chain().toArray(Certificate[]::new));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    @Test
    void httpsWithClientCertificatesAndABearerToken() throws Exception {
        Certificates.CertifiedKey ca = Certificates.selfSigned("kmp-test-ca", List.of(), true, Duration.ofDays(1));
        Certificates.CertifiedKey serving = Certificates.issue(ca, "kmp", List.of(), List.of("127.0.0.1", "localhost"), Duration.ofDays(1));
        Certificates.CertifiedKey prometheus = Certificates.issue(ca, "prometheus", List.of(), List.of(), Duration.ofDays(1));
        Files.writeString(dir.resolve("ca.crt"), Certificates.pem(ca.certificate()));
        Files.writeString(dir.resolve("tls.crt"), Certificates.pem(serving.certificate()));
        Files.writeString(dir.resolve("tls.key"), Certificates.pem(serving.privateKey()));
        Files.writeString(dir.resolve("token"), "scrape-t0ken-8f3a\n");
        Files.writeString(dir.resolve("pipelines.yaml"), """
                receivers:
                  kong: {interval: 1s, targets: ["http://127.0.0.1:9/metrics"]}
                exporters:
                  prometheus: {}
                service:
                  pipelines:
                    metrics: {receivers: [kong], exporters: [prometheus]}
                """);
        int port = ServiceProcess.freePort();
        Files.writeString(dir.resolve("application.yaml"), """
                server:
                  host: 127.0.0.1
                  port: %d
                  access: {mode: bearer, token_file: %s}
                  tls: {cert_file: %s, key_file: %s, client_ca_file: %s}
                pipelines: {path: %s}
                kubernetes: {enabled: false}
                """.formatted(port, dir.resolve("token"), dir.resolve("tls.crt"), dir.resolve("tls.key"), dir.resolve("ca.crt"),
                dir.resolve("pipelines.yaml")));
        Path log = dir.resolve("service.log");
        Process p = ServiceProcess.jar("--config", dir.resolve("application.yaml").toString())
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try (HttpClient withCert = HttpClient.newBuilder().sslContext(tls(ca, prometheus)).build();
             HttpClient withoutCert = HttpClient.newBuilder().sslContext(tls(ca, null)).build()) {
            String base = "https://127.0.0.1:" + port;
            ServiceProcess.await("the HTTPS port", Duration.ofSeconds(60), () -> {
                assertTrue(p.isAlive(), () -> "exited: " + read(log));
                try {
                    return get(withCert, base + "/readyz", null).statusCode() == 200;
                } catch (IOException | InterruptedException e) {
                    return false;
                }
            });
            assertEquals(401, get(withCert, base + "/metrics", null).statusCode(), "a certificate alone is not enough");
            assertEquals(401, get(withCert, base + "/api/status", "guess").statusCode());
            HttpResponse<String> metrics = get(withCert, base + "/metrics", "scrape-t0ken-8f3a");
            assertEquals(200, metrics.statusCode());
            assertTrue(metrics.body().contains("kmp_scrape_up"));
            assertThrows(IOException.class, () -> get(withoutCert, base + "/healthz", null),
                    "no client certificate, no TLS session");
            p.destroy();
            assertTrue(p.waitFor(10, TimeUnit.SECONDS));
            String text = read(log);
            assertFalse(text.contains("scrape-t0ken-8f3a"), "the token reached the log");
            assertFalse(text.contains("PRIVATE KEY"), "the key reached the log");
        } finally {
            p.destroyForcibly();
        }
    }

    private static HttpResponse<String> get(HttpClient http, String url, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String read(Path log) {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }
}
