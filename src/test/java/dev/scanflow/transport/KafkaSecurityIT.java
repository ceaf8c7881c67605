package dev.scanflow.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.KafkaSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.KafkaAccessCheck;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import dev.scanflow.tls.TestPki;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Reports over a real in-process KRaft broker with security switched on, through ScanFlow's own settings
 * (scanflow.kafka.security-protocol, sasl-*, ssl-*) and with every secret from the environment or a _FILE:
 * site a's agent logs in with SCRAM-SHA-512 over TLS (its user created at test time through the broker's admin
 * API), site b's agent with a client certificate (mutual TLS, certificates made at test time), the server
 * consumes with its own SCRAM user; both sites' reports land in phpIPAM. A wrong SCRAM password and a
 * certificate of another CA are refused at start with one line naming the key, and the real launcher exits 2
 * after one try, not a login retried every second.
 */
class KafkaSecurityIT {

    private static final String CODE_A = "Scram-agent-code-0123456789abcdX";
    private static final String CODE_B = "Mtls-agent-code-0123456789abcdeY";
    private static final String TOKEN_A = "token-of-the-scram-agent";
    private static final String TOKEN_B = "token-of-the-mtls-agent";
    private static final Cidr RANGE_A = Cidr.parse("10.30.1.0/24");
    private static final Cidr RANGE_B = Cidr.parse("10.30.2.0/24");
    private static final String SCRAM = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"%s\" password=\"%s\";";

    @TempDir
    Path dir;

    @Test
    void scramOverTlsAndMutualTlsCarryReportsAndWrongCredentialsStopTheStartInOneLine() throws Exception {
        TestPki pki = new TestPki(Files.createDirectories(dir.resolve("pki")));
        Path ca = pki.authority("kafka-ca");
        Path brokerStore = pki.signed("broker", "kafka-ca", "ip:127.0.0.1,dns:localhost", "serverAuth", null);
        Path siteBStore = pki.signed("site-b", "kafka-ca", null, "clientAuth", null);
        Path trustStore = pki.trustStore("kafka-trust", "kafka-ca");
        pki.authority("rogue-ca");
        Path rogueStore = pki.signed("site-x", "rogue-ca", null, "clientAuth", null);
        String sitePassword = UUID.randomUUID().toString();
        String serverPassword = UUID.randomUUID().toString();

        try (KafkaBroker broker = KafkaBroker.startSecured(brokerStore, pki.password, ca, UUID.randomUUID().toString());
             TestPhpipam phpipam = TestPhpipam.create()) {
            // the sites' and the servers' SCRAM users, made through the broker's admin API
            try (Admin admin = Admin.create(broker.clientProperties())) {
                admin.alterUserScramCredentials(List.of(
                        new UserScramCredentialUpsertion("site-a", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), sitePassword),
                        new UserScramCredentialUpsertion("scanflow-server", new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), serverPassword)))
                        .all().get(30, TimeUnit.SECONDS);
            }
            KafkaReports.createTopics(broker, Map.of("scanflow.reports", 2, "scanflow.reports.dlt", 1,
                    "scanflow.work.site-a", 1, "scanflow.work.site-b", 1));
            eventClusterReadinessAsksWithTheEndpointsOwnSecurity(broker);
            long subnetA = phpipam.insertSubnet(RANGE_A, phpipam.insertAgent("site-a", CODE_A), true, true);
            long subnetB = phpipam.insertSubnet(RANGE_B, phpipam.insertAgent("site-b", CODE_B), true, true);
            spool(dir.resolve("spool-a"), CODE_A, RANGE_A);
            spool(dir.resolve("spool-b"), CODE_B, RANGE_B);

            // SCRAM over TLS: the JAAS line and the trust store's password from files named by the environment
            Map<String, String> siteAEnv = Map.of(
                    "SCANFLOW_KAFKA_SASL_JAAS_CONFIG_FILE", secret("jaas-site-a", SCRAM.formatted("site-a", sitePassword)).toString(),
                    "SCANFLOW_KAFKA_SSL_TRUSTSTORE_PASSWORD_FILE", secret("trust-a", pki.password).toString(),
                    "SCANFLOW_AGENT_TOKEN", TOKEN_A);
            // mutual TLS: the key store's passwords straight from the environment
            Map<String, String> siteBEnv = Map.of(
                    "SCANFLOW_KAFKA_SSL_KEYSTORE_PASSWORD", pki.password,
                    "SCANFLOW_KAFKA_SSL_KEY_PASSWORD", pki.password,
                    "SCANFLOW_KAFKA_SSL_TRUSTSTORE_PASSWORD", pki.password,
                    "SCANFLOW_AGENT_TOKEN", TOKEN_B);
            Properties siteA = agentProperties("site-a", CODE_A, RANGE_A, dir.resolve("spool-a"));
            scramOverTls(siteA, broker, trustStore);
            Properties siteB = agentProperties("site-b", CODE_B, RANGE_B, dir.resolve("spool-b"));
            siteB.setProperty("scanflow.kafka.brokers", broker.sslBootstrapServers());
            siteB.setProperty("scanflow.kafka.security-protocol", "SSL");
            siteB.setProperty("scanflow.kafka.ssl-keystore-location", siteBStore.toString());
            siteB.setProperty("scanflow.kafka.ssl-keystore-type", "PKCS12");
            siteB.setProperty("scanflow.kafka.ssl-truststore-location", trustStore.toString());
            siteB.setProperty("scanflow.kafka.ssl-truststore-type", "PKCS12");

            Properties server = phpipam.serverProperties();
            server.setProperty("scanflow.server.host", "127.0.0.1");
            server.setProperty("scanflow.server.port", Integer.toString(ServerUnderTest.freePort()));
            scramOverTls(server, broker, trustStore);
            Map<String, String> serverEnv = Map.of(
                    "SCANFLOW_KAFKA_SASL_JAAS_CONFIG", SCRAM.formatted("scanflow-server", serverPassword),
                    "SCANFLOW_KAFKA_SSL_TRUSTSTORE_PASSWORD", pki.password);

            ServerSettings serverSettings = ServerSettings.from(new SettingsSource(server, serverEnv, new Properties()), ServerUnderTest.HOME);
            AgentSettings siteASettings = AgentSettings.from(new SettingsSource(siteA, siteAEnv, new Properties()));
            AgentSettings siteBSettings = AgentSettings.from(new SettingsSource(siteB, siteBEnv, new Properties()));
            // the start-up check passes for all three
            KafkaAccessCheck.require(serverSettings.kafka().orElseThrow(), Duration.ofSeconds(10));
            KafkaAccessCheck.require(siteASettings.transport().kafka().orElseThrow(), Duration.ofSeconds(10));
            KafkaAccessCheck.require(siteBSettings.transport().kafka().orElseThrow(), Duration.ofSeconds(10));

            try (CamelApp serverApp = new CamelApp(); CamelApp agentA = agent(siteASettings, "site-a");
                 CamelApp agentB = agent(siteBSettings, "site-b")) {
                ServerRole.configure(serverApp, serverSettings, AgentTokens.ofPlainTokens(Map.of(CODE_A, TOKEN_A, CODE_B, TOKEN_B)),
                        ServerUnderTest.HOME);
                serverApp.start();
                agentA.start();
                agentB.start();
                phpipam.awaitReports(6, Duration.ofSeconds(90));
                KafkaTransportIT.awaitEmpty(dir.resolve("spool-a/outbox"));
                KafkaTransportIT.awaitEmpty(dir.resolve("spool-b/outbox"));
            }
            assertEquals(java.util.Set.of("10.30.1.5", "10.30.1.10", "10.30.1.11", "10.30.1.12"),
                    KafkaTransportIT.addressesIn(phpipam, subnetA));
            assertEquals(java.util.Set.of("10.30.2.5", "10.30.2.10", "10.30.2.11", "10.30.2.12"),
                    KafkaTransportIT.addressesIn(phpipam, subnetB));
            assertEquals(0, KafkaReports.readAll(broker, "scanflow.reports.dlt", 0, Duration.ofSeconds(2)).size());

            // a wrong SCRAM password: one line naming the key and what the broker said, never the password
            String wrong = "not-" + sitePassword;
            Map<String, String> wrongEnv = new HashMap<>(siteAEnv);
            wrongEnv.put("SCANFLOW_KAFKA_SASL_JAAS_CONFIG_FILE", secret("jaas-wrong", SCRAM.formatted("site-a", wrong)).toString());
            KafkaSettings wrongKafka = AgentSettings.from(new SettingsSource(siteA, wrongEnv, new Properties())).transport().kafka().orElseThrow();
            long started = System.nanoTime();
            InvalidSettings refused = assertThrows(InvalidSettings.class, () -> KafkaAccessCheck.require(wrongKafka, Duration.ofSeconds(10)));
            assertTrue(System.nanoTime() - started < TimeUnit.SECONDS.toNanos(8), "refused at once, not after the timeout");
            assertTrue(refused.getMessage().startsWith("scanflow.kafka.sasl-jaas-config: the Kafka cluster at " + broker.bootstrapServers()
                    + " refused this client's login"), refused.getMessage());
            assertTrue(refused.getMessage().contains("invalid credentials with SASL mechanism SCRAM-SHA-512"), refused.getMessage());
            assertFalse(refused.getMessage().contains("\n") || refused.getMessage().contains(wrong), refused.getMessage());

            // a client certificate of another CA on the mutual TLS listener
            Map<String, String> rogueEnv = new HashMap<>(siteBEnv);
            Properties rogue = new Properties();
            rogue.putAll(siteB);
            rogue.setProperty("scanflow.kafka.ssl-keystore-location", rogueStore.toString());
            KafkaSettings rogueKafka = AgentSettings.from(new SettingsSource(rogue, rogueEnv, new Properties())).transport().kafka().orElseThrow();
            InvalidSettings handshake = assertThrows(InvalidSettings.class, () -> KafkaAccessCheck.require(rogueKafka, Duration.ofSeconds(10)));
            assertTrue(handshake.getMessage().startsWith("scanflow.kafka.ssl-truststore-location / ssl-keystore-location: the TLS"
                    + " handshake with the Kafka cluster at " + broker.sslBootstrapServers() + " failed ("), handshake.getMessage());
            assertFalse(handshake.getMessage().contains("\n"), handshake.getMessage());
            System.out.println("kafka security: wrong SCRAM password: " + refused.getMessage());
            System.out.println("kafka security: certificate of another CA: " + handshake.getMessage());

            // the real launcher with the wrong password: exit 2, one line on stderr, one login tried
            launcherRefusesWrongPassword(siteA, wrongEnv);
        }
    }

    /**
     * The server's readiness check of a Kafka event endpoint logs in as that endpoint's producer does: the
     * camel-kafka options of the URI (securityProtocol, saslJaasConfig, sslTruststoreLocation ...) in Kafka's
     * names. Without them the secured cluster does not answer it.
     */
    private static void eventClusterReadinessAsksWithTheEndpointsOwnSecurity(KafkaBroker broker) throws Exception {
        StringBuilder uri = new StringBuilder("kafka:scanflow-events?brokers=" + broker.bootstrapServers());
        broker.clientProperties().forEach((key, value) -> {
            if (!key.equals("bootstrap.servers")) {
                String[] parts = key.toString().split("\\.");
                StringBuilder camel = new StringBuilder(parts[0]);
                for (int i = 1; i < parts.length; i++) {
                    camel.append(Character.toUpperCase(parts[i].charAt(0))).append(parts[i].substring(1));
                }
                uri.append('&').append(camel).append("=RAW(").append(value).append(')');
            }
        });
        List<dev.scanflow.health.KafkaBrokerReadiness.Cluster> clusters =
                dev.scanflow.health.KafkaBrokerReadiness.clustersOf(List.of("bean:eventStream?method=publish", uri.toString()));
        assertEquals(1, clusters.size(), clusters.toString());
        assertEquals("SASL_SSL", clusters.get(0).security().getProperty("security.protocol"));
        try (var secured = new dev.scanflow.health.KafkaBrokerReadiness("kafka", clusters.get(0), java.time.Duration.ofSeconds(10));
             var anonymous = new dev.scanflow.health.KafkaBrokerReadiness("kafka", broker.bootstrapServers(), java.time.Duration.ofSeconds(3))) {
            var answer = secured.check();
            assertTrue(answer.up(), answer.message());
            assertFalse(anonymous.check().up(), "a plain client gets no answer from the SASL_SSL listener");
        }
    }

    private void launcherRefusesWrongPassword(Properties siteA, Map<String, String> wrongEnv) throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(Files.exists(Path.of("target/scanflow.jar")), "needs target/scanflow.jar (package)");
        }
        Path config = dir.resolve("agent-wrong.properties");
        try (var out = Files.newOutputStream(config)) {
            siteA.store(out, null);
        }
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dscanflow.home=" + ServerUnderTest.HOME,
                "-jar", Path.of("target/scanflow.jar").toAbsolutePath().toString(), "agent", "--config", config.toString())
                .redirectOutput(dir.resolve("launcher.out").toFile()).redirectError(dir.resolve("launcher.err").toFile());
        command.environment().keySet().removeIf(name -> name.startsWith("SCANFLOW_"));
        command.environment().putAll(wrongEnv);
        Process process = command.start();
        boolean stopped = process.waitFor(60, TimeUnit.SECONDS);
        process.destroyForcibly();
        assertTrue(stopped, "the launcher stops by itself");
        List<String> err = Files.readAllLines(dir.resolve("launcher.err"));
        String out = Files.readString(dir.resolve("launcher.out"));
        assertEquals(2, process.exitValue(), err + "\n" + out);
        assertEquals(1, err.size(), err.toString());
        assertTrue(err.get(0).startsWith("scanflow: scanflow.kafka.sasl-jaas-config: the Kafka cluster at "), err.get(0));
        // the Kafka client's own log: the one refused login, not a login retried every second
        long failedLogins = out.lines().filter(line -> line.contains("failed authentication")).count();
        assertTrue(failedLogins <= 2, "failed logins logged: " + failedLogins + "\n" + out);
        assertFalse(out.contains("Started report-delivery-kafka"), "no route started");
        System.out.println("kafka security: launcher exit " + process.exitValue() + ", stderr: " + err.get(0)
                + " (failed logins in its log: " + failedLogins + ")");
    }

    private static void scramOverTls(Properties properties, KafkaBroker broker, Path trustStore) {
        properties.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
        properties.setProperty("scanflow.kafka.security-protocol", "SASL_SSL");
        properties.setProperty("scanflow.kafka.sasl-mechanism", "SCRAM-SHA-512");
        properties.setProperty("scanflow.kafka.ssl-truststore-location", trustStore.toString());
        properties.setProperty("scanflow.kafka.ssl-truststore-type", "PKCS12");
    }

    /** A secret file only its owner can read, as Secrets requires. */
    private Path secret(String name, String value) throws Exception {
        Path file = dir.resolve(name);
        Files.writeString(file, value, StandardCharsets.UTF_8);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        return file;
    }

    /** Three reports in the spool, oldest first: host .5 always up, and one more each time from .10. */
    private static void spool(Path spoolDir, String code, Cidr range) throws Exception {
        ReportSpool spool = new ReportSpool(spoolDir, 1 << 24, Clock.systemUTC());
        String prefix = range.toString().substring(0, range.toString().lastIndexOf('.') + 1);
        List<String> up = new ArrayList<>(List.of(prefix + "5"));
        for (int i = 0; i < 3; i++) {
            up.add(prefix + (10 + i));
            UUID id = UUID.randomUUID();
            spool.store(id.toString(), KafkaReports.report(id, code, range, 20 - i, up));
        }
    }

    private Properties agentProperties(String site, String code, Cidr range, Path spoolDir) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", code);
        properties.setProperty("scanflow.agent.transport", "kafka");
        properties.setProperty("scanflow.agent.site", site);
        properties.setProperty("scanflow.agent.subnets", range.toString());
        properties.setProperty("scanflow.agent.scan-on-start", "false");
        properties.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        properties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive-" + site).toString());
        properties.setProperty("scanflow.agent.spool.dir", spoolDir.toString());
        properties.setProperty("scanflow.agent.management-port", Integer.toString(ServerUnderTest.freePort()));
        properties.setProperty("scanflow.agent.delivery.backoff-initial", "PT0.2S");
        properties.setProperty("scanflow.agent.delivery.backoff-max", "2s");
        properties.setProperty("scanflow.agent.delivery.timeout", "10s");
        return properties;
    }

    private static CamelApp agent(AgentSettings settings, String site) {
        CamelApp app = new CamelApp();
        AgentRole.configure(app, settings, Optional.empty(), ServerUnderTest.HOME);
        app.property("camel.server.enabled", false).property("camel.main.name", "agent-" + site);
        return app;
    }
}
