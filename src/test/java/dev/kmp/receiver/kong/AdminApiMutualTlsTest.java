package dev.kmp.receiver.kong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsParameters;
import com.sun.net.httpserver.HttpsServer;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Executors;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Admin API over HTTPS with a client certificate, as Kong's operator reaches it: the CA and
 * the client pair come from files, and a rotated client certificate is used without a restart.
 * Certificates are made with the openssl command (present on these machines; skipped elsewhere).
 */
class AdminApiMutualTlsTest {
    @TempDir
    Path dir;

    void openssl(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("openssl"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(0, p.waitFor(), String.join(" ", cmd) + "\n" + out);
    }

    /** A key pair {@code name.key}/{@code name.crt} signed by {@code ca} (or self-signed CA when ca is null). */
    void pair(String name, String ca, String san) throws Exception {
        if (ca == null) {
            openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".crt",
                    "-days", "2", "-subj", "/CN=" + name);
            return;
        }
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr", "-subj", "/CN=" + name);
        Files.writeString(dir.resolve(name + ".ext"), san == null ? "basicConstraints=CA:FALSE\n" : "subjectAltName=" + san + "\n");
        openssl("x509", "-req", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key", "-CAcreateserial",
                "-out", name + ".crt", "-days", "2", "-extfile", name + ".ext");
    }

    static boolean opensslPresent() {
        try {
            return new ProcessBuilder("openssl", "version").start().waitFor() == 0;
        } catch (Exception e) {
            return false;
        }
    }

    @Test
    void clientCertificateFromFilesAndRotatedWithoutRestart() throws Exception {
        assumeTrue(opensslPresent(), "openssl is not installed");
        pair("ca", null, null);
        pair("rogue-ca", null, null);
        pair("server", "ca", "IP:127.0.0.1,DNS:localhost");
        pair("good-client", "ca", null);
        pair("rogue-client", "rogue-ca", null);

        SSLContext serverTls = TlsMaterial.read(new TlsConfig(dir.resolve("ca.crt").toString(), dir.resolve("server.crt").toString(),
                dir.resolve("server.key").toString(), null, false), Optional.empty()).sslContext();
        HttpsServer server = HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setHttpsConfigurator(new HttpsConfigurator(serverTls) {
            @Override
            public void configure(HttpsParameters params) {
                SSLParameters p = serverTls.getDefaultSSLParameters();
                p.setNeedClientAuth(true);
                params.setSSLParameters(p);
            }
        });
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        byte[] body = """
                {"data":[{"name":"shop.storefront.80","tags":["k8s-name:storefront","k8s-namespace:shop","k8s-kind:Service","k8s-uid:u","k8s-version:v1"]}],"next":null}
                """.getBytes(StandardCharsets.UTF_8);
        server.createContext("/services", ex -> {
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();

        // The client's files start with a certificate the server does not trust.
        Path cert = dir.resolve("client.crt");
        Path key = dir.resolve("client.key");
        Files.copy(dir.resolve("rogue-client.crt"), cert, StandardCopyOption.REPLACE_EXISTING);
        Files.copy(dir.resolve("rogue-client.key"), key, StandardCopyOption.REPLACE_EXISTING);
        URI base = URI.create("https://127.0.0.1:" + server.getAddress().getPort());
        ServiceTagDirectory tags = new ServiceTagDirectory();
        AdminApiPoller poller = new AdminApiPoller("kong", new AdminApiConfig(Optional.of(base), 8444, Duration.ofSeconds(30),
                new TlsConfig(dir.resolve("ca.crt").toString(), cert.toString(), key.toString(), null, false)), tags, Optional.empty());
        try {
            poller.pollOnce();
            assertFalse(poller.state(base).up(), "the server refuses a certificate of another CA");
            assertFalse(poller.state(base).error().contains("PRIVATE KEY"), "no key material in errors");

            // Rotation: new files in place, picked up at the next refresh.
            Files.copy(dir.resolve("good-client.crt"), cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(dir.resolve("good-client.key"), key, StandardCopyOption.REPLACE_EXISTING);
            poller.pollOnce();
            assertTrue(poller.state(base).up(), String.valueOf(poller.state(base)));
            assertEquals(ObjectRef.service("shop", "storefront"), tags.lookup("shop.storefront.80").orElseThrow());
        } finally {
            poller.close();
            server.stop(0);
        }
    }
}
