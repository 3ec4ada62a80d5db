package dev.kmp.processor.k8s;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.kmp.processor.k8s.KongServiceName.IngressBackend;
import dev.kmp.processor.k8s.KongServiceName.RouteRule;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import java.util.stream.Stream;
import org.junit.jupiter.params.provider.Arguments;

/** Every naming form of Kong's ingress controller, and names that fit none. */
class KongServiceNameTest {
    static Stream<Arguments> names() {
        return Stream.of(
                Arguments.of("shop.storefront.80", new IngressBackend("shop", "storefront", 80, null)),
                Arguments.of("payments.payments-api.8080", new IngressBackend("payments", "payments-api", 8080, null)),
                Arguments.of("shop.storefront.http", new IngressBackend("shop", "storefront", 0, "http")),
                Arguments.of("shop.storefront.pnum-8443", new IngressBackend("shop", "storefront", 8443, null)),
                Arguments.of("httproute.checkout.cart.0", new RouteRule("HTTPRoute", "checkout", "cart", 0)),
                Arguments.of("httproute.checkout.cart.12", new RouteRule("HTTPRoute", "checkout", "cart", 12)),
                Arguments.of("httproute.checkout.cart.v2.example.1", new RouteRule("HTTPRoute", "checkout", "cart.v2.example", 1)),
                Arguments.of("grpcroute.rpc.orders.0", new RouteRule("GRPCRoute", "rpc", "orders", 0)),
                // a namespace called httproute with an Ingress backend is still an Ingress backend
                Arguments.of("httproute.web.80", new IngressBackend("httproute", "web", 80, null)),
                Arguments.of("", null),
                Arguments.of("storefront", null),
                Arguments.of("shop.storefront", null),
                Arguments.of("shop.storefront.80.extra", null),
                Arguments.of("Shop.storefront.80", null),
                Arguments.of("shop..80", null),
                Arguments.of("shop.storefront.0", null),
                Arguments.of("shop.storefront.70000", null),
                Arguments.of("shop.storefront.pnum-x", null),
                Arguments.of("shop.storefront.-http", null),
                Arguments.of("httproute.checkout.cart.x", null),
                Arguments.of("httproute.checkout..0", null),
                Arguments.of("httproute.checkout.0", null),
                Arguments.of("grpcroute..orders.0", null));
    }

    @ParameterizedTest(name = "[{index}] '{0}'")
    @MethodSource("names")
    void parses(String name, KongServiceName expected) {
        assertEquals(Optional.ofNullable(expected), KongServiceName.parse(name));
    }
}
