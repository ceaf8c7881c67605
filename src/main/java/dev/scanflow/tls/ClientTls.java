package dev.scanflow.tls;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.nio.file.Path;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * How the agent trusts the server it delivers reports to, and proves itself when the server asks (mutual TLS):
 * the CA file, or the JDK's trust store when none is given; never "trust all". Host names are verified by
 * camel-http's default verifier. Used as camel-http's {@code sslContextParameters} of the delivery endpoint.
 *
 * @param caFile           scanflow.agent.tls.ca-file: PEM with the CA(s) the server's certificate chains to;
 *                         null = the JDK's trust store
 * @param keyStore         scanflow.agent.tls.key-store: PKCS12 with the agent's client certificate and key, for
 *                         a server with client-auth=require; null = none
 * @param keyStorePassword scanflow.agent.tls.key-store-password (a secret: SCANFLOW_AGENT_TLS_KEY_STORE_PASSWORD
 *                         or ..._FILE)
 */
public record ClientTls(Path caFile, Path keyStore, String keyStorePassword) {

    public static final String CA_FILE = "scanflow.agent.tls.ca-file";
    public static final String KEY_STORE = "scanflow.agent.tls.key-store";
    public static final String KEY_STORE_PASSWORD = "scanflow.agent.tls.key-store-password";

    /** Paths as given; relative ones are resolved against the install directory by {@link #resolve}. */
    public static ClientTls from(SettingsSource source) {
        String ca = source.raw(CA_FILE);
        String keyStore = source.raw(KEY_STORE);
        if (keyStore == null && source.raw(KEY_STORE_PASSWORD) != null) {
            throw new InvalidSettings(KEY_STORE_PASSWORD + " is set but " + KEY_STORE + " is not");
        }
        return new ClientTls(ca == null ? null : Path.of(ca), keyStore == null ? null : Path.of(keyStore),
                keyStore == null ? null : source.required(KEY_STORE_PASSWORD));
    }

    /** With relative paths resolved against the install directory, checked: a wrong file or password is a sentence. */
    public ClientTls resolve(Path home) {
        ClientTls resolved = new ClientTls(caFile == null ? null : home.resolve(caFile),
                keyStore == null ? null : home.resolve(keyStore), keyStorePassword);
        resolved.sslContextParameters();
        return resolved;
    }

    /** The JDK's trust store, no client certificate. */
    public static ClientTls jdkDefaults() {
        return new ClientTls(null, null, null);
    }

    public SSLContextParameters sslContextParameters() {
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setSecureSocketProtocols(TlsProtocols.parameters());
        if (caFile != null) {
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setKeyStore(Pem.trustStore(caFile, CA_FILE));
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trusted);
            parameters.setTrustManagers(trustManagers);
        }
        if (keyStore != null) {
            KeyStoreParameters keys = new KeyStoreParameters();
            keys.setKeyStore(Pem.keyStore(keyStore, keyStorePassword, KEY_STORE));
            keys.setPassword(keyStorePassword);
            KeyManagersParameters keyManagers = new KeyManagersParameters();
            keyManagers.setKeyStore(keys);
            keyManagers.setKeyPassword(keyStorePassword);
            parameters.setKeyManagers(keyManagers);
        }
        return parameters;
    }

    @Override
    public String toString() {
        return "ClientTls[caFile=" + (caFile == null ? "JDK trust store" : caFile) + ", keyStore=" + keyStore + "]";
    }
}
