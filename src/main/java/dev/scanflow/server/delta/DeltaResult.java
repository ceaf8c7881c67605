package dev.scanflow.server.delta;

import java.util.List;

/**
 * What one observation did to one (site, subnet): the changes, in address then port order, the state
 * before and after, and the hosts touched (for the history).
 *
 * @param before      the state the observation was compared with
 * @param after       the new state; equal in content to {@code before} for hosts not in {@code touched}
 * @param observation what was observed
 * @param changes     typed changes, nothing for what did not change
 * @param touched     hosts whose record or sighting the history must write
 * @param outOfOrder  the observation ended before the newest one applied started: recorded, but it changed
 *                    nothing (what it saw is older than what is known)
 */
public record DeltaResult(SubnetState before, SubnetState after, Observation observation, List<Change> changes,
                          List<HostDelta> touched, boolean outOfOrder) {

    public DeltaResult {
        changes = List.copyOf(changes);
        touched = List.copyOf(touched);
    }

    public SubnetKey key() {
        return after.key();
    }

    /** The first observation of a subnet: everything is new, which rules may not want to alert on. */
    public boolean isBaseline() {
        return before.version() == 0;
    }

    public long count(ChangeType type) {
        return changes.stream().filter(change -> change.type() == type).count();
    }
}
