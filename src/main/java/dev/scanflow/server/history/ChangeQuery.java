package dev.scanflow.server.history;

import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.delta.HostAddress;
import java.time.Instant;
import java.util.Set;

/**
 * Which changes to list: every filter is optional (null or empty: all). Ordered by observation time then
 * id, oldest first unless {@code newestFirst}.
 *
 * @param from    observed at or after (inclusive)
 * @param until   observed before (exclusive)
 * @param after   the {@link Page#next()} cursor of the previous page, or null for the first page
 * @param vlan    only subnets phpIPAM puts on this VLAN number (1-4094), or null for all
 */
public record ChangeQuery(String site, Long subnetId, HostAddress address, Instant from, Instant until,
                          Set<ChangeType> types, boolean newestFirst, String after, int limit, Integer vlan) {

    public ChangeQuery(String site, Long subnetId, HostAddress address, Instant from, Instant until,
                       Set<ChangeType> types, boolean newestFirst, String after, int limit) {
        this(site, subnetId, address, from, until, types, newestFirst, after, limit, null);
    }

    public ChangeQuery {
        types = types == null ? Set.of() : Set.copyOf(types);
        Page.checkLimit(limit);
        if (from != null && until != null && !from.isBefore(until)) {
            throw new IllegalArgumentException("from must be before until");
        }
        if (address != null && subnetId == null) {
            throw new IllegalArgumentException("an address is only meaningful within a subnet");
        }
    }

    /** The newest changes of one subnet, first page. */
    public static ChangeQuery latestOf(String site, long subnetId, int limit) {
        return new ChangeQuery(site, subnetId, null, null, null, Set.of(), true, null, limit);
    }
}
