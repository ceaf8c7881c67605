package dev.scanflow.transport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.testing.KafkaBroker;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two servers (separate JVMs, {@code java -jar target/scanflow.jar server}) in one consumer group share a
 * reports topic of 6 partitions; one is killed with -9 while the reports stream in. The other takes its
 * partitions over and applies what was left, including the records the dead one had applied but not yet
 * committed (found duplicates by the report id, nothing written twice). Every report is applied exactly once:
 * prints {@code kafka group drill: N reports sent, N applied once, 0 lost, 0 duplicated, ...}.
 */
class KafkaConsumerGroupIT {

    private static final String CODE = "Group-agent-code-0123456789abcdX";
    private static final String TOKEN = "token-of-the-group-drill-agent";
    private static final int SUBNETS = 12;
    private static final int PER_SUBNET = 40;
    private static final String REPORTS = "scanflow.reports";

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    @Test
    void oneOfTwoServersKilledMidStreamNothingLostNothingTwice() throws Exception {
        if (!"true".equals(System.getenv("CI"))) {
            assumeTrue(Files.exists(Path.of("target/scanflow.jar")), "needs target/scanflow.jar (package)");
        }
        List<Process> servers = new ArrayList<>();
        try (KafkaBroker broker = KafkaBroker.start(); TestPhpipam phpipam = TestPhpipam.create()) {
            KafkaReports.createTopics(broker, Map.of(REPORTS, 6, "scanflow.reports.dlt", 1));
            long agent = phpipam.insertAgent("site-group", CODE);
            List<Cidr> subnets = new ArrayList<>();
            for (int i = 0; i < SUBNETS; i++) {
                Cidr subnet = Cidr.parse("10.30." + i + ".0/24");
                subnets.add(subnet);
                phpipam.insertSubnet(subnet, agent, true, true);
            }
            Path tokens = dir.resolve("agent-tokens");
            Files.writeString(tokens, AgentTokens.hashLine(CODE, TOKEN) + "\n");
            int[] ports = {ServerUnderTest.freePort(), ServerUnderTest.freePort()};
            for (int i = 0; i < 2; i++) {
                servers.add(startServer(phpipam, broker, tokens, ports[i], i));
            }

            // the reports of 12 subnets, in order per subnet, interleaved across subnets as sites would send them
            Set<String> sent = new HashSet<>();
            int total = SUBNETS * PER_SUBNET;
            Thread producer = new Thread(() -> {
                try (KafkaProducer<String, byte[]> kafka = KafkaReports.producer(broker)) {
                    for (int n = 0; n < PER_SUBNET; n++) {
                        for (Cidr subnet : subnets) {
                            UUID id = UUID.randomUUID();
                            List<String> up = new ArrayList<>();
                            String prefix = subnet.toString().substring(0, subnet.toString().lastIndexOf('.') + 1);
                            for (int h = 1; h <= n + 1; h++) {
                                up.add(prefix + h);
                            }
                            byte[] body = KafkaReports.report(id, CODE, subnet, 60 - n, up);
                            kafka.send(KafkaReports.record(REPORTS, "site-group/" + subnet, body, "Bearer " + TOKEN)).get();
                            synchronized (sent) {
                                sent.add(id.toString());
                            }
                            Thread.sleep(5);
                        }
                    }
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
            }, "report-producer");
            producer.start();

            // mid-stream: a quarter applied, then server 0 killed with -9
            phpipam.awaitReports(total / 4, Duration.ofSeconds(120));
            servers.get(0).destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            int atKill = phpipam.rows("SELECT report_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports").size();
            System.out.println("kafka group drill: server 0 killed -9 with " + atKill + " of " + total + " applied");
            producer.join(TimeUnit.MINUTES.toMillis(3));
            assertEquals(total, sent.size(), "the test sent every report");

            phpipam.awaitReports(total, Duration.ofSeconds(180));
            Thread.sleep(2000); // anything applied twice would show by now
            List<Map<String, Object>> applied = phpipam.rows("SELECT report_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports");
            Set<String> appliedIds = new HashSet<>();
            applied.forEach(row -> appliedIds.add(String.valueOf(row.get("report_id"))));
            Set<String> lost = new HashSet<>(sent);
            lost.removeAll(appliedIds);
            int duplicated = applied.size() - appliedIds.size();
            for (Cidr subnet : subnets) {
                String prefix = subnet.toString().substring(0, subnet.toString().lastIndexOf('.') + 1);
                Set<String> expected = new java.util.TreeSet<>();
                for (int h = 1; h <= PER_SUBNET; h++) {
                    expected.add(prefix + h);
                }
                long subnetId = Long.parseLong(String.valueOf(phpipam.rows("SELECT id FROM subnets WHERE subnet = ? AND scanAgent = ?",
                        subnet.network().decimal(), agent).get(0).get("id")));
                assertEquals(expected, KafkaTransportIT.addressesIn(phpipam, subnetId), "every host of " + subnet);
            }
            long redelivered = Files.readAllLines(log(1)).stream().filter(l -> l.contains(": duplicate to subnet")).count();
            int dead = KafkaReports.readAll(broker, "scanflow.reports.dlt", 0, Duration.ofSeconds(2)).size();
            System.out.println("kafka group drill: " + total + " reports sent, " + appliedIds.size() + " applied once, "
                    + lost.size() + " lost, " + duplicated + " duplicated, " + redelivered
                    + " redelivered after the kill found applied (nothing written twice), " + dead + " dead letters");
            assertEquals(Set.of(), lost, "no report lost");
            assertEquals(0, duplicated, "no report applied twice");
            assertEquals(0, dead, "no record dead-lettered");
            assertTrue(servers.get(1).isAlive(), "the surviving server still runs");
        } finally {
            for (Process server : servers) {
                server.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
        }
    }

    private static Path log(int index) {
        return Path.of("target/kafka-group-server-" + index + ".log").toAbsolutePath();
    }

    private Process startServer(TestPhpipam phpipam, KafkaBroker broker, Path tokens, int port, int index) throws Exception {
        Properties properties = phpipam.serverProperties();
        String password = (String) properties.remove("scanflow.db.password");
        properties.setProperty("scanflow.server.host", "127.0.0.1");
        properties.setProperty("scanflow.server.port", Integer.toString(port));
        properties.setProperty("scanflow.server.tokens-file", tokens.toString());
        properties.setProperty("scanflow.kafka.brokers", broker.bootstrapServers());
        Path config = dir.resolve("server-" + index + ".properties");
        try (var out = Files.newOutputStream(config)) {
            properties.store(out, "kafka group drill");
        }
        Files.deleteIfExists(log(index));
        ProcessBuilder command = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dscanflow.home=" + ServerUnderTest.HOME,
                // a dead member's partitions move after the session timeout: 10 s instead of Kafka's 45 s
                "-Dcamel.component.kafka.sessionTimeoutMs=10000",
                "-jar", Path.of("target/scanflow.jar").toAbsolutePath().toString(), "server", "--config", config.toString())
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.appendTo(log(index).toFile()));
        command.environment().put("SCANFLOW_DB_PASSWORD", password);
        Process process = command.start();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline && process.isAlive()) {
            try {
                HttpResponse<Void> reply = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/observe/health"))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (reply.statusCode() == 200) {
                    return process;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new IllegalStateException("server " + index + " did not start; see " + log(index));
    }
}
