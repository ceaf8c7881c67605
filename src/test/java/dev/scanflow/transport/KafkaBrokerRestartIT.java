package dev.scanflow.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The durability drill's Kafka leg: reports keep arriving in an agent's spool (one every 100 ms, as scans
 * would make them) while the broker is stopped for longer than the agent's delivery timeout and brought back
 * with its data, and then the agent itself is restarted on its spool. Every report spooled is applied exactly
 * once: prints {@code kafka broker drill: N reports spooled, N applied once, 0 lost, 0 duplicated}.
 */
class KafkaBrokerRestartIT {

    private static final String CODE = "Restart-agent-code-0123456789abX";
    private static final String TOKEN = "token-of-the-broker-drill-agent";
    private static final Cidr SUBNET = Cidr.parse("10.50.0.0/24");

    @TempDir
    Path dir;

    @Test
    void brokerStoppedAndRestartedAgentRestartedNothingLostNothingTwice() throws Exception {
        try (KafkaBroker broker = KafkaBroker.start(); TestPhpipam phpipam = TestPhpipam.create()) {
            KafkaReports.createTopics(broker, Map.of("scanflow.reports", 3, "scanflow.reports.dlt", 1,
                    "scanflow.work.site-r", 1));
            phpipam.insertSubnet(SUBNET, phpipam.insertAgent("site-r", CODE), true, true);
            Properties kafka = new Properties();
            kafka.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
            Path spoolDir = dir.resolve("spool");
            ReportSpool scans = new ReportSpool(spoolDir, 1 << 26, Clock.systemUTC());
            Set<String> spooled = new HashSet<>();
            AtomicBoolean scanning = new AtomicBoolean(true);
            Object pause = new Object();
            Thread scanner = new Thread(() -> {
                int n = 0;
                while (scanning.get()) {
                    synchronized (pause) {
                        try {
                            UUID id = UUID.randomUUID();
                            scans.store(id.toString(), KafkaReports.report(id, CODE, SUBNET, 50,
                                    List.of("10.50.0." + (1 + n % 200))));
                            spooled.add(id.toString());
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                    }
                    n++;
                    sleep(100);
                }
            }, "scans");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), kafka)) {
                CamelApp agent = agent(spoolDir, broker);
                agent.start();
                scanner.start();
                phase("normal", 3);
                broker.stop();
                phase("broker down (longer than the agent's 3 s delivery timeout)", 8);
                broker.restart();
                phase("broker back", 5);
                synchronized (pause) {
                    agent.close();
                    phase("agent stopped", 2);
                    agent = agent(spoolDir, broker);
                    agent.start();
                }
                phase("agent restarted", 4);
                scanning.set(false);
                scanner.join();
                phpipam.awaitReports(spooled.size(), Duration.ofSeconds(90));
                KafkaTransportIT.awaitEmpty(spoolDir.resolve("outbox"));
                agent.close();
            }
            List<Map<String, Object>> rows = phpipam.rows("SELECT report_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports");
            Set<String> applied = new HashSet<>();
            rows.forEach(row -> applied.add(String.valueOf(row.get("report_id"))));
            Set<String> lost = new HashSet<>(spooled);
            lost.removeAll(applied);
            Set<String> unknown = new HashSet<>(applied);
            unknown.removeAll(spooled);
            int dead = KafkaReports.readAll(broker, "scanflow.reports.dlt", 0, Duration.ofSeconds(2)).size();
            System.out.println("kafka broker drill: " + spooled.size() + " reports spooled, " + applied.size()
                    + " applied once, " + lost.size() + " lost, " + (rows.size() - applied.size()) + " duplicated, "
                    + dead + " dead letters");
            assertEquals(Set.of(), lost, "no report lost");
            assertEquals(Set.of(), unknown);
            assertEquals(applied.size(), rows.size(), "no report applied twice");
            assertEquals(0, dead, "no dead letter");
        }
    }

    private CamelApp agent(Path spoolDir, KafkaBroker broker) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", CODE);
        properties.setProperty("scanflow.agent.token", TOKEN);
        properties.setProperty("scanflow.agent.transport", "kafka");
        properties.setProperty("scanflow.agent.site", "site-r");
        properties.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
        properties.setProperty("scanflow.agent.subnets", SUBNET.toString());
        properties.setProperty("scanflow.agent.scan-on-start", "false");
        properties.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        properties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive").toString());
        properties.setProperty("scanflow.agent.spool.dir", spoolDir.toString());
        properties.setProperty("scanflow.agent.delivery.backoff-initial", "PT0.2S");
        properties.setProperty("scanflow.agent.delivery.backoff-max", "1s");
        properties.setProperty("scanflow.agent.delivery.timeout", "3s");
        CamelApp app = new CamelApp();
        AgentRole.configure(app, AgentSettings.from(SettingsSource.of(properties)), Optional.empty(), ServerUnderTest.HOME);
        app.property("camel.server.enabled", false).property("camel.main.name", "agent-site-r");
        return app;
    }

    private static void phase(String name, int seconds) {
        System.out.println("kafka broker drill phase: " + name + " for " + seconds + " s");
        sleep(seconds * 1000L);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
