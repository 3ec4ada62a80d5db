package dev.kmp.processor.k8s;

import java.util.Optional;

/**
 * What a Kong service name says about its Kubernetes origin, by the naming rules of Kong's ingress
 * controller: {@code <ns>.<svc>.<port>} for an Ingress backend (port number, port name, or the
 * older {@code pnum-<number>}), {@code httproute.<ns>.<name>.<rule>} and
 * {@code grpcroute.<ns>.<name>.<rule>} for a Gateway API route rule. Namespaces and Service names
 * are DNS labels (no dots); route names may contain dots, so a route name is everything between
 * the namespace and the rule index.
 */
public sealed interface KongServiceName {
    /** A Service port; exactly one of {@code portNumber} (> 0) and {@code portName} is set. */
    record IngressBackend(String namespace, String service, int portNumber, String portName) implements KongServiceName {
    }

    /** Rule {@code rule} of the route {@code namespace/name}; {@code kind} is HTTPRoute or GRPCRoute. */
    record RouteRule(String kind, String namespace, String name, int rule) implements KongServiceName {
    }

    static Optional<KongServiceName> parse(String s) {
        if (s == null || s.isEmpty()) {
            return Optional.empty();
        }
        String kind = s.startsWith("httproute.") ? "HTTPRoute" : s.startsWith("grpcroute.") ? "GRPCRoute" : null;
        if (kind != null) {
            Optional<KongServiceName> route = parseRoute(kind, s.substring(10));
            if (route.isPresent()) {
                return route;
            }
        }
        return parseIngress(s);
    }

    private static Optional<KongServiceName> parseRoute(String kind, String rest) {
        int firstDot = rest.indexOf('.');
        int lastDot = rest.lastIndexOf('.');
        if (firstDot <= 0 || lastDot <= firstDot + 1 || lastDot == rest.length() - 1) {
            return Optional.empty();
        }
        String ns = rest.substring(0, firstDot);
        String name = rest.substring(firstDot + 1, lastDot);
        int rule = nonNegative(rest.substring(lastDot + 1));
        if (!dnsLabel(ns) || rule < 0 || !dnsSubdomain(name)) {
            return Optional.empty();
        }
        return Optional.of(new RouteRule(kind, ns, name, rule));
    }

    private static Optional<KongServiceName> parseIngress(String s) {
        int a = s.indexOf('.');
        int b = a < 0 ? -1 : s.indexOf('.', a + 1);
        if (a <= 0 || b <= a + 1 || b == s.length() - 1 || s.indexOf('.', b + 1) >= 0) {
            return Optional.empty();
        }
        String ns = s.substring(0, a);
        String svc = s.substring(a + 1, b);
        String port = s.substring(b + 1);
        if (!dnsLabel(ns) || !dnsLabel(svc)) {
            return Optional.empty();
        }
        int number = port.startsWith("pnum-") ? nonNegative(port.substring(5)) : nonNegative(port);
        if (number > 0 && number <= 65535) {
            return Optional.of(new IngressBackend(ns, svc, number, null));
        }
        if (number < 0 && !port.startsWith("pnum-") && dnsLabel(port) && port.length() <= 15) {
            return Optional.of(new IngressBackend(ns, svc, 0, port));
        }
        return Optional.empty();
    }

    private static int nonNegative(String digits) {
        if (digits.isEmpty() || digits.length() > 9) {
            return -1;
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(digits);
    }

    /** RFC 1123 label: lower-case alphanumerics and '-', starting and ending alphanumeric, at most 63. */
    private static boolean dnsLabel(String s) {
        if (s.isEmpty() || s.length() > 63 || s.charAt(0) == '-' || s.charAt(s.length() - 1) == '-') {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
                return false;
            }
        }
        return true;
    }

    private static boolean dnsSubdomain(String s) {
        if (s.length() > 253) {
            return false;
        }
        for (String part : s.split("\\.", -1)) {
            if (!dnsLabel(part)) {
                return false;
            }
        }
        return true;
    }
}
