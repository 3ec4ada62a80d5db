package dev.kmp.demo;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** How Kong's ingress controller (KIC 3.x, traditional router) names what it creates in Kong. */
public final class KicNames {
    private KicNames() {
    }

    /** {@code <ns>.<svc>.<port>}; port is the number or the port name, as the Ingress backend says. */
    public static String ingressService(String namespace, String service, String port) {
        return namespace + "." + service + "." + port;
    }

    /** {@code <svc>.<ns>.<port>.svc}: the upstream, and the Kong service's host. */
    public static String ingressUpstream(String namespace, String service, String port) {
        return service + "." + namespace + "." + port + ".svc";
    }

    /** {@code <ns>.<ingress>.<svc>.<host>.<port>} with '*' in wildcard hosts made '_'. */
    public static String ingressRoute(String namespace, String ingress, String service, String host, String port) {
        return namespace + "." + ingress + "." + service + "." + host.replace('*', '_') + "." + port;
    }

    /** {@code httproute.<ns>.<name>.<rule>}: service, upstream and host share this name. */
    public static String httpRouteService(String namespace, String name, int rule) {
        return "httproute." + namespace + "." + name + "." + rule;
    }

    /** {@code httproute.<ns>.<name>.<rule>.<match>}. */
    public static String httpRouteRoute(String namespace, String name, int rule, int match) {
        return httpRouteService(namespace, name, rule) + "." + match;
    }

    /** A stable UID from an object's identity (same rule as the reference generator's fake_uid). */
    public static String fakeUid(String... parts) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-1")
                    .digest(String.join("/", parts).getBytes(StandardCharsets.UTF_8));
            String h = HexFormat.of().formatHex(d);
            return h.substring(0, 8) + "-" + h.substring(8, 12) + "-" + h.substring(12, 16) + "-"
                    + h.substring(16, 20) + "-" + h.substring(20, 32);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-1 is required of every JDK", e);
        }
    }
}
