package dev.scanflow.launch;

import dev.scanflow.config.ServerSettings;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertRules;
import dev.scanflow.server.api.AgentsApi;
import dev.scanflow.server.api.AlertsApi;
import dev.scanflow.server.api.ApiErrors;
import dev.scanflow.server.api.ChangesApi;
import dev.scanflow.server.api.OpenApiDocument;
import dev.scanflow.server.api.PhpipamAgents;
import dev.scanflow.server.api.ScanflowLookups;
import dev.scanflow.server.api.ScansApi;
import dev.scanflow.server.api.SubnetLocator;
import dev.scanflow.server.api.SubnetsApi;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.history.HistoryQueries;
import dev.scanflow.server.history.HistoryRepository;
import dev.scanflow.server.history.ObservationRecorder;
import java.time.Clock;
import javax.sql.DataSource;

/**
 * The operator API's parts (routes/operator-api*.yaml): queries over ScanFlow's own schema and phpIPAM's
 * scan agents, the delta exports, the OpenAPI document, and the alert steps a person takes.
 */
public final class OperatorApiRole {

    private OperatorApiRole() {
    }

    /**
     * With a recorder of its own for acknowledging and resolving alerts. Those steps consult no alert rule
     * (AlertEngine.acknowledge/resolve only check the alert's status), so an engine without rules moves an
     * alert exactly as the intake's would; this recorder never records an observation.
     */
    /** With the recorder the intake records observations through: acknowledging an alert goes the same way. */
    static void configure(CamelApp app, ServerSettings settings, DataSource dataSource, ObservationRecorder recorder) {
        String schema = settings.database().scanflowSchema();
        HistoryQueries queries = new HistoryQueries(dataSource, schema);
        ScanflowLookups lookups = new ScanflowLookups(dataSource, schema);
        app.bean("historyQueries", queries)
                .bean("apiErrors", new ApiErrors())
                .bean("openApiDocument", new OpenApiDocument())
                .bean("agentsApi", new AgentsApi(new PhpipamAgents(dataSource, settings.phpipamTimeZone()), queries))
                .bean("subnetsApi", new SubnetsApi(queries, new SubnetLocator(queries, lookups)))
                .bean("changesApi", new ChangesApi(queries))
                .bean("scansApi", new ScansApi(queries, lookups))
                .bean("alertsApi", new AlertsApi(queries, recorder));
    }
}
