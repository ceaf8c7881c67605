package dev.scanflow.launch;

import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.traffic.TrafficResults;
import dev.scanflow.server.traffic.TrafficTestStore;
import dev.scanflow.server.traffic.TrafficTestsApi;
import dev.scanflow.traffic.KnownHostsVerifier;
import dev.scanflow.traffic.SshClients;
import dev.scanflow.traffic.TestSlots;
import dev.scanflow.traffic.TrafficTests;
import dev.scanflow.traffic.TrafficTestsConfig;
import io.micrometer.core.instrument.MeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import javax.sql.DataSource;
import org.apache.camel.builder.TemplatedRouteBuilder;

/**
 * Traffic tests on the server (issue 14): the API beans always (routes/traffic-api.yaml); for tests a site's
 * agent runs (runBy), one route per cron schedule that queues a run for it; and when config/traffic-tests.yaml
 * defines hosts of the server's own, the runner (routes/traffic/), its SSH client with strict host keys and
 * one scheduled route per test with a cron schedule.
 */
final class TrafficRole {

    private TrafficRole() {
    }

    /** @param alerts the server's alert rules and history, which also raise traffic alerts */
    static void configure(CamelApp app, DataSource dataSource, String schema, Path file, Path home,
                          ObservationRecorder alerts) {
        TrafficTestsConfig config = Files.exists(file) ? TrafficTestsConfig.load(file) : null;
        if (config != null && !config.definesAnything()) {
            config = null; // nothing to test: requests are refused with 409, nothing is scheduled
        }
        TrafficTestStore store = new TrafficTestStore(dataSource, schema);
        TrafficTestsApi api = new TrafficTestsApi(config, store, new TrafficResults(dataSource, store, alerts),
                Clock.systemUTC(), null);
        app.bean("trafficTestsApi", api);
        app.onStarted(context -> api.useMeters(context.getRegistry().findSingleByType(MeterRegistry.class)));
        if (config == null) {
            return;
        }
        TrafficTestsConfig defined = config;
        // tests a site's agent runs: their schedules queue runs for that agent; nothing runs here
        app.onStarted(context -> defined.agentTests().stream().filter(t -> t.cron() != null).forEach(t ->
                schedule(context, "traffic-test-queue-schedule", t.name(), t.cron())));
        if (config.hosts().isEmpty()) {
            return;
        }
        KnownHostsVerifier verifier = new KnownHostsVerifier(config.knownHosts());
        app.bean("trafficTests", new TrafficTests(new TestSlots(config.firstPort(), config.lastPort()), verifier,
                        config.sshTimeout(), Clock.systemUTC()))
                .bean("trafficSshClient", SshClients.strict(verifier))
                .routes("file:" + home.resolve("routes/traffic") + "/*.yaml");
        app.onStarted(context -> defined.tests().stream().filter(t -> t.cron() != null).forEach(t ->
                schedule(context, "traffic-test-schedule", t.test().name(), t.cron())));
    }

    private static void schedule(org.apache.camel.CamelContext context, String template, String name, String cron) {
        try {
            TemplatedRouteBuilder.builder(context, template)
                    .routeId("traffic-test-schedule-" + name)
                    .parameter("name", name)
                    .parameter("cron", cron)
                    .add();
        } catch (RuntimeException e) {
            throw new IllegalStateException("traffic test " + name + ": schedule not started: " + e.getMessage(), e);
        }
    }
}
