package dev.scanflow.launch;

import dev.scanflow.config.ConsoleSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.fleet.AgentCaller;
import dev.scanflow.server.fleet.ConsoleSweep;
import dev.scanflow.server.fleet.Fleet;
import dev.scanflow.server.fleet.FleetEnrolment;
import dev.scanflow.server.intake.TokenFile;
import dev.scanflow.server.phpipam.PhpipamDirectory;
import dev.scanflow.server.fleet.FleetTransitions;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.jobs.ScanJobs;
import dev.scanflow.server.transport.kafka.ScanJobWork;
import dev.scanflow.server.access.OperatorTokens;
import dev.scanflow.server.web.WebConsole;
import dev.scanflow.server.web.WebSessions;
import java.time.Clock;
import java.time.Duration;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import javax.sql.DataSource;

/** The operator console's server parts (routes/console-api.yaml): the fleet and scans on demand. */
public final class ConsoleRole {

    private ConsoleRole() {
    }

    /** @return the dashboard, whose sessions the API guard asks for a cookie's caller */
    static WebConsole configure(CamelApp app, ServerSettings settings, DataSource dataSource, AgentTokens tokens,
                                OperatorTokens operatorTokens) {
        ConsoleSettings console = settings.console();
        String schema = settings.database().scanflowSchema();
        Fleet fleet = new Fleet(dataSource, schema, console.heartbeatInterval(), console.missedIntervals(),
                Clock.systemUTC(), new FleetTransitions(app.meterRegistry()), ReportJson.mapper());
        // with Kafka, a queued job is also published to its agent's site work topic (routes/kafka/scan-job-work.yaml)
        ScanJobs.Queued queued = settings.kafka().<ScanJobs.Queued>map(kafka -> {
            ScanJobWork work = new ScanJobWork(dataSource, schema, kafka.workTopicPrefix(), ReportJson.mapper());
            app.bean("scanJobWork", work).bean("scanJobWorkQueue", work.queue()).onStarted(work::start);
            return work;
        }).orElse(ScanJobs.Queued.NONE);
        ScanJobs jobs = new ScanJobs(dataSource, schema, new ScanJobs.Timeouts(console.jobClaimTimeout(),
                console.jobRunTimeout(), console.jobRequeue(), console.jobMaxAttempts()), Clock.systemUTC(), ReportJson.mapper(),
                queued);
        app.bean("fleet", fleet)
                .bean("scanJobs", jobs)
                .bean("agentCaller", new AgentCaller(tokens))
                .bean("consoleSweep", new ConsoleSweep(fleet, jobs))
                .bean("fleetEnrolment", new FleetEnrolment(dataSource, schema, new TokenFile(settings.tokensFile()),
                        new PhpipamDirectory(dataSource), Duration.ofHours(24), Clock.systemUTC(), ReportJson.mapper()));
        app.bean("grafanaLinks", new dev.scanflow.server.web.GrafanaLinks(console.grafanaUrl()));
        // the dashboard at / : static assets, login, sessions (the guard in front of /api/ is ApiGuard, server/access)
        WebConsole web = new WebConsole(new WebSessions(Duration.ofHours(8), Clock.systemUTC()),
                operatorTokens, settings.tls() != null);
        app.onStarted(context -> web.install(VertxPlatformHttpRouter
                .lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(settings.port()))));
        return web;
    }
}
