package dev.scanflow.launch;

import dev.scanflow.agent.deliver.Backoff;
import dev.scanflow.agent.deliver.ReportDelivery;
import dev.scanflow.agent.fleet.ServerCalls;
import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.agent.traffic.TrafficWork;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.report.ReportJson;
import dev.scanflow.traffic.KnownHostsVerifier;
import dev.scanflow.traffic.SshClients;
import dev.scanflow.traffic.TestSlots;
import dev.scanflow.traffic.TrafficTests;
import dev.scanflow.traffic.TrafficTestsConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;

/**
 * Traffic tests on a site's agent (issue 14, hosts behind NAT), on only when the agent's own traffic tests
 * file (scanflow.agent.traffic-tests-file) defines hosts: the same runner as the server's (routes/traffic/,
 * dev.scanflow.traffic), the poll for runs the server queued for this agent, and a spool of its own for the
 * results (spool.dir/traffic) with its delivery (agent-routes/traffic/).
 */
final class AgentTrafficRole {

    private AgentTrafficRole() {
    }

    static void configure(CamelApp app, AgentSettings settings, Path home, ServerCalls server) {
        Path file = home.resolve(settings.console().trafficTestsFile()).normalize();
        if (!Files.exists(file)) {
            return;
        }
        TrafficTestsConfig config = TrafficTestsConfig.load(file);
        if (config.hosts().isEmpty()) {
            return;
        }
        Clock clock = Clock.systemUTC();
        AgentSettings.Delivery delivery = settings.delivery();
        ReportSpool results = new ReportSpool(home.resolve(delivery.spoolDir()).resolve("traffic").normalize(),
                delivery.spoolMaxBytes(), clock);
        java.util.Random jitter = new java.util.Random();
        // the report spool's metrics and readiness stay the reports'; a traffic result is a few hundred bytes
        ReportDelivery resultDelivery = new ReportDelivery(results,
                new Backoff(delivery.backoffInitial(), delivery.backoffMax(), jitter::nextDouble), clock, new SimpleMeterRegistry());
        KnownHostsVerifier verifier = new KnownHostsVerifier(config.knownHosts());
        app.bean("trafficTests", new TrafficTests(new TestSlots(config.firstPort(), config.lastPort()), verifier,
                        config.sshTimeout(), clock))
                .bean("trafficSshClient", SshClients.strict(verifier))
                .bean("trafficWork", new TrafficWork(server, config, results, ReportJson.mapper(), clock))
                .bean("trafficResultDelivery", resultDelivery)
                .property("scanflow.agent.traffic-results-url", resultsUrl(settings))
                .routes("file:" + home.resolve("routes/traffic") + "/*.yaml")
                .routes("file:" + home.resolve("agent-routes/traffic") + "/*.yaml");
    }

    static String resultsUrl(AgentSettings settings) {
        String base = settings.serverUrl().toString();
        String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/agent/traffic-results";
        return "https".equals(settings.serverUrl().getScheme()) ? url + "?sslContextParameters=#deliveryTls" : url;
    }
}
