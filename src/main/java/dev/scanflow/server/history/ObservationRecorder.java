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
 * The one call the server's routes make per observation: delta against the current state, alerts, and all
 * of it stored in one transaction; then the new state becomes current. States are kept in memory per
 * (site, subnet) after their first load, so a delta costs no read; a state is only replaced once the
 * history holds it, so a failed write leaves memory and database agreeing.
 *
 * <p>Observations of one (site, subnet) are applied one at a time, in call order; different subnets in
 * parallel. If another server wrote the same subnet meanwhile ({@link StaleState}), the state is loaded
 * again and the delta computed once more.
 */
public final class ObservationRecorder {

    private final HistoryRepository history;
    private final DeltaEngine deltas;
    private final AlertEngine alerts;
    private final ConcurrentHashMap<SubnetKey, SubnetState> states = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<SubnetKey, Object> locks = new ConcurrentHashMap<>();

    public ObservationRecorder(HistoryRepository history, DeltaEngine deltas, AlertEngine alerts) {
        this.history = Objects.requireNonNull(history, "history");
        this.deltas = Objects.requireNonNull(deltas, "deltas");
        this.alerts = Objects.requireNonNull(alerts, "alerts");
    }

    /**
     * Applies and stores one observation of {@code cidr} (phpIPAM subnet {@code key.subnetId()}) seen by
     * {@code key.site()}. A scan id stored before changes nothing and comes back {@code duplicate}.
     *
     * @throws HistoryUnavailable when the database failed: nothing was stored, the state is as before
     */
    public Recorded record(SubnetKey key, Cidr cidr, Observation observation) {
        synchronized (locks.computeIfAbsent(key, k -> new Object())) {
            for (int attempt = 0; ; attempt++) {
                DeltaResult result = deltas.apply(current(key, cidr), observation);
                try {
                    Recorded recorded = history.apply(result, alerts);
                    if (!recorded.duplicate()) {
                        states.put(key, result.after());
                    }
                    return recorded;
                } catch (StaleState stale) {
                    states.remove(key);
                    if (attempt > 0) {
                        throw stale;
                    }
                }
            }
        }
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

    /** The current state of a subnet, loaded on first use. */
    public SubnetState current(SubnetKey key, Cidr cidr) {
        SubnetState state = states.get(key);
        if (state == null || !state.cidr().equals(cidr)) {
            // first use, or phpIPAM resized the subnet: what is stored is still what was seen
            state = history.load(key, cidr);
            states.put(key, state);
        }
        return state;
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
