package dev.kmp.server;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.kmp.pipeline.PipelineRuntime;
import dev.kmp.pipeline.ScrapeEndpoint;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPOutputStream;

/**
 * The main port's endpoints: the exporters' scrape paths ({@code /metrics}), {@code /healthz},
 * {@code /readyz}, {@code /status} (HTML) and {@code /api/status} (JSON). Exporter paths are looked up
 * per request because a reload can add or remove exporters while the server keeps running.
 */
public final class HttpRoutes {
    private final PipelineRuntime runtime;
    private final ServiceStatus status;
    private final AccessControl access;
    private final List<String> protectedPaths;
    private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    public HttpRoutes(PipelineRuntime runtime, ServiceStatus status) {
        this(runtime, status, AccessControl.OPEN, List.of());
    }

    /**
     * @param protectedPaths paths (and everything below them) that need {@code access}; the
     *                       exporters' scrape paths are always protected too
     */
    public HttpRoutes(PipelineRuntime runtime, ServiceStatus status, AccessControl access, List<String> protectedPaths) {
        this.runtime = runtime;
        this.status = status;
        this.access = access;
        this.protectedPaths = List.copyOf(protectedPaths);
    }

    public void register(HttpRouting.Builder routing) {
        routing.addFilter(this::authorize);
        routing.get("/healthz", (req, res) -> text(res, Status.OK_200, "ok\n"))
                .get("/readyz", (req, res) -> {
                    String note = status.readinessNote();
                    if (status.ready()) {
                        text(res, Status.OK_200, note == null ? "ready\n" : "ready (" + note + ")\n");
                    } else {
                        text(res, Status.SERVICE_UNAVAILABLE_503, "not ready: " + note + "\n");
                    }
                })
                .get("/api/status", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "application/json");
                    res.send(json.writeValueAsBytes(status.snapshot()));
                })
                .get("/status", (req, res) -> {
                    res.header(HeaderNames.CONTENT_TYPE, "text/html; charset=utf-8");
                    res.send(StatusPage.render(status.snapshot()).getBytes(StandardCharsets.UTF_8));
                })
                .get("/", (req, res) -> {
                    res.status(Status.FOUND_302).header(HeaderNames.LOCATION, "/status").send();
                })
                .get((req, res) -> scrape(req, res));
    }

    /** Refuses callers without the right credential on protected paths; the probes stay open. */
    private void authorize(FilterChain chain, RoutingRequest req, RoutingResponse res) {
        String path = req.path().path();
        if (access != AccessControl.OPEN && isProtected(path)) {
            AccessControl.Refusal refusal = access.check(path, req.headers().first(HeaderNames.AUTHORIZATION).orElse(null));
            if (refusal != null) {
                if (refusal.status() == 401) {
                    res.header(HeaderNames.WWW_AUTHENTICATE, "Bearer realm=\"kong-metrics-pipeline\"");
                }
                res.status(Status.create(refusal.status()))
                        .header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8")
                        .send(refusal.reason() + "\n");
                return;
            }
        }
        chain.proceed();
    }

    private boolean isProtected(String path) {
        for (String p : protectedPaths) {
            if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/")) {
                return true;
            }
        }
        return runtime.scrapeEndpoints().containsKey(path);
    }

    private void scrape(ServerRequest req, ServerResponse res) throws IOException {
        ScrapeEndpoint endpoint = runtime.scrapeEndpoints().get(req.path().path());
        if (endpoint == null) {
            text(res, Status.NOT_FOUND_404, "not found\n");
            return;
        }
        String accept = req.headers().first(HeaderNames.ACCEPT).orElse(null);
        boolean gzip = req.headers().first(HeaderNames.ACCEPT_ENCODING)
                .map(v -> acceptsGzip(v.toLowerCase(Locale.ROOT))).orElse(false);
        res.header(HeaderNames.CONTENT_TYPE, endpoint.contentType(accept));
        if (gzip) {
            res.header(HeaderNames.CONTENT_ENCODING, "gzip");
        }
        // Streamed: the body is written as it is rendered, never held whole in memory.
        try (OutputStream raw = res.outputStream();
             OutputStream out = gzip ? new GZIPOutputStream(raw, 64 * 1024) : raw) {
            endpoint.write(accept, out);
        }
    }

    static boolean acceptsGzip(String acceptEncoding) {
        for (String part : acceptEncoding.split(",")) {
            String[] p = part.strip().split(";");
            if (p[0].strip().equals("gzip") || p[0].strip().equals("*")) {
                return !(p.length > 1 && p[1].replace(" ", "").equals("q=0"));
            }
        }
        return false;
    }

    private static void text(ServerResponse res, Status code, String body) {
        res.status(code).header(HeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8").send(body);
    }
}
