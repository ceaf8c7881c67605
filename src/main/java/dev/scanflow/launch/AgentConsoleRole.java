package dev.scanflow.launch;

import dev.scanflow.agent.deliver.ReportDelivery;
import dev.scanflow.agent.fleet.HeartbeatSender;
import dev.scanflow.agent.fleet.ServerCalls;
import dev.scanflow.agent.jobs.OnDemandScans;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.scan.WatchedExecutor;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.report.ReportJson;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.function.Supplier;
import javax.net.ssl.SSLContext;
import org.apache.camel.impl.engine.SimpleCamelContext;

/**
 * The agent's side of the fleet and of scans on demand (agent-routes/server-calls.yaml), and of the traffic
 * tests the server queues for it (AgentTrafficRole).
 */
final class AgentConsoleRole {

    private AgentConsoleRole() {
    }

    static void configure(CamelApp app, AgentSettings settings, Path home, Supplier<List<String>> subnets,
                          Supplier<List<String>> lastAssigned, ScanPlanner planner, WatchedExecutor scanners, MeterRegistry registry, ReportDelivery delivery) {
        SSLContext tls = null;
        if ("https".equals(settings.serverUrl().getScheme())) {
            try {
                tls = settings.deliveryTls().resolve(home).sslContextParameters().createSSLContext(new SimpleCamelContext());
            } catch (Exception e) {
                throw new IllegalStateException("delivery TLS: " + e.getMessage(), e);
            }
        }
        ServerCalls server = new ServerCalls(settings.serverUrl(), settings.token(), tls);
        OnDemandScans onDemand = new OnDemandScans(server, planner, subnets, scanners, registry, ReportJson.mapper());
        app.closeOnStop(onDemand::close);
        app.bean("heartbeatSender", new HeartbeatSender(server, settings, lastAssigned, delivery::status, version(), ReportJson.mapper()))
                .bean("onDemandScans", onDemand)
                .property("scanflow.agent.heartbeat-interval-ms", settings.console().heartbeatInterval().toMillis())
                .property("scanflow.agent.job-poll-interval-ms", settings.console().jobPollInterval().toMillis());
        AgentTrafficRole.configure(app, settings, home, server);
    }

    private static String version() {
        Properties versions = new Properties();
        try (InputStream in = AgentConsoleRole.class.getResourceAsStream("/scanflow-version.properties")) {
            if (in != null) {
                versions.load(in);
            }
        } catch (IOException e) {
            return "unknown";
        }
        return versions.getProperty("version", "unknown");
    }
}
