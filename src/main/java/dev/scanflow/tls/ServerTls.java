package dev.scanflow.tls;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.Locale;
import org.apache.camel.support.jsse.KeyManagersParameters;
import org.apache.camel.support.jsse.KeyStoreParameters;
import org.apache.camel.support.jsse.SSLContextParameters;
import org.apache.camel.support.jsse.SSLContextServerParameters;
import org.apache.camel.support.jsse.TrustManagersParameters;

/**
 * HTTPS on the server's own listener (platform-http's SSLContextParameters): TLS 1.3 and 1.2 only, and with
 * client-auth=require, mutual TLS where an agent must present a certificate signed by the client CA.
 *
 * @param keyStore         scanflow.server.tls.key-store: PKCS12 file with the server's certificate chain and key
 * @param keyStorePassword scanflow.server.tls.key-store-password (a secret: SCANFLOW_SERVER_TLS_KEY_STORE_PASSWORD
 *                         or ..._FILE)
 * @param clientAuth       scanflow.server.tls.client-auth: none (default) or require
 * @param clientCaFile     scanflow.server.tls.client-ca-file: PEM with the CA(s) agents' certificates chain to;
 *                         required with client-auth=require
 */
public record ServerTls(Path keyStore, String keyStorePassword, ClientAuth clientAuth, Path clientCaFile) {

    public static final String KEY_STORE = "scanflow.server.tls.key-store";
    public static final String KEY_STORE_PASSWORD = "scanflow.server.tls.key-store-password";
    public static final String CLIENT_AUTH = "scanflow.server.tls.client-auth";
    public static final String CLIENT_CA_FILE = "scanflow.server.tls.client-ca-file";

    /** Whether the server asks agents for a certificate. */
    public enum ClientAuth {
        NONE, REQUIRE
    }

    /** The server's TLS, or null when scanflow.server.tls.key-store is not set (plain HTTP). */
    public static ServerTls fromIfConfigured(SettingsSource source, Path home) {
        String keyStore = source.raw(KEY_STORE);
        if (keyStore == null) {
            // the password too, as the agent's ClientTls does: without a key store it is a mistake, not an unknown key
            for (String key : new String[] {CLIENT_CA_FILE, KEY_STORE_PASSWORD}) {
                if (source.raw(key) != null) {
                    throw new InvalidSettings(key + " needs " + KEY_STORE);
                }
            }
            if (!"none".equalsIgnoreCase(source.string(CLIENT_AUTH, "none"))) {
                throw new InvalidSettings(CLIENT_AUTH + " needs " + KEY_STORE);
            }
            return null;
        }
        ClientAuth clientAuth;
        try {
            clientAuth = ClientAuth.valueOf(source.string(CLIENT_AUTH, "none").toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(CLIENT_AUTH + " must be none or require");
        }
        String ca = source.raw(CLIENT_CA_FILE);
        if (clientAuth == ClientAuth.REQUIRE && ca == null) {
            throw new InvalidSettings(CLIENT_AUTH + "=require needs " + CLIENT_CA_FILE + " (the CA that signs agents' certificates)");
        }
        ServerTls tls = new ServerTls(home.resolve(keyStore), source.required(KEY_STORE_PASSWORD), clientAuth,
                ca == null ? null : home.resolve(ca));
        tls.sslContextParameters(); // a wrong file or password stops the start here, with the key's name
        return tls;
    }

    public SSLContextParameters sslContextParameters() {
        KeyStore keys = Pem.keyStore(keyStore, keyStorePassword, KEY_STORE);
        KeyStoreParameters keyStoreParameters = new KeyStoreParameters();
        keyStoreParameters.setKeyStore(keys);
        keyStoreParameters.setPassword(keyStorePassword);
        KeyManagersParameters keyManagers = new KeyManagersParameters();
        keyManagers.setKeyStore(keyStoreParameters);
        keyManagers.setKeyPassword(keyStorePassword);
        SSLContextParameters parameters = new SSLContextParameters();
        parameters.setKeyManagers(keyManagers);
        parameters.setSecureSocketProtocols(TlsProtocols.parameters());
        if (clientCaFile != null) {
            KeyStoreParameters trusted = new KeyStoreParameters();
            trusted.setKeyStore(Pem.trustStore(clientCaFile, CLIENT_CA_FILE));
            TrustManagersParameters trustManagers = new TrustManagersParameters();
            trustManagers.setKeyStore(trusted);
            parameters.setTrustManagers(trustManagers);
        }
        SSLContextServerParameters server = new SSLContextServerParameters();
        server.setClientAuthentication(clientAuth == ClientAuth.REQUIRE ? "REQUIRE" : "NONE");
        parameters.setServerParameters(server);
        return parameters;
    }

    @Override
    public String toString() {
        return "ServerTls[keyStore=" + keyStore + ", clientAuth=" + clientAuth + ", clientCaFile=" + clientCaFile + "]";
    }
}
