package dev.kmp.receiver.kong;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.kmp.kubernetes.ObjectRef;
import dev.kmp.kubernetes.ServiceTagDirectory;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

/**
 * Reads {@code GET /services} (following {@code next}) from Kong's Admin API every
 * {@code interval} and publishes each Kong service's {@code k8s-*} tags to the
 * {@link ServiceTagDirectory}; never per scrape. One source per Admin API: the static
 * {@code admin_api.url}, and {@code admin_api.port} on each discovered pod.
 *
 * <p>An Admin API that is down keeps what it said last (so resolution keeps working); one that
 * was never read leaves the naming rules to resolve. TLS material is re-read on every refresh and
 * a new HTTP client is made when it changed, so rotated certificates need no restart.
 */
final class AdminApiPoller implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(AdminApiPoller.class.getName());
    static final int PAGE_SIZE = 1000;
    private static final int MAX_PAGES = 1000;

    private final String receiverId;
    private final AdminApiConfig config;
    private final ServiceTagDirectory directory;
    private final Optional<KubernetesClient> kubernetes;
    private final ObjectMapper json = new ObjectMapper();
    private final int pageSize;
    private final Set<URI> podBases = ConcurrentHashMap.newKeySet();
    private final Map<URI, SourceState> states = new ConcurrentHashMap<>();
    private volatile HttpClient http;
    private volatile String tlsFingerprint;
    private volatile Thread thread;
    private volatile boolean running;

    /** What /status and tests see of one Admin API. */
    record SourceState(URI base, boolean up, long lastMillis, int services, int tagged, String error) {
    }

    AdminApiPoller(String receiverId, AdminApiConfig config, ServiceTagDirectory directory, Optional<KubernetesClient> kubernetes) {
        this(receiverId, config, directory, kubernetes, PAGE_SIZE);
    }

    AdminApiPoller(String receiverId, AdminApiConfig config, ServiceTagDirectory directory, Optional<KubernetesClient> kubernetes,
                   int pageSize) {
        this.pageSize = pageSize;
        this.receiverId = receiverId;
        this.config = config;
        this.directory = directory;
        this.kubernetes = kubernetes;
    }

    /** The scheme for per-pod Admin APIs: https as soon as any TLS setting is given. */
    String podScheme() {
        TlsConfig t = config.tls();
        return t.caFile() != null || t.certFile() != null || t.secret() != null || t.insecureSkipVerify() ? "https" : "http";
    }

    /** The discovered pods' IPs changed: read the Admin API of each on {@code admin_api.port}. */
    void setPodIps(Collection<String> ips) {
        Set<URI> now = new LinkedHashSet<>();
        for (String ip : ips) {
            now.add(URI.create(podScheme() + "://" + (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + config.port()));
        }
        for (URI gone : new ArrayList<>(podBases)) {
            if (!now.contains(gone)) {
                podBases.remove(gone);
                states.remove(gone);
                directory.remove(source(gone));
            }
        }
        podBases.addAll(now);
    }

    void start() {
        running = true;
        thread = Thread.ofVirtual().name("admin-api " + receiverId).start(() -> {
            while (running) {
                pollOnce();
                try {
                    TimeUnit.MILLISECONDS.sleep(config.interval().toMillis());
                } catch (InterruptedException e) {
                    // close() interrupts; the loop condition decides
                }
            }
        });
    }

    List<URI> bases() {
        List<URI> all = new ArrayList<>();
        config.url().ifPresent(all::add);
        all.addAll(podBases);
        return all;
    }

    /** Reads every Admin API once. */
    void pollOnce() {
        HttpClient client;
        try {
            client = client();
        } catch (IOException e) {
            for (URI base : bases()) {
                failed(base, "TLS: " + e.getMessage());
            }
            return;
        }
        for (URI base : bases()) {
            try {
                Map<String, ObjectRef> tags = new HashMap<>();
                int services = readServices(client, base, tags);
                directory.publish(source(base), tags);
                SourceState before = states.put(base, new SourceState(base, true, System.currentTimeMillis(), services, tags.size(), null));
                if (before == null || !before.up()) {
                    LOG.log(System.Logger.Level.INFO, "{0}: Admin API {1}: {2} services, {3} with Kubernetes tags",
                            receiverId, base, services, tags.size());
                }
            } catch (IOException e) {
                failed(base, e.getMessage());
            } catch (InterruptedException e) {
                if (!running) {
                    return;
                }
                failed(base, "interrupted");
            }
        }
    }

    private void failed(URI base, String message) {
        SourceState before = states.get(base);
        // Keep what the directory holds for this source: a brief outage must not unresolve series.
        states.put(base, new SourceState(base, false, System.currentTimeMillis(),
                before == null ? 0 : before.services(), before == null ? 0 : before.tagged(), message));
        if (before == null || before.up() || !message.equals(before.error())) {
            LOG.log(System.Logger.Level.WARNING, "{0}: Admin API {1} unavailable ({2}); {3}", receiverId, base, message,
                    before != null && before.tagged() > 0 ? "keeping the tags read before" : "naming rules resolve meanwhile");
        }
    }

    private String source(URI base) {
        return receiverId + " " + base;
    }

    /** The HTTP client for the current TLS material, rebuilt when the material changed. */
    private HttpClient client() throws IOException {
        TlsMaterial tls = TlsMaterial.read(config.tls(), kubernetes);
        HttpClient c = http;
        if (c == null || !tls.fingerprint().equals(tlsFingerprint)) {
            HttpClient.Builder b = HttpClient.newBuilder()
                    .version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5))
                    .executor(Executors.newVirtualThreadPerTaskExecutor());
            if (podScheme().equals("https")) {
                b.sslContext(tls.sslContext());
            }
            HttpClient old = c;
            c = b.build();
            http = c;
            if (tlsFingerprint != null) {
                LOG.log(System.Logger.Level.INFO, "{0}: Admin API TLS material changed; using the new one", receiverId);
            }
            tlsFingerprint = tls.fingerprint();
            if (old != null) {
                old.close();
            }
        }
        return c;
    }

    private int readServices(HttpClient client, URI base, Map<String, ObjectRef> out) throws IOException, InterruptedException {
        URI next = base.resolve("/services?size=" + pageSize);
        int services = 0;
        for (int page = 0; next != null; page++) {
            if (page >= MAX_PAGES) {
                throw new IOException("more than " + MAX_PAGES + " pages of /services");
            }
            HttpRequest req = HttpRequest.newBuilder(next).timeout(Duration.ofSeconds(10))
                    .header("Accept", "application/json").GET().build();
            HttpResponse<byte[]> res = client.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (res.statusCode() != 200) {
                throw new IOException(next.getPath() + ": HTTP " + res.statusCode());
            }
            JsonNode root;
            try {
                root = json.readTree(res.body());
            } catch (IOException e) {
                throw new IOException(next.getPath() + ": not JSON");
            }
            JsonNode data = root.get("data");
            if (data == null || !data.isArray()) {
                throw new IOException(next.getPath() + ": no data array");
            }
            for (JsonNode svc : data) {
                services++;
                JsonNode name = svc.get("name");
                JsonNode tags = svc.get("tags");
                if (name == null || !name.isTextual() || tags == null || !tags.isArray()) {
                    continue;
                }
                List<String> t = new ArrayList<>();
                tags.forEach(x -> t.add(x.asText()));
                ObjectRef.fromKongTags(t).ifPresent(ref -> out.put(name.asText(), ref));
            }
            JsonNode n = root.get("next");
            next = n == null || n.isNull() || n.asText().isEmpty() ? null : base.resolve(n.asText());
        }
        return services;
    }

    Map<String, Object> status() {
        Map<String, Object> m = new LinkedHashMap<>();
        for (SourceState s : states.values()) {
            m.put(s.base().toString(), s);
        }
        return m;
    }

    SourceState state(URI base) {
        return states.get(base);
    }

    @Override
    public void close() {
        running = false;
        Thread t = thread;
        if (t != null) {
            t.interrupt();
            try {
                t.join(Duration.ofSeconds(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        for (URI base : bases()) {
            directory.remove(source(base));
        }
        HttpClient c = http;
        if (c != null) {
            c.close();
        }
    }
}
