package dev.scanflow.server.delta;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort.Service;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One report reduced to what the delta needs: the report without its hosts (ids, times, coverage, chunk), and its
 * hosts inside the subnet as {@link ObservedHost}s, sorted and merged per address, equal services one instance.
 * Built once per chunk (on the side, while its phpIPAM rows are written), so that the chunk that completes a scan
 * of a /16 merges sixteen sorted arrays instead of reducing a million ports itself, and so that a chunk waiting for
 * the rest of its scan is held in memory in this form, a fraction of the parsed report's size.
 */
public final class ObservedChunk {

    private final ScanReport header;
    private final ObservedHost[] hosts;
    private final int hostsOutsideSubnet;

    ObservedChunk(ScanReport header, ObservedHost[] hosts, int hostsOutsideSubnet) {
        this.header = header;
        this.hosts = hosts;
        this.hostsOutsideSubnet = hostsOutsideSubnet;
    }

    public static ObservedChunk of(ScanReport report) {
        Cidr subnet = Cidr.parse(report.subnet());
        List<ObservedHost> seen = new ArrayList<>(report.hosts().size());
        Map<Service, Service> services = new HashMap<>();
        int outside = 0;
        for (ScannedHost host : report.hosts()) {
            HostAddress address = HostAddress.parse(host.address());
            if (address.version() != subnet.version() || !Observation.inside(subnet, address)) {
                outside++;
                continue;
            }
            seen.add(ObservedHost.of(address, host, services));
        }
        ScanReport header = new ScanReport(report.formatVersion(), report.reportId(), report.agentCode(), report.subnet(),
                report.scanStart(), report.scanEnd(), report.command(), List.of(), report.profile(), report.chunk(),
                report.partial(), report.coverage());
        return new ObservedChunk(header, Observation.sortAndMerge(seen), outside);
    }

    /** The report as it came, but for its hosts (an empty list). */
    public ScanReport header() {
        return header;
    }

    /** Its hosts inside the subnet, sorted by address, one per address; not to be changed. */
    ObservedHost[] hosts() {
        return hosts;
    }

    int hostsOutsideSubnet() {
        return hostsOutsideSubnet;
    }

    @Override
    public boolean equals(Object other) {
        return other instanceof ObservedChunk chunk && header.equals(chunk.header)
                && hostsOutsideSubnet == chunk.hostsOutsideSubnet && Arrays.equals(hosts, chunk.hosts);
    }

    @Override
    public int hashCode() {
        return header.hashCode() * 31 + Arrays.hashCode(hosts);
    }
}
