package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.net.Cidr;
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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A site's agent runs the traffic tests between the hosts of its site (behind its NAT): the server's file names
 * the test with runBy and knows no host; asking for it queues a run; the agent (real agent routes, same context
 * as the server, as in the other agent ITs) claims it on its poll, runs the same runner routes against real sshd
 * and iperf3 in lab namespaces, spools the result and delivers it; the server stores it as a traffic_tests row
 * and raises the alert its thresholds call for. Traffic only between the hosts of the lab this test made.
 */
class TrafficTestsAgentLabIT {

    private static final String API = "traffic-agent-operator-token-0123";
    private static final String CODE = "TrafficSite-agentcode-0123456789";
    private static final String TOKEN = "traffic-agent-token-0123456789abcdef";
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void theAgentRunsItsSitesTestAndTheResultComesBackThroughItsSpool() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.SSHD, LabNetwork.Tool.SSH_KEYGEN, LabNetwork.Tool.IPERF3);
        try (LabNetwork lab = LabNetwork.create(2); TestPhpipam phpipam = TestPhpipam.create()) {
            Path key = dir.resolve("id_ecdsa");
            LabNetwork.exec(List.of("ssh-keygen", "-q", "-t", "ecdsa", "-N", "", "-f", key.toString()), Duration.ofSeconds(20)).orThrow();
            List<String> login = List.of("-o", "AuthorizedKeysFile=" + dir.resolve("id_ecdsa.pub"), "-o", "StrictModes=no");
            StringBuilder knownHosts = new StringBuilder();
            for (LabHost h : lab.hosts()) {
                lab.startSshd(h, h.ipv4(), 22, login);
                knownHosts.append(LabNetwork.exec(List.of("ssh-keyscan", "-t", "ed25519", h.ipv4()), Duration.ofSeconds(20))
                        .orThrow().stdout().lines().filter(l -> !l.startsWith("#")).findFirst().orElseThrow()).append('\n');
            }
            Files.writeString(dir.resolve("known_hosts"), knownHosts);
            LabHost h11 = lab.host(0);
            LabHost h12 = lab.host(1);
            // the server knows the test's name and who runs it, nothing of the site's hosts
            Path serverTests = dir.resolve("server-traffic-tests.yaml");
            Files.writeString(serverTests, String.join("\n",
                    "tests:",
                    "  - name: site-h12-to-h11",
                    "    runBy: " + CODE,
                    "  - name: site-not-on-agent",
                    "    runBy: " + CODE,
                    ""), StandardCharsets.UTF_8);
            // the agent's own file: its hosts, keys and known_hosts, and the test in full (a minimum no veth reaches)
            Path agentTests = dir.resolve("agent-traffic-tests.yaml");
            Files.writeString(agentTests, String.join("\n",
                    "knownHosts: " + dir.resolve("known_hosts"),
                    "ports: 15321-15325",
                    "sshTimeout: 5s",
                    "hosts:",
                    "  h11:\n    ssh: " + h11.ipv4() + "\n    user: root\n    key: " + key,
                    "  h12:\n    ssh: " + h12.ipv4() + "\n    user: root\n    key: " + key,
                    "tests:",
                    "  - name: site-h12-to-h11",
                    "    client: h12",
                    "    server: h11",
                    "    duration: 2s",
                    "    thresholds:",
                    "      minThroughput: 400G",
                    ""), StandardCharsets.UTF_8);
            long agentId = phpipam.insertAgent("site-traffic", CODE);
            phpipam.insertSubnet(Cidr.parse("127.0.0.0/29"), agentId, true, true);
            Properties server = new Properties();
            server.setProperty("scanflow.server.api-token", API);
            server.setProperty("scanflow.traffic.tests-file", serverTests.toString());
            Path spool = dir.resolve("spool");
            Properties agent = new Properties();
            agent.setProperty("scanflow.agent.code", CODE);
            agent.setProperty("scanflow.agent.token", TOKEN);
            agent.setProperty("scanflow.agent.subnets", "127.0.0.0/29");
            agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agent.setProperty("scanflow.agent.scan-on-start", "false");
            agent.setProperty("scanflow.agent.job-poll-interval", "1s");
            agent.setProperty("scanflow.agent.spool.dir", spool.toString());
            agent.setProperty("scanflow.agent.traffic-tests-file", agentTests.toString());
            try (ServerUnderTest running = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), server, agent)) {
                HttpClient http = HttpClient.newHttpClient();
                String base = "http://127.0.0.1:" + running.port;
                String t = phpipam.scanflowSchema;

                HttpResponse<String> queued = send(http, base + "/api/v1/traffic-tests", "{\"name\":\"site-h12-to-h11\"}", API);
                assertEquals(202, queued.statusCode(), queued.body());
                assertEquals("queued", JSON.readTree(queued.body()).get("status").asText(), queued.body());
                String id = JSON.readTree(queued.body()).get("id").asText();
                JsonNode run = awaitFinished(http, base, id);

                // the same traffic_tests row as the server's own runs, with who ran it and the agent's hosts
                assertEquals("breached", run.get("status").asText(), run.toString());
                assertEquals(CODE, run.get("run_by").asText());
                assertEquals("operator", run.get("requested_by").asText());
                assertEquals("tcp", run.get("protocol").asText());
                assertEquals(h12.ipv4() + ":22", run.get("client_host").asText());
                assertEquals(h11.ipv4() + ":22", run.get("server_host").asText());
                assertTrue(run.get("received_bps").asDouble() > 100e6, run.toString());
                assertTrue(run.get("breaches").asText().startsWith("throughput "), run.toString());
                assertTrue(run.get("cleaned_up").asBoolean(), run.toString());
                assertTrue(run.get("failure").isNull(), run.toString());
                assertTrue(run.get("started_at").isTextual() && run.get("finished_at").isTextual(), run.toString());

                // its thresholds raise the alert of the server's rules, for the pair
                List<Map<String, Object>> alerts = phpipam.rows("SELECT traffic_pair, kind, status, rule_name, severity,"
                        + " subnet_ref FROM " + t + ".alerts");
                assertEquals(List.of(Map.of("traffic_pair", "site-h12-to-h11", "kind", "traffic", "status", "open",
                        "rule_name", "traffic breach", "severity", "high")), alerts.stream().map(r -> {
                            assertNull(r.get("subnet_ref"));
                            Map<String, Object> copy = new java.util.LinkedHashMap<>(r);
                            copy.remove("subnet_ref");
                            return copy;
                        }).toList());
                // events are published after the commit, on a queue of their own: wait for both
                List<String> published = new ArrayList<>();
                long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
                while (published.size() < 2 && System.nanoTime() < deadline) {
                    published.clear();
                    for (Map<String, Object> row : phpipam.rows("SELECT body FROM " + t + ".event_journal ORDER BY id")) {
                        JsonNode event = JSON.readTree(row.get("body").toString());
                        if (event.get("kind").asText().matches("traffic|alert")) {
                            published.add(event.get("kind").asText() + " " + event.get("type").asText() + " " + event.get("site").asText());
                        }
                    }
                    Thread.sleep(100);
                }
                assertEquals(List.of("traffic BREACHED " + CODE, "alert OPENED server"), published);

                // delivered: the agent's traffic spool is empty again, nothing set aside
                awaitEmpty(spool.resolve("traffic/outbox"));
                assertEquals(List.of(), files(spool.resolve("traffic/poison")));

                // the same result sent again (a delivery the agent did not see acknowledged): acknowledged, no change
                String again = JSON.writeValueAsString(Map.of("id", id, "name", "site-h12-to-h11", "status", "PASSED",
                        "figures", Map.of("sentBps", 1.0, "receivedBps", 1.0, "clientCpuPercent", 1.0, "serverCpuPercent", 1.0),
                        "serverPort", 0, "cleanedUp", true, "finishedAt", "2026-11-30T00:00:00Z"));
                HttpResponse<String> resent = send(http, base + "/api/v1/agent/traffic-results", again, TOKEN);
                assertEquals(200, resent.statusCode(), resent.body());
                assertEquals(false, JSON.readTree(resent.body()).get("stored").asBoolean(), resent.body());
                assertEquals("breached", awaitFinished(http, base, id).get("status").asText());
                // a result for a run never queued for this agent: 409 (its spool sets it aside); no token: 401
                String stranger = again.replace(id, "00000000-0000-0000-0000-000000000000");
                assertEquals(409, send(http, base + "/api/v1/agent/traffic-results", stranger, TOKEN).statusCode());
                assertEquals(401, send(http, base + "/api/v1/agent/traffic-results", again, null).statusCode());
                assertEquals(400, send(http, base + "/api/v1/agent/traffic-results", "{\"id\":", TOKEN).statusCode());
                // nothing queued: the claim answers 204
                assertEquals(204, send(http, base + "/api/v1/agent/traffic-tests/claim", "", TOKEN).statusCode());

                // a test the agent's own file does not define: the run fails with the reason, nothing hangs
                HttpResponse<String> unknown = send(http, base + "/api/v1/traffic-tests", "{\"name\":\"site-not-on-agent\"}", API);
                assertEquals(202, unknown.statusCode(), unknown.body());
                JsonNode failed = awaitFinished(http, base, JSON.readTree(unknown.body()).get("id").asText());
                assertEquals("failed", failed.get("status").asText(), failed.toString());
                assertEquals("unknown_test", failed.get("failure").asText(), failed.toString());
                assertEquals(CODE, failed.get("run_by").asText());
            }
        }
    }

    private static JsonNode awaitFinished(HttpClient http, String base, String id) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            HttpResponse<String> reply = http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/traffic-tests/" + id))
                    .header("Authorization", "Bearer " + API).GET().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, reply.statusCode(), reply.body());
            JsonNode run = JSON.readTree(reply.body());
            if (!run.get("status").asText().matches("queued|running")) {
                return run;
            }
            Thread.sleep(300);
        }
        throw new AssertionError("test " + id + " not finished");
    }

    private static void awaitEmpty(Path directory) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (!files(directory).isEmpty()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError(directory + " still holds " + files(directory));
            }
            Thread.sleep(200);
        }
    }

    private static List<String> files(Path directory) throws Exception {
        if (!Files.isDirectory(directory)) {
            return List.of();
        }
        try (Stream<Path> list = Files.list(directory)) {
            return list.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static HttpResponse<String> send(HttpClient http, String url, String body, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(url)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }
}
