package dev.kmp.exporter.k8smetrics;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRoute;
import io.fabric8.kubernetes.api.model.gatewayapi.v1.HTTPRouteBuilder;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Multi-backend rules found in HTTPRoute objects: each backend Service maps to its rule's Kong service. */
class ClusterRouteBackendsTest {
    @Test
    void backendsOfMultiBackendRulesMapToTheRule() {
        HTTPRoute cart = new HTTPRouteBuilder()
                .withNewMetadata().withNamespace("checkout").withName("cart").endMetadata()
                .withNewSpec()
                .addNewRule()
                .addNewBackendRef().withName("cart-v1").withPort(80).withWeight(90).endBackendRef()
                .addNewBackendRef().withName("cart-v2").withPort(80).withWeight(10).endBackendRef()
                .endRule()
                .addNewRule()
                .addNewBackendRef().withName("cart-v1").withPort(80).endBackendRef()
                .endRule()
                .addNewRule()
                .addNewBackendRef().withName("audit").withNamespace("ops").withPort(80).endBackendRef()
                .addNewBackendRef().withKind("Bucket").withGroup("storage.example").withName("archive").endBackendRef()
                .endRule()
                .endSpec()
                .build();

        Map<String, RouteBackends.RouteRule> index = ClusterRouteBackends.build(List.of(cart));

        RouteBackends.RouteRule rule0 = new RouteBackends.RouteRule("checkout", "cart", "0", "httproute.checkout.cart.0");
        assertEquals(rule0, index.get("checkout/cart-v1"), "the multi-backend rule, not the single-backend rule 1");
        assertEquals(rule0, index.get("checkout/cart-v2"));
        assertEquals("httproute.checkout.cart.2", index.get("ops/audit").kongService(), "a cross-namespace backendRef");
        assertEquals(3, index.size(), "non-Service backends are not Services");
    }
}
