package dev.scanflow.agent.deliver;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.camel.health.HealthCheck;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real agent routes deliver what an earlier run left in the spool, over real HTTP to the real server: the
 * agent starts while the server is down (the backlog shows in the agent's health and metrics), the server
 * comes up, and the reports arrive oldest first, the refused one in the poison folder with the reply.
 */
class AgentDeliveryIT {

    private static final String CODE = "Spool-agent-code-0123456789abcdS";
    private static final String TOKEN = "token-of-the-spool-agent";
    private static final Cidr SUBNET = Cidr.parse("127.0.40.0/29");

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();
    private final ObjectMapper json = ReportJson.mapper();

    private byte[] report(UUID id, Instant start, String up) throws Exception {
        return json.writeValueAsBytes(new ScanReport(1, id, CODE, SUBNET.toString(), start, start.plusSeconds(2),
                List.of("nmap", "-sn", SUBNET.toString()), List.of(new ScannedHost(up, "up", null, null, List.of()))));
    }

    @Test
    void aRestartedAgentDeliversItsSpoolOldestFirstOnceTheServerIsBack() throws Exception {
        Path spoolDir = dir.resolve("spool");
        // what an earlier run of the agent left: three reports, the second one refused for good (a year ahead)
        ReportSpool earlier = new ReportSpool(spoolDir, 1 << 20, Clock.systemUTC());
        Instant start = Instant.now().minus(Duration.ofHours(1));
        List<UUID> good = new ArrayList<>();
        UUID first = UUID.randomUUID();
        earlier.store(first.toString(), report(first, start, "127.0.40.2"));
        good.add(first);
        UUID ahead = UUID.randomUUID();
        earlier.store(ahead.toString(), report(ahead, Instant.now().plus(Duration.ofDays(365)), "127.0.40.3"));
        UUID last = UUID.randomUUID();
        earlier.store(last.toString(), report(last, start.plusSeconds(60), "127.0.40.4"));
        good.add(last);

        int serverPort = ServerUnderTest.freePort();
        int managementPort = ServerUnderTest.freePort();
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", CODE);
        properties.setProperty("scanflow.agent.token", TOKEN);
        properties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + serverPort);
        properties.setProperty("scanflow.agent.subnets", SUBNET.toString());
        properties.setProperty("scanflow.agent.scan-on-start", "false");
        properties.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        properties.setProperty("scanflow.agent.management-port", Integer.toString(managementPort));
        properties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive").toString());
        properties.setProperty("scanflow.agent.spool.dir", spoolDir.toString());
        properties.setProperty("scanflow.agent.delivery.backoff-initial", "PT0.2S");
        properties.setProperty("scanflow.agent.delivery.backoff-max", "1s");
        try (TestPhpipam phpipam = TestPhpipam.create(); CamelApp agent = new CamelApp()) {
            long agentId = phpipam.insertAgent("site-spool", CODE);
            long subnetId = phpipam.insertSubnet(SUBNET, agentId, true, true);
            AgentRole.configureStandalone(agent, AgentSettings.from(SettingsSource.of(properties)), Optional.empty(), ServerUnderTest.HOME);
            agent.start();

            // the server is down: the backlog is in the agent's health and metrics, nothing leaves the spool
            HealthCheck.Result result = awaitDelivery(agent, r -> r.getState() == HealthCheck.State.DOWN
                    && r.getMessage().orElse("").startsWith("cannot deliver: no answer to the last report"));
            assertEquals(3L, result.getDetails().get("backlog_reports"), result.getDetails().toString());
            String metrics = get(managementPort, "/observe/metrics");
            assertTrue(metrics.contains("scanflow_agent_spool_reports 3.0"), metrics.lines()
                    .filter(l -> l.startsWith("scanflow_agent")).toList().toString());
            assertTrue(metrics.contains("scanflow_agent_spool_oldest_age_seconds"));
            assertTrue(metrics.contains("scanflow_agent_spool_bytes"));
            assertEquals(3, new ReportSpool(spoolDir, 1 << 20, Clock.systemUTC()).waiting().size());

            try (ServerUnderTest server = startOn(phpipam, serverPort)) {
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (countIn(spoolDir.resolve("outbox")) > 0 && System.nanoTime() < deadline) {
                    Thread.sleep(100);
                }
                assertEquals(0, countIn(spoolDir.resolve("outbox")), "the spool drained");
                List<Map<String, Object>> applied = phpipam.rows("SELECT report_id FROM " + phpipam.scanflowSchema
                        + ".ingested_reports WHERE agent_id = ? ORDER BY received_at, scan_start", agentId);
                assertEquals(good.stream().map(UUID::toString).toList(), applied.stream().map(r -> r.get("report_id")).toList(),
                        "applied once each, oldest first");
                List<Path> poisoned;
                try (Stream<Path> files = Files.list(spoolDir.resolve("poison"))) {
                    poisoned = files.sorted().toList();
                }
                assertEquals(2, poisoned.size(), poisoned.toString());
                assertTrue(poisoned.get(0).getFileName().toString().endsWith(ahead + ".json"));
                String reply = Files.readString(poisoned.get(1), StandardCharsets.UTF_8);
                assertTrue(reply.startsWith("HTTP 400\n") && reply.contains("scanStart"), reply);
                assertEquals(2, phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ?", subnetId).size());
                assertTrue(get(managementPort, "/observe/metrics").contains("scanflow_agent_reports_poisoned_total 1.0"));
            }
        }
    }

    @Test
    void aFullSpoolSkipsScansKeepsEveryReportAndSaysSo() throws Exception {
        Path spoolDir = dir.resolve("spool");
        ReportSpool earlier = new ReportSpool(spoolDir, 1 << 20, Clock.systemUTC());
        // five reports of about 330 bytes: more than the limit of 1024 bytes below
        for (int i = 0; i < 5; i++) {
            UUID id = UUID.randomUUID();
            earlier.store(id.toString(), report(id, Instant.now().minusSeconds(600 - i), "127.0.40.2"));
        }
        int managementPort = ServerUnderTest.freePort();
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", CODE);
        properties.setProperty("scanflow.agent.token", TOKEN);
        // nothing listens there: the reports cannot leave
        properties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + ServerUnderTest.freePort());
        properties.setProperty("scanflow.agent.subnets", SUBNET.toString());
        properties.setProperty("scanflow.agent.scan-on-start", "true");
        properties.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        properties.setProperty("scanflow.agent.management-port", Integer.toString(managementPort));
        properties.setProperty("scanflow.agent.archive.dir", dir.resolve("archive").toString());
        properties.setProperty("scanflow.agent.spool.dir", spoolDir.toString());
        properties.setProperty("scanflow.agent.spool.max-bytes", "1024");
        try (CamelApp agent = new CamelApp()) {
            AgentRole.configureStandalone(agent, AgentSettings.from(SettingsSource.of(properties)), Optional.empty(), ServerUnderTest.HOME);
            agent.start();
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            String metrics = "";
            while (!metrics.contains("scanflow_agent_scans_skipped_total 1.0") && System.nanoTime() < deadline) {
                Thread.sleep(200);
                metrics = get(managementPort, "/observe/metrics");
            }
            assertTrue(metrics.contains("scanflow_agent_scans_skipped_total 1.0"), metrics.lines()
                    .filter(l -> l.startsWith("scanflow_agent")).toList().toString());
            HealthCheck.Result health = awaitDelivery(agent, r -> r.getState() == HealthCheck.State.DOWN
                    && r.getMessage().orElse("").startsWith("spool full"));
            assertEquals(5L, health.getDetails().get("backlog_reports"), health.getDetails().toString());
            HttpResponse<String> overall = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + managementPort + "/observe/health")).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
            assertTrue(overall.body().contains("DOWN"), "the agent's health says so: " + overall.statusCode() + " " + overall.body());
            assertEquals(5, new ReportSpool(spoolDir, 1 << 20, Clock.systemUTC()).waiting().size(), "nothing deleted");
            assertEquals(0, countIn(dir.resolve("archive")), "no scan ran");
        }
    }

    private static ServerUnderTest startOn(TestPhpipam phpipam, int port) {
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.port", Integer.toString(port));
        return ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), extra);
    }

    private String get(int port, String path) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).GET().build(),
                HttpResponse.BodyHandlers.ofString()).body();
    }

    private static long countIn(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.count();
        }
    }

    /** The agent's one delivery check ("delivery", answered from memory every second) once it says what is expected. */
    private static HealthCheck.Result awaitDelivery(CamelApp agent, java.util.function.Predicate<HealthCheck.Result> expected)
            throws InterruptedException {
        HealthCheck check = org.apache.camel.health.HealthCheckRegistry.get(agent.context())
                .getCheck("delivery").map(HealthCheck.class::cast)
                .orElseThrow(() -> new AssertionError("the delivery health check is registered"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        HealthCheck.Result result = check.call();
        while (!expected.test(result) && System.nanoTime() < deadline) {
            Thread.sleep(200);
            result = check.call();
        }
        assertTrue(expected.test(result), result.getState() + " " + result.getMessage() + " " + result.getDetails());
        return result;
    }
}
