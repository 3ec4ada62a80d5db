package dev.kmp.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.kmp.pipeline.ComponentContext;
import dev.kmp.pipeline.Factories;
import dev.kmp.pipeline.PipelineRuntime;
import dev.kmp.telemetry.SelfMetrics;
import io.fabric8.kubernetes.api.model.authentication.TokenReview;
import io.fabric8.kubernetes.api.model.authentication.TokenReviewBuilder;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReview;
import io.fabric8.kubernetes.api.model.authorization.v1.SubjectAccessReviewBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.client.utils.Serialization;
import io.helidon.webserver.WebServer;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** /metrics and the status pages behind a bearer token or a Kubernetes TokenReview; probes stay open. */
@EnableKubernetesMockClient
class AccessControlTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @TempDir
    Path dir;
    private WebServer web;
    private final HttpClient http = HttpClient.newHttpClient();
    private final ByteArrayOutputStream logged = new ByteArrayOutputStream();
    private final Handler capture = new Handler() {
        @Override
        public void publish(LogRecord r) {
            String msg = r.getMessage() + " " + java.util.Arrays.toString(r.getParameters());
            logged.writeBytes(msg.getBytes());
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private void start(AccessControl access) {
        Logger.getLogger("").addHandler(capture);
        PipelineRuntime runtime = new PipelineRuntime(Factories.builder().build(), new ComponentContext(new SelfMetrics(), Clock.systemUTC()));
        ServiceStatus status = new ServiceStatus("test", runtime, null, Map::of);
        HttpRoutes routes = new HttpRoutes(runtime, status, access, List.of("/metrics", "/api/status", "/status"));
        web = WebServer.builder().host("127.0.0.1").port(0).routing(routes::register).build().start();
    }

    @AfterEach
    void stop() {
        Logger.getLogger("").removeHandler(capture);
        if (web != null) {
            web.stop();
        }
    }

    private HttpResponse<String> get(String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + web.port() + path));
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void bearerTokenFromAFileRotatesWithoutRestart() throws Exception {
        Path tokenFile = dir.resolve("token");
        Files.writeString(tokenFile, "first-s3cret\n");
        start(new BearerTokenAccess(tokenFile));

        assertEquals(200, get("/healthz", null).statusCode(), "probes need no token");
        HttpResponse<String> none = get("/api/status", null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
        assertEquals(401, get("/status", "wrong").statusCode());
        assertEquals(200, get("/api/status", "first-s3cret").statusCode());
        assertEquals(404, get("/metrics", "first-s3cret").statusCode(), "authorized, and no exporter serves it here");

        Files.writeString(tokenFile, "second-s3cret\n");
        Files.setLastModifiedTime(tokenFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 5000));
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (get("/api/status", "second-s3cret").statusCode() != 200) {
            assertTrue(System.nanoTime() < deadline, "the rotated token was not picked up");
            Thread.sleep(100);
        }
        assertEquals(401, get("/api/status", "first-s3cret").statusCode());
        String log = logged.toString();
        assertFalse(log.contains("s3cret"), "a token reached the log: " + log);
        assertFalse(get("/api/status", "second-s3cret").body().contains("s3cret"));
    }

    @Test
    void tokenReviewThenSubjectAccessReviewCachedPerToken() throws Exception {
        AtomicInteger reviews = new AtomicInteger();
        server.expect().post().withPath("/apis/authentication.k8s.io/v1/tokenreviews").andReply(201, req -> {
            reviews.incrementAndGet();
            TokenReview in = Serialization.unmarshal(req.getBody().readUtf8(), TokenReview.class);
            String token = in.getSpec().getToken();
            boolean known = token.equals("prometheus-token") || token.equals("reader-token");
            return new TokenReviewBuilder(in).withNewStatus().withAuthenticated(known)
                    .withNewUser().withUsername(known ? "system:serviceaccount:monitoring:" + token.replace("-token", "") : null)
                    .withGroups(known ? List.of("system:serviceaccounts") : List.of()).endUser().endStatus().build();
        }).always();
        server.expect().post().withPath("/apis/authorization.k8s.io/v1/subjectaccessreviews").andReply(201, req -> {
            SubjectAccessReview in = Serialization.unmarshal(req.getBody().readUtf8(), SubjectAccessReview.class);
            boolean allowed = in.getSpec().getUser().endsWith(":prometheus")
                    && in.getSpec().getNonResourceAttributes().getVerb().equals("get");
            return new SubjectAccessReviewBuilder(in).withNewStatus().withAllowed(allowed).endStatus().build();
        }).always();
        start(new TokenReviewAccess(client));

        assertEquals(401, get("/api/status", null).statusCode());
        assertEquals(401, get("/api/status", "stolen-token").statusCode());
        HttpResponse<String> reader = get("/api/status", "reader-token");
        assertEquals(403, reader.statusCode());
        assertTrue(reader.body().contains("may not get /api/status"), reader.body());
        assertEquals(200, get("/api/status", "prometheus-token").statusCode());

        int before = reviews.get();
        for (int i = 0; i < 5; i++) {
            assertEquals(200, get("/api/status", "prometheus-token").statusCode());
        }
        assertEquals(before, reviews.get(), "answers are cached: no TokenReview per scrape");
        assertFalse(logged.toString().contains("prometheus-token"));
    }
}
