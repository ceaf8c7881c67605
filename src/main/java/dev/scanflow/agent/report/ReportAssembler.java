package dev.scanflow.agent.report;

import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.agent.scan.MasscanPort;
import dev.scanflow.agent.scan.MasscanRun;
import dev.scanflow.agent.scan.NmapHost;
import dev.scanflow.agent.scan.NmapPort;
import dev.scanflow.agent.scan.NmapRun;
import dev.scanflow.agent.scan.ScanRecord;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanProfile;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Turns what the scanners of one job said into the report the server receives (format version 2): one
 * report per subnet, or per chunk of it. Coverage says what was probed, so a reader can tell "not scanned"
 * from "closed" or "gone"; a run cut short by the scan timeout is still sent, marked partial.
 */
public class ReportAssembler {

    private final String agentCode;
    private final Clock clock;

    public ReportAssembler(String agentCode, Clock clock) {
        this.agentCode = agentCode;
        this.clock = clock;
    }

    /**
     * A discovery report of a whole subnet. A run cut short is still sent, marked partial: the hosts it saw
     * are facts, and the server reads nothing about the hosts it did not reach.
     */
    public ScanReport assemble(NmapRun run, String subnet, List<String> command) {
        Instant start = run.start() != null ? run.start() : clock.instant();
        Instant end = run.end() != null && !run.end().isBefore(start) ? run.end() : start;
        return new ScanReport(ScanReport.FORMAT_VERSION, UUID.randomUUID(), agentCode, subnet, start, end, command,
                hosts(run), ScanProfile.DISCOVERY.id(), null, !run.complete(), new Coverage(List.of(subnet), List.of()));
    }

    /** The discovery profile (nmap -sn) on one job: liveness of its target was probed, no ports. */
    public ScanReport discovery(NmapRun run, ScanRecord record) {
        ScanJob job = record.job();
        return report(record, run.start(), run.end(), hosts(run), !run.complete(),
                new Coverage(job.coveredTargets(), List.of()));
    }

    /**
     * The services-nmap profile on one job: nmap found the hosts that are up in the target and probed the
     * port list on each of them.
     */
    public ScanReport services(NmapRun run, ScanRecord record) {
        ScanJob job = record.job();
        return report(record, run.start(), run.end(), hosts(run), !run.complete(),
                new Coverage(job.coveredTargets(), List.of(new Coverage.PortProbe("tcp", job.ports().toString(),
                        job.coveredTargets()))));
    }

    /**
     * The ports profile on one job: one host per address masscan found an open port on, each with exactly
     * those ports. Where nmap -sV looked at a port, nmap's word stands (state, service); where it did not
     * (its run was cut short), the port is as masscan saw it, without a service. masscan probed the port list
     * on every address of the target, but not liveness: the coverage has ports and no host targets.
     */
    public ScanReport ports(MasscanRun masscan, List<NmapRun> serviceRuns, ScanRecord record) {
        ScanJob job = record.job();
        // an address can be in several nmap runs (a port masscan found later went to a later batch): its ports
        // from all of them, its MAC and names from the first
        Map<String, NmapHost> nmapHosts = new HashMap<>();
        Map<String, List<NmapPort>> nmapPortsByHost = new HashMap<>();
        boolean servicesComplete = true;
        for (NmapRun run : serviceRuns) {
            servicesComplete &= run.complete();
            for (NmapHost host : run.hosts()) {
                if (host.address() != null) {
                    nmapHosts.putIfAbsent(normalize(host.address()), host);
                    nmapPortsByHost.computeIfAbsent(normalize(host.address()), a -> new ArrayList<>()).addAll(host.ports());
                }
            }
        }
        Map<IpAddress, List<MasscanPort>> found = new TreeMap<>();
        for (MasscanPort port : masscan.ports()) {
            found.computeIfAbsent(IpAddress.parse(port.address()), a -> new ArrayList<>()).add(port);
        }
        List<ScannedHost> hosts = new ArrayList<>();
        found.forEach((address, masscanPorts) -> {
            NmapHost nmap = nmapHosts.get(address.toString());
            Map<String, NmapPort> nmapPorts = new LinkedHashMap<>();
            nmapPortsByHost.getOrDefault(address.toString(), List.of())
                    .forEach(p -> nmapPorts.put(p.protocol() + "/" + p.number(), p));
            List<ScannedPort> ports = masscanPorts.stream()
                    .sorted(Comparator.comparing(MasscanPort::protocol).thenComparingInt(MasscanPort::port))
                    .map(p -> {
                        NmapPort seen = nmapPorts.get(p.protocol() + "/" + p.port());
                        return seen != null ? toPort(seen) : new ScannedPort(p.protocol(), p.port(), "open",
                                p.reason(), null, null);
                    }).toList();
            hosts.add(new ScannedHost(address.toString(), "up", nmap == null ? null : nmap.mac(),
                    nmap == null ? null : nmap.macVendor(), nmap == null ? List.of() : nmap.hostnames(), ports));
        });
        return report(record, null, null, hosts, !masscan.complete() || !servicesComplete,
                new Coverage(List.of(), List.of(new Coverage.PortProbe("tcp", job.ports().toString(),
                        job.coveredTargets()))));
    }

    private ScanReport report(ScanRecord record, Instant scannerStart, Instant scannerEnd, List<ScannedHost> hosts,
                              boolean incomplete, Coverage coverage) {
        ScanJob job = record.job();
        // nmap's own times when it wrote them, else when the processes ran (a killed nmap writes no end)
        Instant start = first(scannerStart, record.start(), clock.instant()).truncatedTo(ChronoUnit.SECONDS);
        Instant end = first(scannerEnd, record.end(), start).truncatedTo(ChronoUnit.SECONDS);
        if (end.isBefore(start)) {
            end = start;
        }
        return new ScanReport(ScanReport.FORMAT_VERSION, record.reportId(), agentCode, job.subnet(), start, end,
                record.firstCommand(), hosts, job.profile().id(), job.chunk(), incomplete || record.anyTimedOut(),
                coverage);
    }

    private static Instant first(Instant... candidates) {
        for (Instant candidate : candidates) {
            if (candidate != null) {
                return candidate;
            }
        }
        throw new IllegalStateException("no instant");
    }

    private static List<ScannedHost> hosts(NmapRun run) {
        return run.hosts().stream()
                .filter(host -> host.address() != null)
                .map(ReportAssembler::toHost)
                .toList();
    }

    private static ScannedHost toHost(NmapHost host) {
        return new ScannedHost(host.address(), host.state() == null ? "unknown" : host.state(), host.mac(),
                host.macVendor(), host.hostnames(), host.ports().stream().map(ReportAssembler::toPort).toList());
    }

    private static ScannedPort toPort(NmapPort port) {
        boolean named = port.serviceName() != null || port.product() != null || !port.cpes().isEmpty();
        ScannedPort.Service service = named ? new ScannedPort.Service(port.serviceName(), port.product(),
                port.version(), port.extraInfo(), port.tunnel(), port.cpes()) : null;
        return new ScannedPort(port.protocol(), port.number(), port.state(), port.reason(), service, port.scripts());
    }

    private static String normalize(String address) {
        try {
            return IpAddress.parse(address).toString();
        } catch (IllegalArgumentException e) {
            return address;
        }
    }
}
