package dev.kmp.receiver.kong;

import dev.kmp.tls.Certificates;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.client.KubernetesClient;
import java.io.IOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509ExtendedTrustManager;

/**
 * The PEM bytes of a TLS client setup (CA bundle, client certificate chain, PKCS#8/PKCS#1/SEC1 key), read from
 * files or a Secret ({@code ca.crt}, {@code tls.crt}, {@code tls.key}), and the SSLContext made from
 * them. Reading is cheap and done on each Admin API refresh, so rotated certificates are used from
 * the next refresh on; {@link #fingerprint()} tells whether anything changed. Messages name files
 * and Secrets, never their contents.
 */
final class TlsMaterial {
    private final byte[] ca;
    private final byte[] cert;
    private final byte[] key;
    private final boolean insecure;
    private final String fingerprint;

    private TlsMaterial(byte[] ca, byte[] cert, byte[] key, boolean insecure) {
        this.ca = ca;
        this.cert = cert;
        this.key = key;
        this.insecure = insecure;
        this.fingerprint = digest(ca, cert, key) + (insecure ? "/insecure" : "");
    }

    static TlsMaterial read(TlsConfig config, Optional<KubernetesClient> kubernetes) throws IOException {
        if (config.secret() != null) {
            if (kubernetes.isEmpty()) {
                throw new IOException("tls.secret " + config.secret() + " needs a Kubernetes API, and none is configured");
            }
            String[] nsName = config.secret().split("/", 2);
            Secret s;
            try {
                s = kubernetes.get().secrets().inNamespace(nsName[0]).withName(nsName[1]).get();
            } catch (RuntimeException e) {
                throw new IOException("cannot read Secret " + config.secret() + ": " + e.getClass().getSimpleName());
            }
            if (s == null) {
                throw new IOException("Secret " + config.secret() + " not found");
            }
            Map<String, String> data = s.getData() == null ? Map.of() : s.getData();
            return new TlsMaterial(decoded(data.get("ca.crt")), decoded(data.get("tls.crt")), decoded(data.get("tls.key")),
                    config.insecureSkipVerify());
        }
        return new TlsMaterial(file(config.caFile()), file(config.certFile()), file(config.keyFile()), config.insecureSkipVerify());
    }

    private static byte[] decoded(String b64) {
        return b64 == null ? null : Base64.getDecoder().decode(b64);
    }

    private static byte[] file(String f) throws IOException {
        if (f == null) {
            return null;
        }
        try {
            return Files.readAllBytes(Path.of(f));
        } catch (IOException e) {
            throw new IOException("cannot read " + f + ": " + e.getClass().getSimpleName());
        }
    }

    String fingerprint() {
        return fingerprint;
    }

    SSLContext sslContext() throws IOException {
        try {
            TrustManager[] trust = null;
            if (insecure) {
                trust = new TrustManager[] {new TrustingEverything()};
            } else if (ca != null) {
                KeyStore ts = KeyStore.getInstance("PKCS12");
                ts.load(null, null);
                int i = 0;
                for (Certificate c : certificates(ca, "the CA bundle")) {
                    ts.setCertificateEntry("ca" + i++, c);
                }
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(ts);
                trust = tmf.getTrustManagers();
            }
            KeyManager[] keys = null;
            if (cert != null && key != null) {
                List<Certificate> chain = certificates(cert, "the client certificate");
                KeyStore ks = KeyStore.getInstance("PKCS12");
                ks.load(null, null);
                char[] pw = new char[0];
                ks.setKeyEntry("client", privateKey(key), pw, chain.toArray(Certificate[]::new));
                KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(ks, pw);
                keys = kmf.getKeyManagers();
            }
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(keys, trust, null);
            return ctx;
        } catch (GeneralSecurityException e) {
            throw new IOException("bad TLS material: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()));
        }
    }

    private static List<Certificate> certificates(byte[] pem, String what) throws GeneralSecurityException {
        try {
            return new ArrayList<>(Certificates.readCertificates(new String(pem, StandardCharsets.US_ASCII)));
        } catch (CertificateException e) {
            throw new GeneralSecurityException(what + " holds no certificate");
        }
    }

    private static PrivateKey privateKey(byte[] pem) throws GeneralSecurityException {
        try {
            return Certificates.readPrivateKey(new String(pem, StandardCharsets.US_ASCII), "the client key");
        } catch (IOException e) {
            throw new GeneralSecurityException(e.getMessage());
        }
    }

    private static String digest(byte[]... parts) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            for (byte[] p : parts) {
                md.update(p == null ? new byte[] {0} : p);
                md.update((byte) 1);
            }
            return Arrays.toString(md.digest());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** insecure_skip_verify: no chain and no host name check (an extended manager skips JSSE's own host check). */
    private static final class TrustingEverything extends X509ExtendedTrustManager {
        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine) {
        }

        @Override
        public void checkClientTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public void checkServerTrusted(X509Certificate[] chain, String authType) {
        }

        @Override
        public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
        }
    }
}
