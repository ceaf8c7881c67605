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
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;

/**
 * The scanner benchmark (bench/scanner runs it; figures go into the README's Speed section). On the namespace
 * lab, for the same hosts and the same port list, in the same run and alternated round by round, on three
 * targets: the lab's own /24 (on-link), a /24 routed through the lab's gateway whose empty addresses are
 * silently dropped, and a /22 routed the same way with 50 live hosts spread over it:
 * <ol>
 *   <li>the ports profile through the real agent routes, as configured out of the box but for the lab's
 *       masscan settings (10,000 packets/s, one retry, a 2 s wait) and chunks of /22: on the on-link /24 nmap
 *       alone (on a link of this machine and smaller than scanflow.agent.masscan.min-addresses), on the routed
 *       targets masscan, and nmap -sV on exactly the pairs it found, started once masscan's first pass is over
 *       while masscan still retries and waits, several groups at once; the report assembled and POSTed;</li>
 *   <li>on the /24s, the ports profile with masscan forced (min-addresses=1): on the routed /24 the same as
 *       the row above;</li>
 *   <li>{@code nmap -sV} over the port list on the target (nmap's own host discovery first);</li>
 *   <li>on the on-link /24, {@code nmap -sV -Pn} over the port list on every address (behind the gateway it
 *       takes minutes per /24: 474 s in the README's earlier run).</li>
 * </ol>
 * Every run checks that all of them found the same open (address, port) pairs, and that the services the profile
 * named are the ones nmap -sV over the whole target named in the same round (name, product, version).
 */
public final class ScannerBench {

    private static final int ROUNDS = 5;
    /** Lab hosts: all of them live in the /22; the first {@link #SMALL_HOSTS} also serve on the two /24s. */
    private static final int HOSTS = 50;
    private static final int SMALL_HOSTS = 20;
    private static final String ROUTED = "198.18.1.0/24";
    private static final String WIDE = "198.18.4.0/22";
    private static final String PORTS =
            "21-23,25,53,80,110,111,135,139,143,443,445,993,995,1723,2222,3306,3389,5432,5900,8000,8080,8443";

    /** Where a lab host serves in one of the benchmark's targets. */
    private enum Target {
        ON_LINK(LabNetwork.SUBNET_V4), ROUTED_24(ROUTED), ROUTED_22(WIDE);

        final String subnet;

        Target(String subnet) {
            this.subnet = subnet;
        }

        String address(LabHost host, int index) {
            return switch (this) {
                case ON_LINK -> host.ipv4();
                case ROUTED_24 -> "198.18.1." + host.octet();
                // spread over the four /24s of the /22
                case ROUTED_22 -> "198.18." + (4 + index % 4) + "." + host.octet();
            };
        }
    }

    public static void main(String[] args) throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.MASSCAN, LabNetwork.Tool.SSHD, LabNetwork.Tool.PYTHON3);
        System.out.printf("machine: %d cores, %s, %s %s, Java %s; %s; %s; load average at start %s%n",
                Runtime.getRuntime().availableProcessors(), memory(), System.getProperty("os.name"),
                System.getProperty("os.version"), System.getProperty("java.version"),
                firstLine(List.of("nmap", "--version")), firstLine(List.of("masscan", "--version")), loadAverage());
        Path archive = Files.createTempDirectory("scanner-bench-archive");
        try (LabNetwork lab = LabNetwork.create(HOSTS)) {
            routeThroughTheGateway(lab, Target.ROUTED_24, SMALL_HOSTS);
            routeThroughTheGateway(lab, Target.ROUTED_22, HOSTS);
            Set<String> onLink = startServices(lab, Target.ON_LINK, SMALL_HOSTS);
            Set<String> routed = startServices(lab, Target.ROUTED_24, SMALL_HOSTS);
            Set<String> wide = startServices(lab, Target.ROUTED_22, HOSTS);
            LabTrickle.start(lab, lab.host(HOSTS - 1));
            System.out.printf("lab: %d hosts; port list %s (%d ports); HTTP on 8080 on every serving host, OpenSSH"
                    + " on 2222 on every third, a second HTTP server on 8000 on every fifth%n", HOSTS, PORTS,
                    dev.scanflow.report.PortList.parse(PORTS).size());
            scenario(lab, archive, "on-link " + LabNetwork.SUBNET_V4 + ", " + HOSTS + " hosts up, the first "
                    + SMALL_HOSTS + " serving (absent addresses answer nothing, their ARP fails at once)",
                    Target.ON_LINK, onLink, true, true);
            scenario(lab, archive, "routed " + ROUTED + " behind the lab gateway, " + SMALL_HOSTS + " hosts (the "
                    + (256 - SMALL_HOSTS) + " absent addresses silently dropped, as behind a firewall)",
                    Target.ROUTED_24, routed, true, false);
            scenario(lab, archive, "routed " + WIDE + " behind the lab gateway, " + HOSTS + " hosts spread over it"
                    + " (the " + (1024 - HOSTS) + " absent addresses silently dropped)", Target.ROUTED_22, wide,
                    false, false);
        }
        System.out.printf("%nload average at the end %s%n", loadAverage());
        System.exit(0);
    }

    private static void scenario(LabNetwork lab, Path archive, String title, Target target, Set<String> expected,
                                 boolean alsoMasscanForced, boolean everyAddress) throws Exception {
        String subnet = target.subnet;
        System.out.printf("%n%s: %d open ports; %d rounds, alternated (wall time, median (min - max)):%n", title,
                expected.size(), ROUNDS);
        List<Double> profile = new ArrayList<>();
        List<Double> profileMasscan = new ArrayList<>();
        List<Double> profileNmap = new ArrayList<>();
        List<Double> profileNmapStart = new ArrayList<>();
        List<Double> profileAfterScan = new ArrayList<>();
        List<Double> forced = new ArrayList<>();
        List<Double> forcedMasscan = new ArrayList<>();
        List<Double> forcedNmap = new ArrayList<>();
        List<Double> forcedNmapStart = new ArrayList<>();
        List<Double> nmapDiscovering = new ArrayList<>();
        List<Double> nmapEveryAddress = new ArrayList<>();
        List<String> mismatches = new ArrayList<>();
        String profileEngine = "?";
        try (AgentUnderTest profileAgent = AgentUnderTest.start(agent(lab, archive, subnet, null));
             AgentUnderTest forcedAgent = alsoMasscanForced ? AgentUnderTest.start(agent(lab, archive, subnet, "1")) : null) {
            profileAgent.scanCycle(); // warm-up: JIT, the lab's ARP caches
            for (int round = 1; round <= ROUNDS; round++) {
                long start = System.nanoTime();
                ScanReport report = single(profileAgent.scanCycle());
                profile.add(seconds(start));
                profileEngine = report.command().get(0);
                double[] phases = phases(archive, report);
                profileMasscan.add(phases[0]); // nmap alone: its one run
                profileNmap.add(phases[1]);
                profileNmapStart.add(phases[2]);
                Map<String, String> profileServices = services(report);
                // nmap alone: what the agent adds after the scan (XML parsed, report assembled, archived, spooled,
                // POSTed and acknowledged), besides starting the process
                profileAfterScan.add(profile.get(profile.size() - 1) - phases[0]);
                check(mismatches, "ports profile, round " + round, expected, profileServices.keySet());

                start = System.nanoTime();
                Map<String, String> reference = nmap(List.of("nmap", "-sV", "-n", "-T4", "-p", PORTS, "--exclude",
                        LabNetwork.SCANNER_V4, "-oX", "-", subnet));
                nmapDiscovering.add(seconds(start));
                check(mismatches, "nmap -sV, round " + round, expected, reference.keySet());
                checkServices(mismatches, "ports profile, round " + round, reference, profileServices);

                if (forcedAgent != null) {
                    start = System.nanoTime();
                    report = single(forcedAgent.scanCycle());
                    forced.add(seconds(start));
                    phases = phases(archive, report);
                    forcedMasscan.add(phases[0]);
                    forcedNmap.add(phases[1]);
                    forcedNmapStart.add(phases[2]);
                    check(mismatches, "ports profile, masscan forced, round " + round, expected, services(report).keySet());
                    checkServices(mismatches, "ports profile, masscan forced, round " + round, reference,
                            services(report));
                }

                if (everyAddress) {
                    start = System.nanoTime();
                    Map<String, String> found = nmap(List.of("nmap", "-sV", "-Pn", "-n", "-T4", "-p", PORTS, "--exclude",
                            LabNetwork.SCANNER_V4, "-oX", "-", subnet));
                    nmapEveryAddress.add(seconds(start));
                    check(mismatches, "nmap -sV -Pn, round " + round, expected, found.keySet());
                }
            }
        }
        boolean masscan = "masscan".equals(profileEngine);
        System.out.printf("  ports profile (%s): %s  (%s)%n", masscan ? "masscan, then nmap -sV on the pairs"
                        : "nmap alone, target under min-addresses", summary(profile), masscan
                        ? "masscan " + summary(profileMasscan) + ", nmap -sV on the pairs " + summary(profileNmap)
                        + ", the first nmap -sV started " + summary(profileNmapStart) + " after masscan did"
                        : "of which the nmap run " + summary(profileMasscan) + ", the rest (process start, report"
                        + " assembled, archived, spooled, POSTed, acknowledged) " + summary(profileAfterScan));
        if (!forced.isEmpty()) {
            System.out.printf("  ports profile, masscan forced (min-addresses=1): %s  (masscan %s, nmap -sV on the pairs"
                    + " %s, the first nmap -sV started %s after masscan did)%n", summary(forced), summary(forcedMasscan),
                    summary(forcedNmap), summary(forcedNmapStart));
        }
        System.out.printf("  nmap -sV -n -T4 -p <list> <subnet>:               %s%n", summary(nmapDiscovering));
        if (!nmapEveryAddress.isEmpty()) {
            System.out.printf("  nmap -sV -Pn -n -T4 -p <list> <subnet>:           %s%n", summary(nmapEveryAddress));
        }
        System.out.printf("  same open ports found by all, the profile's services named as nmap -sV named them: %s%n",
                mismatches.isEmpty() ? "yes, every run"
                : "NO: " + String.join("; ", mismatches));
    }

    /**
     * A target behind the lab's gateway: the scanner routes it to 198.18.0.1 (through its lab interface only,
     * so the route goes with the lab); the gateway reaches each serving host's address in it on-link and drops
     * the rest without a word (a blackhole route), as a firewall in front of empty addresses does. Every
     * address involved is the lab's own (THE ADDRESS RULE).
     */
    private static void routeThroughTheGateway(LabNetwork lab, Target target, int hosts) {
        String ip = LabNetwork.Tool.IP.locate().orElseThrow().toString();
        String prefixLength = target.subnet.substring(target.subnet.indexOf('/'));
        run(List.of(ip, "netns", "exec", lab.gatewayNamespace(), ip, "route", "add", "blackhole", target.subnet));
        for (int i = 0; i < hosts; i++) {
            LabHost host = lab.host(i);
            String address = target.address(host, i);
            run(List.of(ip, "netns", "exec", host.namespace(), ip, "addr", "add", address + prefixLength, "dev", "e0"));
            run(List.of(ip, "netns", "exec", lab.gatewayNamespace(), ip, "route", "add", address + "/32", "dev", "e0"));
        }
        run(List.of(ip, "route", "add", target.subnet, "via", lab.gatewayAddress(), "dev", lab.scannerInterface()));
    }

    private static void run(List<String> command) {
        LabNetwork.exec(command, LabNetwork.COMMAND_TIMEOUT).orThrow();
    }

    /**
     * HTTP on 8080 on each of the first {@code hosts} hosts, OpenSSH on 2222 on every third, a second HTTP
     * server on 8000 on every fifth, on their addresses in the target.
     */
    private static Set<String> startServices(LabNetwork lab, Target target, int hosts) {
        String python = LabNetwork.Tool.PYTHON3.locate().orElseThrow().toString();
        Set<String> open = new TreeSet<>();
        for (int i = 0; i < hosts; i++) {
            LabHost host = lab.host(i);
            String address = target.address(host, i);
            lab.startHttpServer(host, address, 8080, python);
            open.add(address + ":8080");
            if (i % 3 == 0) {
                lab.startSshd(host, address, 2222, List.of());
                open.add(address + ":2222");
            }
            if (i % 5 == 0) {
                lab.startHttpServer(host, address, 8000, python);
                open.add(address + ":8000");
            }
        }
        return open;
    }

    /** The ports profile as configured out of the box, but for the lab's masscan settings and /22 chunks. */
    private static Properties agent(LabNetwork lab, Path archive, String subnet, String minAddresses) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.subnets", subnet);
        properties.setProperty("scanflow.agent.profile", "ports");
        properties.setProperty("scanflow.agent.ports", PORTS);
        properties.setProperty("scanflow.agent.exclude-addresses", LabNetwork.SCANNER_V4);
        properties.setProperty("scanflow.agent.chunk-prefix.ipv4", "22");
        properties.setProperty("scanflow.agent.masscan.rate", "10000");
        properties.setProperty("scanflow.agent.masscan.retries", "1");
        properties.setProperty("scanflow.agent.masscan.wait", "2s");
        properties.setProperty("scanflow.agent.masscan.interface", lab.scannerInterface());
        properties.setProperty("scanflow.agent.masscan.router-ip", lab.gatewayAddress());
        if (minAddresses != null) {
            properties.setProperty("scanflow.agent.masscan.min-addresses", minAddresses);
        }
        properties.setProperty("scanflow.agent.archive.dir", archive.toString());
        // each agent its own spool: two agents reading one spool would both send its reports, and a report the
        // other agent delivered late would be counted in the next round
        try {
            properties.setProperty("scanflow.agent.spool.dir", Files.createTempDirectory("scanner-bench-spool").toString());
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
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

    /** The open (address, port) pairs of a report, each with the service nmap named (name, product, version). */
    private static Map<String, String> services(ScanReport report) {
        Map<String, String> open = new TreeMap<>();
        for (ScannedHost host : report.hosts()) {
            for (ScannedPort port : host.portList()) {
                if ("open".equals(port.state())) {
                    ScannedPort.Service service = port.service();
                    open.put(host.address() + ":" + port.port(), service == null ? "(none)"
                            : service.name() + " " + service.product() + " " + service.version());
                }
            }
        }
        return open;
    }

    private static Map<String, String> nmap(List<String> command) {
        ExecResult result = LabNetwork.exec(command, Duration.ofMinutes(10)).orThrow();
        NmapRun run = new NmapXmlParser().parse(new ByteArrayInputStream(result.stdout().getBytes(StandardCharsets.UTF_8)));
        Map<String, String> open = new TreeMap<>();
        for (NmapHost host : run.hosts()) {
            for (NmapPort port : host.ports()) {
                if ("open".equals(port.state())) {
                    open.put(host.address() + ":" + port.number(),
                            port.serviceName() + " " + port.product() + " " + port.version());
                }
            }
        }
        return open;
    }

    /** Whether the services named for the same pairs are the same as nmap -sV's (over the whole target) named. */
    private static void checkServices(List<String> mismatches, String what, Map<String, String> reference,
                                      Map<String, String> found) {
        for (Map.Entry<String, String> pair : found.entrySet()) {
            String expected = reference.get(pair.getKey());
            if (expected != null && !expected.equals(pair.getValue())) {
                mismatches.add(what + " named " + pair.getKey() + " '" + pair.getValue() + "', nmap -sV '" + expected + "'");
            }
        }
    }

    /**
     * From the raw output archive: the first scanner's time (masscan's, or nmap alone's), the span of the
     * nmap -sV runs on masscan's pairs (which start while masscan still runs), and when the first of them
     * started, counted from masscan's start.
     */
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
                nmapStart == null ? 0 : Duration.between(nmapStart, nmapEnd).toMillis() / 1000.0,
                nmapStart == null ? 0 : Duration.between(masscanStart, nmapStart).toMillis() / 1000.0};
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

    private static String loadAverage() {
        try {
            return String.join(" ", List.of(Files.readString(Path.of("/proc/loadavg")).split(" ")).subList(0, 3));
        } catch (IOException e) {
            return "unknown";
        }
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
