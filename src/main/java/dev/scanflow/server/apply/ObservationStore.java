package dev.scanflow.server.apply;

import dev.scanflow.net.Cidr;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertKey;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.history.HistoryRepository;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.history.Recorded;
import dev.scanflow.server.history.RecordedChange;
import dev.scanflow.server.store.StepHook;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * delta → history → alerts of one observation, on the transaction the caller holds: the part of "apply a
 * report" ({@link ReportApplication}) after phpIPAM's rows and the scan's chunks, and the only way an
 * observation is stored. History is persistence under it; the alert engine decides, history stores.
 *
 * <p>After the commit the caller calls {@link #committed}; on {@link dev.scanflow.server.history.StaleState}
 * (another server stored the subnet meanwhile) it rolls back and calls {@link #forget}.
 */
public final class ObservationStore {

    private final ObservationRecorder states;
    private final HistoryRepository history;
    private final AlertEngine alerts;
    private final StepHook steps;

    public ObservationStore(ObservationRecorder states, HistoryRepository history, AlertEngine alerts, StepHook steps) {
        this.states = states;
        this.history = history;
        this.alerts = alerts;
        this.steps = steps;
    }

    /** The delta of {@code observation} against the subnet's current state, stored; duplicate when stored before. */
    public Recorded store(Connection connection, SubnetKey key, Cidr cidr, Observation observation) throws SQLException {
        DeltaResult result = states.delta(connection, key, cidr, observation);
        steps.reached("delta");
        return store(connection, result);
    }

    /** A delta already computed, stored; duplicate (nothing written) when its scan was stored before. */
    public Recorded store(Connection connection, DeltaResult result) throws SQLException {
        OptionalLong ref = history.begin(connection, result);
        if (ref.isEmpty()) {
            return Recorded.duplicateOf(result);
        }
        List<RecordedChange> changes = history.storeDelta(connection, ref.getAsLong(), result);
        steps.reached("history");
        List<AlertEvent> alertEvents = List.of();
        Set<AlertKey> concerned = alerts.keysConcerned(result);
        if (!concerned.isEmpty()) {
            alertEvents = history.storeAlertEvents(connection, ref.getAsLong(), alerts.evaluate(result,
                    history.lockAlerts(connection, ref.getAsLong(), result.key(), concerned)));
        }
        steps.reached("alerts");
        history.advance(connection, ref.getAsLong(), result);
        return new Recorded(result, changes, alertEvents, false);
    }

    /** After the commit: the stored state is the one held in memory. */
    public void committed(Recorded recorded) {
        if (!recorded.duplicate()) {
            states.committed(recorded.delta());
        }
    }

    /** The state held in memory is not the stored one: it is loaded again on next use. */
    public void forget(SubnetKey key) {
        states.forget(key);
    }
}
