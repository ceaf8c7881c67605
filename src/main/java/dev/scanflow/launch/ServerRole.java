package dev.scanflow.launch;

import dev.scanflow.config.ConsoleSettings;
import dev.scanflow.config.DatabaseSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertRules;
import dev.scanflow.server.access.ApiGuard;
import dev.scanflow.server.access.OperatorTokenFile;
import dev.scanflow.server.access.OperatorTokens;
import dev.scanflow.server.access.RateLimits;
import dev.scanflow.server.access.RoleRules;
import dev.scanflow.server.api.ApiAccess;
import dev.scanflow.server.api.OpenApiDocument;
import dev.scanflow.server.web.WebConsole;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.DeltaPolicy;
import dev.scanflow.server.history.HistoryRepository;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.apply.PendingChunks;
import dev.scanflow.server.apply.ReportApplication;
import dev.scanflow.server.apply.ReportTimes;
import dev.scanflow.server.events.EventFactory;
import dev.scanflow.server.events.EventJournal;
import dev.scanflow.server.store.StepHook;
import dev.scanflow.server.events.EventStream;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.intake.IntakeResponses;
import dev.scanflow.server.intake.ReportAuthorization;
import dev.scanflow.server.intake.ReportReader;
import dev.scanflow.server.transport.http.FailedAttempts;
import dev.scanflow.server.phpipam.PhpipamClock;
import dev.scanflow.server.phpipam.PhpipamDirectory;
import dev.scanflow.server.phpipam.PhpipamWriter;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.tls.ServerTls;
import dev.scanflow.server.vm.VmConfiguration;
import dev.scanflow.server.vm.VmSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import io.vertx.core.http.HttpMethod;
import org.apache.camel.component.platform.http.vertx.VertxPlatformHttpRouter;
import javax.sql.DataSource;
import org.apache.commons.dbcp2.BasicDataSource;

/** The server's parts: report intake on platform-http, checks against phpIPAM, the phpIPAM writer. */
public final class ServerRole {

    private ServerRole() {
    }

    public static BasicDataSource dataSource(DatabaseSettings settings) {
        BasicDataSource dataSource = new BasicDataSource();
        dataSource.setUrl(settings.url());
        dataSource.setUsername(settings.user());
        dataSource.setPassword(settings.password());
        dataSource.setMaxTotal(settings.poolSize());
        dataSource.setDefaultAutoCommit(true);
        // every database call is bounded (issue 12): a hung database answers with an error within seconds
        int connectMillis = (int) settings.connectTimeout().toMillis();
        dataSource.addConnectionProperty("connectTimeout", Integer.toString(connectMillis));
        // the socket timeout is the last guard for a server that stopped answering mid-statement
        dataSource.addConnectionProperty("socketTimeout", Long.toString(settings.queryTimeout().toMillis()));
        dataSource.setDefaultQueryTimeout(settings.queryTimeout());
        dataSource.setMaxWait(settings.poolWait());
        dataSource.setValidationQueryTimeout(settings.connectTimeout());
        dataSource.setTestOnBorrow(true);
        // batches (10,000s of rows per report) go as MariaDB bulk commands, not one round trip per row
        dataSource.addConnectionProperty("useBulkStmts", "true");
        return dataSource;
    }

    public static void configure(CamelApp app, ServerSettings settings, AgentTokens tokens, Path home) {
        configure(app, settings, VmSettings.disabled(), tokens, home, StepHook.NONE);
    }

    /** With VM provisioning (routes/vm-*.yaml, dev.scanflow.server.vm) as {@code vm} says. */
    public static void configure(CamelApp app, ServerSettings settings, VmSettings vm, AgentTokens tokens, Path home) {
        configure(app, settings, vm, tokens, home, StepHook.NONE);
    }

    /** @param steps told after each step of the apply path: a test hook that can crash it there */
    public static void configure(CamelApp app, ServerSettings settings, AgentTokens tokens, Path home, StepHook steps) {
        configure(app, settings, VmSettings.disabled(), tokens, home, steps);
    }

    private static void configure(CamelApp app, ServerSettings settings, VmSettings vm, AgentTokens tokens, Path home,
                                  StepHook steps) {
        BasicDataSource dataSource = dataSource(settings.database());
        app.closeOnStop(dataSource::close);
        try {
            ScanflowSchema.migrate(dataSource, settings.database().scanflowSchema());
        } catch (RuntimeException e) {
            InvalidSettings oneLine = ServerOperations.startFailure(settings.database(), e);
            throw oneLine == null ? e : oneLine;
        }
        PhpipamDirectory directory = new PhpipamDirectory(dataSource);
        ApiAccess apiAccess = new ApiAccess();
        // roles (issue 16): the api-token as admin plus the operator tokens file; a broken file stops the start
        OperatorTokens operatorTokens = new OperatorTokens(settings.apiToken(),
                new OperatorTokenFile(settings.access().operatorTokensFile()));
        ConsoleSettings console = settings.console();
        EventStream eventStream = new EventStream(settings.eventStreamClients(),
                new EventJournal(dataSource, settings.database().scanflowSchema(), Clock.systemUTC()),
                console.streamKeepAlive(), console.streamRetry(), console.journalRetention());
        app.closeOnStop(eventStream::close);
        // Server-Sent Events need a response that stays open, which a platform-http route cannot give:
        // the stream is a Vert.x handler on the same HTTP server, behind the same guard (ApiGuard).
        app.onStarted(context -> VertxPlatformHttpRouter
                .lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(settings.port()))
                .route(HttpMethod.GET, "/api/v1/events")
                .handler(request -> {
                    if (apiAccess.allows(request.request().getHeader("Authorization"))) {
                        eventStream.open(request);
                    } else {
                        request.response().setStatusCode(401).putHeader("Content-Type", "application/json")
                                .end("{\"status\":401,\"error\":\"Unauthorized\",\"message\":\"operator token required\"}");
                    }
                }));
        app.bean("phpipamDataSource", dataSource)
                .bean("agentTokens", tokens)
                .bean("failedAttempts", new FailedAttempts(settings.authFailureLimit(), settings.authFailureWindow(),
                        settings.trustedProxies(), Clock.systemUTC()))
                .bean("reportReader", new ReportReader())
                .bean("intakeResponses", new IntakeResponses())
                .bean("apiAccess", apiAccess)
                .bean("eventStream", eventStream)
                .property("scanflow.events.endpoints", String.join(",", settings.eventEndpoints()))
                .bean("reportJson", ReportJson.mapper())
                .property("camel.main.name", "scanflow")
                .property("camel.server.enabled", true)
                .property("camel.server.host", settings.host())
                .property("camel.server.port", settings.port())
                .property("camel.server.maxBodySize", settings.maxBodyBytes())
                .routes("file:" + home.resolve("routes") + "/*.yaml");
        ObservationRecorder recorder = configureApply(app, settings, dataSource, directory, steps);
        settings.kafka().ifPresent(kafka -> KafkaTransport.configureServer(app, kafka, home));
        OperatorApiRole.configure(app, settings, dataSource, recorder);
        WebConsole web = ConsoleRole.configure(app, settings, dataSource, tokens, operatorTokens);
        // every /api/ request: its operation's x-scanflow-role (an operation without one stops the start here),
        // the caller's token or session, its rate limit
        ApiGuard guard = new ApiGuard(RoleRules.from(new OpenApiDocument().tree()), operatorTokens,
                new RateLimits(settings.access()), apiAccess, web);
        app.onStarted(context -> guard.install(VertxPlatformHttpRouter
                .lookup(context, VertxPlatformHttpRouter.getRouterNameFromPort(settings.port()))));
        ServerOperations.configure(app, settings.database(), dataSource, settings.database().scanflowSchema(),
                settings.eventEndpoints());
        VmConfiguration vmParts = new VmConfiguration(vm, dataSource, settings.database().scanflowSchema());
        vmParts.beans().forEach(app::bean);
        vmParts.properties().forEach(app::property);
        TrafficRole.configure(app, dataSource, settings.database().scanflowSchema(), settings.trafficTestsFile(), home,
                recorder);
        MonitoringRole.configure(app, settings.monitoring(), dataSource, settings.database().scanflowSchema(),
                settings.trafficTestsFile());
        // Camel 4.17 looks for platform-http's router on 8080 when management has a port of its own:
        // management shares the business port instead (docs/stack.md).
        ServerTls tls = settings.tls();
        Observability.configure(app, settings.host(), settings.port(), settings.management(),
                tls == null ? null : tls.sslContextParameters(), tls != null && tls.clientAuth() == ServerTls.ClientAuth.REQUIRE, home);
        // Camel's own "HTTP endpoints summary" always prints http://0.0.0.0 (a constant in Camel 4.17), whatever
        // the server is bound to: log4j2.xml quiets it and this line says where the server really listens
        app.onStarted(context -> org.slf4j.LoggerFactory.getLogger(ServerRole.class).info(
                "ScanFlow server listening on {}://{}:{}: POST /api/v1/reports (agents), /api/v1/ (operator API),"
                        + " /observe/health, /observe/metrics", tls == null ? "http" : "https", hostForUrl(settings.host()), settings.port()));
    }

    /** An IPv6 literal in brackets, as a URL needs it. */
    static String hostForUrl(String host) {
        return host.contains(":") && !host.startsWith("[") ? "[" + host + "]" : host;
    }

    /**
     * The apply path (routes/apply-report.yaml, dev.scanflow.server.apply): phpIPAM writer, and with deltas on
     * the delta engine, history and alerts, all in the one transaction ReportApplication holds.
     */
    private static ObservationRecorder configureApply(CamelApp app, ServerSettings settings, DataSource dataSource,
                                                      PhpipamDirectory directory, StepHook steps) {
        ServerSettings.DeltaSettings deltas = settings.deltas();
        // without a rules file there are changes and history but no alerts; a broken file stops the start
        AlertRules rules = Files.exists(settings.alertRulesFile()) ? AlertRules.load(settings.alertRulesFile()) : AlertRules.none();
        AlertEngine alerts = new AlertEngine(rules);
        HistoryRepository history = new HistoryRepository(dataSource, settings.database().scanflowSchema(), Clock.systemUTC());
        ObservationRecorder recorder = new ObservationRecorder(history,
                new DeltaEngine(new DeltaPolicy(deltas.confirmMisses(), deltas.closedConfirmsAtOnce())), alerts);
        ReportAuthorization authorization = new ReportAuthorization(directory);
        PhpipamWriter writer = new PhpipamWriter(dataSource, new PhpipamClock(settings.phpipamTimeZone(), Clock.systemUTC()),
                settings.database().scanflowSchema(), settings.writeMac(), settings.fillEmptyHostnamesOnly());
        ReportApplication.Deltas deltaSide = deltas.enabled()
                ? new ReportApplication.Deltas(new PendingChunks(settings.database().scanflowSchema()), recorder, history,
                        alerts, new EventFactory(), deltas.chunkTimeout())
                : null;
        app.bean("observationRecorder", recorder)
                .bean("reportAuthorization", authorization)
                .bean("phpipamWriter", writer)
                .bean("reportApplication", new ReportApplication(dataSource,
                        new ReportTimes(Clock.systemUTC(), settings.maxClockSkew()), authorization, writer, deltaSide,
                        Clock.systemUTC(), steps))
                // overdue scans are looked for a few times per chunk timeout, at most every minute
                .property("scanflow.deltas.overdue-check-ms",
                        Math.max(1000, Math.min(60_000, deltas.chunkTimeout().toMillis() / 4)));
        return recorder;
    }
}
