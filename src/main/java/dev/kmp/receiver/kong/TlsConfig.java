package dev.kmp.receiver.kong;

/**
 * TLS for a client connection: a CA bundle and a client certificate and key, from PEM files or from
 * a Kubernetes Secret {@code namespace/name} (keys {@code ca.crt}, {@code tls.crt}, {@code tls.key});
 * {@code insecureSkipVerify} trusts any server certificate (tests only). All null means the JDK's
 * default trust and no client certificate.
 */
public record TlsConfig(String caFile, String certFile, String keyFile, String secret, boolean insecureSkipVerify) {
    public static final TlsConfig NONE = new TlsConfig(null, null, null, null, false);

    public boolean hasClientCertificate() {
        return certFile != null || secret != null;
    }
}
