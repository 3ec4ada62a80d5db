package dev.kmp.exporter.k8smetrics;

import java.security.GeneralSecurityException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Optional;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Decides who a request comes from, from the TLS peer certificates (already verified against the
 * client CA by the TLS handshake; checked again here so that a misconfigured socket cannot let an
 * unsigned certificate through) and, for the front proxy only, {@code X-Remote-User} /
 * {@code X-Remote-Group}. Messages never contain certificate or key material.
 */
final class CallerAuthenticator {
    static final String REMOTE_USER = "X-Remote-User";
    static final String REMOTE_GROUP = "X-Remote-Group";

    private final Authentication mode;
    private final List<X509Certificate> clientCas;
    private final List<String> allowedNames;

    CallerAuthenticator(Authentication mode, List<X509Certificate> clientCas, List<String> allowedNames) {
        this.mode = mode;
        this.clientCas = List.copyOf(clientCas);
        this.allowedNames = List.copyOf(allowedNames);
    }

    /** Who called, or why not. */
    sealed interface Verdict permits Caller, Refusal {
    }

    record Caller(String user, List<String> groups) implements Verdict {
    }

    record Refusal(int code, String reason, String message) implements Verdict {
    }

    boolean hasClientCa() {
        return !clientCas.isEmpty();
    }

    /**
     * @param peer       the TLS peer's certificate chain, leaf first, if it sent one
     * @param remoteUser the X-Remote-User header (null when absent)
     */
    Verdict authenticate(Optional<Certificate[]> peer, String remoteUser, List<String> remoteGroups) {
        if (mode == Authentication.NONE) {
            return new Caller("system:anonymous", List.of("system:unauthenticated"));
        }
        if (clientCas.isEmpty()) {
            return new Refusal(401, "Unauthorized", mode == Authentication.REQUESTHEADER
                    ? "no request-header client CA is configured (client_ca_file, or the kube-system/extension-apiserver-authentication ConfigMap)"
                    : "no client CA is configured (client_ca_file)");
        }
        X509Certificate leaf = peer.filter(c -> c.length > 0 && c[0] instanceof X509Certificate)
                .map(c -> (X509Certificate) c[0]).orElse(null);
        if (leaf == null) {
            return new Refusal(401, "Unauthorized", mode == Authentication.REQUESTHEADER
                    ? "a client certificate of the aggregation layer's front proxy is required"
                    : "a client certificate signed by the configured client CA is required");
        }
        if (!signedByClientCa(leaf)) {
            return new Refusal(401, "Unauthorized", "the client certificate is not signed by the configured client CA or has expired");
        }
        String cn = commonName(leaf);
        if (mode == Authentication.CLIENTCERT) {
            if (cn == null || cn.isEmpty()) {
                return new Refusal(401, "Unauthorized", "the client certificate has no common name (the user name)");
            }
            return new Caller(cn, organizations(leaf));
        }
        if (!allowedNames.isEmpty() && (cn == null || !allowedNames.contains(cn))) {
            return new Refusal(403, "Forbidden", "the client certificate's common name is not an allowed front-proxy name");
        }
        if (remoteUser == null || remoteUser.isBlank()) {
            return new Refusal(401, "Unauthorized", "the front proxy sent no " + REMOTE_USER + " header");
        }
        return new Caller(remoteUser, List.copyOf(remoteGroups));
    }

    private boolean signedByClientCa(X509Certificate leaf) {
        try {
            leaf.checkValidity();
        } catch (GeneralSecurityException e) {
            return false;
        }
        for (X509Certificate ca : clientCas) {
            if (!ca.getSubjectX500Principal().equals(leaf.getIssuerX500Principal())) {
                continue;
            }
            try {
                leaf.verify(ca.getPublicKey());
                return true;
            } catch (GeneralSecurityException e) {
                // another CA with the same subject may have signed it
            }
        }
        return false;
    }

    static String commonName(X509Certificate cert) {
        return rdn(cert, "CN").stream().findFirst().orElse(null);
    }

    private static List<String> organizations(X509Certificate cert) {
        return rdn(cert, "O");
    }

    private static List<String> rdn(X509Certificate cert, String type) {
        try {
            LdapName name = new LdapName(cert.getSubjectX500Principal().getName());
            return name.getRdns().stream().filter(r -> r.getType().equalsIgnoreCase(type))
                    .map(Rdn::getValue).map(Object::toString).toList();
        } catch (InvalidNameException e) {
            return List.of();
        }
    }
}
