package dev.kmp.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PEM keys as cert-manager and openssl write them (PKCS#8, PKCS#1 RSA, SEC1 EC) all read; errors hold no key bytes. */
class CertificatesTest {
    @TempDir
    Path dir;

    private boolean openssl(String... args) throws Exception {
        try {
            Process p = new ProcessBuilder(args).directory(dir.toFile()).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void readsTheThreePemKeyFormats() throws Exception {
        assumeTrue(openssl("openssl", "version"), "openssl is not installed");
        openssl("openssl", "genrsa", "-traditional", "-out", "rsa1.pem", "2048");
        openssl("openssl", "ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", "sec1.pem");
        openssl("openssl", "genpkey", "-algorithm", "RSA", "-out", "pkcs8.pem");
        assertEquals("RSA", Certificates.readPrivateKey(dir.resolve("rsa1.pem")).getAlgorithm());
        assertEquals("EC", Certificates.readPrivateKey(dir.resolve("sec1.pem")).getAlgorithm().replace("ECDSA", "EC"));
        assertEquals("RSA", Certificates.readPrivateKey(dir.resolve("pkcs8.pem")).getAlgorithm());
    }

    @Test
    void roundTripsItsOwnPemAndRefusesWithoutEchoingTheInput() throws Exception {
        Certificates.CertifiedKey ca = Certificates.selfSigned("ca", List.of(), true, Duration.ofDays(1));
        PrivateKey back = Certificates.readPrivateKey(Certificates.pem(ca.privateKey()), "test");
        assertEquals(ca.privateKey().getAlgorithm().replace("ECDSA", "EC"), back.getAlgorithm().replace("ECDSA", "EC"));
        assertEquals(ca.certificate(), Certificates.readCertificates(Certificates.pem(ca.certificate())).getFirst());
        Files.writeString(dir.resolve("cert-as-key.pem"), Certificates.pem(ca.certificate()));
        IOException e = assertThrows(IOException.class, () -> Certificates.readPrivateKey(dir.resolve("cert-as-key.pem")));
        assertFalse(e.getMessage().contains("MII"), "the error must not quote PEM contents: " + e.getMessage());
    }
}
