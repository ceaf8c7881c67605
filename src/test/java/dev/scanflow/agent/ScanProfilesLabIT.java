package dev.scanflow.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.archive.RawOutputArchive;
import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.lab.LabProcess;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scan profiles through the real agent routes, with real masscan and nmap, on a namespace lab
 * (docs/lab.md): h11 and h12 each run an HTTP server on 8080 and an OpenSSH sshd on 2222, h12's sshd with a
 * version addendum, so one service's version differs between the two hosts; h13 is up with nothing
 * listening. Every report is read by the server's own ReportReader (JSON Schema, format version 2).
 */
class ScanProfilesLabIT {

    private static final String PORTS = "22,80,443,2222,8080,8443";

    private static LabNetwork lab;
    private static LabHost h11;
    private static LabHost h12;
    private static LabHost h13;

    @TempDir
    Path archive;

    @BeforeAll
    static void buildTheLab() {
        LabNetwork.assumeAvailable(LabNetwork.Tool.MASSCAN, LabNetwork.Tool.SSHD, LabNetwork.Tool.PYTHON3);
        lab = LabNetwork.builder().hosts(3).ipv6(true).build();
        h11 = lab.host(0);
        h12 = lab.host(1);
        h13 = lab.host(2);
        lab.startHttpServer(h11, 8080);
        lab.startSshd(h11, 2222);
        lab.startHttpServer(h12, 8080);
        lab.startSshd(h12, h12.ipv4(), 2222, List.of("-o", "VersionAddendum=scanflow-lab"));
        LabTrickle.start(lab, h13);
    }

    @AfterAll
    static void removeTheLab() {
        if (lab != null) {
            lab.close();
        }
    }

    private Properties agent(String subnets, String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.subnets", subnets);
        properties.setProperty("scanflow.agent.ports", PORTS);
        properties.setProperty("scanflow.agent.scan-timeout", "120s");
        properties.setProperty("scanflow.agent.host-timeout", "60s");
        properties.setProperty("scanflow.agent.stats-every", "2s");
        // 1000 pps: through the lab's namespace gateway, 10000 pps lost SYN-ACKs in half of the runs (README, Speed)
        properties.setProperty("scanflow.agent.masscan.rate", "1000");
        properties.setProperty("scanflow.agent.masscan.retries", "1");
        properties.setProperty("scanflow.agent.masscan.wait", "2s");
        properties.setProperty("scanflow.agent.masscan.interface", lab.scannerInterface());
        properties.setProperty("scanflow.agent.masscan.router-ip", lab.gatewayAddress());
        // masscan on the lab's small targets too (by default a /24 goes to nmap alone): its path is under test
        properties.setProperty("scanflow.agent.masscan.min-addresses", "1");
        // the scanner is this machine's root namespace: whatever listens here is not part of the lab
        properties.setProperty("scanflow.agent.exclude-addresses", LabNetwork.SCANNER_V4);
        properties.setProperty("scanflow.agent.archive.dir", archive.toString());
        properties.setProperty("scanflow.agent.spool.dir", archive.resolveSibling(archive.getFileName() + "-spool").toString());
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static Map<String, ScannedHost> byAddress(ScanReport report) {
        return report.hosts().stream().collect(Collectors.toMap(ScannedHost::address, h -> h, (a, b) -> a, TreeMap::new));
    }

    private static Map<Integer, ScannedPort> portsOf(ScannedHost host) {
        return host.portList().stream().collect(Collectors.toMap(ScannedPort::port, p -> p, (a, b) -> a, TreeMap::new));
    }

    private JsonNode manifest(ScanReport report) throws IOException {
        try (Stream<Path> found = Files.walk(archive)) {
            Path manifest = found.filter(p -> p.endsWith(Path.of(report.reportId().toString(), RawOutputArchive.MANIFEST)))
                    .findFirst().orElseThrow(() -> new AssertionError("no archive for report " + report.reportId()));
            return new ObjectMapper().readTree(manifest.toFile());
        }
    }

    @Test
    void thePortsProfileFindsExactlyTheOpenPortsAndNamesTheirServices() throws Exception {
        // h13 answers on 8443 only for this test: a second group of hosts with other open ports, its own nmap run
        try (LabProcess https = lab.startHttpServer(h13, 8443);
             AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V4, "scanflow.agent.profile", "ports"))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(List.of(), agent.rejections());
            assertEquals(1, reports.size(), "one report for the /24");
            ScanReport report = reports.get(0);
            assertEquals("ports", report.profile());
            assertEquals(Boolean.FALSE, report.partial());
            assertNull(report.chunk(), "a /24 is one chunk");
            assertEquals(LabNetwork.SUBNET_V4, report.subnet());
            Map<String, ScannedHost> hosts = byAddress(report);
            assertEquals(List.of(h11.ipv4(), h12.ipv4(), h13.ipv4()), List.copyOf(hosts.keySet()),
                    "exactly the hosts with an open port among " + PORTS);
            assertEquals(List.of(8443), List.copyOf(portsOf(hosts.get(h13.ipv4())).keySet()));
            assertEquals("http", portsOf(hosts.get(h13.ipv4())).get(8443).service().name());
            for (LabHost lab : List.of(h11, h12)) {
                ScannedHost host = hosts.get(lab.ipv4());
                assertEquals("up", host.state());
                assertEquals(lab.mac(), host.mac().toLowerCase(Locale.ROOT), "nmap -sV resolved the MAC on-link");
                Map<Integer, ScannedPort> ports = portsOf(host);
                assertEquals(List.of(2222, 8080), List.copyOf(ports.keySet()), lab.ipv4());
                ports.values().forEach(port -> {
                    assertEquals("tcp", port.protocol());
                    assertEquals("open", port.state());
                });
                assertEquals("ssh", ports.get(2222).service().name());
                assertEquals("OpenSSH", ports.get(2222).service().product());
                assertTrue(ports.get(2222).service().cpes().stream().anyMatch(c -> c.startsWith("cpe:/a:openbsd:openssh")));
                assertEquals("http", ports.get(8080).service().name());
                assertEquals("SimpleHTTPServer", ports.get(8080).service().product());
            }
            String version11 = portsOf(hosts.get(h11.ipv4())).get(2222).service().version();
            String version12 = portsOf(hosts.get(h12.ipv4())).get(2222).service().version();
            assertNotEquals(version11, version12, "the sshd versions differ between the hosts");
            assertTrue(version12.endsWith("scanflow-lab"), version12);
            assertFalse(version11.contains("scanflow-lab"), version11);

            // masscan's coverage: the port list on every address of the /24 but the excluded scanner
            Coverage coverage = report.coverage();
            assertEquals(List.of(), coverage.hostTargets(), "masscan probes ports, not liveness");
            assertEquals(1, coverage.ports().size());
            assertEquals("tcp", coverage.ports().get(0).protocol());
            assertEquals(PORTS, coverage.ports().get(0).ports());
            assertEquals(List.of("198.18.0.0/31", "198.18.0.2/32", "198.18.0.4/30", "198.18.0.8/29", "198.18.0.16/28",
                    "198.18.0.32/27", "198.18.0.64/26", "198.18.0.128/25"), coverage.ports().get(0).targets());

            // the command is masscan's, rate always passed; nmap -sV ran on exactly what masscan found, each pair
            // once, in batches started while masscan still ran (one run per group of addresses with the same
            // ports in a batch: at 1,000 packets/s the pairs come over a second or more, so in several batches)
            List<String> command = report.command();
            assertEquals("masscan", command.get(0));
            assertEquals("1000", command.get(command.indexOf("--rate") + 1));
            JsonNode manifest = manifest(report);
            JsonNode runs = manifest.get("runs");
            assertEquals("masscan", runs.get(0).get("command").get(0).asText(), "masscan started first: " + manifest);
            Instant masscanEnd = Instant.parse(runs.get(0).get("end").asText());
            List<String> probed = new ArrayList<>(); // address:port, as often as nmap -sV looked at it
            boolean startedBeforeMasscanEnded = false;
            for (int run = 1; run < runs.size(); run++) {
                List<String> nmap = new ObjectMapper().convertValue(runs.get(run).get("command"), List.class);
                assertEquals("nmap", nmap.get(0));
                assertTrue(nmap.contains("-sV"));
                startedBeforeMasscanEnded |= Instant.parse(runs.get(run).get("start").asText()).isBefore(masscanEnd);
                for (String address : nmap.subList(nmap.indexOf("-") + 1, nmap.size())) {
                    for (String port : nmap.get(nmap.indexOf("-p") + 1).split(",")) {
                        probed.add(address + ":" + port);
                    }
                }
            }
            Collections.sort(probed);
            assertEquals(List.of(h11.ipv4() + ":2222", h11.ipv4() + ":8080", h12.ipv4() + ":2222", h12.ipv4() + ":8080",
                    h13.ipv4() + ":8443"), probed, "nmap -sV looked at exactly the pairs masscan found, each once: "
                    + manifest);
            assertTrue(startedBeforeMasscanEnded, "nmap -sV started while masscan still ran: " + manifest);
        }
    }

    @Test
    void theDiscoveryProfileFindsTheLabHostsWithTheirMacs() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V4,
                "scanflow.agent.exclude-addresses", ""))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(1, reports.size());
            ScanReport report = reports.get(0);
            assertEquals("discovery", report.profile());
            assertEquals(Boolean.FALSE, report.partial());
            assertEquals(new Coverage(List.of(LabNetwork.SUBNET_V4), List.of()), report.coverage());
            Map<String, String> macs = new TreeMap<>();
            report.hosts().stream().filter(ScannedHost::isUp)
                    .forEach(h -> macs.put(h.address(), h.mac() == null ? null : h.mac().toLowerCase(Locale.ROOT)));
            Map<String, String> expected = new TreeMap<>();
            expected.put(LabNetwork.GATEWAY_V4, lab.gatewayMac());
            expected.put(LabNetwork.SCANNER_V4, null);
            for (LabHost host : lab.hosts()) {
                expected.put(host.ipv4(), host.mac());
            }
            assertEquals(expected, macs);
        }
    }

    @Test
    void anIpv6LabHostIsFoundByNeighbourDiscoveryWithItsMac() throws Exception {
        String subnet = "2001:db8:5f::/120"; // the lab's addresses ::3 and ::11 to ::13 are in it
        try (AgentUnderTest agent = AgentUnderTest.start(agent(subnet, "scanflow.agent.exclude-addresses", ""))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(1, reports.size());
            ScanReport report = reports.get(0);
            assertEquals(subnet, report.subnet());
            assertEquals("-6", report.command().get(1));
            Map<String, ScannedHost> hosts = byAddress(report);
            for (LabHost host : lab.hosts()) {
                assertTrue(hosts.containsKey(host.ipv6()), host.ipv6() + " in " + hosts.keySet());
                assertEquals(host.mac(), hosts.get(host.ipv6()).mac().toLowerCase(Locale.ROOT));
                assertEquals("up", hosts.get(host.ipv6()).state());
            }
        }
    }

    @Test
    void thePortsProfileFindsAnIpv6ServiceWithMasscanThenNmapDashSix() throws Exception {
        // masscan 1.3 finds no IPv6 router and no IPv6 source address by itself, and the lab's gateway has no
        // IPv6: every probe goes to h11's MAC, so only h11 can answer, on its IPv6 address
        String subnet = "2001:db8:5f::/120";
        try (LabProcess http6 = lab.startHttpServer(h11, h11.ipv6(), 8081,
                LabNetwork.Tool.PYTHON3.locate().orElseThrow().toString());
             AgentUnderTest agent = AgentUnderTest.start(agent(subnet, "scanflow.agent.profile", "ports",
                     "scanflow.agent.ports", "8081", "scanflow.agent.exclude-addresses", "",
                     "scanflow.agent.masscan.router-ip", "", "scanflow.agent.masscan.router-mac", h11.mac(),
                     "scanflow.agent.masscan.source-ip", LabNetwork.SCANNER_V6))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(1, reports.size(), agent.rejections().toString());
            ScanReport report = reports.get(0);
            assertEquals(Boolean.FALSE, report.partial());
            ScannedHost host = byAddress(report).get(h11.ipv6());
            assertNotNull(host, report.hosts().toString());
            assertEquals(List.of(8081), List.copyOf(portsOf(host).keySet()));
            assertEquals("http", portsOf(host).get(8081).service().name());
            assertEquals(h11.mac(), host.mac().toLowerCase(Locale.ROOT));
            List<String> nmap = new ObjectMapper().convertValue(manifest(report).get("runs").get(1).get("command"),
                    List.class);
            assertEquals(List.of("nmap", "-6", "-sV"), nmap.subList(0, 3));
            assertEquals(List.of("2001:db8:5f::/120"), report.coverage().ports().get(0).targets());
        }
    }

    @Test
    void thePortsProfileScansATargetBelowMasscansMinimumWithNmapAloneAndClaimsItsHostDiscovery() throws Exception {
        // the default scanflow.agent.masscan.min-addresses (512): the lab /24 is too small for masscan to pay off
        try (AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V4, "scanflow.agent.profile", "ports",
                "scanflow.agent.masscan.min-addresses", "512"))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(List.of(), agent.rejections());
            assertEquals(1, reports.size());
            ScanReport report = reports.get(0);
            assertEquals("ports", report.profile(), "still the subnet's profile");
            assertEquals(Boolean.FALSE, report.partial());
            assertEquals("nmap", report.command().get(0), "no masscan: " + report.command());
            assertTrue(report.command().containsAll(List.of("-sS", "-sV")), report.command().toString());
            assertFalse(report.command().contains("-Pn"), "nmap's own host discovery decides what is port-scanned");
            assertEquals(1, manifest(report).get("runs").size(), "one nmap run, nothing else");
            Map<String, ScannedHost> hosts = byAddress(report);
            Map<String, List<Integer>> open = new TreeMap<>();
            hosts.values().forEach(host -> {
                List<Integer> ports = host.portList().stream().filter(p -> "open".equals(p.state()))
                        .map(ScannedPort::port).toList();
                if (!ports.isEmpty()) {
                    open.put(host.address(), ports);
                }
            });
            assertEquals(Map.of(h11.ipv4(), List.of(2222, 8080), h12.ipv4(), List.of(2222, 8080)), open,
                    "the same open ports as masscan finds");
            assertEquals("OpenSSH", portsOf(hosts.get(h12.ipv4())).get(2222).service().product());
            assertEquals(h11.mac(), hosts.get(h11.ipv4()).mac().toLowerCase(Locale.ROOT));
            assertTrue(hosts.containsKey(h13.ipv4()), "h13 is up with nothing open: nmap's discovery says so");
            // nmap probed liveness too: the report claims the hosts as well as the ports (docs/report-format.md)
            List<String> covered = List.of("198.18.0.0/31", "198.18.0.2/32", "198.18.0.4/30", "198.18.0.8/29",
                    "198.18.0.16/28", "198.18.0.32/27", "198.18.0.64/26", "198.18.0.128/25");
            assertEquals(covered, report.coverage().hostTargets());
            assertEquals(1, report.coverage().ports().size());
            assertEquals(PORTS, report.coverage().ports().get(0).ports());
            assertEquals(covered, report.coverage().ports().get(0).targets());
        }
    }

    @Test
    void theServicesNmapProfileFindsTheSameOpenPortsWithoutMasscan() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V4,
                "scanflow.agent.profile", "services-nmap"))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(1, reports.size());
            ScanReport report = reports.get(0);
            assertEquals("services-nmap", report.profile());
            assertEquals(Boolean.FALSE, report.partial());
            assertEquals("nmap", report.command().get(0));
            assertTrue(report.command().contains("-sS"), "root: a SYN scan " + report.command());
            Map<String, List<Integer>> open = new TreeMap<>();
            for (ScannedHost host : report.hosts()) {
                List<Integer> ports = host.portList().stream().filter(p -> "open".equals(p.state()))
                        .map(ScannedPort::port).toList();
                if (!ports.isEmpty()) {
                    open.put(host.address(), ports);
                }
            }
            assertEquals(Map.of(h11.ipv4(), List.of(2222, 8080), h12.ipv4(), List.of(2222, 8080)), open);
            assertTrue(byAddress(report).containsKey(h13.ipv4()), "h13 is up, with nothing open");
            assertEquals(List.of("198.18.0.0/31", "198.18.0.2/32", "198.18.0.4/30",
                    "198.18.0.8/29", "198.18.0.16/28", "198.18.0.32/27", "198.18.0.64/26", "198.18.0.128/25"),
                    report.coverage().hostTargets());
            assertEquals(PORTS, report.coverage().ports().get(0).ports());
        }
    }

    @Test
    void aSubnetLargerThanTheChunkSizeIsSentAsOneReportPerChunk() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V4,
                "scanflow.agent.chunk-prefix.ipv4", "26", "scanflow.agent.exclude-addresses", ""))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(4, reports.size());
            UUID scanId = reports.get(0).chunk().scanId();
            for (int i = 0; i < 4; i++) {
                ScanReport report = reports.get(i);
                assertEquals(new ScanReport.Chunk(scanId, i, 4), report.chunk());
                assertEquals(LabNetwork.SUBNET_V4, report.subnet(), "every chunk names the assigned subnet");
                assertEquals(List.of("198.18.0." + (64 * i) + "/26"), report.coverage().hostTargets());
            }
            assertEquals(4, reports.stream().map(ScanReport::reportId).distinct().count());
            assertEquals(5, reports.get(0).hosts().size(), "gateway, scanner and the three hosts are in .0/26");
            for (int i = 1; i < 4; i++) {
                assertEquals(List.of(), reports.get(i).hosts());
            }
        }
    }

    @Test
    void anIpv6RangeTooLargeForMasscanIsRefusedWithASentenceAndTheCycleGoesOn() throws Exception {
        try (CapturedLogs logs = new CapturedLogs();
             AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V6 + "," + LabNetwork.SUBNET_V4,
                     "scanflow.agent.subnet-profiles", LabNetwork.SUBNET_V6 + "=ports",
                     "scanflow.agent.chunk-prefix.ipv6", "64",
                     "scanflow.agent.masscan.router-mac", lab.gatewayMac(),
                     "scanflow.agent.masscan.source-ip", LabNetwork.SCANNER_V6))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(List.of(LabNetwork.SUBNET_V4), reports.stream().map(ScanReport::subnet).toList(),
                    "the IPv6 /64 sends nothing, the next subnet is scanned as usual");
            List<String> refused = logs.matching("WARN", "masscan cannot scan " + LabNetwork.SUBNET_V6,
                    "at most 2^63");
            assertEquals(1, refused.size(), String.join("\n", logs.lines()));
        }
    }

    @Test
    void aScanKilledByTheScanTimeoutIsSentMarkedPartialWithWhatNmapWrote() throws Exception {
        try (AgentUnderTest agent = AgentUnderTest.start(agent(LabNetwork.SUBNET_V4,
                "scanflow.agent.profile", "services-nmap", "scanflow.agent.ports", "1-65535",
                "scanflow.agent.scan-timeout", "4s", "scanflow.agent.host-timeout", "4s"))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(1, reports.size(), "the killed run is still reported");
            ScanReport report = reports.get(0);
            assertEquals(Boolean.TRUE, report.partial());
            JsonNode run = manifest(report).get("runs").get(0);
            assertTrue(run.get("timedOut").asBoolean(), run.toString());
            assertEquals(143, run.get("exitCode").asInt(), "camel-exec's watchdog ends it with SIGTERM");
            assertNotNull(report.scanEnd());
        }
    }
}
