package dev.scanflow.agent.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scans on demand end to end with the real agent routes and the real nmap on loopback: the agent reports in
 * (the fleet shows it online with what it said), takes a queued job on its poll, runs it through its own scan
 * pipeline and ends it done with the report the server applied; a cancelled job kills the running nmap; reports
 * waiting in its spool while the intake is away show as its backlog in the fleet, and leave it once delivered.
 */
class OnDemandScanIT {

    private static final String API = "operator-token-for-on-demand-tests";
    private static final String CODE = "OnDemand-agent-code-0123456789ab";
    private static final String TOKEN = "agent-token-for-on-demand-tests-01";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void theAgentTakesAJobRunsItAndACancelKillsTheRealNmap(@TempDir Path temp) throws Exception {
        // the real nmap; its service scans slowed down to one probe a second, so that there is time to cancel one
        Path slowNmap = temp.resolve("nmap");
        Files.writeString(slowNmap, "#!/bin/sh\ncase \" $* \" in *\" -sV \"*) exec nmap --scan-delay 1s \"$@\";; esac\nexec nmap \"$@\"\n");
        Files.setPosixFilePermissions(slowNmap, PosixFilePermissions.fromString("rwx------"));
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long agentId = phpipam.insertAgent("site-on-demand", CODE);
            phpipam.insertSubnet(Cidr.parse("127.0.0.0/29"), agentId, true, true);
            Properties server = new Properties();
            server.setProperty("scanflow.server.api-token", API);
            server.setProperty("scanflow.fleet.heartbeat-interval", "1s");
            Properties agent = new Properties();
            agent.setProperty("scanflow.agent.code", CODE);
            agent.setProperty("scanflow.agent.token", TOKEN);
            agent.setProperty("scanflow.agent.subnets", "127.0.0.0/29");
            agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agent.setProperty("scanflow.agent.scan-on-start", "false");
            agent.setProperty("scanflow.agent.scan-timeout", "600s");
            agent.setProperty("scanflow.agent.host-timeout", "300s");
            agent.setProperty("scanflow.agent.heartbeat-interval", "1s");
            agent.setProperty("scanflow.agent.job-poll-interval", "1s");
            agent.setProperty("scanflow.agent.nmap", slowNmap.toString());
            agent.setProperty("scanflow.agent.delivery.backoff-max", "2s");
            Path spool = temp.resolve("spool");
            agent.setProperty("scanflow.agent.spool.dir", spool.toString());
            try (ServerUnderTest running = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), server, agent)) {
                HttpClient http = HttpClient.newHttpClient();
                JsonNode me = await(() -> {
                    JsonNode fleet = JSON.readTree(get(http, running, "/api/v1/fleet"));
                    return fleet.get("items").size() == 1 ? fleet.get("items").get(0) : null;
                }, Duration.ofSeconds(20), "the agent's heartbeat");
                assertEquals(CODE, me.get("code").asText());
                assertEquals("online", me.get("status").asText());
                assertEquals("[\"127.0.0.0/29\"]", me.get("subnets").toString());
                assertEquals("[\"discovery\"]", me.get("profiles").toString());
                assertTrue(!me.get("version").asText().isBlank());

                // a discovery scan on demand, run to its end
                ServerUnderTest.Reply queued = running.post("/api/v1/scan-jobs", "{\"subnet\":\"127.0.0.0/29\",\"by\":\"ana\"}".getBytes(),
                        "Bearer " + API);
                assertEquals(201, queued.status(), queued.body());
                String jobId = JSON.readTree(queued.body()).get("id").asText();
                JsonNode done = await(() -> {
                    JsonNode job = JSON.readTree(get(http, running, "/api/v1/scan-jobs/" + jobId));
                    return job.get("status").asText().matches("done|failed|cancelled") ? job : null;
                }, Duration.ofSeconds(90), "the job's end");
                assertEquals("done", done.get("status").asText(), done.toString());
                assertEquals("100.0", done.get("progress").asText());
                assertEquals(1, done.get("attempts").asInt());
                String reportId = done.get("reportId").asText();
                phpipam.awaitRows("SELECT 1 FROM `" + phpipam.scanflowSchema + "`.ingested_reports WHERE report_id = '" + reportId + "'",
                        1, Duration.ofSeconds(30));

                // a slow services scan, cancelled while nmap runs: the nmap process is killed, the job ends cancelled
                assertEquals(List.of(), slowNmaps(), "no slow nmap yet");
                ServerUnderTest.Reply slow = running.post("/api/v1/scan-jobs",
                        "{\"subnet\":\"127.0.0.0/29\",\"profile\":\"services-nmap\",\"ports\":\"1-300\"}".getBytes(), "Bearer " + API);
                assertEquals(201, slow.status(), slow.body());
                String slowId = JSON.readTree(slow.body()).get("id").asText();
                await(() -> slowNmaps().isEmpty() ? null : JSON.nullNode(), Duration.ofSeconds(30), "the slow nmap running");
                List<ProcessHandle> nmaps = slowNmaps();
                assertEquals("running", JSON.readTree(get(http, running, "/api/v1/scan-jobs/" + slowId)).get("status").asText());
                assertEquals(202, running.post("/api/v1/scan-jobs/" + slowId + "/cancel", new byte[0], "Bearer " + API).status());
                JsonNode cancelled = await(() -> {
                    JsonNode job = JSON.readTree(get(http, running, "/api/v1/scan-jobs/" + slowId));
                    return job.get("status").asText().equals("running") ? null : job;
                }, Duration.ofSeconds(30), "the cancelled job's end");
                assertEquals("cancelled", cancelled.get("status").asText(), cancelled.toString());
                assertEquals("scanner stopped on the operator's request", cancelled.get("message").asText());
                for (ProcessHandle nmap : nmaps) {
                    nmap.onExit().get(10, java.util.concurrent.TimeUnit.SECONDS);
                    assertTrue(!nmap.isAlive(), "the nmap process " + nmap.pid() + " was killed");
                }
                assertEquals(List.of(), slowNmaps(), "no nmap left running");

                // reports that wait in the agent's spool show in its fleet entry: the intake stops answering (its path
                // is gone: 404, which the agent retries), heartbeats still arrive with the backlog and the last error
                Path outbox = spool.resolve("outbox");
                await(() -> waiting(outbox) == 0 ? JSON.nullNode() : null, Duration.ofSeconds(30), "the spool emptied");
                running.app().context().getRouteController().stopRoute("report-intake");
                ServerUnderTest.Reply waiting = running.post("/api/v1/scan-jobs", "{\"subnet\":\"127.0.0.0/29\"}".getBytes(), "Bearer " + API);
                assertEquals(201, waiting.status(), waiting.body());
                JsonNode backlogged = await(() -> {
                    JsonNode entry = JSON.readTree(get(http, running, "/api/v1/fleet")).get("items").get(0);
                    return entry.get("backlog").asInt() > 0 && entry.path("lastError").asText("").startsWith("the server answered the last report with HTTP 404") ? entry : null;
                }, Duration.ofSeconds(60), "a backlog in the fleet entry");
                assertEquals(1, backlogged.get("backlog").asInt(), backlogged.toString());
                assertEquals(1, waiting(outbox), "the one report the fleet shows is the one in the agent's spool");
                assertEquals("online", backlogged.get("status").asText());
                List<Map<String, Object>> stored = phpipam.rows("SELECT backlog, last_error FROM `" + phpipam.scanflowSchema
                        + "`.fleet_agents WHERE agent_code = ?", CODE);
                assertTrue(Long.parseLong(String.valueOf(stored.get(0).get("backlog"))) >= 1, "stored: " + stored);
                assertTrue(String.valueOf(stored.get(0).get("last_error")).startsWith("the server answered the last report with HTTP 404"), "stored: " + stored);
                running.app().context().getRouteController().startRoute("report-intake");
                JsonNode drained = await(() -> {
                    JsonNode entry = JSON.readTree(get(http, running, "/api/v1/fleet")).get("items").get(0);
                    return entry.get("backlog").asInt() == 0 && !entry.hasNonNull("lastError") ? entry : null;
                }, Duration.ofSeconds(60), "the backlog delivered");
                assertTrue(drained.hasNonNull("lastDelivery"), drained.toString());
            }
        }
    }

    /** Reports in the agent's spool, not yet acknowledged by the server (agent/spool: outbox/*.json). */
    private static long waiting(Path outbox) throws java.io.IOException {
        try (java.util.stream.Stream<Path> files = Files.list(outbox)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".json")).count();
        }
    }

    private static List<ProcessHandle> slowNmaps() {
        return ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("").contains("--scan-delay 1s")).toList();
    }

    interface Probe {
        JsonNode get() throws Exception;
    }

    private static JsonNode await(Probe probe, Duration timeout, String what) throws Exception {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            JsonNode value = probe.get();
            if (value != null) {
                return value;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("no " + what + " within " + timeout);
    }

    private static String get(HttpClient http, ServerUnderTest server, String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .header("Authorization", "Bearer " + API).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }
}
