package dev.kmp.kubernetes;

import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesCrudDispatcher;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.mockwebserver.Context;
import io.fabric8.mockwebserver.MockWebServer;
import java.util.HashMap;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * fabric8's CRUD mock API server with a client, for component tests. Closing destroys the server
 * before anything that watches it: the mock blocks its event loop for a while on each watch that a
 * client closes gracefully, and many such closes exceed its shutdown timeout on a loaded machine.
 */
public final class MockApi implements AutoCloseable {
    private final KubernetesMockServer server = new KubernetesMockServer(new Context(), new MockWebServer(),
            new HashMap<>(), new KubernetesCrudDispatcher(), false);
    private final KubernetesClient client;
    private final List<AutoCloseable> closeAfterServer = new ArrayList<>();

    public MockApi() {
        server.init();
        client = server.createClient();
    }

    public KubernetesClient client() {
        return client;
    }

    public KubernetesMockServer server() {
        return server;
    }

    /** A started cache over all namespaces, closed with this API. */
    public ClusterCache startCache(List<String> namespaces) {
        ClusterCache cache = new ClusterCache(client, namespaces, Duration.ofMinutes(5));
        closeAfterServer.add(cache);
        cache.start();
        return cache;
    }

    /**
     * Returns once every informer of the cache has its watch open: destroyed while a cache's
     * watches were still being opened, the mock server waited for them past its shutdown timeout
     * ("Unable to close MockWebServer / Vertx"), so a test that is done right after the first sync
     * calls this before closing.
     */
    public void awaitWatching(ClusterCache cache) {
        await("every informer watching", cache::watching);
    }

    /** Closed after the server is destroyed. */
    public <T extends AutoCloseable> T closeLater(T c) {
        closeAfterServer.add(c);
        return c;
    }

    public static void await(String what, BooleanSupplier condition) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("timed out after 30 s waiting for " + what);
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted waiting for " + what);
            }
        }
    }

    @Override
    public void close() {
        try {
            server.destroy();
        } catch (IllegalStateException e) {
            // "Unable to close MockWebServer/Vertx": the mock's own shutdown timed out (10 s) with
            // watches open, now and then on a loaded machine even after awaitWatching. Its port and
            // threads go with the test JVM; what the test checked stands.
            System.getLogger(MockApi.class.getName()).log(System.Logger.Level.WARNING,
                    "the mock API server did not shut down in time: " + e.getMessage());
        }
        for (AutoCloseable c : closeAfterServer.reversed()) {
            try {
                c.close();
            } catch (Exception e) {
                // the server is gone; closing watches against it may complain
            }
        }
        client.close();
    }
}
