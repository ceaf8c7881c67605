package dev.scanflow.launch;

import dev.scanflow.agent.archive.RawOutputArchive;
import dev.scanflow.agent.deliver.Backoff;
import dev.scanflow.agent.deliver.ReportDelivery;
import dev.scanflow.agent.spool.ReportSpool;
import dev.scanflow.agent.phpipam.PhpipamApiSettings;
import dev.scanflow.agent.phpipam.PhpipamWorkSource;
import dev.scanflow.agent.status.AgentWorkHealthCheck;
import dev.scanflow.agent.status.AgentWorkStatus;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.report.AgentCredentials;
import dev.scanflow.agent.report.ReportAssembler;
import dev.scanflow.agent.scan.AssignedSubnets;
import dev.scanflow.agent.scan.MasscanCommand;
import dev.scanflow.agent.scan.MasscanOutputParser;
import dev.scanflow.agent.scan.NmapCommand;
import dev.scanflow.agent.scan.NmapXmlParser;
import dev.scanflow.agent.scan.ScanExecution;
import dev.scanflow.agent.scan.ScanProgress;
import dev.scanflow.agent.scan.ServiceScanGroups;
import dev.scanflow.agent.scan.ServiceScanPipeline;
import dev.scanflow.agent.scan.WatchedExecutor;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanProfile;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The agent's parts: the schedule, the scan planner (profiles, chunks), nmap and masscan through camel-exec,
 * their parsers, report assembly, the raw output archive, delivery to the server.
 */
public final class AgentRole {

    private AgentRole() {
    }

    public static void configure(CamelApp app, AgentSettings settings, Path home) {
        configure(app, settings, Optional.empty(), home, app.meterRegistry());
    }

    /** With {@code phpipamApi} set, the subnets to scan come from phpIPAM's API instead of scanflow.agent.subnets. */
    public static void configure(CamelApp app, AgentSettings settings, Optional<PhpipamApiSettings> phpipamApi, Path home) {
        configure(app, settings, phpipamApi, home, app.meterRegistry());
    }

    /**
     * @param meterRegistry Camel's meter registry: bound as {@code metricsRegistry},
     *                      so camel-micrometer-prometheus serves the scan progress gauges with the rest
     */
    public static void configure(CamelApp app, AgentSettings settings, Optional<PhpipamApiSettings> phpipamApi, Path home,
                                 PrometheusMeterRegistry meterRegistry) {
        app.useMeterRegistry(meterRegistry);
        Clock clock = Clock.systemUTC();
        ScanProgress progress = new ScanProgress(meterRegistry, settings.statsEvery(), clock);
        Path archiveDir = home.resolve(settings.archive().dir()).normalize();
        ExecutorService serviceScans = Executors.newFixedThreadPool(settings.serviceScanParallelism(), runnable -> {
            Thread thread = new Thread(runnable, "service-scan");
            thread.setDaemon(true);
            return thread;
        });
        app.closeOnStop(serviceScans::shutdownNow);
        // reports are spooled on disk before delivery (agent-routes/delivery.yaml); a restart resumes from it
        AgentSettings.Delivery delivery = settings.delivery();
        ReportSpool spool = new ReportSpool(home.resolve(delivery.spoolDir()).normalize(), delivery.spoolMaxBytes(), clock);
        java.util.Random jitter = new java.util.Random();
        ReportDelivery reportDelivery = new ReportDelivery(spool,
                new Backoff(delivery.backoffInitial(), delivery.backoffMax(), jitter::nextDouble), clock, meterRegistry);
        // phpIPAM's API decides what to scan and how when it is configured (issue 4); otherwise the config file
        Optional<PhpipamWorkSource> work = phpipamApi.map(api -> PhpipamWorkSource.create(api, meterRegistry));
        AgentWorkStatus workStatus = new AgentWorkStatus(clock);
        // registered once the context runs, so the health endpoint lists it from the first answer on
        app.onStarted(context -> {
            org.apache.camel.health.HealthCheckRegistry registry = org.apache.camel.health.HealthCheckRegistry.get(context);
            if (registry != null) {
                AgentWorkHealthCheck check = new AgentWorkHealthCheck(workStatus);
                check.setCamelContext(context);
                registry.register(check);
            }
        });
        AssignedSubnets fromSettings = new AssignedSubnets(settings.subnets());
        ScanPlanner planner = work.map(source -> new ScanPlanner(settings, cidr -> Optional.of(source.assigned(cidr))))
                .orElseGet(() -> new ScanPlanner(settings));
        WatchedExecutor scanners = new WatchedExecutor(progress, clock);
        // the ports profile's pipeline looks every 50 ms whether a batch of masscan's pairs is due for nmap -sV
        java.util.concurrent.ScheduledExecutorService batchTicker = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "service-scan-batches");
            thread.setDaemon(true);
            return thread;
        });
        app.closeOnStop(batchTicker::shutdownNow);
        ScanExecution scanExecution = new ScanExecution(clock);
        MasscanCommand masscanCommand = new MasscanCommand(settings);
        MasscanOutputParser masscanOutputParser = new MasscanOutputParser();
        ServiceScanGroups serviceScanGroups = new ServiceScanGroups();
        // a scan job checks its subnet against phpIPAM now; the heartbeat tells what the last cycle got, and never
        // asks phpIPAM itself (every 30 s, and again while phpIPAM is failing)
        java.util.function.Supplier<java.util.List<String>> assigned = work.<java.util.function.Supplier<java.util.List<String>>>map(
                source -> source::subnets).orElse(fromSettings::subnets);
        java.util.function.Supplier<java.util.List<String>> lastAssigned = work.<java.util.function.Supplier<java.util.List<String>>>map(
                source -> () -> source.lastWork().map(last -> last.cidrs()).orElse(java.util.List.of())).orElse(fromSettings::subnets);
        AgentConsoleRole.configure(app, settings, home, assigned, lastAssigned, planner, scanners, meterRegistry, reportDelivery);
        app.bean("assignedSubnets", work.<Object>map(source -> source).orElse(fromSettings))
                .bean("scanPlanner", planner)
                .bean("nmapCommand", new NmapCommand(settings))
                .bean("masscanCommand", masscanCommand)
                .bean("scanProgress", progress)
                .bean("watchedExecutor", scanners)
                .bean("scanExecution", scanExecution)
                .bean("nmapXmlParser", new NmapXmlParser())
                .bean("masscanOutputParser", masscanOutputParser)
                .bean("serviceScanGroups", serviceScanGroups)
                .bean("serviceScanPool", serviceScans)
                .bean("serviceScanPipeline", new ServiceScanPipeline(scanners, masscanCommand,
                        settings.masscan().executable(), settings.masscan().rate(), settings.scanTimeout(), scanExecution, masscanOutputParser,
                        serviceScanGroups, serviceScans, batchTicker))
                .bean("reportAssembler", new ReportAssembler(settings.code(), clock))
                .bean("rawOutputArchive", new RawOutputArchive(archiveDir, settings.archive().retentionDays(), clock))
                .bean("agentCredentials", new AgentCredentials(settings.token()))
                // how the server's certificate is checked (CA file or the JDK's store, host names verified)
                .bean("deliveryTls", settings.deliveryTls().resolve(home).sslContextParameters())
                .bean("reportSpool", spool)
                .bean("reportDelivery", reportDelivery)
                // one delivery may take this long (connect, send, answer) before it counts as failed
                .property("camel.component.http.connectTimeout", delivery.timeout().toMillis())
                .property("camel.component.http.soTimeout", delivery.timeout().toMillis())
                .property("camel.component.http.responseTimeout", delivery.timeout().toMillis())
                // the spool decides when to try again (back-off, Retry-After: ReportDelivery), not the HTTP client,
                // whose default strategy would sleep through a 429's Retry-After (up to 600 s) inside one send,
                // without a log line, the report's fate undecided and the health stale
                .property("camel.component.http.automaticRetriesDisabled", true)
                .bean("agentWorkStatus", workStatus)
                .bean("reportJson", ReportJson.mapper())
                .property("scanflow.agent.schedule", settings.schedule())
                .property("scanflow.agent.scan-on-start", settings.scanOnStart())
                .property("scanflow.agent.nmap", settings.nmap())
                .property("scanflow.agent.masscan", settings.masscan().executable())
                .property("scanflow.agent.scan-timeout-ms", settings.scanTimeout().toMillis())
                .property("scanflow.agent.reports-url", reportsUrl(settings))
                .routes("file:" + home.resolve("agent-routes") + "/*.yaml");
        // one delivery readiness, read from the spool's delivery whatever the transport
        AgentOperations.configure(app, reportDelivery, work);
        if (settings.transport().overKafka()) {
            KafkaTransport.configureAgent(app, settings.transport(), settings.code(), delivery.timeout(), home);
        }
    }

    /** The agent alone serves only health and metrics, on its own port; its scanners must be installed. */
    public static void configureStandalone(CamelApp app, AgentSettings settings, Optional<PhpipamApiSettings> phpipamApi,
                                           Path home) {
        if (settings.subnets().stream().anyMatch(s -> settings.profileFor(s) == ScanProfile.PORTS)) {
            Scanners.requireInstalled(settings.masscan().executable(), "scanflow.agent.masscan", ", and a subnet uses the ports profile");
        }
        configure(app, settings, phpipamApi, home);
        app.property("camel.main.name", "scanflow-agent").property("camel.server.enabled", false);
        Observability.configure(app, settings.managementHost(), settings.managementPort(), settings.management(), null, false, home);
    }

    /**
     * The delivery endpoint's URI. Over https it carries the agent's trust ({@code #deliveryTls}: CA file or the
     * JDK's store, host names verified); camel-http would speak TLS even to an http:// URI given those
     * parameters, so plain http (loopback only, AgentSettings) has none.
     */
    static String reportsUrl(AgentSettings settings) {
        String base = settings.serverUrl().toString();
        String url = (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/api/v1/reports";
        return "https".equals(settings.serverUrl().getScheme()) ? url + "?sslContextParameters=#deliveryTls" : url;
    }
}
