package dev.kmp.exporter.k8smetrics;

import dev.kmp.tls.Certificates;
import io.helidon.common.tls.Tls;
import io.helidon.common.tls.TlsClientAuth;
import io.helidon.common.tls.TlsConfig;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.WebServer;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.security.cert.X509Certificate;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The TLS port of the metrics APIs: its own Helidon WebServer, so the aggregation layer's client
 * certificates are asked for on this port only. Every request is authenticated first; refusals
 * and API errors are {@code Status} objects.
 */
final class MetricsApiServer {
    private static final System.Logger LOG = System.getLogger(MetricsApiServer.class.getName());

    private final MetricsApi api;
    private final CallerAuthenticator authenticator;
    private final WebServer server;
    private final AtomicLong answered = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    MetricsApiServer(int port, Certificates.CertifiedKey serving, List<X509Certificate> clientCas,
                     CallerAuthenticator authenticator, MetricsApi api) {
        this.api = api;
        this.authenticator = authenticator;
        TlsConfig.Builder tls = TlsConfig.builder()
                .privateKey(serving.privateKey())
                .privateKeyCertChain(serving.chain());
        if (clientCas.isEmpty()) {
            tls.clientAuth(TlsClientAuth.NONE);
        } else {
            // OPTIONAL, not REQUIRED: a caller without a certificate gets a 401 Status it can read
            // rather than a failed handshake.
            tls.trust(clientCas).clientAuth(TlsClientAuth.OPTIONAL);
        }
        this.server = WebServer.builder()
                .host("0.0.0.0")
                .port(port)
                .tls(tls.build())
                .routing(r -> r.any(this::handle))
                .build();
    }

    void start() {
        server.start();
    }

    void stop() {
        server.stop();
    }

    int port() {
        return server.port();
    }

    long answered() {
        return answered.get();
    }

    long refused() {
        return refused.get();
    }

    private void handle(ServerRequest req, ServerResponse res) {
        CallerAuthenticator.Verdict verdict = authenticator.authenticate(req.remotePeer().tlsCertificates(),
                req.headers().first(HeaderNames.create(CallerAuthenticator.REMOTE_USER)).orElse(null),
                req.headers().values(HeaderNames.create(CallerAuthenticator.REMOTE_GROUP)).stream()
                        .flatMap(v -> java.util.Arrays.stream(v.split(","))).map(String::strip)
                        .filter(s -> !s.isEmpty()).toList());
        MetricsApi.Answer answer;
        if (verdict instanceof CallerAuthenticator.Refusal refusal) {
            refused.incrementAndGet();
            LOG.log(System.Logger.Level.DEBUG, () -> "refused " + req.path().path() + " from " + req.remotePeer().host()
                    + ": " + refusal.message());
            answer = api.status(refusal.code(), refusal.reason(), refusal.message());
        } else {
            Map<String, String> query = new HashMap<>();
            for (String name : req.query().names()) {
                query.put(name, req.query().first(name).orElse(""));
            }
            answer = api.handle(req.prologue().method().text(), req.path().path(), query,
                    req.headers().first(HeaderNames.ACCEPT).orElse(null));
            answered.incrementAndGet();
        }
        res.status(Status.create(answer.status()));
        res.header(HeaderNames.CONTENT_TYPE, answer.contentType());
        res.send(answer.body());
    }
}
