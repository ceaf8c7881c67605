package dev.scanflow.server.delta;

import dev.scanflow.net.Cidr;
import java.time.Instant;
import java.util.AbstractList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * What ScanFlow believes about one (site, subnet): every host it has ever seen up there, sorted by address,
 * and the version (how many observations made it). Immutable; the delta engine returns a new state that
 * shares the records of hosts the observation did not touch.
 *
 * <p>Its size depends on the subnet (hosts known, ports open), never on how many reports were applied.
 */
public final class SubnetState {

    private final SubnetKey key;
    private final Cidr cidr;
    private final long version;
    private final UUID lastScanId;
    private final Instant lastScanStart;
    private final HostRecord[] hosts;

    SubnetState(SubnetKey key, Cidr cidr, long version, UUID lastScanId, Instant lastScanStart, HostRecord[] hosts) {
        this.key = key;
        this.cidr = cidr;
        this.version = version;
        this.lastScanId = lastScanId;
        this.lastScanStart = lastScanStart;
        this.hosts = hosts;
    }

    /** A subnet nothing has been observed on yet: the first observation is its baseline. */
    public static SubnetState empty(SubnetKey key, Cidr cidr) {
        return new SubnetState(key, cidr, 0, null, null, new HostRecord[0]);
    }

    /** A state as the history stored it. */
    public static SubnetState restore(SubnetKey key, Cidr cidr, long version, UUID lastScanId, Instant lastScanStart,
                                      Collection<HostRecord> records) {
        HostRecord[] sorted = records.toArray(new HostRecord[0]);
        Arrays.sort(sorted, (a, b) -> HostAddress.compare(a.high, a.low, b.high, b.low));
        for (int i = 1; i < sorted.length; i++) {
            if (sorted[i].high == sorted[i - 1].high && sorted[i].low == sorted[i - 1].low) {
                throw new IllegalArgumentException("host " + sorted[i].address(cidr.version()) + " twice in " + key);
            }
        }
        return new SubnetState(key, cidr, version, lastScanId, lastScanStart, sorted);
    }

    public SubnetKey key() {
        return key;
    }

    public Cidr cidr() {
        return cidr;
    }

    public int ipVersion() {
        return cidr.version();
    }

    /** How many observations built this state: 0 for an empty one. */
    public long version() {
        return version;
    }

    /** The applied observation that started last. */
    public UUID lastScanId() {
        return lastScanId;
    }

    public Instant lastScanStart() {
        return lastScanStart;
    }

    HostRecord[] hostArray() {
        return hosts;
    }

    /** Every known host, sorted by address, gone ones included. */
    public List<HostRecord> hosts() {
        return new AbstractList<>() {
            @Override
            public HostRecord get(int index) {
                return hosts[index];
            }

            @Override
            public int size() {
                return hosts.length;
            }
        };
    }

    public Optional<HostRecord> host(HostAddress address) {
        int lo = 0;
        int hi = hosts.length - 1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            int order = HostAddress.compare(hosts[mid].high, hosts[mid].low, address.high(), address.low());
            if (order < 0) {
                lo = mid + 1;
            } else if (order > 0) {
                hi = mid - 1;
            } else {
                return Optional.of(hosts[mid]);
            }
        }
        return Optional.empty();
    }

    public int hostCount() {
        return hosts.length;
    }

    /** Open (address, port) pairs held: the size the benchmark speaks of. */
    public long portCount() {
        long ports = 0;
        for (HostRecord host : hosts) {
            ports += host.portKeys.length;
        }
        return ports;
    }

    @Override
    public String toString() {
        return "SubnetState[" + key + " " + cidr + " v" + version + ", " + hosts.length + " hosts]";
    }
}
