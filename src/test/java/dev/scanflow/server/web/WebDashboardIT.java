package dev.scanflow.server.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The dashboard: over plain HTTP its session rules (HttpOnly SameSite=Strict cookie, CSRF on every POST, nothing
 * without a session), then the whole page in real headless Chromium (src/test/web/dashboard.mjs, playwright-core
 * from .ci/node, Debian's chromium) against the real server and agent scanning loopback with the real nmap.
 */
class WebDashboardIT {

    private static final String API = "operator-token-for-dashboard-tests";
    private static final String CODE = "Dashboard-agent-code-0123456789a";
    private static final String TOKEN = "agent-token-for-dashboard-tests-0";
    private static final String ENROLLING = "Enrolling-agent-code-0123456789a";
    private static final Path HOME = ServerUnderTest.HOME;

    @Test
    void theDashboardInARealBrowser(@TempDir Path temp) throws Exception {
        Path rules = temp.resolve("alert-rules.yaml");
        Files.writeString(rules, "newHost:\n  enabled: true\n  severity: low\n  skipFirstScan: false\n");
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            long agentId = phpipam.insertAgent("site-dashboard", CODE);
            phpipam.insertAgent("site-enrolling", ENROLLING);
            phpipam.insertSubnet(Cidr.parse("127.0.0.0/29"), agentId, true, true);
            Properties server = new Properties();
            server.setProperty("scanflow.server.api-token", API);
            server.setProperty("scanflow.fleet.heartbeat-interval", "2s");
            server.setProperty("scanflow.alerts.rules-file", rules.toString());
            Properties agent = new Properties();
            agent.setProperty("scanflow.agent.code", CODE);
            agent.setProperty("scanflow.agent.token", TOKEN);
            agent.setProperty("scanflow.agent.subnets", "127.0.0.0/29");
            agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agent.setProperty("scanflow.agent.scan-on-start", "false");
            agent.setProperty("scanflow.agent.scan-timeout", "120s");
            agent.setProperty("scanflow.agent.host-timeout", "60s");
            agent.setProperty("scanflow.agent.heartbeat-interval", "2s");
            agent.setProperty("scanflow.agent.job-poll-interval", "1s");
            try (ServerUnderTest running = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), server, agent)) {
                String base = "http://127.0.0.1:" + running.port;
                sessionRules(base);
                String enrolment = enrol(running);
                browser(base);
                // the page's Approve, as the database has it: the enrolment row whole, approved by the dashboard
                List<Map<String, Object>> rows = phpipam.rows("SELECT * FROM `" + phpipam.scanflowSchema + "`.fleet_enrolments");
                assertEquals(1, rows.size(), rows.toString());
                Map<String, Object> row = rows.get(0);
                assertEquals(java.util.Set.of("id", "agent_code", "claim_hash", "status", "requested_at", "decided_at", "decided_by"), row.keySet());
                assertEquals(enrolment, row.get("id"));
                assertEquals(ENROLLING, row.get("agent_code"));
                assertEquals("approved", row.get("status"));
                assertEquals("dashboard", row.get("decided_by"));
                assertTrue(row.get("decided_at") != null && row.get("requested_at") != null, row.toString());
                assertTrue(String.valueOf(row.get("claim_hash")).matches("[0-9a-f]{64}"), "only the claim's hash");
            }
        }
    }

    private static void sessionRules(String base) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base + "/")).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("Operator token"));
        assertTrue(page.headers().firstValue("Content-Security-Policy").orElse("").contains("default-src 'self'"));
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/fleet")).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "no session, no token: nothing");
        assertEquals(401, login(http, base, "wrong").statusCode());
        assertEquals(415, http.send(HttpRequest.newBuilder(URI.create(base + "/web/login")).header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("token=" + API)).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "a cross-site form cannot log in");
        HttpResponse<String> login = login(http, base, API);
        assertEquals(200, login.statusCode());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(setCookie.startsWith("scanflow_session="), setCookie);
        assertTrue(setCookie.toLowerCase().contains("httponly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);
        assertTrue(!setCookie.contains("Secure"), "Secure only under TLS: " + setCookie);
        assertTrue(!login.body().contains(API), "the token is never sent back");
        assertTrue(login.body().contains("\"role\":\"admin\""), "the api-token is an admin (README, Operator roles): " + login.body());
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String csrf = login.body().replaceAll(".*\"csrf\":\"([^\"]+)\".*", "$1");
        assertEquals(200, http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/fleet")).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "the session opens the API for reading");
        HttpRequest.Builder post = HttpRequest.newBuilder(URI.create(base + "/api/v1/scan-jobs")).header("Cookie", cookie)
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"subnet\":\"127.0.1.0/29\"}"));
        assertEquals(403, http.send(post.build(), HttpResponse.BodyHandlers.discarding()).statusCode(), "a POST without the CSRF token");
        assertEquals(403, http.send(post.copy().header("X-CSRF-Token", "forged").build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(404, http.send(post.copy().header("X-CSRF-Token", csrf).build(), HttpResponse.BodyHandlers.discarding()).statusCode(),
                "with it, the request reaches the API (which owns no such subnet)");
        assertEquals(204, http.send(HttpRequest.newBuilder(URI.create(base + "/web/logout")).header("Cookie", cookie).header("X-CSRF-Token", csrf)
                .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        assertEquals(401, http.send(HttpRequest.newBuilder(URI.create(base + "/api/v1/fleet")).header("Cookie", cookie).GET().build(),
                HttpResponse.BodyHandlers.discarding()).statusCode(), "logged out");
    }

    /** An agent waiting to enrol (with a one-time token, over the API), for the page to approve. */
    private static String enrol(ServerUnderTest running) throws Exception {
        ServerUnderTest.Reply made = running.post("/api/v1/fleet/enrolment-tokens", new byte[0], "Bearer " + API);
        assertEquals(201, made.status(), made.body());
        String token = made.body().replaceAll(".*\"enrolmentToken\":\"([^\"]+)\".*", "$1");
        ServerUnderTest.Reply enrolled = running.post("/api/v1/fleet/enrol",
                ("{\"code\":\"" + ENROLLING + "\",\"claim\":\"claim-secret-of-the-enrolling-agent\"}").getBytes(), "Bearer " + token);
        assertEquals(202, enrolled.status(), enrolled.body());
        return enrolled.body().replaceAll(".*\"enrolmentId\":\"([^\"]+)\".*", "$1");
    }

    private static HttpResponse<String> login(HttpClient http, String base, String token) throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create(base + "/web/login")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + token + "\"}")).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static void browser(String base) throws Exception {
        Path modules = HOME.resolve(".ci/node/node_modules/playwright-core");
        Path chromium = Path.of("/usr/bin/chromium");
        // .ci/run installs both; a developer machine without them skips the browser part, and says so
        Assumptions.assumeTrue(Files.isDirectory(modules) && Files.isExecutable(chromium),
                "the browser test needs Debian's chromium and playwright-core in .ci/node (see .ci/run)");
        Path shots = HOME.resolve("target/screenshots");
        Files.createDirectories(shots);
        Path script = HOME.resolve("target/dashboard-test/dashboard.mjs");
        Files.createDirectories(script.getParent());
        // node resolves playwright-core from the script's own folder upwards: run a copy next to .ci/node's modules
        Path runnable = HOME.resolve(".ci/node/dashboard.mjs");
        Files.copy(HOME.resolve("src/test/web/dashboard.mjs"), runnable, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        try {
            ProcessBuilder node = new ProcessBuilder(List.of("node", runnable.toString())).redirectErrorStream(true)
                    .redirectOutput(HOME.resolve("target/dashboard-test/output.txt").toFile());
            node.environment().put("SCANFLOW_URL", base);
            node.environment().put("SCANFLOW_TOKEN", API);
            node.environment().put("SCANFLOW_SUBNET", "127.0.0.0/29");
            node.environment().put("SCANFLOW_ENROLLING", ENROLLING);
            node.environment().put("SCREENSHOTS", shots.toString());
            node.environment().put("CHROMIUM", chromium.toString());
            Process process = node.start();
            boolean ended = process.waitFor(Duration.ofMinutes(4).toSeconds(), TimeUnit.SECONDS);
            if (!ended) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
            String output = Files.readString(HOME.resolve("target/dashboard-test/output.txt"));
            assertTrue(ended, "the browser test did not end within 4 minutes:\n" + output);
            assertEquals(0, process.exitValue(), output);
            assertTrue(output.contains("dashboard: all good"), output);
            for (String view : List.of("fleet", "fleet-enrolment", "scan-now", "changes", "alerts", "delta", "fleet-phone")) {
                assertTrue(Files.size(shots.resolve(view + ".png")) > 10_000, view + ".png saved");
            }
        } finally {
            Files.deleteIfExists(runnable);
        }
    }
}
