package dev.scanflow.agent.report;

import dev.scanflow.agent.scan.NmapHost;
import dev.scanflow.agent.scan.NmapRun;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/** Turns one nmap run on one subnet into the report the server receives (format version 1). */
public class ReportAssembler {

    private final String agentCode;
    private final Clock clock;

    public ReportAssembler(String agentCode, Clock clock) {
        this.agentCode = agentCode;
        this.clock = clock;
    }

    /**
     * A discovery report. A run cut short is still sent, marked partial: the hosts it saw are facts, and
     * the server reads nothing about the hosts it did not reach.
     */
    public ScanReport assemble(NmapRun run, String subnet, List<String> command) {
        Instant start = run.start() != null ? run.start() : clock.instant();
        Instant end = run.end() != null && !run.end().isBefore(start) ? run.end() : start;
        List<ScannedHost> hosts = run.hosts().stream()
                .filter(host -> host.address() != null)
                .map(ReportAssembler::toHost)
                .toList();
        return new ScanReport(ScanReport.FORMAT_VERSION, UUID.randomUUID(), agentCode, subnet, start, end, command, hosts,
                "discovery", null, !run.complete(), new Coverage(List.of(subnet), List.of()));
    }

    private static ScannedHost toHost(NmapHost host) {
        return new ScannedHost(host.address(), host.state() == null ? "unknown" : host.state(), host.mac(),
                host.macVendor(), host.hostnames());
    }
}
