package dev.kmp.exporter.k8smetrics;

import dev.kmp.tls.Certificates;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.batch;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.histogram;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.pod;
import static dev.kmp.exporter.k8smetrics.EnrichedBatches.service;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kmp.model.TargetId;
import dev.kmp.pipeline.ComponentContext;
import dev.kmp.telemetry.SelfMetrics;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exporter's own TLS port, called through the JDK's HttpClient with and without client
 * certificates made by a test CA, and through {@code kubectl get --raw}.
 */
class K8sMetricsTlsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TargetId A = pod("kong-a");
    private static final String AVG = "kong_upstream_latency_ms_60s_average";
    private static final String EXTERNAL = "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/" + AVG + "?labelSelector=service%3Dstorefront";
    private static final String OBJECT = "/apis/custom.metrics.k8s.io/v1beta2/namespaces/shop/services/storefront/" + AVG;

    private static Certificates.CertifiedKey ca;
    private static Certificates.CertifiedKey otherCa;
    private static Certificates.CertifiedKey frontProxy;
    private static Certificates.CertifiedKey strangerProxy;
    private static Certificates.CertifiedKey kubectlUser;
    private static Certificates.CertifiedKey forged;

    @TempDir
    static Path dir;

    private final MetricsApiTest.MutableClock clock = new MetricsApiTest.MutableClock(System.currentTimeMillis());
    private final List<K8sMetricsExporter> started = new ArrayList<>();

    @BeforeAll
    static void certificates() throws IOException {
        Duration day = Duration.ofDays(1);
        ca = Certificates.selfSigned("test-requestheader-ca", List.of(), true, day);
        otherCa = Certificates.selfSigned("test-requestheader-ca", List.of(), true, day);
        frontProxy = Certificates.issue(ca, "front-proxy-client", List.of(), List.of(), day);
        strangerProxy = Certificates.issue(ca, "someone-else", List.of(), List.of(), day);
        kubectlUser = Certificates.issue(ca, "jane", List.of("platform"), List.of(), day);
        // Same issuer name as the real CA, other key: only a signature check tells them apart.
        forged = Certificates.issue(otherCa, "front-proxy-client", List.of(), List.of(), day);
        Files.writeString(dir.resolve("ca.pem"), Certificates.pem(ca.certificate()));
    }

    @AfterEach
    void stop() {
        started.forEach(K8sMetricsExporter::shutdown);
    }

    private K8sMetricsExporter start(Authentication auth) {
        K8sMetricsConfig config = new K8sMetricsConfig(0, null, null, auth,
                auth == Authentication.NONE ? null : dir.resolve("ca.pem").toString(),
                auth == Authentication.REQUESTHEADER ? List.of("front-proxy-client") : List.of(),
                K8sMetricsConfig.NoTraffic.ZERO,
                List.of(new MetricDefinition(AVG, "kong_upstream_latency_ms", Aggregation.AVERAGE, Duration.ofSeconds(60))));
        K8sMetricsExporter exporter = new K8sMetricsExporter("k8smetrics", config, new ComponentContext(new SelfMetrics(), clock));
        exporter.start();
        started.add(exporter);
        assertTrue(exporter.port() > 0, "started: " + exporter.status());
        // Δsum 4100 - 500 = 3600 over Δcount 160 - 10 = 150 requests: 24 ms.
        var labels = service(A, "shop", "storefront", "r1");
        long now = clock.millis();
        exporter.consume(batch(A, now - 65_000, histogram(labels, 500, "25", 10, "+Inf", 10)));
        exporter.consume(batch(A, now - 5_000, histogram(labels, 4100, "25", 100, "50", 160, "+Inf", 160)));
        return exporter;
    }

    private HttpResponse<String> call(K8sMetricsExporter exporter, String path, Certificates.CertifiedKey client,
                                      Map<String, String> headers) throws Exception {
        HttpClient http = HttpClient.newBuilder().sslContext(sslContext(exporter, client))
                .connectTimeout(Duration.ofSeconds(20)).build();
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exporter.port() + path))
                .timeout(Duration.ofSeconds(20));
        headers.forEach(req::header);
        try {
            return http.send(req.build(), HttpResponse.BodyHandlers.ofString());
        } finally {
            http.close();
        }
    }

    private static SSLContext sslContext(K8sMetricsExporter exporter, Certificates.CertifiedKey client) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", exporter.servingCertificates().get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (client != null) {
            keys.setKeyEntry("client", client.privateKey(), new char[0], client.chain().toArray(Certificate[]::new));
        }
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        return ctx;
    }

    private static void assertStatus(HttpResponse<String> r, int code, String reason) throws IOException {
        assertEquals(code, r.statusCode(), r.body());
        JsonNode body = JSON.readTree(r.body());
        assertEquals("Status", body.get("kind").asText());
        assertEquals(reason, body.get("reason").asText());
        assertEquals(code, body.get("code").asInt());
    }

    @Test
    void requestHeaderModeRefusesAnonymousCallers() throws Exception {
        K8sMetricsExporter exporter = start(Authentication.REQUESTHEADER);
        assertStatus(call(exporter, EXTERNAL, null, Map.of()), 401, "Unauthorized");
        // X-Remote-User from a caller without the proxy's certificate is not believed.
        assertStatus(call(exporter, EXTERNAL, null, Map.of("X-Remote-User", "system:admin")), 401, "Unauthorized");
        assertStatus(call(exporter, "/apis", null, Map.of()), 401, "Unauthorized");
    }

    @Test
    void requestHeaderModeServesTheFrontProxyWithARemoteUser() throws Exception {
        K8sMetricsExporter exporter = start(Authentication.REQUESTHEADER);
        Map<String, String> proxied = Map.of("X-Remote-User", "system:serviceaccount:kube-system:horizontal-pod-autoscaler",
                "X-Remote-Group", "system:serviceaccounts");
        HttpResponse<String> r = call(exporter, EXTERNAL, frontProxy, proxied);
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("24", JSON.readTree(r.body()).at("/items/0/value").asText());
        HttpResponse<String> o = call(exporter, OBJECT, frontProxy, proxied);
        assertEquals(200, o.statusCode(), o.body());
        assertEquals("24", JSON.readTree(o.body()).at("/items/0/value").asText());

        assertStatus(call(exporter, EXTERNAL, frontProxy, Map.of()), 401, "Unauthorized");
        assertStatus(call(exporter, EXTERNAL, strangerProxy, proxied), 403, "Forbidden");
        assertEquals(2, ((Number) exporter.status().get("answered")).intValue());
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        K8sMetricsExporter exporter = start(Authentication.REQUESTHEADER);
        try {
            HttpResponse<String> r = call(exporter, EXTERNAL, forged, Map.of("X-Remote-User", "mallory"));
            assertNotEquals(200, r.statusCode(), r.body());
        } catch (IOException handshakeRefused) {
            // the TLS layer refusing the certificate is as good as a 401
        }
    }

    @Test
    void clientCertModeTakesTheUserFromTheCertificate() throws Exception {
        K8sMetricsExporter exporter = start(Authentication.CLIENTCERT);
        HttpResponse<String> r = call(exporter, OBJECT, kubectlUser, Map.of());
        assertEquals(200, r.statusCode(), r.body());
        assertEquals("MetricValueList", JSON.readTree(r.body()).get("kind").asText());
        assertStatus(call(exporter, OBJECT, null, Map.of()), 401, "Unauthorized");
    }

    @Test
    void noneModeAnswersAnyoneButStillOverTls() throws Exception {
        K8sMetricsExporter exporter = start(Authentication.NONE);
        HttpResponse<String> r = call(exporter, EXTERNAL, null, Map.of());
        assertEquals(200, r.statusCode(), r.body());
        assertStatus(call(exporter, "/apis/external.metrics.k8s.io/v1beta1/namespaces/shop/nope", null, Map.of()), 404, "NotFound");
        HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(20)).build();
        try {
            plain.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + exporter.port() + "/apis"))
                    .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
            throw new AssertionError("plain HTTP must not be answered");
        } catch (IOException expected) {
            // the TLS port does not speak plain HTTP
        } finally {
            plain.close();
        }
    }

    @Test
    void kubectlGetRawWithAClientCertificate() throws Exception {
        Path kubectl = findOnPath("kubectl");
        if (kubectl == null) {
            System.out.println("SKIPPED kubectlGetRawWithAClientCertificate: kubectl is not on the PATH");
            org.junit.jupiter.api.Assumptions.abort("kubectl is not on the PATH");
        }
        K8sMetricsExporter exporter = start(Authentication.CLIENTCERT);
        Path kubeconfig = dir.resolve("kubeconfig-" + exporter.port());
        Files.writeString(kubeconfig, """
                apiVersion: v1
                kind: Config
                clusters:
                - name: kmp
                  cluster:
                    server: https://127.0.0.1:%d
                    certificate-authority-data: %s
                users:
                - name: jane
                  user:
                    client-certificate-data: %s
                    client-key-data: %s
                contexts:
                - name: kmp
                  context: {cluster: kmp, user: jane}
                current-context: kmp
                """.formatted(exporter.port(), b64(Certificates.pem(exporter.servingCertificates().get(0))),
                b64(Certificates.pem(kubectlUser.certificate())), b64(Certificates.pem(kubectlUser.privateKey()))));
        String external = run(kubectl, kubeconfig, EXTERNAL);
        System.out.println("kubectl get --raw " + EXTERNAL + "\n" + external);
        JsonNode e = JSON.readTree(external);
        assertEquals("ExternalMetricValueList", e.get("kind").asText());
        assertEquals("24", e.at("/items/0/value").asText());
        String object = run(kubectl, kubeconfig, OBJECT);
        System.out.println("kubectl get --raw " + OBJECT + "\n" + object);
        assertEquals("storefront", JSON.readTree(object).at("/items/0/describedObject/name").asText());
        String discovery = run(kubectl, kubeconfig, "/apis/custom.metrics.k8s.io/v1beta2");
        assertEquals("APIResourceList", JSON.readTree(discovery).get("kind").asText());
    }

    private static String run(Path kubectl, Path kubeconfig, String path) throws Exception {
        ProcessBuilder pb = new ProcessBuilder(kubectl.toString(), "--kubeconfig", kubeconfig.toString(),
                "--request-timeout=20s", "get", "--raw", path);
        pb.environment().put("HOME", dir.toString());
        pb.redirectErrorStream(true);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(30, TimeUnit.SECONDS), "kubectl did not finish");
        assertEquals(0, p.exitValue(), "kubectl failed: " + out);
        return out;
    }

    private static String b64(String s) {
        return Base64.getEncoder().encodeToString(s.getBytes(StandardCharsets.US_ASCII));
    }

    private static Path findOnPath(String name) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path p = Path.of(d, name);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    @Test
    void certificatesCarryWhatKubernetesReads() {
        X509Certificate cert = kubectlUser.certificate();
        assertEquals("jane", CallerAuthenticator.commonName(cert));
        assertTrue(cert.getSubjectX500Principal().getName().contains("O=platform"));
    }
}
