package dev.scanflow.operations;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.scanflow.demo.EmbeddedMariaDb;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import io.vertx.core.http.HttpMethod;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Health as an orchestrator sees it, against a real MariaDB of this test's own: readiness turns DOWN within
 * 5 s of the database hanging (mysqld stopped with SIGSTOP) or refusing connections, and UP again after;
 * liveness stays UP throughout and never waits behind a slow management call; the operator API answers 503
 * within seconds instead of hanging; an agent whose reports are refused is not ready and says why.
 */
class ObservedHealthIT {

    private static final String OPERATOR = "operator-token-for-health-it";
    private static EmbeddedMariaDb db;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void database() {
        db = EmbeddedMariaDb.start();
    }

    @AfterAll
    static void stopDatabase() {
        db.close();
    }

    private record Answer(int status, String body, long millis) {
    }

    private Answer get(ServerUnderTest server, String path, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .timeout(Duration.ofSeconds(90)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        long started = System.nanoTime();
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body(), (System.nanoTime() - started) / 1_000_000);
    }

    /** Polls until {@code path} answers {@code status}; returns how long that took. */
    private long await(ServerUnderTest server, String path, int status, Duration within) throws Exception {
        long started = System.nanoTime();
        Answer last = null;
        while (System.nanoTime() - started < within.toNanos()) {
            last = get(server, path, null);
            if (last.status() == status) {
                return (System.nanoTime() - started) / 1_000_000;
            }
            Thread.sleep(100);
        }
        throw new AssertionError(path + " did not answer " + status + " within " + within + "; last: " + last);
    }

    private static com.fasterxml.jackson.databind.JsonNode check(Answer answer, String name) throws IOException {
        for (com.fasterxml.jackson.databind.JsonNode check : new com.fasterxml.jackson.databind.ObjectMapper()
                .readTree(answer.body()).path("checks")) {
            if (name.equals(check.path("name").asText())) {
                return check;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    static boolean onPath(String name) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(java.nio.file.Path.of(dir, name))) {
                return true;
            }
        }
        return false;
    }

    private static void signal(ProcessHandle process, String signal) throws IOException, InterruptedException {
        Process kill = new ProcessBuilder("kill", "-" + signal, Long.toString(process.pid())).inheritIO().start();
        assertEquals(0, kill.waitFor());
    }

    private ServerUnderTest server(TestPhpipam phpipam) {
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.api-token", OPERATOR);
        return ServerUnderTest.start(phpipam, Map.of(), extra);
    }

    @Test
    void aHungDatabaseIsNotReadyWithinFiveSecondsAndTheApiAnswers503InsteadOfHanging() throws Exception {
        TestPhpipam phpipam = TestPhpipam.createOn(db);
        try (ServerUnderTest server = server(phpipam)) {
            await(server, "/observe/health/ready", 200, Duration.ofSeconds(20));
            Answer ready = get(server, "/observe/health/ready", null);
            assertTrue(ready.body().contains("\"database\""), ready.body());

            ProcessHandle mysqld = db.process();
            signal(mysqld, "STOP");
            try {
                long down = await(server, "/observe/health/ready", 503, Duration.ofSeconds(5));
                Answer notReady = get(server, "/observe/health", null);
                assertEquals(503, notReady.status());
                assertEquals("DOWN", check(notReady, "database").path("status").asText(), notReady.body());
                Answer live = get(server, "/observe/health/live", null);
                assertEquals(200, live.status(), "liveness does not depend on the database: " + live.body());
                assertTrue(live.millis() < 1000, "liveness answered in " + live.millis() + " ms");

                Answer api = get(server, "/api/v1/subnets", OPERATOR);
                assertEquals(503, api.status(), api.body());
                assertTrue(api.millis() < 20_000, "a hung database is a 503 within seconds, took " + api.millis() + " ms");
                System.out.printf("hung database: not ready after %d ms, API 503 after %d ms%n", down, api.millis());
            } finally {
                signal(mysqld, "CONT");
            }
            await(server, "/observe/health/ready", 200, Duration.ofSeconds(20));
            assertEquals(200, get(server, "/api/v1/subnets", OPERATOR).status());
        } finally {
            phpipam.close();
        }
    }

    @Test
    void aDatabaseThatRefusesConnectionsIsNotReadyWithinFiveSecondsAndReadyAgainWhenBack() throws Exception {
        TestPhpipam phpipam = TestPhpipam.createOn(db);
        try (ServerUnderTest server = server(phpipam)) {
            await(server, "/observe/health/ready", 200, Duration.ofSeconds(20));
            db.stopServer();
            try {
                await(server, "/observe/health/ready", 503, Duration.ofSeconds(5));
                assertEquals(200, get(server, "/observe/health/live", null).status());
            } finally {
                db.restart();
            }
            await(server, "/observe/health/ready", 200, Duration.ofSeconds(20));
        } finally {
            phpipam.close();
        }
    }

    @Test
    void livenessNeverWaitsBehindASlowManagementCall() throws Exception {
        TestPhpipam phpipam = TestPhpipam.createOn(db);
        try (ServerUnderTest server = server(phpipam)) {
            // Camel serves Jolokia, metrics and its own health as ORDERED blocking handlers: one slow call held
            // every other. A handler of the same kind stands in for a slow Jolokia operation here.
            VertxPlatformHttpRouter router = VertxPlatformHttpRouter.lookup(server.app().context(),
                    VertxPlatformHttpRouter.getRouterNameFromPort(server.port));
            router.route(HttpMethod.GET, "/observe/slow").blockingHandler(ctx -> {
                try {
                    Thread.sleep(6000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                ctx.response().end("slow");
            }, true);
            Thread slow = new Thread(() -> {
                try {
                    get(server, "/observe/slow", null);
                } catch (Exception e) {
                    // only the delay matters
                }
            });
            slow.start();
            Thread.sleep(500);
            Answer live = get(server, "/observe/health/live", null);
            Answer ready = get(server, "/observe/health/ready", null);
            slow.join();
            assertEquals(200, live.status(), live.body());
            assertTrue(live.millis() < 2000, "liveness waited " + live.millis() + " ms behind the slow call");
            assertTrue(ready.millis() < 2000, "readiness waited " + ready.millis() + " ms behind the slow call");
        } finally {
            phpipam.close();
        }
    }

    @Test
    void aKafkaBrokerTheEventsGoToCountsForReadiness() throws Exception {
        TestPhpipam phpipam = TestPhpipam.createOn(db);
        dev.scanflow.testing.KafkaBroker kafka = dev.scanflow.testing.KafkaBroker.start();
        boolean stopped = false;
        Properties extra = new Properties();
        extra.setProperty("scanflow.events.endpoints", "bean:eventStream?method=publish,kafka:scanflow-events?brokers="
                + kafka.bootstrapServers());
        try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(), extra)) {
            await(server, "/observe/health/ready", 200, Duration.ofSeconds(30));
            assertEquals("UP", check(get(server, "/observe/health/ready", null), "kafka").path("status").asText());
            kafka.close();
            stopped = true;
            await(server, "/observe/health/ready", 503, Duration.ofSeconds(5));
            Answer ready = get(server, "/observe/health/ready", null);
            assertEquals("DOWN", check(ready, "kafka").path("status").asText(), ready.body());
            assertEquals("UP", check(ready, "database").path("status").asText(), ready.body());
            assertEquals(200, get(server, "/observe/health/live", null).status());
        } finally {
            if (!stopped) {
                kafka.close();
            }
            phpipam.close();
        }
    }

    @Test
    void anAgentWhoseReportsAreRefusedIsNotReadyAndSaysWhy() throws Exception {
        assumeTrue(onPath("nmap") || "true".equals(System.getenv("CI")), "nmap is not installed");
        TestPhpipam phpipam = TestPhpipam.createOn(db);
        Properties agent = new Properties();
        agent.setProperty("scanflow.agent.code", "Agent-refused-0123456789abcdefgh");
        agent.setProperty("scanflow.agent.token", "a-token-the-server-never-issued");
        agent.setProperty("scanflow.agent.subnets", "127.0.0.0/30");
        agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(), new Properties(), agent)) {
            Answer ready = null;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (System.nanoTime() < deadline) {
                ready = get(server, "/observe/health/ready", null);
                if (check(ready, "delivery").path("message").asText().contains("HTTP 401")) {
                    break;
                }
                Thread.sleep(200);
            }
            assertEquals(503, ready.status(), ready.body());
            assertEquals("DOWN", check(ready, "delivery").path("status").asText(), ready.body());
            assertTrue(check(ready, "delivery").path("message").asText().contains("HTTP 401"), ready.body());
            assertEquals("UP", check(ready, "database").path("status").asText(), "the server itself is fine: " + ready.body());
            String metrics = get(server, "/observe/metrics", null).body();
            assertTrue(metrics.lines().anyMatch(line -> line.startsWith("scanflow_agent_deliveries_total{outcome=\"refused\"}")
                    && !line.endsWith(" 0.0")), "refused deliveries counted");
            assertEquals(200, get(server, "/observe/health/live", null).status());
        } finally {
            phpipam.close();
        }
    }
}
