package dev.kmp.kubernetes;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.ServiceListBuilder;
import io.fabric8.kubernetes.api.model.StatusBuilder;
import io.fabric8.kubernetes.api.model.WatchEventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.informers.SharedIndexInformer;
import io.fabric8.kubernetes.client.server.mock.EnableKubernetesMockClient;
import io.fabric8.kubernetes.client.server.mock.KubernetesMockServer;
import io.fabric8.kubernetes.api.model.Service;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A watch that expires (410 Gone, the API server compacted past our resourceVersion) makes the
 * informer list again; objects created and deleted while it was not watching are then right.
 */
@EnableKubernetesMockClient
class WatchExpiredTest {
    static KubernetesMockServer server;
    static KubernetesClient client;

    @Test
    void a410RelistsAndTheCacheHoldsWhatTheApiHoldsNow() throws Exception {
        Service a = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("a").withResourceVersion("1").endMetadata().build();
        Service b = new ServiceBuilder().withNewMetadata().withNamespace("shop").withName("b").withResourceVersion("7").endMetadata().build();
        // First list: only a, at resourceVersion 1.
        server.expect().get().withPath("/api/v1/services?resourceVersion=0").andReturn(200,
                new ServiceListBuilder().withNewMetadata().withResourceVersion("1").endMetadata().addToItems(a).build()).once();
        // The watch from 1 expires at once.
        server.expect().get().withPath("/api/v1/services?allowWatchBookmarks=true&resourceVersion=1&timeoutSeconds=600&watch=true")
                .andUpgradeToWebSocket().open()
                .immediately().andEmit(new WatchEventBuilder().withType("ERROR").withObject(new StatusBuilder()
                        .withCode(410).withReason("Expired").withMessage("too old resource version: 1 (5)").build()).build())
                .done().once();
        // The re-list (fabric8 lists from the latest state after a 410): a was deleted and b created meanwhile.
        server.expect().get().withPath("/api/v1/services").andReturn(200,
                new ServiceListBuilder().withNewMetadata().withResourceVersion("7").endMetadata().addToItems(b).build()).always();
        server.expect().get().withPath("/api/v1/services?allowWatchBookmarks=true&resourceVersion=7&timeoutSeconds=600&watch=true")
                .andUpgradeToWebSocket().open().done().always();

        SharedIndexInformer<Service> informer = RetryingInformers.keepRetrying(
                client.services().inAnyNamespace().runnableInformer(0), "Service");
        informer.start().toCompletableFuture().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(informer.getStore().getByKey("shop/b") != null && informer.getStore().getByKey("shop/a") == null)) {
            assertTrue(System.nanoTime() < deadline, "the cache after the 410: " + informer.getStore().listKeys());
            Thread.sleep(50);
        }
        informer.stop();
    }
}
