package dev.scanflow.agent.phpipam;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS trust for the phpIPAM API from a PEM file: the certificates in it, and only those, are trusted
 * (as curl --cacert does). Host names are still verified by the HTTP client. There is no "trust all".
 */
final class TrustedCa {

    private TrustedCa() {
    }

    /** Reads the certificates; IllegalArgumentException with a message fit for an operator if unusable. */
    static Collection<? extends Certificate> load(Path pemFile) {
        if (!Files.isRegularFile(pemFile) || !Files.isReadable(pemFile)) {
            throw new IllegalArgumentException(pemFile + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new IllegalArgumentException(pemFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            return certificates;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException(pemFile + " is not a PEM certificate file: " + e.getMessage(), e);
        }
    }

    static SSLContext sslContext(Path pemFile) {
        try {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int n = 0;
            for (Certificate certificate : load(pemFile)) {
                String alias = certificate instanceof X509Certificate x509
                        ? x509.getSubjectX500Principal().getName() : "ca";
                trust.setCertificateEntry(n++ + " " + alias, certificate);
            }
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot build TLS trust from " + pemFile + ": " + e.getMessage(), e);
        }
    }
}
