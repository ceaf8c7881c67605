package dev.scanflow.server.history;

import dev.scanflow.server.alert.AlertStatus;
import dev.scanflow.server.alert.Severity;
import java.util.Set;

/**
 * Which alerts to list, newest first; every filter optional (null or empty: all).
 *
 * @param minSeverity this severity or worse
 * @param after       the {@link Page#next()} cursor of the previous page, or null
 * @param vlan        only subnets phpIPAM puts on this VLAN number (1-4094), or null for all
 */
public record AlertQuery(String site, Long subnetId, Set<AlertStatus> statuses, Severity minSeverity, String after,
                         int limit, Integer vlan) {

    public AlertQuery(String site, Long subnetId, Set<AlertStatus> statuses, Severity minSeverity, String after, int limit) {
        this(site, subnetId, statuses, minSeverity, after, limit, null);
    }

    public AlertQuery {
        statuses = statuses == null ? Set.of() : Set.copyOf(statuses);
        Page.checkLimit(limit);
    }

    public static AlertQuery active(int limit) {
        return new AlertQuery(null, null, Set.of(AlertStatus.OPEN, AlertStatus.ACKNOWLEDGED), null, null, limit);
    }
}
