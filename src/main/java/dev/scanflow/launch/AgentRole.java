package dev.scanflow.launch;

import dev.scanflow.agent.report.AgentCredentials;
import dev.scanflow.agent.report.ReportAssembler;
import dev.scanflow.agent.scan.AssignedSubnets;
import dev.scanflow.agent.scan.NmapCommand;
import dev.scanflow.agent.scan.NmapXmlParser;
import dev.scanflow.agent.scan.ScanExecution;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.report.ReportJson;
import java.nio.file.Path;
import java.time.Clock;

/** The agent's parts: the schedule, nmap through camel-exec, the XML parser, delivery to the server. */
public final class AgentRole {

    private AgentRole() {
    }

    public static void configure(CamelApp app, AgentSettings settings, Path home) {
        app.bean("assignedSubnets", new AssignedSubnets(settings.subnets()))
                .bean("nmapCommand", new NmapCommand(settings))
                .bean("scanExecution", new ScanExecution())
                .bean("nmapXmlParser", new NmapXmlParser())
                .bean("reportAssembler", new ReportAssembler(settings.code(), Clock.systemUTC()))
                .bean("agentCredentials", new AgentCredentials(settings.token()))
                .bean("reportJson", ReportJson.mapper())
                .property("scanflow.agent.schedule", settings.schedule())
                .property("scanflow.agent.scan-on-start", settings.scanOnStart())
                .property("scanflow.agent.nmap", settings.nmap())
                .property("scanflow.agent.scan-timeout-ms", settings.scanTimeout().toMillis())
                .property("scanflow.agent.reports-url", reportsUrl(settings))
                .routes("file:" + home.resolve("agent-routes") + "/*.yaml");
    }

    /** The agent alone serves only health and metrics, on its own port. */
    public static void configureStandalone(CamelApp app, AgentSettings settings, Path home) {
        configure(app, settings, home);
        app.property("camel.main.name", "scanflow-agent").property("camel.server.enabled", false);
        Observability.configure(app, settings.managementPort());
    }

    static String reportsUrl(AgentSettings settings) {
        String base = settings.serverUrl().toString();
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/reports";
    }
}
