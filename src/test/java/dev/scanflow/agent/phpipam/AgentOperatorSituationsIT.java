package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.status.AgentWorkHealthCheck;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TableSnapshot;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.camel.CamelContext;
import org.apache.camel.health.HealthCheck;
import org.apache.camel.health.HealthCheckHelper;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.Property;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What an operator meets, through the real agent and server routes over real HTTP(S): phpIPAM refusing the
 * agent (401), phpIPAM down with nothing cached (502), an SSL app asked over plain HTTP (503), the server
 * refusing a report (403, 401 for a wrong token, then 429 for its address). Each is one log line without a
 * stack trace naming the status and phpIPAM's or the server's message, the agent's health check turns DOWN
 * saying what is wrong, no row of phpIPAM or ScanFlow changes (every table, {@link TableSnapshot}), and a 403
 * sends the agent back to phpIPAM.
 */
class AgentOperatorSituationsIT {

    private static final String TOKEN = "operator-situations-token";

    @TempDir
    Path home;
    private final List<LogEvent> events = new CopyOnWriteArrayList<>();
    private AbstractAppender appender;

    @BeforeEach
    void captureAllLogs() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        appender = new AbstractAppender("situations", null, null, true, Property.EMPTY_ARRAY) {
            @Override
            public void append(LogEvent event) {
                events.add(event.toImmutable());
            }
        };
        appender.start();
        context.getConfiguration().getRootLogger().addAppender(appender, Level.INFO, null);
        context.updateLoggers();
    }

    @AfterEach
    void stopCapturing() {
        LoggerContext context = (LoggerContext) LogManager.getContext(false);
        context.getConfiguration().getRootLogger().removeAppender("situations");
        context.updateLoggers();
    }

    private CamelContext start(CamelApp app, FakePhpipam api, TestPhpipam phpipam) throws Exception {
        return start(app, api.settings(home), phpipam, new Properties());
    }

    /** The server and the agent in one Camel application; {@code extra} keys for either go over the defaults. */
    private CamelContext start(CamelApp app, PhpipamApiSettings api, TestPhpipam phpipam, Properties extra) throws Exception {
        int port = ServerUnderTest.freePort();
        Properties properties = phpipam.serverProperties();
        properties.setProperty("scanflow.server.host", "127.0.0.1");
        properties.setProperty("scanflow.server.port", Integer.toString(port));
        properties.setProperty("scanflow.agent.code", FakePhpipam.AGENT_CODE);
        properties.setProperty("scanflow.agent.token", TOKEN);
        properties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + port);
        properties.setProperty("scanflow.agent.subnets", "127.0.0.0/29");
        properties.setProperty("scanflow.agent.scan-on-start", "false");
        properties.setProperty("scanflow.agent.archive.dir", Files.createDirectories(home.resolve("archive")).toString());
        // a spool of its own: never the install directory's, where another run's reports could wait
        properties.setProperty("scanflow.agent.spool.dir", Files.createDirectories(home.resolve("spool")).toString());
        properties.putAll(extra);
        SettingsSource source = SettingsSource.of(properties);
        ServerRole.configure(app, ServerSettings.from(source, ServerUnderTest.HOME),
                AgentTokens.ofPlainTokens(Map.of(FakePhpipam.AGENT_CODE, TOKEN)), ServerUnderTest.HOME);
        AgentRole.configure(app, AgentSettings.from(source), Optional.of(api), ServerUnderTest.HOME);
        return app.start();
    }

    /** The work check for work sentences, the agent's one delivery check ("delivery") for delivery sentences. */
    private static HealthCheck.Result health(CamelContext context, String message) {
        String id = message.startsWith("cannot deliver") ? "delivery" : AgentWorkHealthCheck.ID;
        // "full": listed while still UP too (delivery from the spool is asynchronous, the DOWN comes later)
        var results = HealthCheckHelper.invoke(context, "full");
        return results.stream()
                .filter(result -> result.getCheck().getId().equals(id)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + id + " health check among "
                        + results.stream().map(r -> r.getCheck().getId() + "=" + r.getState()).toList()));
    }

    private static HealthCheck.Result awaitDown(CamelContext context, String message) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        HealthCheck.Result result = health(context, message);
        while (!(result.getState() == HealthCheck.State.DOWN && result.getMessage().orElse("").contains(message))) {
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("health never said [" + message + "]: " + result.getState() + " " + result.getMessage());
            }
            Thread.sleep(200);
            result = health(context, message);
        }
        return result;
    }

    /** The lines at WARN or above that contain {@code text}; none may carry a stack trace. */
    private List<String> lines(String text) {
        List<LogEvent> matching = events.stream().filter(e -> e.getLevel().isMoreSpecificThan(Level.WARN))
                .filter(e -> e.getMessage().getFormattedMessage().contains(text)).toList();
        for (LogEvent event : matching) {
            assertEquals(null, event.getThrown(), "a stack trace for an operator situation: " + event.getMessage().getFormattedMessage());
            assertTrue(!event.getMessage().getFormattedMessage().contains("\n"), event.getMessage().getFormattedMessage());
        }
        return matching.stream().map(e -> e.getMessage().getFormattedMessage()).toList();
    }

    private static void assign(FakePhpipam api, String subnet) {
        api.agent(2, "remote1", "mysql", FakePhpipam.AGENT_CODE);
        Map<String, Object> row = api.subnet(41, subnet, "30");
        row.put("scanAgent", 2);
        row.put("discoverSubnet", 1);
    }

    @Test
    void aRevokedAppCodeIsOneLineAndTheHealthSaysThereIsNoWork() throws Exception {
        try (FakePhpipam api = FakePhpipam.start(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            assign(api, "127.0.93.0");
            api.appCode = "Revoked-and-replaced-code-000000";
            CamelContext context = start(app, api, phpipam);
            TableSnapshot before = TableSnapshot.of(phpipam);

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);

            HealthCheck.Result down = awaitDown(context, "no work: phpIPAM refused the app code (HTTP 401 \"Unauthorized\")");
            assertTrue(down.getDetails().containsKey("work.since"), down.getDetails().toString());
            assertEquals(1, lines("no work this cycle: phpIPAM refused the app code (HTTP 401").size(), events.toString());
            assertTrue(api.statuses().contains(401), api.statuses().toString());
            TableSnapshot.of(phpipam).assertUnchangedSince(before, "no work, no scan, no report");
        }
    }

    @Test
    void phpipamDownWithAnEmptyCacheIsOneLineAndTheHealthSaysSo() throws Exception {
        try (FakePhpipam api = FakePhpipam.start(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            assign(api, "127.0.93.0");
            api.proxyStatus = 502;
            CamelContext context = start(app, api, phpipam);
            TableSnapshot before = TableSnapshot.of(phpipam);

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);

            HealthCheck.Result down = awaitDown(context, "no work: phpIPAM API " + api.url() + "/api/scanflow/tools/scanagents/");
            assertTrue(down.getMessage().orElseThrow().contains("answered HTTP 502"), down.getMessage().orElseThrow());
            List<String> line = lines("no work this cycle: phpIPAM API");
            assertEquals(1, line.size(), events.toString());
            assertTrue(line.get(0).contains("answered HTTP 502"), line.get(0));
            TableSnapshot.of(phpipam).assertUnchangedSince(before, "no work, no scan, no report");
        }
    }

    @Test
    void aReportTheServerRefusesIsOneLineTheHealthSaysCannotDeliverAndPhpipamIsAskedAgain() throws Exception {
        try (FakePhpipam api = FakePhpipam.start(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            assign(api, "127.0.94.0");
            // the server's phpIPAM does not assign that subnet to the agent: 403 for its report
            long agentId = phpipam.insertAgent("remote1", FakePhpipam.AGENT_CODE);
            phpipam.insertSubnet(Cidr.parse("127.0.95.0/30"), agentId, true, true);
            CamelContext context = start(app, api, phpipam);
            TableSnapshot before = TableSnapshot.of(phpipam);

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);

            awaitDown(context, "cannot deliver: the server refused the last report with HTTP 403");
            Instant deadline = Instant.now().plusSeconds(30);
            while (api.requests().stream().filter(r -> r.contains("tools/scanagents")).count() < 2) {
                assertTrue(Instant.now().isBefore(deadline), "phpIPAM not asked again after the 403: " + api.requests());
                Thread.sleep(100);
            }
            // the spool's delivery: one line, the report moved to the poison folder with the server's reply
            assertEquals(1, lines("refused (HTTP 403), moved to").size(), events.toString());
            assertTrue(lines("refused (HTTP 403), moved to").get(0).contains("subnet 127.0.94.0/30 is not assigned to agent 'remote1'"));
            TableSnapshot.of(phpipam).assertUnchangedSince(before, "the refused report");
        }
    }

    @Test
    void anSslCodeAppOverPlainHttpIs503OneLineAndTheHealthSaysUseHttps() throws Exception {
        try (FakePhpipam api = FakePhpipam.startPlainHttp(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            assign(api, "127.0.93.0");
            // what the agent's settings refuse at start (AgentRefusedAtStartIT), built directly to show what
            // phpIPAM itself answers and what the agent makes of it
            PhpipamApiSettings plain = new PhpipamApiSettings(api.url(), FakePhpipam.APP_ID,
                    PhpipamApiSettings.Security.SSL_CODE, FakePhpipam.APP_CODE, null, null, Duration.ofMinutes(5),
                    java.time.ZoneId.of("UTC"), FakePhpipam.AGENT_CODE, home.resolve("cache"), Duration.ZERO, Duration.ZERO,
                    null, Duration.ofSeconds(5), true);
            CamelContext context = start(app, plain, phpipam, new Properties());
            TableSnapshot before = TableSnapshot.of(phpipam);

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);

            String why = "answered HTTP 503 \"SSL connection is required for API\": phpIPAM wants HTTPS for this app;"
                    + " use an https:// scanflow.phpipam-api.url";
            HealthCheck.Result down = awaitDown(context, "no work: phpIPAM API " + api.url());
            assertTrue(down.getMessage().orElseThrow().contains(why), down.getMessage().orElseThrow());
            List<String> line = lines("no work this cycle: phpIPAM API");
            assertEquals(1, line.size(), events.toString());
            assertTrue(line.get(0).contains(why), line.get(0));
            assertEquals(List.of(503), api.statuses());
            TableSnapshot.of(phpipam).assertUnchangedSince(before, "no work, no scan, no report");
        }
    }

    @Test
    void aWrongTokenIs401ThenTheServersLockoutIs429OneLineEachAndNoRowChanges() throws Exception {
        try (FakePhpipam api = FakePhpipam.start(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            assign(api, "127.0.96.0");
            // the server's phpIPAM assigns the subnet: only the token is wrong
            long agentId = phpipam.insertAgent("remote1", FakePhpipam.AGENT_CODE);
            phpipam.insertSubnet(Cidr.parse("127.0.96.0/30"), agentId, true, true);
            Properties extra = new Properties();
            extra.setProperty("scanflow.agent.token", "a-token-the-server-never-issued");
            extra.setProperty("scanflow.server.auth-failure-limit", "1");
            CamelContext context = start(app, api.settings(home), phpipam, extra);
            TableSnapshot before = TableSnapshot.of(phpipam);

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);
            awaitDown(context, "cannot deliver: the server refused the last report with HTTP 401");
            List<String> unauthorized = lines("refused (HTTP 401), moved to");
            assertEquals(1, unauthorized.size(), events.toString());

            // the next report from this address, with the same wrong token: the lockout
            context.createProducerTemplate().sendBody("direct:scan-cycle", null);
            HealthCheck.Result down = awaitDown(context, "cannot deliver: the server refused the last report with HTTP 429");
            assertTrue(down.getMessage().orElseThrow().contains("too many refused requests from 127.0.0.1"),
                    down.getMessage().orElseThrow());
            List<String> locked = lines("not delivered (HTTP 429)");
            assertEquals(1, locked.size(), events.toString());
            assertTrue(locked.get(0).contains("too many refused requests from 127.0.0.1"), locked.get(0));
            assertEquals(1, lines("refused (HTTP 401), moved to").size(), "the 429 is retried later, never poisoned");
            TableSnapshot.of(phpipam).assertUnchangedSince(before, "refused reports");
        }
    }
}
