package dev.kmp.tls;

import java.io.IOException;
import java.io.StringReader;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.SecureRandom;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import javax.security.auth.x500.X500Principal;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.ExtendedKeyUsage;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyPurposeId;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.X509v3CertificateBuilder;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;
import org.bouncycastle.openssl.jcajce.JcaPEMWriter;
import org.bouncycastle.operator.OperatorCreationException;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * X.509 material for the metrics APIs' TLS port: the self-signed serving pair made at start when
 * no files are configured, PEM reading and writing, and (for tests and demos) a small CA that
 * signs client certificates. EC P-256 keys: quick to make, accepted by Go's TLS (the aggregator,
 * kubectl) and the JDK.
 */
public final class Certificates {
    private static final SecureRandom RANDOM = new SecureRandom();

    private Certificates() {
    }

    /** A private key and the certificate (chain, leaf first) that goes with it. */
    public record CertifiedKey(PrivateKey privateKey, List<X509Certificate> chain) {
        public CertifiedKey {
            chain = List.copyOf(chain);
        }

        public X509Certificate certificate() {
            return chain.get(0);
        }
    }

    /** A self-signed certificate: a CA when {@code ca}, else a serving certificate for the names. */
    public static CertifiedKey selfSigned(String commonName, List<String> hostNames, boolean ca, Duration validity) {
        KeyPair keys = newKeyPair();
        X500Principal subject = new X500Principal("CN=" + commonName);
        return new CertifiedKey(keys.getPrivate(),
                List.of(sign(subject, keys, subject, keys.getPrivate(), hostNames, ca, false, validity)));
    }

    /**
     * A certificate signed by {@code issuer}: for a client ({@code hostNames} empty; CN = user,
     * O = groups, as Kubernetes reads them) or a server.
     */
    public static CertifiedKey issue(CertifiedKey issuer, String commonName, List<String> organizations,
                                     List<String> hostNames, Duration validity) {
        KeyPair keys = newKeyPair();
        StringBuilder dn = new StringBuilder("CN=" + commonName);
        for (String o : organizations) {
            dn.append(", O=").append(o);
        }
        X509Certificate cert = sign(new X500Principal(dn.toString()), keys, issuer.certificate().getSubjectX500Principal(),
                issuer.privateKey(), hostNames, false, hostNames.isEmpty(), validity);
        return new CertifiedKey(keys.getPrivate(), List.of(cert));
    }

    public static String pem(X509Certificate certificate) {
        return pemOf(certificate);
    }

    public static String pem(PrivateKey key) {
        return pemOf(key);
    }

    /** Every certificate in a PEM text (a bundle may hold several CAs). */
    public static List<X509Certificate> readCertificates(String pemText) throws CertificateException {
        CertificateFactory factory = CertificateFactory.getInstance("X.509");
        List<X509Certificate> out = new ArrayList<>();
        for (var c : factory.generateCertificates(new java.io.ByteArrayInputStream(pemText.getBytes(StandardCharsets.US_ASCII)))) {
            out.add((X509Certificate) c);
        }
        if (out.isEmpty()) {
            throw new CertificateException("no certificate found");
        }
        return out;
    }

    public static List<X509Certificate> readCertificates(Path file) throws IOException, CertificateException {
        return readCertificates(Files.readString(file, StandardCharsets.US_ASCII));
    }

    /** A PEM private key: PKCS#8, PKCS#1 RSA or SEC1 EC, unencrypted. The message never holds key bytes. */
    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return readPrivateKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
    }

    /**
     * The same from PEM text (e.g. a Secret's {@code tls.key}); {@code source} names it in errors.
     * cert-manager and openssl write PKCS#1 or SEC1 keys as often as PKCS#8: all three are read.
     */
    public static PrivateKey readPrivateKey(String pemText, String source) throws IOException {
        try (PEMParser parser = new PEMParser(new StringReader(pemText))) {
            Object o = parser.readObject();
            JcaPEMKeyConverter converter = new JcaPEMKeyConverter();
            if (o instanceof PEMKeyPair pair) {
                return converter.getKeyPair(pair).getPrivate();
            }
            if (o instanceof PrivateKeyInfo info) {
                return converter.getPrivateKey(info);
            }
            throw new IOException(source + ": no unencrypted PEM private key found"
                    + (o == null ? "" : " (found " + o.getClass().getSimpleName() + ")"));
        }
    }

    private static KeyPair newKeyPair() {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"), RANDOM);
            return g.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK cannot make EC P-256 keys", e);
        }
    }

    private static X509Certificate sign(X500Principal subject, KeyPair subjectKeys, X500Principal issuer,
                                        PrivateKey issuerKey, List<String> hostNames, boolean ca, boolean client,
                                        Duration validity) {
        Instant now = Instant.now();
        try {
            X509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(
                    X500Name.getInstance(issuer.getEncoded()),
                    new BigInteger(127, RANDOM),
                    Date.from(now.minus(Duration.ofMinutes(5))),
                    Date.from(now.plus(validity)),
                    X500Name.getInstance(subject.getEncoded()),
                    subjectKeys.getPublic());
            b.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
            if (ca) {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign | KeyUsage.digitalSignature));
            } else {
                b.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyEncipherment));
                b.addExtension(Extension.extendedKeyUsage, false,
                        new ExtendedKeyUsage(client ? KeyPurposeId.id_kp_clientAuth : KeyPurposeId.id_kp_serverAuth));
            }
            if (!hostNames.isEmpty()) {
                List<GeneralName> names = new ArrayList<>();
                for (String h : hostNames) {
                    names.add(isIpLiteral(h) ? new GeneralName(GeneralName.iPAddress, h) : new GeneralName(GeneralName.dNSName, h));
                }
                b.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(names.toArray(GeneralName[]::new)));
            }
            return new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
        } catch (IOException | OperatorCreationException | CertificateException e) {
            throw new IllegalStateException("cannot make a certificate for " + subject.getName(), e);
        }
    }

    private static boolean isIpLiteral(String host) {
        if (!host.matches("[0-9.]+|[0-9a-fA-F:]*:[0-9a-fA-F:.]*")) {
            return false;
        }
        try {
            InetAddress.getByName(host);
            return true;
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private static String pemOf(Object o) {
        StringWriter out = new StringWriter();
        try (JcaPEMWriter w = new JcaPEMWriter(out)) {
            w.writeObject(o instanceof PrivateKey k ? new org.bouncycastle.openssl.jcajce.JcaPKCS8Generator(k, null) : o);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString();
    }
}
