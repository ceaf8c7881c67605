package dev.scanflow.server.history;

import dev.scanflow.net.Cidr;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.delta.SubnetState;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The delta engine's states per (site, subnet), kept in memory after their first load so that a delta costs no
 * read; a state is only replaced once the history holds it ({@link #committed}), so a failed write leaves memory
 * and database agreeing. The apply path (dev.scanflow.server.apply.ObservationStore) computes deltas here and
 * stores them; if another server wrote the same subnet meanwhile ({@link StaleState}) it calls {@link #forget}.
 * Alerts are moved on by hand here too, for the API.
 */
public final class ObservationRecorder {

    private final HistoryRepository history;
    private final DeltaEngine deltas;
    private final AlertEngine alerts;
    private final ConcurrentHashMap<SubnetKey, SubnetState> states = new ConcurrentHashMap<>();

    public ObservationRecorder(HistoryRepository history, DeltaEngine deltas, AlertEngine alerts) {
        this.history = Objects.requireNonNull(history, "history");
        this.deltas = Objects.requireNonNull(deltas, "deltas");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
    }

    /**
     * The delta of {@code observation} against the current state, for a caller that stores it in its own
     * transaction; it must call {@link #committed} after the commit, or {@link #forget} when the stored
     * state turned out to be another ({@link StaleState}).
     */
    /** (A state not held in memory is loaded on the caller's connection, in its transaction.) */
    public DeltaResult delta(java.sql.Connection connection, SubnetKey key, Cidr cidr, Observation observation) {
        SubnetState state = states.get(key);
        if (state == null || !state.cidr().equals(cidr)) {
            state = history.load(connection, key, cidr);
            states.put(key, state);
        }
        return deltas.apply(state, observation);
    }

    /** The delta's new state is the stored one now. */
    public void committed(DeltaResult result) {
        states.put(result.key(), result.after());
    }

    /** The state held in memory is not the stored one: it is loaded again on next use. */
    public void forget(SubnetKey key) {
        states.remove(key);
    }

    /** The state held in memory, if any: for views that must not touch the database. */
    public Optional<SubnetState> cached(SubnetKey key) {
        return Optional.ofNullable(states.get(key));
    }

    /** open → acknowledged; empty when there is no such alert. */
    public Optional<AlertEvent> acknowledge(long alertId, String actor, String note) {
        return Optional.ofNullable(history.acknowledge(alertId, actor, note, alerts));
    }

    /** open or acknowledged → resolved by a person; empty when there is no such alert. */
    public Optional<AlertEvent> resolve(long alertId, String actor, String note) {
        return Optional.ofNullable(history.resolve(alertId, actor, note, alerts));
    }

    /**
     * The alert event of one measured traffic test run, stored on the caller's transaction (the one that
     * stores the run): under the same alert rules as scans. Empty when the run causes none.
     *
     * @param breaches the thresholds crossed; empty when the run passed
     */
    public List<AlertEvent> trafficAlert(java.sql.Connection connection, String pair, List<String> breaches,
                                         java.time.Instant at, java.util.UUID testId) throws java.sql.SQLException {
        return history.trafficAlertInTransaction(connection, alerts, pair, breaches, at, testId);
    }
}
