package dev.scanflow.management;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.apache.camel.CamelContext;
import org.apache.camel.ServiceStatus;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every attack of issue 8, replayed over real HTTP against the real server (with the agent's routes in it) and a
 * real standalone agent: refused without the operator token, and with it refused unless it is a read, a list, a
 * search or a route's start/stop/suspend/resume. No file is created, no route stops but by an allowed call, and
 * no reply holds a secret, a user name or a path. Hawtio's own calls pass with the token and get 401 without.
 */
class ObserveSecurityIT {

    private static final String CODE = "Secu-agent-code-0123456789abcdeS";
    private static final String AGENT_TOKEN = "agent-token-" + java.util.UUID.randomUUID();
    private static final String OPERATOR = "operator-token-" + java.util.UUID.randomUUID();
    private static final String AGENT_OPERATOR = "agent-operator-" + java.util.UUID.randomUUID();

    /** Where Hawtio runs: its proxy passes the browser's Origin and adds X-Forwarded-For. */
    private static final String HAWTIO = "http://localhost:8090";

    private static TestPhpipam phpipam;
    private static ServerUnderTest server;
    private static CamelApp agent;
    private static int agentPort;
    private static final List<RawHttp.Reply> replies = new ArrayList<>();

    @TempDir
    static Path dir;

    @BeforeAll
    static void start() throws Exception {
        phpipam = TestPhpipam.create();
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.api-token", OPERATOR);
        extra.setProperty("scanflow.observe.allowed-origins", HAWTIO);
        Properties agentRoutes = new Properties();
        agentRoutes.setProperty("scanflow.agent.code", CODE);
        agentRoutes.setProperty("scanflow.agent.token", AGENT_TOKEN);
        agentRoutes.setProperty("scanflow.agent.scan-on-start", "false");
        agentRoutes.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        server = ServerUnderTest.start(phpipam, Map.of(CODE, AGENT_TOKEN), extra, agentRoutes);

        agentPort = ServerUnderTest.freePort();
        Properties standalone = new Properties();
        standalone.putAll(agentRoutes);
        standalone.setProperty("scanflow.agent.management-port", Integer.toString(agentPort));
        standalone.setProperty("scanflow.agent.operator-token", AGENT_OPERATOR);
        standalone.setProperty("scanflow.agent.archive.dir", dir.resolve("archive").toString());
        agent = new CamelApp();
        AgentRole.configureStandalone(agent, AgentSettings.from(SettingsSource.of(standalone)), Optional.empty(), ServerUnderTest.HOME);
        agent.start();
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            for (RawHttp.Reply reply : replies) {
                for (String secret : List.of(OPERATOR, AGENT_OPERATOR, AGENT_TOKEN, phpipam.serverPassword)) {
                    assertFalse(reply.body().contains(secret) || reply.head().contains(secret), "a reply showed a secret: " + reply);
                }
            }
        } finally {
            if (agent != null) {
                agent.close();
            }
            if (server != null) {
                server.close();
            }
            if (phpipam != null) {
                phpipam.close();
            }
        }
    }

    private static RawHttp.Reply keep(RawHttp.Reply reply) {
        synchronized (replies) {
            replies.add(reply);
        }
        return reply;
    }

    private static String contextMBean(String context) {
        return "org.apache.camel:context=" + context + ",type=context,name=\\\"" + context + "\\\"";
    }

    private static String routeMBean(String context, String route) {
        return "org.apache.camel:context=" + context + ",type=routes,name=\\\"" + route + "\\\"";
    }

    private static String exec(String mbean, String operation, String... arguments) {
        StringBuilder args = new StringBuilder();
        for (String argument : arguments) {
            args.append(args.isEmpty() ? "" : ",").append('"').append(argument).append('"');
        }
        return "{\"type\":\"exec\",\"mbean\":\"" + mbean + "\",\"operation\":\"" + operation + "\",\"arguments\":[" + args + "]}";
    }

    /** Every way issue 8 ran a command, wrote a file or changed state, against one role. */
    private void replayAttacks(int port, String context, String route, String token, CamelContext camel) throws Exception {
        Path touched = dir.resolve("touched-" + port);
        Path written = dir.resolve("written-" + port);
        List<String> attacks = List.of(
                exec(contextMBean(context), "sendStringBody(java.lang.String,java.lang.String)",
                        "exec:touch?args=" + touched, "x"),
                exec(contextMBean(context), "sendBody(java.lang.String,java.lang.Object)",
                        "file:" + dir + "?fileName=" + written.getFileName(), "x"),
                exec(contextMBean(context), "createEndpoint(java.lang.String)", "exec:touch?args=" + touched),
                exec(contextMBean(context), "addOrUpdateRoutesFromXml(java.lang.String)", "<routes/>"),
                exec(routeMBean(context, route), "remove()"),
                exec(routeMBean(context, route), "updateRouteFromXml(java.lang.String)", "<route/>"),
                exec("java.lang:type=Memory", "gc"),
                exec("com.sun.management:type=HotSpotDiagnostic", "dumpHeap", dir.resolve("heap.hprof").toString(), "true"),
                "{\"type\":\"write\",\"mbean\":\"" + routeMBean(context, route) + "\",\"attribute\":\"TracingEnabled\",\"value\":true}",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\",\"attribute\":\"InputArguments\"}",
                "{\"type\":\"read\",\"mbean\":\"java.lang:type=Runtime\"}",
                "{\"type\":\"read\",\"mbean\":\"*:*\"}",
                "[{\"type\":\"version\"}," + exec(routeMBean(context, route), "remove()") + "]",
                exec(routeMBean(context, route), "stop(java.lang.String)x"),
                "[{\"type\":\"read\",\"mbean\":\"" + routeMBean(context, route) + "\"},"
                        + exec(contextMBean(context), "sendStringBody(java.lang.String,java.lang.String)", "exec:touch?args=" + touched, "x") + "]",
                "{\"type\":\"read\",\"type\":\"exec\",\"mbean\":\"" + contextMBean(context) + "\",\"operation\":\"stop\"}");
        for (String attack : attacks) {
            // without the token: 401 from anywhere, loopback included, and whatever the content type
            RawHttp.Reply open = keep(RawHttp.to(port).postText("/observe/jolokia", attack));
            assertEquals(401, open.status(), attack + " -> " + open);
            RawHttp.Reply openJson = keep(RawHttp.to(port).postJson("/observe/jolokia/", attack));
            assertEquals(401, openJson.status(), attack + " -> " + openJson);
            // with it: refused before Jolokia sees it, except the harmless bulk head
            RawHttp.Reply withToken = keep(RawHttp.to(port).bearer(token).postJson("/observe/jolokia", attack));
            assertEquals(403, withToken.status(), attack + " -> " + withToken);
            // a web page in the operator's browser, even one holding the token (it never should)
            RawHttp.Reply fromPage = keep(RawHttp.to(port).bearer(token).header("Origin", "http://evil.example")
                    .postText("/observe/jolokia", attack));
            assertEquals(403, fromPage.status(), attack + " -> " + fromPage);
        }
        // the same operations through GET paths, and path spellings that should not slip past the gate
        for (String path : List.of(
                "/observe/jolokia/exec/java.lang:type=Memory/gc",
                "/observe/jolokia/exec/org.apache.camel:context=" + context + ",type=routes,name=%22" + route + "%22/stop()",
                "/observe/jolokia/write/org.apache.camel:context=" + context + ",type=routes,name=%22" + route + "%22/TracingEnabled/true",
                "/observe/jolokia/read/java.lang:type=Runtime/InputArguments",
                "/observe/jolokia/?p=/exec/java.lang:type=Memory/gc",
                "/observe/jolokia/read/java.lang:type=Runtime?p=/read/java.lang:type=Runtime")) {
            assertEquals(401, keep(RawHttp.to(port).get(path)).status(), path);
            RawHttp.Reply withToken = keep(RawHttp.to(port).bearer(token).get(path));
            assertEquals(403, withToken.status(), path + " -> " + withToken);
        }
        for (String path : List.of("//observe/jolokia/version", "/observe/./jolokia/version", "/observe/../observe/jolokia/version",
                "/observe/jolokia%2Fversion", "/OBSERVE/jolokia/version")) {
            RawHttp.Reply reply = keep(RawHttp.to(port).get(path));
            assertTrue(reply.status() == 401 || reply.status() == 404 || reply.status() == 400, path + " -> " + reply);
            assertFalse(reply.body().contains("\"agent\""), path + " reached Jolokia: " + reply);
        }
        for (String path : List.of("/q/jolokia/version", "/q/info", "/q/dev", "/q/send", "/jolokia/version")) {
            assertTrue(keep(RawHttp.to(port).get(path)).status() >= 400, path + " is not served");
        }
        for (String path : List.of("/observe/send", "/observe/dev", "/observe/upload", "/observe/nothing")) {
            assertEquals(404, keep(RawHttp.to(port).bearer(token).get(path)).status(), path);
        }
        assertEquals(401, keep(RawHttp.to(port).bearer("wrong-" + token).get("/observe/jolokia/version")).status());
        assertEquals(401, keep(RawHttp.to(port).basic("operator", "wrong").get("/observe/jolokia/version")).status());

        assertFalse(Files.exists(touched), "no command ran");
        assertFalse(Files.exists(written), "no file was written");
        assertFalse(Files.exists(dir.resolve("heap.hprof")), "no heap was dumped");
        assertEquals(ServiceStatus.Started, camel.getRouteController().getRouteStatus(route), "no route stopped");
    }

    /** The calls Hawtio 4 makes: with the token they pass (Bearer or Basic), without it 401. */
    private void hawtioCalls(int port, String context, String route, String token, CamelContext camel) {
        List<String> calls = List.of(
                "{\"type\":\"version\"}",
                "{\"type\":\"list\",\"config\":{\"maxDepth\":7}}",
                "{\"type\":\"search\",\"mbean\":\"org.apache.camel:context=*,type=context,*\"}",
                "{\"type\":\"read\",\"mbean\":\"" + routeMBean(context, route) + "\"}",
                "[{\"type\":\"read\",\"mbean\":\"" + routeMBean(context, route) + "\",\"attribute\":\"State\"},{\"type\":\"version\"}]");
        for (String call : calls) {
            assertEquals(401, keep(RawHttp.to(port).postJson("/observe/jolokia", call)).status(), call);
            RawHttp.Reply bearer = keep(RawHttp.to(port).bearer(token).postJson("/observe/jolokia", call));
            assertEquals(200, bearer.status(), call + " -> " + bearer);
            assertTrue(bearer.body().contains("\"status\":200"), call + " -> " + bearer);
            assertFalse(bearer.body().contains("\"status\":403"), call + " -> " + bearer);
            RawHttp.Reply basic = keep(RawHttp.to(port).basic("hawtio", token).postJson("/observe/jolokia", call));
            assertTrue(basic.body().contains("\"status\":200"), call + " -> " + basic);
        }
        RawHttp.Reply get = keep(RawHttp.to(port).bearer(token)
                .get("/observe/jolokia/read/org.apache.camel:context=" + context + ",type=routes,name=%22" + route + "%22/State"));
        assertTrue(get.body().contains("Started"), get.toString());

        for (String[] step : new String[][] {{"stop()", "Stopped"}, {"start()", "Started"}, {"suspend()", "Suspended"},
                {"resume()", "Started"}}) {
            String call = exec(routeMBean(context, route), step[0]);
            ServiceStatus before = camel.getRouteController().getRouteStatus(route);
            assertEquals(401, keep(RawHttp.to(port).postText("/observe/jolokia", call)).status());
            assertEquals(before, camel.getRouteController().getRouteStatus(route), "unchanged without the token");
            RawHttp.Reply done = keep(RawHttp.to(port).basic("hawtio", token).postJson("/observe/jolokia", call));
            assertTrue(done.body().contains("\"status\":200"), call + " -> " + done);
            assertEquals(step[1], camel.getRouteController().getRouteStatus(route).name(), step[0]);
        }
    }

    /** Metrics and info: open to this machine, token otherwise; nothing in info names a user or a path. */
    private void observeAccess(int port, String token) {
        assertEquals(200, keep(RawHttp.to(port).get("/observe/health")).status());
        assertEquals(200, keep(RawHttp.to(port).header("Host", "rebound.example").get("/observe/health")).status());
        for (String path : List.of("/observe/metrics", "/observe/info")) {
            assertEquals(200, keep(RawHttp.to(port).get(path)).status(), path);
            assertEquals(200, keep(RawHttp.to(port).header("Host", "localhost:" + port).get(path)).status(), path);
            // DNS rebinding: a page's own name pointed at 127.0.0.1
            assertEquals(401, keep(RawHttp.to(port).header("Host", "rebound.example:" + port).get(path)).status(), path);
            // a same-host reverse proxy relaying someone else
            assertEquals(401, keep(RawHttp.to(port).header("X-Forwarded-For", "203.0.113.9").get(path)).status(), path);
            assertEquals(401, keep(RawHttp.to(port).header("Forwarded", "for=203.0.113.9").get(path)).status(), path);
            assertEquals(403, keep(RawHttp.to(port).header("Origin", "http://evil.example").get(path)).status(), path);
            assertEquals(200, keep(RawHttp.to(port).bearer(token).header("Host", "scanflow.example").get(path)).status(), path);
        }
        RawHttp.Reply metrics = keep(RawHttp.to(port).get("/observe/metrics"));
        assertFalse(metrics.body().contains(ServerUnderTest.HOME.toString()), "metrics show the install directory");
        RawHttp.Reply info = keep(RawHttp.to(port).get("/observe/info"));
        assertTrue(info.body().contains("\"camel\""), info.toString());
        for (String leak : List.of(System.getProperty("user.home"), System.getProperty("user.dir"), System.getProperty("java.home"),
                "\"user\"", "\"pid\"", "\"dir\"", "\"home\"")) {
            assertFalse(info.body().contains(leak), "info shows " + leak + ": " + info);
        }
    }

    @Test
    void theServerRefusesEveryAttackAndServesHawtioWithTheToken() throws Exception {
        CamelContext camel = server.app().context();
        replayAttacks(server.port, "scanflow", "report-intake", OPERATOR, camel);
        hawtioCalls(server.port, "scanflow", "report-intake", OPERATOR, camel);
        observeAccess(server.port, OPERATOR);
        // through Hawtio 4's proxy: the browser's Origin (Hawtio's own, allowed here), X-Forwarded-For, Basic
        RawHttp.Reply proxied = keep(RawHttp.to(server.port).header("Origin", HAWTIO).header("X-Forwarded-For", "127.0.0.1")
                .basic("operator", OPERATOR).postJson("/observe/jolokia", "{\"type\":\"read\",\"mbean\":\""
                        + routeMBean("scanflow", "report-intake") + "\",\"attribute\":\"State\"}"));
        assertTrue(proxied.body().contains("\"status\":200"), proxied.toString());
        assertEquals(401, keep(RawHttp.to(server.port).header("Origin", HAWTIO).postText("/observe/jolokia", "{\"type\":\"version\"}")).status(),
                "an allowed origin still needs the token");
        assertEquals(403, keep(RawHttp.to(server.port).header("Origin", HAWTIO).bearer(OPERATOR)
                .postJson("/observe/jolokia", exec(contextMBean("scanflow"), "sendStringBody(java.lang.String,java.lang.String)",
                        "log:x", "x"))).status(), "and the policy still holds");
        // intake still answers after the route went through stop/start/suspend/resume
        assertEquals(401, keep(RawHttp.to(server.port).postJson("/api/v1/reports", "{}")).status());
    }

    @Test
    void theAgentRefusesEveryAttackAndServesHawtioWithItsToken() throws Exception {
        CamelContext camel = agent.context();
        replayAttacks(agentPort, "scanflow-agent", "scan-schedule", AGENT_OPERATOR, camel);
        hawtioCalls(agentPort, "scanflow-agent", "scan-schedule", AGENT_OPERATOR, camel);
        observeAccess(agentPort, AGENT_OPERATOR);
        // the management port listens on 127.0.0.1 by default (scanflow.agent.management-host)
        List<java.net.InetAddress> listening = ListeningSockets.on(agentPort);
        assertFalse(listening.isEmpty());
        assertTrue(listening.stream().allMatch(java.net.InetAddress::isLoopbackAddress), listening.toString());
        // the server's operator token does not open the agent
        assertEquals(401, keep(RawHttp.to(agentPort).bearer(OPERATOR).get("/observe/jolokia/version")).status());
    }

    @Test
    void noCamelAttributeShowsASecretOrAPath() {
        for (int port : new int[] {server.port, agentPort}) {
            String token = port == server.port ? OPERATOR : AGENT_OPERATOR;
            RawHttp.Reply all = keep(RawHttp.to(port).bearer(token)
                    .postJson("/observe/jolokia", "{\"type\":\"read\",\"mbean\":\"org.apache.camel:*\",\"config\":{\"ignoreErrors\":true}}"));
            assertEquals(200, all.status(), all.toString());
            assertTrue(all.body().length() > 10_000, "Camel's attributes were read: " + all.body().length());
            // the secrets are checked in every reply after the tests; paths here
            for (String path : List.of(System.getProperty("user.home") + "/", System.getProperty("user.dir"),
                    ServerUnderTest.HOME.toString(), System.getProperty("java.home"), dir.toString())) {
                int at = all.body().indexOf(path);
                assertTrue(at < 0, "a path (" + path + ") in " + all.body().substring(Math.max(0, at - 300), Math.min(all.body().length(), at + 100)));
            }
        }
    }

    @Test
    void withoutAnOperatorTokenJolokiaIsClosed() throws Exception {
        int port = ServerUnderTest.freePort();
        Properties settings = new Properties();
        settings.setProperty("scanflow.agent.code", CODE);
        settings.setProperty("scanflow.agent.token", AGENT_TOKEN);
        settings.setProperty("scanflow.agent.scan-on-start", "false");
        settings.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
        settings.setProperty("scanflow.agent.management-port", Integer.toString(port));
        settings.setProperty("scanflow.agent.archive.dir", dir.resolve("archive2").toString());
        settings.setProperty("scanflow.observe.access", "token");
        try (CamelApp closed = new CamelApp()) {
            AgentRole.configureStandalone(closed, AgentSettings.from(SettingsSource.of(settings)), Optional.empty(), ServerUnderTest.HOME);
            closed.start();
            RawHttp.Reply reply = keep(RawHttp.to(port).bearer("anything").get("/observe/jolokia/version"));
            assertEquals(401, reply.status());
            assertTrue(reply.body().contains("scanflow.agent.operator-token"), reply.toString());
            assertEquals(401, keep(RawHttp.to(port).get("/observe/metrics")).status(), "access=token closes metrics on loopback too");
            assertEquals(200, keep(RawHttp.to(port).get("/observe/health")).status());
        }
    }
}
