package dev.scanflow.server.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.ReportJson;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import dev.scanflow.traffic.TrafficFigures;
import dev.scanflow.traffic.TrafficProtocol;
import dev.scanflow.traffic.TrafficResult;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The server's side of tests a site's agent runs, over real HTTP with the agent's token, the agent played by
 * this test: a queued run, claimed once, its result (as the agent's spool holds it) stored as the run's row
 * with its alert; a result sent again changes nothing; a run not queued for that agent is refused with 409.
 * The real agent doing the same against real hosts is TrafficTestsAgentLabIT.
 */
class AgentTrafficResultsIT {

    private static final String API = "agent-traffic-results-operator-0123";
    private static final String CODE = "ResultsSite-agentcode-012345678";
    private static final String TOKEN = "agent-traffic-results-token-0123456789";
    private static final String OTHER = "OtherSite-agentcode-0123456789ab";
    private static final String OTHER_TOKEN = "agent-traffic-results-other-0123456789";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aQueuedRunIsClaimedOnceAndItsResultStoredWithItsAlert(@TempDir Path dir) throws Exception {
        Path tests = dir.resolve("traffic-tests.yaml");
        Files.writeString(tests, "tests:\n  - name: nat-pair\n    runBy: " + CODE + "\n");
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            phpipam.insertAgent("site-results", CODE);
            phpipam.insertAgent("site-other", OTHER);
            Properties server = new Properties();
            server.setProperty("scanflow.server.api-token", API);
            server.setProperty("scanflow.traffic.tests-file", tests.toString());
            try (ServerUnderTest running = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN, OTHER, OTHER_TOKEN), server)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + running.port;
                String t = phpipam.scanflowSchema;

                HttpResponse<String> queued = post(http, base + "/api/v1/traffic-tests", "{\"name\":\"nat-pair\"}", API);
                assertEquals(202, queued.statusCode(), queued.body());
                String id = JSON.readTree(queued.body()).get("id").asText();
                assertEquals("queued", JSON.readTree(queued.body()).get("status").asText());

                assertEquals(204, post(http, base + "/api/v1/agent/traffic-tests/claim", "", OTHER_TOKEN).statusCode(),
                        "another agent finds no work");
                HttpResponse<String> claimed = post(http, base + "/api/v1/agent/traffic-tests/claim", "", TOKEN);
                assertEquals(200, claimed.statusCode(), claimed.body());
                assertEquals(Map.of("id", id, "name", "nat-pair"), JSON.convertValue(JSON.readTree(claimed.body()), Map.class));
                assertEquals(204, post(http, base + "/api/v1/agent/traffic-tests/claim", "", TOKEN).statusCode(), "claimed once");

                Instant started = Instant.parse("2026-11-30T21:00:00Z");
                TrafficResult result = new TrafficResult(id, "nat-pair", TrafficProtocol.TCP, TrafficResult.Status.BREACHED,
                        new TrafficFigures(19.5e6, 19.1e6, 12L, null, null, 3.5, 2.5),
                        List.of("throughput 19.1 Mbit/s < minimum 50 Mbit/s"), null, null, 5201, true, started,
                        started.plusSeconds(12), "192.0.2.12:22", "192.0.2.11:22");
                String body = ReportJson.mapper().writeValueAsString(result);
                assertEquals(409, post(http, base + "/api/v1/agent/traffic-results", body, OTHER_TOKEN).statusCode(),
                        "not that agent's run");
                HttpResponse<String> stored = post(http, base + "/api/v1/agent/traffic-results", body, TOKEN);
                assertEquals(200, stored.statusCode(), stored.body());
                assertEquals(true, JSON.readTree(stored.body()).get("stored").asBoolean(), stored.body());

                Map<String, Object> row = phpipam.rows("SELECT status, protocol, client_host, server_host, run_by, requested_by,"
                        + " started_at, finished_at, received_bps, retransmits, breaches, server_port, cleaned_up FROM " + t
                        + ".traffic_tests WHERE test_id = ?", id).get(0);
                assertEquals("breached", row.get("status"), row.toString());
                assertEquals("tcp", row.get("protocol"));
                assertEquals("192.0.2.12:22", row.get("client_host"));
                assertEquals("192.0.2.11:22", row.get("server_host"));
                assertEquals(CODE, row.get("run_by"));
                assertEquals("operator", row.get("requested_by"));
                assertEquals("2026-11-30 21:00:00.0", row.get("started_at"));
                assertEquals("2026-11-30 21:00:12.0", row.get("finished_at"));
                assertEquals("1.91E7", row.get("received_bps"));
                assertEquals("12", row.get("retransmits"));
                assertEquals("throughput 19.1 Mbit/s < minimum 50 Mbit/s", row.get("breaches"));
                assertEquals("5201", row.get("server_port"));
                assertEquals(List.of(Map.of("traffic_pair", "nat-pair", "status", "open", "severity", "high",
                                "message", "traffic test nat-pair under its thresholds: throughput 19.1 Mbit/s < minimum 50 Mbit/s")),
                        phpipam.rows("SELECT traffic_pair, status, severity, message FROM " + t + ".alerts"));

                HttpResponse<String> again = post(http, base + "/api/v1/agent/traffic-results", body, TOKEN);
                assertEquals(200, again.statusCode(), again.body());
                assertEquals(false, JSON.readTree(again.body()).get("stored").asBoolean(), again.body());
                assertEquals(1, phpipam.rows("SELECT event FROM " + t + ".alert_events").size(), "nothing more happened");

                JsonNode listed = JSON.readTree(get(http, base + "/api/v1/traffic-tests?status=breached"));
                assertEquals(1, listed.get("items").size());
                assertEquals(CODE, listed.get("items").get(0).get("run_by").asText());
                assertTrue(JSON.readTree(get(http, base + "/api/v1/traffic-tests?status=queued")).get("items").isEmpty());
            }
        }
    }

    private static String get(HttpClient http, String url) throws Exception {
        HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + API)
                .GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, reply.statusCode(), reply.body());
        return reply.body();
    }

    private static HttpResponse<String> post(HttpClient http, String url, String body, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .header("Authorization", "Bearer " + token).POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
