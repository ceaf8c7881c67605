package dev.scanflow.server.delta;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.Coverage;
import java.util.ArrayList;
import java.util.List;

/**
 * What one observation probed, and so where an absence means something. A host outside {@link #hosts()}
 * that the observation does not mention is unknown, not down; a port outside every probe that names its
 * host is unknown, not closed. Coverage is only ever what the observation claims; nothing is inferred.
 */
public final class ScanCoverage {

    private static final PortRanges[] NO_SCOPE = new PortRanges[0];

    /** One port probe: these ports (as {@link PortKey}s) were probed on these addresses. */
    public record PortProbe(AddressRanges targets, PortRanges ports) {
    }

    private final AddressRanges hosts;
    private final List<PortProbe> probes;

    public ScanCoverage(AddressRanges hosts, List<PortProbe> probes) {
        this.hosts = hosts;
        this.probes = List.copyOf(probes);
    }

    public static ScanCoverage none() {
        return new ScanCoverage(AddressRanges.NONE, List.of());
    }

    /** Liveness of the whole subnet, no ports: what a version 1 (discovery) report covers. */
    public static ScanCoverage discoveryOf(Cidr subnet) {
        return new ScanCoverage(AddressRanges.of(subnet.version(), List.of(subnet)), List.of());
    }

    /** A report's declared coverage; targets of another IP version than the subnet's are dropped. */
    public static ScanCoverage of(int version, Coverage coverage) {
        if (coverage == null) {
            return none();
        }
        AddressRanges hosts = AddressRanges.of(version, coverage.hostTargets().stream().map(Cidr::parse).toList());
        List<PortProbe> probes = new ArrayList<>();
        for (Coverage.PortProbe probe : coverage.ports()) {
            AddressRanges targets = AddressRanges.of(version, probe.targets().stream().map(Cidr::parse).toList());
            if (!targets.isEmpty()) {
                probes.add(new PortProbe(targets, PortRanges.parse(probe.protocol(), probe.ports())));
            }
        }
        return new ScanCoverage(hosts, probes);
    }

    /** What the chunks of one scan covered together. */
    public static ScanCoverage union(ScanCoverage a, ScanCoverage b) {
        List<PortProbe> probes = new ArrayList<>(a.probes);
        probes.addAll(b.probes);
        return new ScanCoverage(AddressRanges.union(a.hosts, b.hosts), probes);
    }

    public AddressRanges hosts() {
        return hosts;
    }

    public List<PortProbe> probes() {
        return probes;
    }

    public boolean coversHost(long high, long low) {
        return hosts.contains(high, low);
    }

    /** The port ranges probed on one address: usually one or two, often none. */
    PortRanges[] portScope(long high, long low) {
        if (probes.isEmpty()) {
            return NO_SCOPE;
        }
        PortRanges[] scope = null;
        int count = 0;
        for (PortProbe probe : probes) {
            if (probe.targets().contains(high, low)) {
                if (scope == null) {
                    scope = new PortRanges[probes.size()];
                }
                scope[count++] = probe.ports();
            }
        }
        return count == 0 ? NO_SCOPE : java.util.Arrays.copyOf(scope, count);
    }

    static boolean covers(PortRanges[] scope, int portKey) {
        for (PortRanges ranges : scope) {
            if (ranges.contains(portKey)) {
                return true;
            }
        }
        return false;
    }

    public boolean coversPort(HostAddress address, int portKey) {
        return covers(portScope(address.high(), address.low()), portKey);
    }

    public boolean isEmpty() {
        return hosts.isEmpty() && probes.isEmpty();
    }
}
