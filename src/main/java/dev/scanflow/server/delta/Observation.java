package dev.scanflow.server.delta;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;

/**
 * One whole observation of a subnet: a single report, or the chunks of one scan merged. It holds the hosts
 * seen (merged per address, sorted, inside the subnet only) and the coverage that makes an absence mean
 * something.
 *
 * <p>Coverage is the union of the coverage of the chunks that arrived complete. A chunk marked partial
 * contributes what it reported (hosts up or down, ports open, closed or filtered) but no coverage, so
 * nothing it did not report is missed; a chunk that never arrived contributes nothing at all. A version 1
 * report covers the liveness of its whole subnet and no port.
 */
public final class Observation {

    private final UUID scanId;
    private final List<UUID> reportIds;
    private final String agentCode;
    private final Cidr subnet;
    private final String profile;
    private final Instant scanStart;
    private final Instant scanEnd;
    private final int chunkCount;
    private final SortedSet<Integer> missingChunks;
    private final boolean partial;
    private final ObservedHost[] hosts;
    private final ScanCoverage coverage;
    private final int hostsOutsideSubnet;

    private Observation(UUID scanId, List<UUID> reportIds, String agentCode, Cidr subnet, String profile,
                        Instant scanStart, Instant scanEnd, int chunkCount, SortedSet<Integer> missingChunks,
                        boolean partial, ObservedHost[] hosts, ScanCoverage coverage, int hostsOutsideSubnet) {
        this.scanId = scanId;
        this.reportIds = List.copyOf(reportIds);
        this.agentCode = agentCode;
        this.subnet = subnet;
        this.profile = profile;
        this.scanStart = scanStart;
        this.scanEnd = scanEnd;
        this.chunkCount = chunkCount;
        this.missingChunks = Collections.unmodifiableSortedSet(new TreeSet<>(missingChunks));
        this.partial = partial;
        this.hosts = hosts;
        this.coverage = coverage;
        this.hostsOutsideSubnet = hostsOutsideSubnet;
    }

    /** A report that is a whole scan on its own (no chunk, or a chunk count of 1). */
    public static Observation of(ScanReport report) {
        if (report.chunk() != null && report.chunk().count() != 1) {
            throw new IllegalArgumentException("report " + report.reportId() + " is chunk " + report.chunk().index()
                    + " of " + report.chunk().count() + ": assemble the chunks with ScanAssembly");
        }
        UUID scanId = report.chunk() != null ? report.chunk().scanId() : report.reportId();
        return merge(scanId, 1, List.of(ObservedChunk.of(report)));
    }

    /**
     * The chunks of one scan that arrived (any order, at most one per index); indexes in 0..count-1 that
     * are absent are missing, and their targets stay unknown.
     */
    static Observation merge(UUID scanId, int chunkCount, List<ObservedChunk> chunks) {
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("an observation needs at least one report");
        }
        ScanReport first = chunks.get(0).header();
        Cidr subnet = Cidr.parse(first.subnet());
        int version = subnet.version();
        List<ObservedHost> seen = new ArrayList<>(chunks.stream().mapToInt(chunk -> chunk.hosts().length).sum());
        ScanCoverage coverage = ScanCoverage.none();
        SortedSet<Integer> missing = new TreeSet<>();
        for (int i = 0; i < chunkCount; i++) {
            missing.add(i);
        }
        List<UUID> reportIds = new ArrayList<>();
        Instant start = first.scanStart();
        Instant end = first.scanEnd();
        boolean partial = false;
        int outside = 0;
        for (ObservedChunk chunk : chunks) {
            ScanReport report = chunk.header();
            if (!Cidr.parse(report.subnet()).equals(subnet)) {
                throw new IllegalArgumentException("chunks of scan " + scanId + " name different subnets: "
                        + subnet + " and " + report.subnet());
            }
            missing.remove(report.chunk() == null ? 0 : report.chunk().index());
            reportIds.add(report.reportId());
            start = report.scanStart().isBefore(start) ? report.scanStart() : start;
            end = report.scanEnd().isAfter(end) ? report.scanEnd() : end;
            partial |= report.cutShort();
            if (!report.cutShort()) {
                ScanCoverage covered = report.formatVersion() == 1 ? ScanCoverage.discoveryOf(subnet)
                        : ScanCoverage.of(version, report.coverage());
                coverage = ScanCoverage.union(coverage, covered);
            }
            // each chunk's hosts are sorted already: the sort below finds them as runs
            seen.addAll(Arrays.asList(chunk.hosts()));
            outside += chunk.hostsOutsideSubnet();
        }
        return new Observation(scanId, reportIds, first.agentCode(), subnet, first.profile(), start, end, chunkCount,
                missing, partial, sortAndMerge(seen), coverage, outside);
    }

    /**
     * This observation without the subnet's network and broadcast addresses (IPv4 below /31), which phpIPAM
     * never holds as hosts of a subnet that is not a pool: they count as outside the subnet, so they are
     * neither tracked in the history nor alerted on ("new host" for a broadcast answer).
     */
    public Observation withoutNetworkAndBroadcast() {
        if (subnet.version() != 4 || subnet.prefix() >= 31) {
            return this;
        }
        HostAddress first = HostAddress.first(subnet);
        HostAddress last = HostAddress.last(subnet);
        ObservedHost[] kept = Arrays.stream(hosts)
                .filter(h -> !(h.high == first.high() && h.low == first.low()) && !(h.high == last.high() && h.low == last.low()))
                .toArray(ObservedHost[]::new);
        if (kept.length == hosts.length) {
            return this;
        }
        return new Observation(scanId, reportIds, agentCode, subnet, profile, scanStart, scanEnd, chunkCount, missingChunks,
                partial, kept, coverage, hostsOutsideSubnet + hosts.length - kept.length);
    }

    static boolean inside(Cidr subnet, HostAddress address) {
        HostAddress first = HostAddress.first(subnet);
        HostAddress last = HostAddress.last(subnet);
        return HostAddress.compare(first.high(), first.low(), address.high(), address.low()) <= 0
                && HostAddress.compare(address.high(), address.low(), last.high(), last.low()) <= 0;
    }

    /** Sorted by address, the reports of one address merged in the order given (the sort is stable). */
    static ObservedHost[] sortAndMerge(List<ObservedHost> seen) {
        ObservedHost[] sorted = seen.toArray(new ObservedHost[0]);
        Arrays.sort(sorted, Comparator.comparingLong((ObservedHost h) -> h.high ^ Long.MIN_VALUE)
                .thenComparingLong(h -> h.low ^ Long.MIN_VALUE));
        int out = 0;
        for (ObservedHost host : sorted) {
            if (out > 0 && sorted[out - 1].high == host.high && sorted[out - 1].low == host.low) {
                sorted[out - 1] = ObservedHost.merge(sorted[out - 1], host);
            } else {
                sorted[out++] = host;
            }
        }
        return out == sorted.length ? sorted : Arrays.copyOf(sorted, out);
    }

    /** The scan's id: the chunks' shared scanId, or the report id of an unchunked report. */
    public UUID scanId() {
        return scanId;
    }

    public List<UUID> reportIds() {
        return reportIds;
    }

    public String agentCode() {
        return agentCode;
    }

    public Cidr subnet() {
        return subnet;
    }

    /** discovery, ports or services-nmap; null for a version 1 report. */
    public String profile() {
        return profile;
    }

    /** The earliest start of its reports: when hosts and ports were seen, as phpIPAM's lastSeen has it. */
    public Instant scanStart() {
        return scanStart;
    }

    public Instant scanEnd() {
        return scanEnd;
    }

    public int chunkCount() {
        return chunkCount;
    }

    /** Chunk indexes that never arrived: their targets are not covered. */
    public SortedSet<Integer> missingChunks() {
        return missingChunks;
    }

    public boolean isComplete() {
        return missingChunks.isEmpty() && !partial;
    }

    /** Whether any of its reports was cut short. */
    public boolean isPartial() {
        return partial;
    }

    public ScanCoverage coverage() {
        return coverage;
    }

    public int hostCount() {
        return hosts.length;
    }

    ObservedHost[] hosts() {
        return hosts;
    }

    /** Hosts reported outside the subnet (or of the other IP version): never part of its state. */
    public int hostsOutsideSubnet() {
        return hostsOutsideSubnet;
    }

    @Override
    public String toString() {
        return "Observation[scan " + scanId + " of " + subnet + ", " + hosts.length + " hosts, chunks "
                + (chunkCount - missingChunks.size()) + "/" + chunkCount + (partial ? ", partial" : "") + "]";
    }
}
