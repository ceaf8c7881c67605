package dev.scanflow.launch;

import dev.scanflow.config.ConsoleSettings;
import dev.scanflow.config.DatabaseSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertRules;
import dev.scanflow.server.api.ApiAccess;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.DeltaPolicy;
import dev.scanflow.server.history.HistoryRepository;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.observe.EventFactory;
import dev.scanflow.server.observe.ObservationStep;
import dev.scanflow.server.observe.ScanChunks;
import dev.scanflow.server.events.EventJournal;
import dev.scanflow.server.events.EventStream;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.intake.FailedAttempts;
import dev.scanflow.server.intake.IntakeResponses;
import dev.scanflow.server.intake.ReportAuthorization;
import dev.scanflow.server.intake.ReportReader;
import dev.scanflow.server.phpipam.PhpipamClock;
import dev.scanflow.server.phpipam.PhpipamDirectory;
import dev.scanflow.server.phpipam.PhpipamWriter;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.tls.ServerTls;
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
        BasicDataSource dataSource = dataSource(settings.database());
        app.closeOnStop(dataSource::close);
        try {
            ScanflowSchema.migrate(dataSource, settings.database().scanflowSchema());
        } catch (RuntimeException e) {
            InvalidSettings oneLine = ServerOperations.startFailure(settings.database(), e);
            throw oneLine == null ? e : oneLine;
        }
        PhpipamDirectory directory = new PhpipamDirectory(dataSource);
        ApiAccess apiAccess = new ApiAccess(settings.apiToken());
        ConsoleSettings console = settings.console();
        EventStream eventStream = new EventStream(settings.eventStreamClients(),
                new EventJournal(dataSource, settings.database().scanflowSchema(), Clock.systemUTC()),
                console.streamKeepAlive(), console.streamRetry(), console.journalRetention());
        app.closeOnStop(eventStream::close);
        // Server-Sent Events need a response that stays open, which a platform-http route cannot give:
        // the stream is a Vert.x handler on the same HTTP server, behind the same operator token.
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
                .bean("reportAuthorization", new ReportAuthorization(directory))
                .bean("phpipamWriter", new PhpipamWriter(dataSource,
                        new PhpipamClock(settings.phpipamTimeZone(), Clock.systemUTC()),
                        settings.database().scanflowSchema(), settings.writeMac(),
                        settings.fillEmptyHostnamesOnly()))
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
        OperatorApiRole.configure(app, settings, dataSource, configureDeltas(app, settings, dataSource));
        ConsoleRole.configure(app, settings, dataSource, tokens);
        ServerOperations.configure(app, settings.database(), dataSource, settings.database().scanflowSchema(),
                settings.eventEndpoints());
        // Camel 4.17 looks for platform-http's router on 8080 when management has a port of its own:
        // management shares the business port instead (docs/stack.md).
        ServerTls tls = settings.tls();
        Observability.configure(app, settings.host(), settings.port(), settings.management(),
                tls == null ? null : tls.sslContextParameters(), tls != null && tls.clientAuth() == ServerTls.ClientAuth.REQUIRE, home);
    }

    /** Deltas, history and alerts (routes/scan-deltas.yaml); off, the intake only writes phpIPAM. */
    private static ObservationRecorder configureDeltas(CamelApp app, ServerSettings settings, DataSource dataSource) {
        ServerSettings.DeltaSettings deltas = settings.deltas();
        // without a rules file there are changes and history but no alerts; a broken file stops the start
        AlertRules rules = Files.exists(settings.alertRulesFile()) ? AlertRules.load(settings.alertRulesFile()) : AlertRules.none();
        AlertEngine alerts = new AlertEngine(rules);
        ObservationRecorder recorder = new ObservationRecorder(
                new HistoryRepository(dataSource, settings.database().scanflowSchema(), Clock.systemUTC()),
                new DeltaEngine(new DeltaPolicy(deltas.confirmMisses(), deltas.closedConfirmsAtOnce())), alerts);
        app.bean("observationRecorder", recorder)
                .bean("scanChunks", new ScanChunks())
                .bean("observationStep", new ObservationStep(recorder))
                .bean("eventFactory", new EventFactory())
                .property("scanflow.deltas.enabled", deltas.enabled())
                .property("scanflow.deltas.chunk-timeout-ms", deltas.chunkTimeout().toMillis());
        return recorder;
    }
}
