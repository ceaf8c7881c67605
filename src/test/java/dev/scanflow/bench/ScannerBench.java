package dev.scanflow.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.AgentUnderTest;
import dev.scanflow.agent.LabTrickle;
import dev.scanflow.agent.archive.RawOutputArchive;
import dev.scanflow.agent.scan.NmapHost;
import dev.scanflow.agent.scan.NmapPort;
import dev.scanflow.agent.scan.NmapRun;
import dev.scanflow.agent.scan.NmapXmlParser;
import dev.scanflow.lab.ExecResult;
import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.report.ScannedPort;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The scanner benchmark (bench/scanner runs it; figures go into the README's Speed section). On the namespace
 * lab, for the same hosts and the same port list, in the same run and alternated round by round, once on the
 * lab's own /24 (on-link) and once on a /24 routed through the lab's gateway, whose empty addresses are
 * silently dropped:
 * <ol>
 *   <li>the ports profile through the real agent routes (masscan, then nmap -sV on exactly the pairs it found,
 *       several groups at once, the report assembled and POSTed), once at 10,000 packets/s with one retry and
 *       once at 1,000 packets/s without;</li>
 *   <li>{@code nmap -sV} over the port list on the subnet (nmap's own host discovery first);</li>
 *   <li>{@code nmap -sV -Pn} over the port list on every address of the subnet (once only on the routed /24,
 *       where it takes minutes).</li>
 * </ol>
 * Every round checks that all of them found the same open (address, port) pairs.
 */
public final class ScannerBench {

    private static final int ROUNDS = 3;
    private static final int HOSTS = 20;
    private static final String ROUTED = "198.18.1.0/24";
    private static final String PORTS =
            "21-23,25,53,80,110,111,135,139,143,443,445,993,995,1723,2222,3306,3389,5432,5900,8000,8080,8443";

    public static void main(String[] args) throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.MASSCAN, LabNetwork.Tool.SSHD, LabNetwork.Tool.PYTHON3);
        System.out.printf("machine: %d cores, %s, %s %s, Java %s; %s; %s%n", Runtime.getRuntime().availableProcessors(),
                memory(), System.getProperty("os.name"), System.getProperty("os.version"),
                System.getProperty("java.version"), firstLine(List.of("nmap", "--version")),
                firstLine(List.of("masscan", "--version")));
        Path archive = Files.createTempDirectory("scanner-bench-archive");
        try (LabNetwork lab = LabNetwork.create(HOSTS)) {
            routeASecondSubnetThroughTheGateway(lab);
            Set<String> onLink = startServices(lab, false);
            Set<String> routed = startServices(lab, true);
            LabTrickle.start(lab, lab.host(HOSTS - 1));
            System.out.printf("lab: %d hosts; port list %s (%d ports); HTTP on 8080 on every host, OpenSSH on 2222 on"
                    + " every third, a second HTTP server on 8000 on every fifth%n", HOSTS, PORTS,
                    dev.scanflow.report.PortList.parse(PORTS).size());
            scenario(lab, archive, "on-link " + LabNetwork.SUBNET_V4 + " (absent addresses answer nothing, their ARP"
                    + " fails at once)", LabNetwork.SUBNET_V4, onLink, ROUNDS, ROUNDS);
            scenario(lab, archive, "routed " + ROUTED + " behind the lab gateway (the " + (256 - HOSTS) + " absent"
                    + " addresses silently dropped, as behind a firewall)", ROUTED, routed, ROUNDS, 1);
        }
        System.exit(0);
    }

    private static void scenario(LabNetwork lab, Path archive, String title, String subnet, Set<String> expected,
                                 int rounds, int everyAddressRounds) throws Exception {
        System.out.printf("%n%s: %d open ports; %d rounds, alternated (wall time, median (min - max)):%n", title,
                expected.size(), rounds);
        List<Double> fast = new ArrayList<>();
        List<Double> fastMasscan = new ArrayList<>();
        List<Double> fastNmap = new ArrayList<>();
        List<Double> slow = new ArrayList<>();
        List<Double> slowMasscan = new ArrayList<>();
        List<Double> nmapDiscovering = new ArrayList<>();
        List<Double> nmapEveryAddress = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        try (AgentUnderTest fastAgent = AgentUnderTest.start(agent(lab, archive, subnet, "10000", "1"));
             AgentUnderTest slowAgent = AgentUnderTest.start(agent(lab, archive, subnet, "1000", "0"))) {
            fastAgent.scanCycle(); // warm-up: JIT, the lab's ARP caches
            for (int round = 1; round <= rounds; round++) {
                long start = System.nanoTime();
                ScanReport report = single(fastAgent.scanCycle());
                fast.add(seconds(start));
                double[] phases = phases(archive, report);
                fastMasscan.add(phases[0]);
                fastNmap.add(phases[1]);
                check(mismatches, "ports profile 10000 pps, round " + round, expected, pairs(report));

                start = System.nanoTime();
                Set<String> found = nmap(List.of("nmap", "-sV", "-n", "-T4", "-p", PORTS, "--exclude",
                        LabNetwork.SCANNER_V4, "-oX", "-", subnet));
                nmapDiscovering.add(seconds(start));
                check(mismatches, "nmap -sV, round " + round, expected, found);

                start = System.nanoTime();
                report = single(slowAgent.scanCycle());
                slow.add(seconds(start));
                slowMasscan.add(phases(archive, report)[0]);
                check(mismatches, "ports profile 1000 pps, round " + round, expected, pairs(report));

                if (round <= everyAddressRounds) {
                    start = System.nanoTime();
                    found = nmap(List.of("nmap", "-sV", "-Pn", "-n", "-T4", "-p", PORTS, "--exclude",
                            LabNetwork.SCANNER_V4, "-oX", "-", subnet));
                    nmapEveryAddress.add(seconds(start));
                    check(mismatches, "nmap -sV -Pn, round " + round, expected, found);
                }
            }
        }
        System.out.printf("  ports profile, masscan 10000 pps + 1 retry:  %s  (masscan %s, nmap -sV on the pairs %s)%n",
                summary(fast), summary(fastMasscan), summary(fastNmap));
        System.out.printf("  ports profile, masscan 1000 pps, no retry:   %s  (masscan %s)%n", summary(slow),
                summary(slowMasscan));
        System.out.printf("  nmap -sV -n -T4 -p <list> <subnet>:          %s%n", summary(nmapDiscovering));
        System.out.printf("  nmap -sV -Pn -n -T4 -p <list> <subnet>:      %s%s%n", summary(nmapEveryAddress),
                everyAddressRounds < rounds ? " (" + everyAddressRounds + " run)" : "");
        System.out.printf("  same open ports found by all: %s%n", mismatches.isEmpty() ? "yes, every run"
                : "NO: " + String.join("; ", mismatches));
    }

    /**
     * 198.18.1.0/24 behind the lab's gateway: the scanner routes it to 198.18.0.1 (through its lab interface
     * only, so the route goes with the lab); the gateway reaches each lab host's second address on-link and
     * drops the rest of the /24 without a word (a blackhole route), as a firewall in front of empty addresses
     * does. Every address involved is the lab's own (THE ADDRESS RULE).
     */
    private static void routeASecondSubnetThroughTheGateway(LabNetwork lab) {
        String ip = LabNetwork.Tool.IP.locate().orElseThrow().toString();
        run(List.of(ip, "netns", "exec", lab.gatewayNamespace(), ip, "route", "add", "blackhole", ROUTED));
        for (LabHost host : lab.hosts()) {
            String address = routedAddress(host);
            run(List.of(ip, "netns", "exec", host.namespace(), ip, "addr", "add", address + "/24", "dev", "e0"));
            run(List.of(ip, "netns", "exec", lab.gatewayNamespace(), ip, "route", "add", address + "/32", "dev", "e0"));
        }
        run(List.of(ip, "route", "add", ROUTED, "via", lab.gatewayAddress(), "dev", lab.scannerInterface()));
    }

    private static String routedAddress(LabHost host) {
        return "198.18.1." + host.octet();
    }

    private static void run(List<String> command) {
        LabNetwork.exec(command, LabNetwork.COMMAND_TIMEOUT).orThrow();
    }

    /**
     * HTTP on 8080 everywhere, OpenSSH on 2222 on every third host, a second HTTP server on 8000 on every fifth:
     * on the hosts' lab addresses, or on their addresses in the routed subnet.
     */
    private static Set<String> startServices(LabNetwork lab, boolean routed) {
        String python = LabNetwork.Tool.PYTHON3.locate().orElseThrow().toString();
        Set<String> open = new TreeSet<>();
        for (int i = 0; i < HOSTS; i++) {
            LabHost host = lab.host(i);
            String address = routed ? routedAddress(host) : host.ipv4();
            lab.startHttpServer(host, address, 8080, python);
            open.add(address + ":8080");
            if (i % 3 == 0) {
                lab.startSshd(host, address, 2222, List.of());
                open.add(address + ":2222");
            }
            if (i % 5 == 0) {
                lab.startHttpServer(host, address, 8000, "/usr/bin/python3");
                open.add(address + ":8000");
            }
        }
        return open;
    }

    private static Properties agent(LabNetwork lab, Path archive, String subnet, String rate, String retries) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.subnets", subnet);
        properties.setProperty("scanflow.agent.profile", "ports");
        properties.setProperty("scanflow.agent.ports", PORTS);
        properties.setProperty("scanflow.agent.exclude-addresses", LabNetwork.SCANNER_V4);
        properties.setProperty("scanflow.agent.masscan.rate", rate);
        properties.setProperty("scanflow.agent.masscan.retries", retries);
        properties.setProperty("scanflow.agent.masscan.wait", "2s");
        properties.setProperty("scanflow.agent.masscan.interface", lab.scannerInterface());
        properties.setProperty("scanflow.agent.masscan.router-ip", lab.gatewayAddress());
        properties.setProperty("scanflow.agent.archive.dir", archive.toString());
        properties.setProperty("scanflow.agent.spool.dir", archive.resolveSibling(archive.getFileName() + "-spool").toString());
        properties.setProperty("scanflow.agent.scan-timeout", "300s");
        properties.setProperty("scanflow.agent.host-timeout", "120s");
        return properties;
    }

    private static ScanReport single(List<ScanReport> reports) {
        if (reports.size() != 1 || Boolean.TRUE.equals(reports.get(0).partial())) {
            throw new IllegalStateException("expected one complete report, got " + reports);
        }
        return reports.get(0);
    }

    private static Set<String> pairs(ScanReport report) {
        Set<String> open = new TreeSet<>();
        for (ScannedHost host : report.hosts()) {
            for (ScannedPort port : host.portList()) {
                if ("open".equals(port.state())) {
                    open.add(host.address() + ":" + port.port());
                }
            }
        }
        return open;
    }

    private static Set<String> nmap(List<String> command) {
        ExecResult result = LabNetwork.exec(command, Duration.ofMinutes(10)).orThrow();
        NmapRun run = new NmapXmlParser().parse(new ByteArrayInputStream(result.stdout().getBytes(StandardCharsets.UTF_8)));
        Set<String> open = new TreeSet<>();
        for (NmapHost host : run.hosts()) {
            for (NmapPort port : host.ports()) {
                if ("open".equals(port.state())) {
                    open.add(host.address() + ":" + port.number());
                }
            }
        }
        return open;
    }

    /** From the raw output archive: masscan's time, and the span of the nmap -sV runs. */
    private static double[] phases(Path archive, ScanReport report) throws IOException {
        Path manifest;
        try (Stream<Path> files = Files.walk(archive)) {
            manifest = files.filter(p -> p.endsWith(Path.of(report.reportId().toString(), RawOutputArchive.MANIFEST)))
                    .findFirst().orElseThrow();
        }
        JsonNode runs = new ObjectMapper().readTree(manifest.toFile()).get("runs");
        Instant masscanStart = Instant.parse(runs.get(0).get("start").asText());
        Instant masscanEnd = Instant.parse(runs.get(0).get("end").asText());
        Instant nmapStart = null;
        Instant nmapEnd = null;
        for (int i = 1; i < runs.size(); i++) {
            Instant s = Instant.parse(runs.get(i).get("start").asText());
            Instant e = Instant.parse(runs.get(i).get("end").asText());
            nmapStart = nmapStart == null || s.isBefore(nmapStart) ? s : nmapStart;
            nmapEnd = nmapEnd == null || e.isAfter(nmapEnd) ? e : nmapEnd;
        }
        return new double[] {Duration.between(masscanStart, masscanEnd).toMillis() / 1000.0,
                nmapStart == null ? 0 : Duration.between(nmapStart, nmapEnd).toMillis() / 1000.0};
    }

    private static void check(List<String> mismatches, String what, Set<String> expected, Set<String> found) {
        if (!expected.equals(found)) {
            Set<String> missing = new TreeSet<>(expected);
            missing.removeAll(found);
            Set<String> extra = new TreeSet<>(found);
            extra.removeAll(expected);
            mismatches.add(what + " missed " + missing + (extra.isEmpty() ? "" : ", extra " + extra));
        }
    }

    private static double seconds(long startNanos) {
        return (System.nanoTime() - startNanos) / 1e9;
    }

    private static String summary(List<Double> values) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        double median = sorted.size() % 2 == 1 ? sorted.get(sorted.size() / 2)
                : (sorted.get(sorted.size() / 2 - 1) + sorted.get(sorted.size() / 2)) / 2;
        return String.format("%.2f s (%.2f - %.2f)", median, sorted.get(0), sorted.get(sorted.size() - 1));
    }

    private static String firstLine(List<String> command) {
        ExecResult result = LabNetwork.exec(command, Duration.ofSeconds(10));
        return (result.stdout().isBlank() ? result.stderr() : result.stdout()).lines()
                .filter(line -> !line.isBlank()).findFirst().orElse("?").strip();
    }

    private static String memory() {
        try {
            String line = Files.readAllLines(Path.of("/proc/meminfo")).get(0);
            return Math.round(Long.parseLong(line.replaceAll("\\D", "")) / 1024.0 / 1024.0) + " GiB RAM";
        } catch (IOException e) {
            return "unknown RAM";
        }
    }
}
