package dev.scanflow.launch;

import dev.scanflow.config.ServerSettings;
import dev.scanflow.server.api.ApiErrors;
import dev.scanflow.server.history.HistoryQueries;
import javax.sql.DataSource;

/** The operator API's parts (routes/operator-api*.yaml): read-only queries over ScanFlow's own schema. */
public final class OperatorApiRole {

    private OperatorApiRole() {
    }

    static void configure(CamelApp app, ServerSettings settings, DataSource dataSource) {
        app.bean("historyQueries", new HistoryQueries(dataSource, settings.database().scanflowSchema()))
                .bean("apiErrors", new ApiErrors());
    }
}
