package dev.kmp.exporter.k8smetrics;

import dev.kmp.tls.Certificates;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kmp.pipeline.ComponentContext;
import dev.kmp.telemetry.SelfMetrics;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;

/**
 * With no client_ca_file, requestheader authentication reads the CA and the allowed names from
 * kube-system/extension-apiserver-authentication, as aggregated API servers do.
 */
@EnableKubernetesMockClient(crud = true)
class RequestHeaderCaFromClusterTest {
    KubernetesClient client;

    @Test
    void caAndAllowedNamesComeFromTheConfigMap() throws Exception {
        Duration day = Duration.ofDays(1);
        Certificates.CertifiedKey ca = Certificates.selfSigned("front-proxy-ca", List.of(), true, day);
        Certificates.CertifiedKey proxy = Certificates.issue(ca, "front-proxy-client", List.of(), List.of(), day);
        Certificates.CertifiedKey other = Certificates.issue(ca, "not-the-proxy", List.of(), List.of(), day);
        client.configMaps().inNamespace("kube-system").resource(new ConfigMapBuilder()
                .withNewMetadata().withName("extension-apiserver-authentication").withNamespace("kube-system").endMetadata()
                .addToData("requestheader-client-ca-file", Certificates.pem(ca.certificate()))
                .addToData("requestheader-allowed-names", "[\"front-proxy-client\"]")
                .addToData("requestheader-username-headers", "[\"X-Remote-User\"]")
                .build()).create();

        K8sMetricsConfig config = new K8sMetricsConfig(0, null, null, Authentication.REQUESTHEADER, null, List.of(),
                K8sMetricsConfig.NoTraffic.ZERO,
                List.of(new MetricDefinition("m", "kong_upstream_latency_ms", Aggregation.AVERAGE, Duration.ofSeconds(60))));
        K8sMetricsExporter exporter = new K8sMetricsExporter("k8smetrics", config,
                new ComponentContext(new SelfMetrics(), Clock.systemUTC(), Optional.of(client)));
        exporter.start();
        try {
            assertEquals("configmap kube-system/extension-apiserver-authentication", exporter.status().get("client_ca"));
            assertEquals(200, get(exporter, proxy));
            assertEquals(403, get(exporter, other));
            assertEquals(401, get(exporter, null));
        } finally {
            exporter.shutdown();
        }
    }

    private static int get(K8sMetricsExporter exporter, Certificates.CertifiedKey clientKey) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", exporter.servingCertificates().get(0));
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        KeyStore keys = KeyStore.getInstance("PKCS12");
        keys.load(null, null);
        if (clientKey != null) {
            keys.setKeyEntry("c", clientKey.privateKey(), new char[0], clientKey.chain().toArray(Certificate[]::new));
        }
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keys, new char[0]);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), tmf.getTrustManagers(), null);
        try (HttpClient http = HttpClient.newBuilder().sslContext(ctx).connectTimeout(Duration.ofSeconds(20)).build()) {
            return http.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + exporter.port() + "/apis"))
                            .header("X-Remote-User", "system:kube-aggregator").timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofString()).statusCode();
        }
    }
}
