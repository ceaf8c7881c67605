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
 * What an operator meets, through the real agent and server routes: phpIPAM refusing the agent, phpIPAM
 * down with nothing cached, the server refusing a report with 403. Each is one log line without a stack
 * trace, the agent's health check turns DOWN saying what is wrong, and a 403 sends the agent back to phpIPAM.
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
        SettingsSource source = SettingsSource.of(properties);
        ServerRole.configure(app, ServerSettings.from(source, ServerUnderTest.HOME),
                AgentTokens.ofPlainTokens(Map.of(FakePhpipam.AGENT_CODE, TOKEN)), ServerUnderTest.HOME);
        AgentRole.configure(app, AgentSettings.from(source), Optional.of(api.settings(home)), ServerUnderTest.HOME);
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

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);

            HealthCheck.Result down = awaitDown(context, "no work: phpIPAM refused the app code (HTTP 401 \"Unauthorized\")");
            assertTrue(down.getDetails().containsKey("work.since"), down.getDetails().toString());
            assertEquals(1, lines("no work this cycle: phpIPAM refused the app code (HTTP 401").size(), events.toString());
        }
    }

    @Test
    void phpipamDownWithAnEmptyCacheIsOneLineAndTheHealthSaysSo() throws Exception {
        try (FakePhpipam api = FakePhpipam.start(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            assign(api, "127.0.93.0");
            api.proxyStatus = 502;
            CamelContext context = start(app, api, phpipam);

            context.createProducerTemplate().sendBody("direct:scan-cycle", null);

            awaitDown(context, "no work: phpIPAM API " + api.url() + "/api/scanflow/tools/scanagents/");
            assertEquals(1, lines("no work this cycle: phpIPAM API").size(), events.toString());
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
            var before = phpipam.snapshot();

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
            assertEquals(before, phpipam.snapshot(), "no row changed");
        }
    }
}
