package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole server with traffic tests configured for three lab hosts (real sshd, real iperf3): a run asked for
 * over the API (202, then its stored row), a scheduled run, the list with filters, metrics per pair, and the
 * refusals. Traffic only between the hosts of the lab this test made.
 */
class TrafficTestsServerLabIT {

    private static final String TOKEN = "traffic-operator-token-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void aRunAskedForOverTheApiAndAScheduledRunAreStoredWithTheirFigures() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.SSHD, LabNetwork.Tool.SSH_KEYGEN, LabNetwork.Tool.IPERF3);
        try (LabNetwork lab = LabNetwork.create(3); TestPhpipam phpipam = TestPhpipam.create()) {
            Path key = dir.resolve("id_ecdsa");
            LabNetwork.exec(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", key.toString()), Duration.ofSeconds(20)).orThrow();
            List<String> login = List.of("-o", "AuthorizedKeysFile=" + dir.resolve("id_ecdsa.pub"), "-o", "StrictModes=no");
            StringBuilder knownHosts = new StringBuilder();
            for (LabHost h : lab.hosts()) {
                lab.startSshd(h, h.ipv4(), 22, login);
                String line = LabNetwork.exec(List.of("ssh-keyscan", "-t", "ed25519", h.ipv4()), Duration.ofSeconds(20))
                        .orThrow().stdout().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
                knownHosts.append(line).append('\n');
            }
            Files.writeString(dir.resolve("known_hosts"), knownHosts);
            LabHost h11 = lab.host(0);
            LabHost h12 = lab.host(1);
            LabHost h13 = lab.host(2);
            Path config = dir.resolve("traffic-tests.yaml");
            Files.writeString(config, String.join("\n",
                    "knownHosts: " + dir.resolve("known_hosts"),
                    "ports: 15301-15305",
                    "sshTimeout: 5s",
                    "hosts:",
                    host("h11", h11, key), host("h12", h12, key), host("h13", h13, key),
                    "tests:",
                    "  - name: h11-to-h12",
                    "    client: h11",
                    "    server: h12",
                    "    duration: 2s",
                    "    thresholds:",
                    "      minThroughput: 1M",
                    "  - name: h13-to-h12-voice",
                    "    client: h13",
                    "    server: h12",
                    "    protocol: udp",
                    "    duration: 1s",
                    "    bandwidth: 2M",
                    "    schedule: \"0/4 * * * * ?\"",
                    "    thresholds:",
                    "      maxLoss: 1",
                    ""), StandardCharsets.UTF_8);
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", TOKEN);
            extra.setProperty("scanflow.traffic.tests-file", config.toString());
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(), extra)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port;

                HttpResponse<String> accepted = post(http, base, "{\"name\":\"h11-to-h12\"}", TOKEN);
                assertEquals(202, accepted.statusCode(), accepted.body());
                String id = JSON.readTree(accepted.body()).get("id").asText();
                assertEquals("/api/v1/traffic-tests/" + id, JSON.readTree(accepted.body()).get("location").asText());

                JsonNode run = awaitFinished(http, base, id);
                System.out.println("TRAFFIC-RUN " + run.toPrettyString()); // the README shows a run like this one
                assertEquals("passed", run.get("status").asText(), run.toString());
                assertEquals("h11-to-h12", run.get("name").asText());
                assertEquals("tcp", run.get("protocol").asText());
                assertEquals("operator", run.get("requested_by").asText());
                assertEquals(h11.ipv4() + ":22", run.get("client_host").asText());
                assertTrue(run.get("received_bps").asDouble() > 100e6, run.toString());
                assertTrue(run.get("retransmits").isNumber(), run.toString());
                assertTrue(run.get("jitter_ms").isNull(), run.toString());
                assertTrue(run.get("cleaned_up").asBoolean(), run.toString());
                assertTrue(run.get("failure").isNull(), run.toString());

                // the database row itself
                List<Map<String, Object>> rows = phpipam.rows("SELECT status, requested_by, server_port FROM "
                        + phpipam.scanflowSchema + ".traffic_tests WHERE test_id = ?", id);
                assertEquals(1, rows.size());
                assertEquals("passed", rows.get(0).get("status"));

                // the schedule runs the UDP test by itself
                JsonNode scheduled = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
                while (scheduled == null && System.nanoTime() < deadline) {
                    JsonNode page = JSON.readTree(get(http, base, "/api/v1/traffic-tests?name=h13-to-h12-voice&status=passed", TOKEN).body());
                    if (page.get("items").size() > 0) {
                        scheduled = page.get("items").get(0);
                    }
                    Thread.sleep(500);
                }
                assertTrue(scheduled != null, "a scheduled run passed");
                assertEquals("schedule", scheduled.get("requested_by").asText());
                assertTrue(scheduled.get("lost_percent").isNumber() && scheduled.get("jitter_ms").isNumber(), scheduled.toString());

                // paging: one per page, newest first, the cursor leads on
                JsonNode first = JSON.readTree(get(http, base, "/api/v1/traffic-tests?limit=1", TOKEN).body());
                assertEquals(1, first.get("items").size());
                JsonNode second = JSON.readTree(get(http, base, "/api/v1/traffic-tests?limit=1&cursor="
                        + first.get("next").asText(), TOKEN).body());
                assertEquals(1, second.get("items").size());
                assertTrue(!first.get("items").get(0).get("test_id").equals(second.get("items").get(0).get("test_id")));

                // metrics per pair
                String metrics = get(http, base, "/observe/metrics", null).body();
                assertTrue(metrics.contains("scanflow_traffic_received_bps{pair=\"h11-to-h12\"}"), "metrics name the pair");
                // every traffic metric config/prometheus/rules/ uses is in this scrape (MetricsScrapeIT leaves them here)
                for (String name : dev.scanflow.operations.MetricsScrapeIT.usedMetricNames()) {
                    if (name.startsWith("scanflow_traffic_")) {
                        assertTrue(metrics.contains("\n" + name + "{"), name + " is used by the rules but not served");
                    }
                }

                // refusals
                assertEquals(401, post(http, base, "{\"name\":\"h11-to-h12\"}", null).statusCode());
                assertEquals(404, post(http, base, "{\"name\":\"nope\"}", TOKEN).statusCode());
                HttpResponse<String> bad = post(http, base, "{\"name\":\"x\",\"client\":\"h11\",\"server\":\"elsewhere\"}", TOKEN);
                assertEquals(400, bad.statusCode(), bad.body());
                assertTrue(bad.body().contains("server names no host"), bad.body());
                assertEquals(400, post(http, base, "{\"name\":\"x\",\"client\":\"h11\",\"server\":\"h12\",\"duration\":\"1s;reboot\"}", TOKEN).statusCode());
                assertEquals(404, get(http, base, "/api/v1/traffic-tests/00000000-0000-0000-0000-000000000000", TOKEN).statusCode());
                assertEquals(400, get(http, base, "/api/v1/traffic-tests?status=great", TOKEN).statusCode());

                // a test given in the request, UDP from h12 to h11
                HttpResponse<String> given = post(http, base, "{\"name\":\"adhoc\",\"client\":\"h12\",\"server\":\"h11\","
                        + "\"protocol\":\"udp\",\"duration\":\"1s\",\"bandwidth\":\"5M\"}", TOKEN);
                assertEquals(202, given.statusCode(), given.body());
                JsonNode adhoc = awaitFinished(http, base, JSON.readTree(given.body()).get("id").asText());
                assertEquals("passed", adhoc.get("status").asText(), adhoc.toString());
                assertNull(adhoc.get("retransmits").isNull() ? null : adhoc.get("retransmits"));
            }
        }
    }

    /**
     * A rate limit on one link (tc tbf on h12's side) takes the pair's TCP throughput under its minimum: the
     * run is breached and raises an alert under the shipped alert rules (trafficBreach: high), a row of the
     * alerts table that belongs to the pair, listed and acknowledged over the alerts API and published as alert
     * events. With the limit gone, the next run passes and resolves it by itself.
     */
    @Test
    void aRateLimitedLinkRaisesAnAlertThatThePassingRunResolves() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.SSHD, LabNetwork.Tool.SSH_KEYGEN, LabNetwork.Tool.IPERF3);
        try (LabNetwork lab = LabNetwork.create(2); TestPhpipam phpipam = TestPhpipam.create()) {
            Path key = sshHosts(lab);
            LabHost h11 = lab.host(0);
            LabHost h12 = lab.host(1);
            Path config = dir.resolve("traffic-tests.yaml");
            Files.writeString(config, String.join("\n",
                    "knownHosts: " + dir.resolve("known_hosts"),
                    "ports: 15311-15315",
                    "sshTimeout: 5s",
                    "hosts:",
                    host("h11", h11, key), host("h12", h12, key),
                    "tests:",
                    "  - name: h12-to-h11",
                    "    client: h12",
                    "    server: h11",
                    "    duration: 2s",
                    "    thresholds:",
                    "      minThroughput: 50M",
                    ""), StandardCharsets.UTF_8);
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", TOKEN);
            extra.setProperty("scanflow.traffic.tests-file", config.toString());
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(), extra)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + server.port;
                String t = phpipam.scanflowSchema;

                lab.execInHost(h12, List.of("tc", "qdisc", "add", "dev", "e0", "root", "tbf", "rate", "20mbit", "burst",
                        "32kbit", "latency", "400ms"), Duration.ofSeconds(10)).orThrow();
                JsonNode slow;
                try {
                    HttpResponse<String> accepted = post(http, base, "{\"name\":\"h12-to-h11\"}", TOKEN);
                    assertEquals(202, accepted.statusCode(), accepted.body());
                    slow = awaitFinished(http, base, JSON.readTree(accepted.body()).get("id").asText());
                } finally {
                    lab.execInHost(h12, List.of("tc", "qdisc", "del", "dev", "e0", "root"), Duration.ofSeconds(10));
                }
                assertEquals("breached", slow.get("status").asText(), slow.toString());
                assertTrue(slow.get("received_bps").asDouble() < 25e6, slow.toString());
                String breach = slow.get("breaches").asText();
                assertTrue(breach.startsWith("throughput "), breach);
                String slowId = slow.get("test_id").asText();
                String slowFinished = phpipam.rows("SELECT finished_at FROM " + t + ".traffic_tests WHERE test_id = ?", slowId)
                        .get(0).get("finished_at").toString();

                // the whole alert row: the pair's, no subnet, no address
                List<Map<String, Object>> alerts = phpipam.rows("SELECT * FROM " + t + ".alerts");
                assertEquals(1, alerts.size(), alerts.toString());
                String alertId = alerts.get(0).get("id").toString();
                Map<String, Object> expected = new java.util.LinkedHashMap<>();
                expected.put("id", alertId);
                expected.put("subnet_ref", null);
                expected.put("traffic_pair", "h12-to-h11");
                expected.put("alert_key", "traffic");
                expected.put("kind", "traffic");
                expected.put("address", null);
                expected.put("ip", null);
                expected.put("protocol", null);
                expected.put("port", null);
                expected.put("rule_name", "traffic breach");
                expected.put("severity", "high");
                expected.put("status", "open");
                expected.put("message", "traffic test h12-to-h11 under its thresholds: " + breach);
                expected.put("opened_at", slowFinished);
                expected.put("last_event_at", slowFinished);
                expected.put("acknowledged_at", null);
                expected.put("acknowledged_by", null);
                expected.put("resolved_at", null);
                expected.put("resolved_by", null);
                expected.put("resolution", null);
                expected.put("times_opened", "1");
                expected.put("occurrences", "1");
                assertEquals(expected, alerts.get(0));
                assertEquals(List.of(Map.of("event", "opened", "status", "open", "scan_id", slowId)),
                        phpipam.rows("SELECT event, status, scan_id FROM " + t + ".alert_events WHERE alert_id = ?", alertId));

                // the alerts API lists it and a person acknowledges it
                JsonNode listed = JSON.readTree(get(http, base, "/api/v1/alerts?status=open", TOKEN).body()).get("items");
                assertEquals(1, listed.size(), listed.toString());
                assertEquals("traffic", listed.get(0).get("kind").asText());
                assertEquals("h12-to-h11", listed.get(0).get("pair").asText());
                assertTrue(listed.get(0).get("site").isNull() && listed.get(0).get("subnetId").isNull()
                        && listed.get(0).get("address").isNull(), listed.toString());
                HttpResponse<String> acknowledged = send(http, base, "/api/v1/alerts/" + alertId + "/acknowledge",
                        "{\"by\":\"noc\",\"note\":\"provider ticket 42\"}");
                assertEquals(200, acknowledged.statusCode(), acknowledged.body());
                assertEquals("acknowledged", JSON.readTree(acknowledged.body()).get("status").asText(), acknowledged.body());

                // the link is fine again: the next run passes and resolves the alert by itself
                HttpResponse<String> again = post(http, base, "{\"name\":\"h12-to-h11\"}", TOKEN);
                JsonNode fast = awaitFinished(http, base, JSON.readTree(again.body()).get("id").asText());
                assertEquals("passed", fast.get("status").asText(), fast.toString());
                String fastId = fast.get("test_id").asText();
                String fastFinished = phpipam.rows("SELECT finished_at FROM " + t + ".traffic_tests WHERE test_id = ?", fastId)
                        .get(0).get("finished_at").toString();
                Map<String, Object> resolved = phpipam.rows("SELECT * FROM " + t + ".alerts WHERE id = ?", alertId).get(0);
                assertEquals("resolved", resolved.get("status"));
                assertEquals("auto", resolved.get("resolution"));
                assertEquals(fastFinished, resolved.get("resolved_at"));
                assertEquals("noc", resolved.get("acknowledged_by"));
                assertNull(resolved.get("resolved_by"));
                assertEquals(List.of("opened", "acknowledged", "auto_resolved"),
                        phpipam.rows("SELECT event FROM " + t + ".alert_events WHERE alert_id = ? ORDER BY id", alertId)
                                .stream().map(r -> r.get("event")).toList());
                assertEquals(409, send(http, base, "/api/v1/alerts/" + alertId + "/resolve", "{\"by\":\"noc\"}").statusCode());

                // published: the runs' traffic events and the alert's OPENED, ACKNOWLEDGED and AUTO_RESOLVED
                // (after the commit, on a queue of their own: waited for)
                List<String> published = new java.util.ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (published.size() < 5 && System.nanoTime() < deadline) {
                    published.clear();
                    for (Map<String, Object> row : phpipam.rows("SELECT body FROM " + t + ".event_journal ORDER BY id")) {
                        JsonNode event = JSON.readTree(row.get("body").toString());
                        published.add(event.get("kind").asText() + " " + event.get("type").asText());
                        if (event.get("kind").asText().equals("alert")) {
                            assertEquals("h12-to-h11", event.get("detail").get("alert").get("key").get("pair").asText(), event.toString());
                        }
                    }
                    Thread.sleep(100);
                }
                assertEquals(List.of("traffic BREACHED", "alert OPENED", "alert ACKNOWLEDGED", "traffic PASSED", "alert AUTO_RESOLVED"),
                        published);
            }
        }
    }

    /** sshd on port 22 of every lab host with a key made now; the hosts' keys in dir/known_hosts. Returns the key. */
    private Path sshHosts(LabNetwork lab) throws Exception {
        Path key = dir.resolve("id_ecdsa");
        LabNetwork.exec(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", key.toString()), Duration.ofSeconds(20)).orThrow();
        List<String> login = List.of("-o", "AuthorizedKeysFile=" + dir.resolve("id_ecdsa.pub"), "-o", "StrictModes=no");
        StringBuilder knownHosts = new StringBuilder();
        for (LabHost h : lab.hosts()) {
            lab.startSshd(h, h.ipv4(), 22, login);
            String line = LabNetwork.exec(List.of("ssh-keyscan", "-t", "ed25519", h.ipv4()), Duration.ofSeconds(20))
                    .orThrow().stdout().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow();
            knownHosts.append(line).append('\n');
        }
        Files.writeString(dir.resolve("known_hosts"), knownHosts);
        return key;
    }

    private static HttpResponse<String> send(HttpClient http, String base, String path, String body) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + path)).header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static String host(String name, LabHost h, Path key) {
        return "  " + name + ":\n    ssh: " + h.ipv4() + "\n    user: root\n    key: " + key;
    }

    private static JsonNode awaitFinished(HttpClient http, String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> reply = get(http, base, "/api/v1/traffic-tests/" + id, TOKEN);
            assertEquals(200, reply.statusCode(), reply.body());
            JsonNode run = JSON.readTree(reply.body());
            if (!run.get("status").asText().equals("running")) {
                return run;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("test " + id + " still running");
    }

    private static HttpResponse<String> post(HttpClient http, String base, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + "/api/v1/traffic-tests"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(HttpClient http, String base, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
