package dev.scanflow.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The fleet and scans on demand over real HTTP against a real MariaDB: heartbeats make an agent online, silence
 * makes it late then offline on time, each change an event on the stream and a metric; a job goes to the agent
 * that owns the subnet, exactly one of many concurrent claims wins, cancel and the run timeout end it.
 */
class FleetAndJobsIT {

    private static final String API = "operator-token-for-fleet-tests";
    private static final String CODE = "Fleet-agent-code-0123456789abcde";
    private static final String TOKEN = "agent-token-for-fleet-tests-0123";
    private static final String OTHER_CODE = "Other-agent-code-0123456789abcde";
    private static final String OTHER_TOKEN = "other-agent-token-for-fleet-tests";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void heartbeatsJobsClaimsCancelAndTimeouts() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long agentId = phpipam.insertAgent("site-a", CODE);
            phpipam.insertAgent("site-b", OTHER_CODE);
            long subnetId = phpipam.insertSubnet(Cidr.parse("127.0.0.0/29"), agentId, true, true);
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", API);
            extra.setProperty("scanflow.fleet.heartbeat-interval", "2s");
            extra.setProperty("scanflow.fleet.offline-after-missed", "2");
            extra.setProperty("scanflow.jobs.run-timeout", "3s");
            extra.setProperty("scanflow.jobs.max-attempts", "2");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN, OTHER_CODE, OTHER_TOKEN), extra)) {
                HttpClient http = HttpClient.newHttpClient();
                LinkedBlockingQueue<JsonNode> events = stream(http, server);

                // --- fleet -------------------------------------------------------------------------------
                assertEquals(401, server.post("/api/v1/fleet/heartbeat", "{}".getBytes(), "Bearer " + API).status(),
                        "the operator token is no agent's");
                // a site names a Kafka topic: anything else is refused, and nothing is written
                ServerUnderTest.Reply badSite = server.post("/api/v1/fleet/heartbeat", "{\"site\":\"site a/../b\"}".getBytes(),
                        "Bearer " + TOKEN);
                assertEquals(400, badSite.status(), badSite.body());
                assertTrue(badSite.body().contains("site must match"), badSite.body());
                ServerUnderTest.Reply beat = server.post("/api/v1/fleet/heartbeat", ("{\"version\":\"1.2.3\",\"profiles\":[\"discovery\"],"
                        + "\"subnets\":[\"127.0.0.0/29\"],\"backlog\":4,\"lastDelivery\":\"2026-11-30T10:00:00Z\",\"lastError\":\"server said 503\"}")
                        .getBytes(), "Bearer " + TOKEN);
                assertEquals(200, beat.status(), beat.body());
                Instant beatAt = Instant.now();
                assertEquals("ONLINE", awaitEvent(events, "fleet").get("type").asText());
                List<Map<String, Object>> rows = phpipam.rows("SELECT agent_code, version, profiles, subnets, backlog, last_delivery,"
                        + " last_error, status, site FROM `" + phpipam.scanflowSchema + "`.fleet_agents");
                assertEquals(1, rows.size());
                assertEquals(CODE, rows.get(0).get("agent_code"));
                assertEquals("1.2.3", rows.get(0).get("version"));
                assertEquals("[\"discovery\"]", rows.get(0).get("profiles"));
                assertEquals("[\"127.0.0.0/29\"]", rows.get(0).get("subnets"));
                assertEquals("4", String.valueOf(rows.get(0).get("backlog")));
                assertTrue(String.valueOf(rows.get(0).get("last_delivery")).startsWith("2026-11-30"), String.valueOf(rows.get(0).get("last_delivery")));
                assertEquals("server said 503", rows.get(0).get("last_error"));
                assertEquals("online", rows.get(0).get("status"));
                assertNull(rows.get(0).get("site"), "an agent on HTTP alone names no site");

                JsonNode late = awaitEvent(events, "fleet");
                long lateAfter = Duration.between(beatAt, Instant.now()).toMillis();
                assertEquals("LATE", late.get("type").asText());
                assertTrue(lateAfter >= 2000 && lateAfter < 4500, "late after one missed 2 s interval, was " + lateAfter + " ms");
                JsonNode offline = awaitEvent(events, "fleet");
                long offlineAfter = Duration.between(beatAt, Instant.now()).toMillis();
                assertEquals("OFFLINE", offline.get("type").asText());
                assertTrue(offlineAfter >= 4000 && offlineAfter < 6500, "offline after two missed intervals, was " + offlineAfter + " ms");
                JsonNode fleet = JSON.readTree(get(http, server, "/api/v1/fleet", API).body());
                assertEquals("offline", fleet.get("items").get(0).get("status").asText());
                String metrics = get(http, server, "/observe/metrics", API).body();
                assertTrue(metrics.contains("scanflow_fleet_transitions_total{to=\"offline\"} 1.0"), metrics);
                assertTrue(metrics.contains("scanflow_fleet_agents{status=\"offline\"} 1.0"), metrics);
                assertEquals(200, server.post("/api/v1/fleet/heartbeat", "{}".getBytes(), "Bearer " + TOKEN).status());
                assertEquals("ONLINE", awaitEvent(events, "fleet").get("type").asText(), "back online with the next heartbeat");

                // --- jobs --------------------------------------------------------------------------------
                assertEquals(404, server.post("/api/v1/scan-jobs", "{\"subnet\":\"127.0.1.0/29\"}".getBytes(), "Bearer " + API).status(),
                        "no agent owns that subnet");
                assertEquals(400, server.post("/api/v1/scan-jobs", "{\"subnet\":\"127.0.0.0/29\",\"profile\":\"all\"}".getBytes(),
                        "Bearer " + API).status());
                assertEquals(401, server.post("/api/v1/scan-jobs", "{\"subnet\":\"127.0.0.0/29\"}".getBytes(), "Bearer " + TOKEN).status(),
                        "agents do not queue jobs");
                ServerUnderTest.Reply queued = server.post("/api/v1/scan-jobs",
                        "{\"subnet\":\"127.0.0.0/29\",\"profile\":\"ports\",\"ports\":\"22,80\",\"by\":\"ana\"}".getBytes(), "Bearer " + API);
                assertEquals(201, queued.status(), queued.body());
                String jobId = JSON.readTree(queued.body()).get("id").asText();
                assertEquals("QUEUED", awaitEvent(events, "job").get("type").asText());
                assertEquals(204, get(http, server, "/api/v1/agent/scan-jobs/next", OTHER_TOKEN).status(), "another site gets nothing");
                JsonNode next = JSON.readTree(get(http, server, "/api/v1/agent/scan-jobs/next", TOKEN).body());
                assertEquals(jobId, next.get("id").asText());
                assertEquals(404, server.post("/api/v1/agent/scan-jobs/" + jobId + "/claim", new byte[0], "Bearer " + OTHER_TOKEN).status());

                // the claim race: eight claims at once, exactly one wins
                int claimants = 8;
                ExecutorService pool = Executors.newFixedThreadPool(claimants);
                CountDownLatch start = new CountDownLatch(1);
                List<Future<Integer>> claims = new ArrayList<>();
                for (int i = 0; i < claimants; i++) {
                    Callable<Integer> claim = () -> {
                        start.await();
                        return server.post("/api/v1/agent/scan-jobs/" + jobId + "/claim", new byte[0], "Bearer " + TOKEN).status();
                    };
                    claims.add(pool.submit(claim));
                }
                start.countDown();
                List<Integer> statuses = new ArrayList<>();
                for (Future<Integer> claim : claims) {
                    statuses.add(claim.get(30, TimeUnit.SECONDS));
                }
                pool.shutdown();
                assertEquals(1, statuses.stream().filter(s -> s == 200).count(), "exactly one claim wins: " + statuses);
                assertEquals(claimants - 1, statuses.stream().filter(s -> s == 409).count(), "every other gets 409: " + statuses);
                Instant claimedAt = Instant.now();
                assertEquals("RUNNING", awaitEvent(events, "job").get("type").asText());

                ServerUnderTest.Reply progress = server.post("/api/v1/agent/scan-jobs/" + jobId + "/progress",
                        "{\"percent\":42.5,\"message\":\"masscan\"}".getBytes(), "Bearer " + TOKEN);
                assertEquals(200, progress.status(), progress.body());
                assertEquals(false, JSON.readTree(progress.body()).get("cancelRequested").asBoolean());

                // not finished within the 3 s run timeout: requeued (attempt 1 of 2)
                JsonNode requeued = awaitEvent(events, "job", "REQUEUED");
                long requeuedAfter = Duration.between(claimedAt, Instant.now()).toMillis();
                assertTrue(requeuedAfter >= 2900 && requeuedAfter < 6000, "requeued after the run timeout, was " + requeuedAfter + " ms");
                assertEquals("queued", requeued.get("detail").get("status").asText());
                assertEquals(409, server.post("/api/v1/agent/scan-jobs/" + jobId + "/progress",
                        "{\"percent\":50}".getBytes(), "Bearer " + TOKEN).status(), "a requeued job takes no progress from the old run");
                assertEquals(200, server.post("/api/v1/agent/scan-jobs/" + jobId + "/claim", new byte[0], "Bearer " + TOKEN).status());

                // cancel while running: a request the agent sees in its next progress answer, then it ends cancelled
                assertEquals(202, server.post("/api/v1/scan-jobs/" + jobId + "/cancel", new byte[0], "Bearer " + API).status());
                progress = server.post("/api/v1/agent/scan-jobs/" + jobId + "/progress", "{\"percent\":60}".getBytes(), "Bearer " + TOKEN);
                assertEquals(true, JSON.readTree(progress.body()).get("cancelRequested").asBoolean());
                assertEquals(200, server.post("/api/v1/agent/scan-jobs/" + jobId + "/finish",
                        "{\"status\":\"cancelled\",\"message\":\"nmap stopped\"}".getBytes(), "Bearer " + TOKEN).status());
                assertEquals(409, server.post("/api/v1/scan-jobs/" + jobId + "/cancel", new byte[0], "Bearer " + API).status(),
                        "an ended job cannot be cancelled");
                rows = phpipam.rows("SELECT agent_code, subnet_id, cidr, profile, ports, status, cancel_requested, progress, message,"
                        + " attempts, requested_by, finished_at IS NOT NULL AS finished FROM `" + phpipam.scanflowSchema + "`.scan_jobs");
                assertEquals(1, rows.size());
                Map<String, Object> row = rows.get(0);
                assertEquals(CODE, row.get("agent_code"));
                assertEquals(Long.toString(subnetId), String.valueOf(row.get("subnet_id")));
                assertEquals("127.0.0.0/29", row.get("cidr"));
                assertEquals("ports", row.get("profile"));
                assertEquals("22,80", row.get("ports"));
                assertEquals("cancelled", row.get("status"));
                assertEquals("true", String.valueOf(row.get("cancel_requested")));
                assertEquals("60.00", row.get("progress").toString());
                assertEquals("nmap stopped", row.get("message"));
                assertEquals("2", String.valueOf(row.get("attempts")));
                assertEquals("ana", row.get("requested_by"));
                assertEquals("1", String.valueOf(row.get("finished")));

                // a queued job cancelled before any agent took it ends at once
                String second = JSON.readTree(server.post("/api/v1/scan-jobs", "{\"subnet\":\"127.0.0.0/29\"}".getBytes(),
                        "Bearer " + API).body()).get("id").asText();
                ServerUnderTest.Reply cancelled = server.post("/api/v1/scan-jobs/" + second + "/cancel", new byte[0], "Bearer " + API);
                assertEquals(200, cancelled.status());
                assertEquals("cancelled", JSON.readTree(cancelled.body()).get("status").asText());
                assertEquals(409, server.post("/api/v1/agent/scan-jobs/" + second + "/claim", new byte[0], "Bearer " + TOKEN).status());
                JsonNode list = JSON.readTree(get(http, server, "/api/v1/scan-jobs?status=cancelled", API).body());
                assertEquals(2, list.get("items").size());
            }
        }
    }

    static ServerUnderTest.Reply get(HttpClient http, ServerUnderTest server, String path, String token) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofString());
        return new ServerUnderTest.Reply(response.statusCode(), response.body());
    }

    /** The SSE stream, read on a thread of its own into a queue of events. */
    static LinkedBlockingQueue<JsonNode> stream(HttpClient http, ServerUnderTest server) throws Exception {
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/events"))
                .header("Authorization", "Bearer " + API).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, stream.statusCode());
        LinkedBlockingQueue<JsonNode> events = new LinkedBlockingQueue<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader sse = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
                for (String line = sse.readLine(); line != null; line = sse.readLine()) {
                    if (line.startsWith("data: ")) {
                        events.add(JSON.readTree(line.substring(6)));
                    }
                }
            } catch (Exception ignored) {
                // the test ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        return events;
    }

    static JsonNode awaitEvent(LinkedBlockingQueue<JsonNode> events, String kind) throws InterruptedException {
        return awaitEvent(events, kind, null);
    }

    static JsonNode awaitEvent(LinkedBlockingQueue<JsonNode> events, String kind, String type) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (System.nanoTime() < deadline) {
            JsonNode event = events.poll(200, TimeUnit.MILLISECONDS);
            if (event != null && kind.equals(event.get("kind").asText()) && (type == null || type.equals(event.get("type").asText()))) {
                return event;
            }
        }
        throw new AssertionError("no " + kind + " event " + (type == null ? "" : type) + " within 20 s");
    }
}
