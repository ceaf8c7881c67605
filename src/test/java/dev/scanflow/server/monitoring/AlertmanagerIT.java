package dev.scanflow.server.monitoring;

import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scanflow.agent.CapturedLogs;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;

/**
 * ScanFlow's alerts reach a real Alertmanager (Debian's prometheus-alertmanager, on loopback, clustering off):
 * a scan opens two critical port alerts, Alertmanager's /api/v2/alerts shows them with the labels it routes and
 * silences by, groups them into one notification to a webhook receiver, keeps them active while ScanFlow resends
 * them, and resolves the one a person resolves in ScanFlow. A second, dead Alertmanager in the list costs one
 * log line per attempt and delays nothing.
 */
class AlertmanagerIT {

    private static final String TOKEN = "operator-token-" + UUID.randomUUID();
    private static final String AGENT_TOKEN = "agent-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = ReportJson.mapper();
    private static final Cidr SUBNET = Cidr.parse("127.0.0.0/29");
    private final HttpClient http = HttpClient.newHttpClient();

    @Test
    void alertsReachAlertmanagerWithRoutableLabelsStayWhileResentAndResolveThere() throws Exception {
        Path directory = Files.createTempDirectory("scanflow-alertmanager-");
        List<JsonNode> notifications = Collections.synchronizedList(new ArrayList<>());
        HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/hook", exchange -> {
            notifications.add(JSON.readTree(exchange.getRequestBody().readAllBytes()));
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        receiver.start();
        String config = """
                route:
                  receiver: scanflow-test
                  group_by: [alertname, site, subnet]
                  group_wait: 1s
                  group_interval: 1s
                  repeat_interval: 1h
                receivers:
                  - name: scanflow-test
                    webhook_configs:
                      - url: http://127.0.0.1:%d/hook
                        send_resolved: true
                """.formatted(receiver.getAddress().getPort());
        int dead = ServerUnderTest.freePort();
        TestPhpipam phpipam = TestPhpipam.create();
        long agent = phpipam.insertAgent("site-a", Reports.AGENT);
        long subnetId = phpipam.insertSubnet(SUBNET, agent, true, true);
        try (PrometheusProcess alertmanager = PrometheusProcess.alertmanager(directory, config);
             CapturedLogs logs = new CapturedLogs()) {
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", TOKEN);
            extra.setProperty("scanflow.alertmanager.urls", "http://127.0.0.1:" + dead + ",http://127.0.0.1:" + alertmanager.port + "/");
            extra.setProperty("scanflow.alertmanager.resend-interval", "2s");
            extra.setProperty("scanflow.alertmanager.external-url", "https://scanflow.example.net:8080/");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(Reports.AGENT, AGENT_TOKEN), extra)) {
                // the shipped config/alert-rules.yaml: telnet (23) and rdp (3389) are critical
                Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(120);
                byte[] report = JSON.writeValueAsBytes(v2(SUBNET.toString()).liveness(SUBNET.toString())
                        .probe("tcp", "22,23,3389", SUBNET.toString()).startingAt(start)
                        .host(up("127.0.0.2").open("tcp", 23)).host(up("127.0.0.3").open("tcp", 3389)).build());
                assertEquals(202, server.post("/api/v1/reports", report, "Bearer " + AGENT_TOKEN).status());
                JsonNode scanflowAlerts = scanflow(server, "/api/v1/alerts?status=open").get("items");
                assertEquals(2, scanflowAlerts.size(), scanflowAlerts.toString());
                Map<String, JsonNode> byAddress = new TreeMap<>();
                scanflowAlerts.forEach(a -> byAddress.put(a.get("address").asText(), a));
                long telnet = byAddress.get("127.0.0.2").get("id").asLong();
                long rdp = byAddress.get("127.0.0.3").get("id").asLong();

                List<JsonNode> active = await(alertmanager, alerts -> alerts.size() == 2, Duration.ofSeconds(30));
                Map<String, JsonNode> received = new TreeMap<>();
                active.forEach(a -> received.put(a.get("labels").get("address").asText(), a));
                assertEquals(Map.of("alertname", "ScanflowPortOpen", "severity", "critical", "site", "site-a",
                        "subnet", "127.0.0.0/29", "subnet_id", Long.toString(subnetId), "address", "127.0.0.2",
                        "protocol", "tcp", "port", "23", "scanflow_alert_id", Long.toString(telnet)), labels(received.get("127.0.0.2")));
                assertEquals(Map.of("alertname", "ScanflowPortOpen", "severity", "critical", "site", "site-a",
                        "subnet", "127.0.0.0/29", "subnet_id", Long.toString(subnetId), "address", "127.0.0.3",
                        "protocol", "tcp", "port", "3389", "scanflow_alert_id", Long.toString(rdp)), labels(received.get("127.0.0.3")));
                JsonNode telnetAlert = received.get("127.0.0.2");
                assertEquals("active", telnetAlert.get("status").get("state").asText());
                assertEquals(byAddress.get("127.0.0.2").get("message").asText(), telnetAlert.get("annotations").get("summary").asText());
                assertEquals("open", telnetAlert.get("annotations").get("status").asText());
                assertEquals("https://scanflow.example.net:8080/api/v1/alerts/" + telnet, telnetAlert.get("generatorURL").asText());
                assertEquals(Instant.parse(byAddress.get("127.0.0.2").get("openedAt").asText()),
                        Instant.parse(telnetAlert.get("startsAt").asText()));

                // one notification for the group (alertname, site, subnet) holding both
                JsonNode firing = awaitNotification(notifications, n -> "firing".equals(n.get("status").asText())
                        && n.get("alerts").size() == 2, Duration.ofSeconds(30));
                assertEquals(Map.of("alertname", "ScanflowPortOpen", "site", "site-a", "subnet", "127.0.0.0/29"),
                        JSON.convertValue(firing.get("groupLabels"), Map.class));

                // resent while active: four resend intervals (8 s) later it is still active, its endsAt moved on
                Instant firstEnd = Instant.parse(telnetAlert.get("endsAt").asText());
                Thread.sleep(10_000);
                List<JsonNode> later = await(alertmanager, alerts -> alerts.size() == 2, Duration.ofSeconds(5));
                later.forEach(a -> assertTrue(Instant.parse(a.get("endsAt").asText()).isAfter(firstEnd.plusSeconds(5)),
                        "endsAt moves on with each resend: " + a));

                // a person resolves the telnet alert in ScanFlow: Alertmanager resolves it, the rdp alert stays
                HttpResponse<String> resolved = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port
                                + "/api/v1/alerts/" + telnet + "/resolve")).header("Authorization", "Bearer " + TOKEN)
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{\"by\":\"alice\",\"note\":\"telnet removed\"}")).build(),
                        HttpResponse.BodyHandlers.ofString());
                assertEquals(200, resolved.statusCode(), resolved.body());
                List<JsonNode> remaining = await(alertmanager, alerts -> alerts.size() == 1, Duration.ofSeconds(15));
                assertEquals("127.0.0.3", remaining.get(0).get("labels").get("address").asText());
                JsonNode resolvedNote = awaitNotification(notifications, n -> hasAlert(n, "23", "resolved"), Duration.ofSeconds(30));
                assertTrue(hasAlert(resolvedNote, "3389", "firing"), "the group still holds the rdp alert: " + resolvedNote);

                // the dead Alertmanager: one WARN line per attempt, naming it; the live one got everything
                List<String> failures = logs.matching("WARN", "Alertmanager http://127.0.0.1:" + dead, "not accepted");
                assertFalse(failures.isEmpty(), "the dead Alertmanager is logged");
                failures.forEach(line -> assertFalse(line.contains("\n"), "one line: " + line));
                assertTrue(logs.matching("Alertmanager http://127.0.0.1:" + alertmanager.port, "not accepted").isEmpty(),
                        String.join("\n", logs.lines()));
            }
        } finally {
            receiver.stop(0);
            phpipam.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, String> labels(JsonNode alert) {
        return JSON.convertValue(alert.get("labels"), Map.class);
    }

    private static boolean hasAlert(JsonNode notification, String port, String status) {
        for (JsonNode alert : notification.get("alerts")) {
            if (port.equals(alert.get("labels").path("port").asText()) && status.equals(alert.get("status").asText())) {
                return true;
            }
        }
        return false;
    }

    private JsonNode scanflow(ServerUnderTest server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return JSON.readTree(response.body());
    }

    /** Alertmanager's alerts that are not resolved (GET /api/v2/alerts lists no alert whose endsAt has passed). */
    private static List<JsonNode> await(PrometheusProcess alertmanager, Predicate<List<JsonNode>> done, Duration within)
            throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        List<JsonNode> alerts = List.of();
        while (System.nanoTime() < deadline) {
            alerts = new ArrayList<>();
            alertmanager.json("/api/v2/alerts").forEach(alerts::add);
            if (done.test(alerts)) {
                return alerts;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Alertmanager's alerts never became as expected: " + alerts + "\n" + alertmanager.logText());
    }

    private static JsonNode awaitNotification(List<JsonNode> notifications, Predicate<JsonNode> wanted, Duration within)
            throws InterruptedException {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            synchronized (notifications) {
                for (JsonNode notification : notifications) {
                    if (wanted.test(notification)) {
                        return notification;
                    }
                }
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no such notification among " + notifications);
    }
}
