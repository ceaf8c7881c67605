package dev.scanflow.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import org.apache.camel.CamelContext;
import org.apache.camel.Exchange;
import org.apache.camel.impl.DefaultCamelContext;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Real TLS handshakes against the real server's listener (platform-http with ScanFlow's SSLContextParameters),
 * with certificates keytool makes for this run: a good certificate is accepted with TLS 1.3 or 1.2, a server
 * certificate from another CA, an expired one or one for another name is refused by the agent's trust
 * settings, and with client-auth=require an agent without a certificate, or with one from another CA, is
 * refused while an agent with the right one is let in. The agent's side is {@link ClientTls}, also through
 * camel-http as report delivery uses it.
 */
class TlsHandshakeIT {

    private static final String CODE = "Tls0-agent-code-0123456789abcdeT";
    private static final String AGENT_TOKEN = "tls-agent-token";

    @TempDir
    static Path dir;
    static TestPki pki;
    static Path ca;
    static Path otherCa;
    static Path agentCa;

    @BeforeAll
    static void certificates() throws Exception {
        pki = new TestPki(dir);
        ca = pki.authority("server-ca");
        otherCa = pki.authority("other-ca");
        agentCa = pki.authority("agent-ca");
        pki.signed("server", "server-ca", "ip:127.0.0.1,dns:localhost", "serverAuth", null);
        pki.signed("expired", "server-ca", "ip:127.0.0.1,dns:localhost", "serverAuth", "-10d");
        pki.signed("elsewhere", "server-ca", "dns:scanflow.example", "serverAuth", null);
        pki.signed("impostor", "other-ca", "ip:127.0.0.1,dns:localhost", "serverAuth", null);
        pki.signed("agent", "agent-ca", null, "clientAuth", null);
        pki.signed("rogue-agent", "other-ca", null, "clientAuth", null);
    }

    private static ServerUnderTest server(TestPhpipam phpipam, String keyStore, boolean requireClientCertificate) {
        Properties extra = new Properties();
        extra.setProperty(ServerTls.KEY_STORE, dir.resolve(keyStore + ".p12").toString());
        extra.setProperty(ServerTls.KEY_STORE_PASSWORD, pki.password);
        if (requireClientCertificate) {
            extra.setProperty(ServerTls.CLIENT_AUTH, "require");
            extra.setProperty(ServerTls.CLIENT_CA_FILE, agentCa.toString());
        }
        return ServerUnderTest.start(phpipam, Map.of(CODE, AGENT_TOKEN), extra);
    }

    private static SSLContext agent(Path caFile, String keyStore) throws Exception {
        ClientTls tls = new ClientTls(caFile, keyStore == null ? null : dir.resolve(keyStore + ".p12"),
                keyStore == null ? null : pki.password);
        try (CamelContext context = new DefaultCamelContext()) {
            return tls.sslContextParameters().createSSLContext(context);
        }
    }

    private static HttpResponse<String> health(SSLContext context, String host, int port, String... protocols) throws Exception {
        SSLParameters parameters = context.getDefaultSSLParameters();
        if (protocols.length > 0) {
            parameters.setProtocols(protocols);
        }
        HttpClient client = HttpClient.newBuilder().sslContext(context).sslParameters(parameters)
                .connectTimeout(Duration.ofSeconds(5)).build();
        return client.send(HttpRequest.newBuilder(URI.create("https://" + host + ":" + port + "/observe/health"))
                .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    private static Throwable root(Throwable thrown) {
        Throwable cause = thrown;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause;
    }

    @Test
    void aGoodCertificateIsAcceptedWithTls13And12Only() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create(); ServerUnderTest server = server(phpipam, "server", false)) {
            HttpResponse<String> tls13 = health(agent(ca, null), "127.0.0.1", server.port);
            assertEquals(200, tls13.statusCode());
            assertEquals("TLSv1.3", tls13.sslSession().orElseThrow().getProtocol());
            HttpResponse<String> tls12 = health(agent(ca, null), "localhost", server.port, "TLSv1.2");
            assertEquals(200, tls12.statusCode());
            assertEquals("TLSv1.2", tls12.sslSession().orElseThrow().getProtocol());
            // TLS 1.1 is not offered by the server (the client is allowed to try it here)
            SSLContext old = SSLContext.getInstance("TLS");
            old.init(null, new javax.net.ssl.TrustManager[] {trustAnything()}, null);
            assertThrows(IOException.class, () -> health(old, "127.0.0.1", server.port, "TLSv1.1"));
            // and there is no plain HTTP on the TLS port
            assertThrows(IOException.class, () -> HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + server.port + "/observe/health")).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));
        }
    }

    /** Only to show what the server offers; ScanFlow itself never trusts anything. */
    private static javax.net.ssl.X509TrustManager trustAnything() {
        return new javax.net.ssl.X509TrustManager() {
            @Override
            public void checkClientTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public void checkServerTrusted(java.security.cert.X509Certificate[] chain, String authType) {
            }

            @Override
            public java.security.cert.X509Certificate[] getAcceptedIssuers() {
                return new java.security.cert.X509Certificate[0];
            }
        };
    }

    @Test
    void aCertificateFromAnotherCaIsRefused() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create(); ServerUnderTest server = server(phpipam, "impostor", false)) {
            IOException refused = assertThrows(IOException.class, () -> health(agent(ca, null), "127.0.0.1", server.port));
            assertTrue(refused instanceof SSLHandshakeException || refused.getCause() instanceof SSLHandshakeException, refused.toString());
            // the JDK's store does not know a private CA either
            assertThrows(SSLHandshakeException.class, () -> health(agent(null, null), "127.0.0.1", server.port));
            // it works for an agent that trusts that CA: the refusal above was the CA, not something else
            assertEquals(200, health(agent(otherCa, null), "127.0.0.1", server.port).statusCode());
        }
    }

    @Test
    void anExpiredCertificateIsRefused() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create(); ServerUnderTest server = server(phpipam, "expired", false)) {
            SSLHandshakeException refused = assertThrows(SSLHandshakeException.class,
                    () -> health(agent(ca, null), "127.0.0.1", server.port));
            assertTrue(root(refused) instanceof java.security.cert.CertificateExpiredException
                    || String.valueOf(root(refused).getMessage()).contains("expired"), root(refused).toString());
        }
    }

    @Test
    void aCertificateForAnotherNameIsRefused() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create(); ServerUnderTest server = server(phpipam, "elsewhere", false)) {
            SSLHandshakeException refused = assertThrows(SSLHandshakeException.class,
                    () -> health(agent(ca, null), "127.0.0.1", server.port));
            assertTrue(root(refused) instanceof java.security.cert.CertificateException, root(refused).toString());
        }
    }

    @Test
    void withClientAuthRequiredOnlyAnAgentWithACertificateFromTheAgentCaGetsIn() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create(); ServerUnderTest server = server(phpipam, "server", true)) {
            assertThrows(IOException.class, () -> health(agent(ca, null), "127.0.0.1", server.port));
            assertThrows(IOException.class, () -> health(agent(ca, "rogue-agent"), "127.0.0.1", server.port));
            assertEquals(200, health(agent(ca, "agent"), "127.0.0.1", server.port).statusCode());
        }
    }

    @Test
    void reportDeliveryThroughCamelHttpUsesTheAgentsTrust() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create();
             ServerUnderTest server = server(phpipam, "server", true);
             ServerUnderTest impostor = server(phpipam, "impostor", true)) {
            // the agent's own delivery endpoint, {{scanflow.agent.reports-url}} as agent-routes/scan-cycle.yaml uses it
            Exchange delivered = deliver(server.port);
            assertEquals(null, delivered.getException(), String.valueOf(delivered.getException()));
            assertEquals(400, delivered.getMessage().getHeader(Exchange.HTTP_RESPONSE_CODE, Integer.class),
                    "the TLS handshake (with the agent's client certificate) worked and the server read the empty report");
            Exchange refused = deliver(impostor.port);
            assertTrue(refused.getException() != null, "a server with another CA's certificate is refused");
            assertTrue(rootCauses(refused.getException()).stream().anyMatch(t -> t instanceof SSLHandshakeException
                    || t instanceof java.security.cert.CertPathValidatorException), String.valueOf(refused.getException()));
        }
    }

    private static java.util.List<Throwable> rootCauses(Throwable thrown) {
        java.util.List<Throwable> chain = new java.util.ArrayList<>();
        for (Throwable t = thrown; t != null && !chain.contains(t); t = t.getCause()) {
            chain.add(t);
        }
        return chain;
    }

    private static Exchange deliver(int port) throws Exception {
        Properties settings = new Properties();
        settings.setProperty("scanflow.agent.code", CODE);
        settings.setProperty("scanflow.agent.token", AGENT_TOKEN);
        settings.setProperty("scanflow.agent.scan-on-start", "false");
        settings.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        settings.setProperty("scanflow.agent.archive.dir", dir.resolve("archive").toString());
        // a spool of its own: never the install directory's, where another run's reports could wait
        settings.setProperty("scanflow.agent.spool.dir", dir.resolve("spool").toString());
        settings.setProperty("scanflow.agent.server-url", "https://127.0.0.1:" + port);
        settings.setProperty(ClientTls.CA_FILE, ca.toString());
        settings.setProperty(ClientTls.KEY_STORE, dir.resolve("agent.p12").toString());
        settings.setProperty(ClientTls.KEY_STORE_PASSWORD, pki.password);
        try (CamelApp agent = new CamelApp()) {
            AgentRole.configure(agent, AgentSettings.from(SettingsSource.of(settings)), ServerUnderTest.HOME);
            agent.property("camel.main.name", "tls-agent");
            agent.start();
            return agent.context().createProducerTemplate().request("{{scanflow.agent.reports-url}}&throwExceptionOnFailure=false",
                    exchange -> {
                        exchange.getMessage().setHeader(Exchange.HTTP_METHOD, "POST");
                        exchange.getMessage().setHeader("Content-Type", "application/json");
                        exchange.getMessage().setHeader("Authorization", "Bearer " + AGENT_TOKEN);
                        exchange.getMessage().setBody("{}");
                    });
        }
    }
}
