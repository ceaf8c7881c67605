package dev.scanflow.tls;

import dev.scanflow.config.InvalidSettings;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.util.Collection;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * CA certificates from a PEM file, as a trust store holding them and only them (like curl --cacert), and
 * PKCS12 key stores: the one place ScanFlow reads TLS material (server, agent delivery, phpIPAM's API, Proxmox).
 * Every problem is an {@link InvalidSettings} naming the setting, so a start stops with one sentence.
 */
public final class Pem {

    private Pem() {
    }

    public static KeyStore trustStore(Path pemFile, String key) {
        if (!Files.isRegularFile(pemFile) || !Files.isReadable(pemFile)) {
            throw new InvalidSettings(key + ": " + pemFile + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(pemFile)) {
            Collection<? extends Certificate> certificates = CertificateFactory.getInstance("X.509").generateCertificates(in);
            if (certificates.isEmpty()) {
                throw new InvalidSettings(key + ": " + pemFile + " holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
            }
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int n = 0;
            for (Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + n++, certificate);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidSettings(key + ": " + pemFile + " is not a PEM certificate file: " + e.getMessage());
        }
    }

    /**
     * An SSL context that trusts the PEM file's certificates and nothing else; host names are still checked by
     * the HTTP client that uses it. There is no "trust all".
     */
    public static SSLContext trustOnly(Path pemFile, String key) {
        try {
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trustStore(pemFile, key));
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new InvalidSettings(key + ": cannot build TLS trust from " + pemFile + ": " + e.getMessage());
        }
    }

    /** A PKCS12 key store (certificate chain and private key), checked at start so a typo is a sentence. */
    static KeyStore keyStore(Path file, String password, String key) {
        if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
            throw new InvalidSettings(key + ": " + file + " is not a readable file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password == null ? null : password.toCharArray());
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new InvalidSettings(key + ": " + file + " is not a PKCS12 key store this password opens: " + e.getMessage());
        }
    }
}
