package dev.scanflow.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.scan.Fixtures;
import dev.scanflow.agent.scan.NmapHost;
import dev.scanflow.agent.scan.NmapRun;
import dev.scanflow.agent.scan.MasscanRun;
import dev.scanflow.agent.scan.ScanRecord;
import dev.scanflow.agent.scan.ScannerRun;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import dev.scanflow.server.intake.ReportReader;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The version 2 reports of each profile, assembled from real lab outputs (src/test/resources/scans) and read
 * back by the server's own ReportReader.
 */
class ProfileReportsTest {

    private static final Instant T0 = Instant.parse("2026-11-22T01:21:42.250Z");

    private final ReportAssembler assembler = new ReportAssembler(TestSettings.CODE,
            Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC));

    private static ScanRecord record(AgentSettings settings, String subnet, int chunk, ScannerRun... runs) {
        ScanJob job = new ScanPlanner(settings).plan(subnet).get(chunk);
        ScanRecord record = ScanRecord.of(job);
        for (ScannerRun run : runs) {
            record.add(run);
        }
        return record;
    }

    private static ScannerRun run(String tool, int second, int seconds, boolean timedOut) {
        return new ScannerRun(tool, List.of(tool, "-oX", "-", "198.18.0.0/24"), timedOut ? 143 : 0, timedOut,
                T0.plusSeconds(second), T0.plusSeconds(second + seconds), new byte[0], new byte[0]);
    }

    private static Map<String, ScannedHost> hosts(ScanReport report) {
        return report.hosts().stream().collect(Collectors.toMap(ScannedHost::address, Function.identity(), (a, b) -> a,
                TreeMap::new));
    }

    private static ScanReport readBack(ScanReport report) throws Exception {
        ScanReport read = new ReportReader().read(ReportJson.mapper().writeValueAsBytes(report));
        assertEquals(report, read);
        return read;
    }

    @Test
    void thePortsReportHasExactlyWhatMasscanFoundWithTheServicesNmapNamed() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.profile", "ports", "scanflow.agent.ports", "2222,8080",
                "scanflow.agent.exclude-addresses", "198.18.0.3");
        ScanRecord record = record(settings, "198.18.0.0/24", 0, run("masscan", 0, 5, false), run("nmap", 5, 7, false));

        ScanReport report = readBack(assembler.ports(Fixtures.masscan("masscan-ports-lab.json"),
                List.of(Fixtures.nmap("nmap-sV-pairs-lab.xml")), record));

        assertEquals(2, report.formatVersion());
        assertEquals(record.reportId(), report.reportId());
        assertEquals("ports", report.profile());
        assertEquals(Boolean.FALSE, report.partial());
        assertNull(report.chunk());
        assertEquals(List.of("masscan", "-oX", "-", "198.18.0.0/24"), report.command(), "the first scanner's command");
        assertEquals(Instant.parse("2026-11-22T01:21:42Z"), report.scanStart());
        assertEquals(Instant.parse("2026-11-22T01:21:54Z"), report.scanEnd());
        Map<String, ScannedHost> hosts = hosts(report);
        assertEquals(List.of("198.18.0.11", "198.18.0.12"), List.copyOf(hosts.keySet()));
        ScannedHost h12 = hosts.get("198.18.0.12");
        assertEquals("02:5F:00:00:00:0C", h12.mac());
        assertEquals(List.of(2222, 8080), h12.portList().stream().map(ScannedPort::port).toList());
        ScannedPort ssh = h12.portList().get(0);
        assertEquals("open", ssh.state());
        assertEquals("syn-ack", ssh.reason());
        assertEquals(new ScannedPort.Service("ssh", "OpenSSH", "9.2p1 Debian 2+deb12u10 scanflow-lab", "protocol 2.0",
                null, List.of("cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel")), ssh.service());
        assertEquals("Python 3.11.2", h12.portList().get(1).service().extraInfo());
        assertEquals("Python 3.11.7", hosts.get("198.18.0.11").portList().get(1).service().extraInfo());
        Coverage.PortProbe probe = report.coverage().ports().get(0);
        assertEquals("tcp", probe.protocol());
        assertEquals("2222,8080", probe.ports());
        assertEquals(8, probe.targets().size(), "the /24 without the excluded .3, as CIDRs");
        assertEquals(List.of(), report.coverage().hostTargets(), "masscan does not probe liveness");
    }

    /**
     * The pipelined ports profile starts nmap -sV on batches while masscan still runs: an address whose ports came
     * in two batches is in two nmap runs, each with some of its ports, and those runs may end before masscan.
     */
    @Test
    void anAddressInTwoNmapRunsKeepsThePortsOfBothAndTheReportNamesMasscanWhichStartedFirst() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.profile", "ports", "scanflow.agent.ports", "2222,8080",
                "scanflow.agent.exclude-addresses", "198.18.0.3");
        // the nmap runs ended (and were recorded) before masscan did
        ScanRecord record = record(settings, "198.18.0.0/24", 0, run("nmap", 1, 7, false), run("nmap", 2, 7, false),
                run("masscan", 0, 9, false));
        NmapRun whole = Fixtures.nmap("nmap-sV-pairs-lab.xml");
        NmapRun sshOnly = only(whole, 2222);
        NmapRun httpOnly = only(whole, 8080);

        ScanReport split = readBack(assembler.ports(Fixtures.masscan("masscan-ports-lab.json"), List.of(sshOnly, httpOnly),
                record));
        ScanReport together = assembler.ports(Fixtures.masscan("masscan-ports-lab.json"), List.of(whole), record);

        assertEquals(List.of("masscan", "-oX", "-", "198.18.0.0/24"), split.command(), "the scanner that started first");
        assertEquals(together.hosts(), split.hosts(), "the same hosts, ports and services as from one nmap run");
        assertEquals("ssh", hosts(split).get("198.18.0.12").portList().get(0).service().name());
        assertEquals("http", hosts(split).get("198.18.0.12").portList().get(1).service().name());
    }

    private static NmapRun only(NmapRun run, int port) {
        return new NmapRun(run.args(), run.start(), run.end(), run.complete(), run.hosts().stream()
                .map(h -> new NmapHost(h.state(), h.reason(), h.ipv4(), h.ipv6(), h.mac(), h.macVendor(), h.hostnames(),
                        h.ports().stream().filter(p -> p.number() == port).toList()))
                .toList());
    }

    @Test
    void portsNmapDidNotReachAreKeptAsMasscanSawThemAndTheReportIsPartial() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.profile", "ports", "scanflow.agent.ports", "2222,8080");
        // nmap was killed after h11: nmap-sV-partial.xml holds h11 only
        ScanRecord record = record(settings, "198.18.0.0/24", 0, run("masscan", 0, 5, false), run("nmap", 5, 9, true));

        ScanReport report = readBack(assembler.ports(Fixtures.masscan("masscan-ports-lab.json"),
                List.of(Fixtures.nmap("nmap-sV-partial.xml")), record));

        assertEquals(Boolean.TRUE, report.partial());
        ScannedHost h12 = hosts(report).get("198.18.0.12");
        assertEquals(List.of(new ScannedPort("tcp", 2222, "open", "syn-ack", null, null),
                new ScannedPort("tcp", 8080, "open", "syn-ack", null, null)), h12.portList());
        assertNull(h12.mac(), "only nmap sees MACs");
        assertEquals("ssh", hosts(report).get("198.18.0.11").portList().get(0).service().name());
    }

    @Test
    void nothingFoundIsAReportWithNoHostsThatStillSaysWhatWasProbed() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.profile", "ports", "scanflow.agent.ports", "9");
        ScanRecord record = record(settings, "198.18.0.0/24", 0, run("masscan", 0, 3, false));

        ScanReport report = readBack(assembler.ports(Fixtures.masscan("masscan-nothing-found.json"), List.of(), record));

        assertEquals(List.of(), report.hosts());
        assertEquals(List.of(new Coverage.PortProbe("tcp", "9", List.of("198.18.0.0/24"))), report.coverage().ports());
        assertEquals(Boolean.FALSE, report.partial());
    }

    @Test
    void aDiscoveryChunkSaysWhichChunkItIsAndCoversOnlyIt() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/23");
        ScanRecord record = record(settings, "198.18.0.0/23", 0, run("nmap", 0, 2, false));

        ScanReport report = readBack(assembler.discovery(Fixtures.nmap("nmap-sn-lab.xml"), record));

        assertEquals("198.18.0.0/23", report.subnet());
        assertEquals(0, report.chunk().index());
        assertEquals(2, report.chunk().count());
        assertEquals(new Coverage(List.of("198.18.0.0/24"), List.of()), report.coverage());
        assertEquals(5, report.hosts().size());
        assertEquals(Fixtures.nmap("nmap-sn-lab.xml").start(), report.scanStart(), "nmap's own start");
    }

    @Test
    void aKilledDiscoveryEndsWhenTheProcessEndedAndIsPartial() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24");
        NmapRun killed = Fixtures.nmap("nmap-sV-partial.xml");
        ScanRecord record = record(settings, "198.18.0.0/24", 0,
                new ScannerRun("nmap", List.of("nmap"), 143, true, killed.start(), killed.start().plusSeconds(9),
                        new byte[0], new byte[0]));

        ScanReport report = readBack(assembler.discovery(killed, record));

        assertEquals(Boolean.TRUE, report.partial());
        assertEquals(killed.start().plusSeconds(9), report.scanEnd(), "no <finished>: when the process was killed");
    }

    @Test
    void theServicesReportListsWhatNmapSawOnEveryHostThatIsUp() throws Exception {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.profile", "services-nmap", "scanflow.agent.ports", "22,2222,8080",
                "scanflow.agent.exclude-addresses", "198.18.0.3");
        ScanRecord record = record(settings, "198.18.0.0/24", 0, run("nmap", 0, 12, false));

        ScanReport report = readBack(assembler.services(Fixtures.nmap("nmap-sS-sV-subnet-lab.xml"), record));

        Map<String, ScannedHost> hosts = hosts(report);
        assertEquals(List.of("198.18.0.1", "198.18.0.11", "198.18.0.12", "198.18.0.13"), List.copyOf(hosts.keySet()));
        assertEquals(List.of("closed", "closed", "closed"),
                hosts.get("198.18.0.13").portList().stream().map(ScannedPort::state).toList());
        assertEquals(List.of("closed", "open", "open"),
                hosts.get("198.18.0.11").portList().stream().map(ScannedPort::state).toList());
        ScannedPort closed = hosts.get("198.18.0.11").portList().get(0);
        assertEquals("ssh", closed.service().name(), "a closed port has nmap's name from its table");
        assertNull(closed.service().product(), "and no product: nothing answered");
        assertEquals(8, report.coverage().hostTargets().size());
        assertEquals("22,2222,8080", report.coverage().ports().get(0).ports());
        assertEquals(report.coverage().hostTargets(), report.coverage().ports().get(0).targets());
        assertTrue(report.hosts().stream().allMatch(ScannedHost::isUp));
    }
}
