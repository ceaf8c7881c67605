package dev.scanflow.server.traffic;

import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.store.Transaction;
import dev.scanflow.traffic.TrafficResult;
import java.sql.SQLException;
import java.util.List;
import java.util.Objects;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * Recording a finished traffic test run, whoever ran it (the server, or a site's agent whose result came
 * back through its spool): the run's row and the alert its result opens, updates or resolves under the
 * alert rules (config/alert-rules.yaml trafficBreach), in one transaction, so a run is never stored without
 * its alert nor an alert raised for a run that was not stored.
 */
public final class TrafficResults {

    /**
     * What recording did.
     *
     * @param stored      false when the run was not running any more (a result delivered twice): nothing changed
     * @param alertEvents the alert events as stored (with the alert's id), to publish
     */
    public record Recorded(boolean stored, List<AlertEvent> alertEvents) {
    }

    private final DataSource dataSource;
    private final TrafficTestStore store;
    private final ObservationRecorder alerts;

    public TrafficResults(DataSource dataSource, TrafficTestStore store, ObservationRecorder alerts) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.store = Objects.requireNonNull(store, "store");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
    }

    public Recorded record(TrafficResult result) {
        try {
            return Transaction.run(dataSource, connection -> {
                if (!store.completed(connection, result)) {
                    return new Recorded(false, List.of());
                }
                if (result.status() == TrafficResult.Status.FAILED) {
                    return new Recorded(true, List.of()); // nothing measured: says nothing about the link
                }
                return new Recorded(true, alerts.trafficAlert(connection, result.name(), result.breaches(),
                        result.finishedAt(), testId(result.id())));
            }, Recorded::stored);
        } catch (SQLException e) {
            throw new IllegalStateException("traffic test " + result.id() + ": storing its result failed: " + e.getMessage(), e);
        }
    }

    private static UUID testId(String id) {
        try {
            return UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
