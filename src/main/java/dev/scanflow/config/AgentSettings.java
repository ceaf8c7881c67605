package dev.scanflow.config;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ScanProfile;
import dev.scanflow.tls.ClientTls;
import java.math.BigInteger;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent role. Every key, its default and its meaning are listed in config/agent.properties.
 *
 * @param code           scanflow.agent.code: the agent's phpIPAM scanAgents.code, 32 characters (required)
 * @param token          scanflow.agent.token: bearer token the server issued, best as SCANFLOW_AGENT_TOKEN (required)
 * @param serverUrl      scanflow.agent.server-url, default http://127.0.0.1:8080
 * @param subnets        scanflow.agent.subnets: comma-separated CIDRs, default 127.0.0.0/29
 * @param schedule       scanflow.agent.schedule: Unix (5 fields) or Quartz cron, kept in Quartz's form
 *                       ({@link CronSchedule}), default every 5 minutes
 * @param scanOnStart    scanflow.agent.scan-on-start, default true: scan once right after start
 * @param nmap           scanflow.agent.nmap: the nmap executable, default nmap (from PATH)
 * @param scanTimeout    scanflow.agent.scan-timeout: kill a scanner run after this long, default 10m
 * @param hostTimeout    scanflow.agent.host-timeout: nmap --host-timeout, default 2m, at least 1s
 * @param reverseDns     scanflow.agent.reverse-dns, default false: let nmap resolve host names (else -n)
 * @param managementPort scanflow.agent.management-port, default 9877: /observe/health and /observe/metrics
 * @param profile        scanflow.agent.profile: the scan profile of every subnet without its own, default discovery
 * @param subnetProfiles scanflow.agent.subnet-profiles: {@code cidr=profile} pairs overriding the profile
 * @param ports          scanflow.agent.ports: TCP ports the ports and services-nmap profiles probe
 * @param excludePorts   scanflow.agent.exclude-ports: ports never probed (taken out of the port list)
 * @param topPorts       scanflow.agent.top-ports: 0 (default) or N, nmap's N most common TCP ports instead of
 *                       scanflow.agent.ports; nmap runs take --top-ports N, masscan and coverage nmap's resolved list
 * @param excludeAddresses scanflow.agent.exclude-addresses: addresses and CIDRs never probed by any profile
 * @param chunkPrefixV4  scanflow.agent.chunk-prefix.ipv4: larger IPv4 subnets are scanned in chunks of this
 *                       prefix length, one report each, default 24
 * @param chunkPrefixV6  scanflow.agent.chunk-prefix.ipv6: the same for IPv6, default 120
 * @param statsEvery     scanflow.agent.stats-every: nmap --stats-every, progress log and gauge, default 10s
 * @param tcpScan        scanflow.agent.tcp-scan: nmap's TCP scan in services-nmap, auto (-sS as root, else -sT),
 *                       syn or connect
 * @param serviceScanParallelism scanflow.agent.service-scan-parallelism: how many nmap -sV runs of the ports
 *                       profile (one per group of hosts with the same open ports, or per open port) run at once, default 4
 * @param masscan        scanflow.agent.masscan*: the masscan executable and its settings
 * @param archive        scanflow.agent.archive.*: where raw scanner output is kept, and how long
 * @param managementHost scanflow.agent.management-host, default 127.0.0.1: the address of the management port
 * @param management     who may use /observe (scanflow.observe.*; the operator token is scanflow.agent.operator-token)
 * @param deliveryTls    scanflow.agent.tls.*: how the server is trusted (CA file or the JDK's store) and the
 *                       agent's client certificate for mutual TLS
 * @param delivery       scanflow.agent.spool.* and scanflow.agent.delivery.*: the report spool and its delivery
 * @param transport      scanflow.agent.transport, scanflow.agent.site, scanflow.kafka.*: how reports leave the spool
 */
public record AgentSettings(String code, String token, URI serverUrl, List<Cidr> subnets, String schedule,
                            boolean scanOnStart, String nmap, Duration scanTimeout, Duration hostTimeout,
                            boolean reverseDns, int managementPort, ScanProfile profile,
                            Map<Cidr, ScanProfile> subnetProfiles, PortList ports, PortList excludePorts,
                            List<Cidr> excludeAddresses, int chunkPrefixV4, int chunkPrefixV6, Duration statsEvery,
                            TcpScan tcpScan, int serviceScanParallelism, Masscan masscan, Archive archive,
                            String managementHost, ManagementSettings management, ClientTls deliveryTls,
                            Delivery delivery, int topPorts, AgentTransportSettings transport, Console console) {

    /**
     * The agent's side of the operator console (issue 15).
     *
     * @param heartbeatInterval scanflow.agent.heartbeat-interval: how often the agent reports in, default 30s
     *                          (the server's scanflow.fleet.heartbeat-interval should match)
     * @param jobPollInterval   scanflow.agent.job-poll-interval: how often it asks for scans on demand (and for
     *                          traffic tests to run), default 10s
     * @param trafficTestsFile  scanflow.agent.traffic-tests-file: the agent's own traffic tests (hosts behind its
     *                          NAT, in the form of config/traffic-tests.yaml), relative to the install directory
     *                          unless absolute; default config/agent-traffic-tests.yaml. Absent, or without hosts:
     *                          the agent runs no traffic tests.
     */
    public record Console(Duration heartbeatInterval, Duration jobPollInterval, Path trafficTestsFile) {
    }

    /** The default port list: nmap's 20 most common TCP ports, plus PostgreSQL and 8443. */
    public static final String DEFAULT_PORTS =
            "21-23,25,53,80,110,111,135,139,143,443,445,993,995,1723,3306,3389,5432,5900,8080,8443";
    /** A subnet is split into at most this many chunks (a /8 in /24s); a larger one is refused. */
    public static final int MAX_CHUNKS = 65536;
    /** masscan's own limit: addresses times ports must fit in 63 bits (masscan#770). */
    public static final int MASSCAN_MAX_RANGE_BITS = 63;

    /** nmap's TCP scan technique for the services-nmap profile. */
    public enum TcpScan {
        /** -sS when this process may open raw sockets (root), else -sT. */
        AUTO,
        /** always -sS (needs root or CAP_NET_RAW). */
        SYN,
        /** always -sT (full connects; no privileges needed). */
        CONNECT
    }

    /**
     * masscan's settings (the ports profile).
     *
     * @param executable       scanflow.agent.masscan, default masscan (from PATH)
     * @param rate             scanflow.agent.masscan.rate: packets per second, always passed (masscan's own
     *                         default is 100), default 1000
     * @param waitTime         scanflow.agent.masscan.wait: how long masscan listens for late answers after
     *                         its last probe (--wait, whole seconds), default 5s
     * @param retries          scanflow.agent.masscan.retries: probes sent again to ports that did not answer
     *                         (--retries, passed when above 0), default 0
     * @param networkInterface scanflow.agent.masscan.interface: -e, or null for masscan's choice
     * @param routerIp         scanflow.agent.masscan.router-ip: --router-ip, or null
     * @param routerMac        scanflow.agent.masscan.router-mac: --router-mac, or null
     * @param sourceIp         scanflow.agent.masscan.source-ip: --source-ip, or null
     * @param minAddresses     scanflow.agent.masscan.min-addresses: on a link of the agent's machine, the ports
     *                         profile runs masscan on a target (subnet or chunk) of at least this many addresses;
     *                         a smaller one is port-scanned by nmap alone, whose host discovery (ARP) costs about
     *                         what masscan's pass and the nmap -sV runs' start cost there (a tie on the lab /24 at
     *                         10,000 packets/s), and less at the default rate and wait, where masscan's own run
     *                         on a /24 is 10.6 s or more (README, Speed). Default 512: an on-link /24 goes to nmap,
     *                         a /23 or larger to masscan; 1 keeps masscan for every target. Behind a router
     *                         masscan always runs (agent/plan/OnLinkTargets)
     */
    public record Masscan(String executable, int rate, Duration waitTime, int retries, String networkInterface,
                          IpAddress routerIp, String routerMac, IpAddress sourceIp, int minAddresses) {

        /** Whether the ports profile finds the open ports of this target with masscan, rather than nmap alone. */
        public boolean scans(Cidr target) {
            return BigInteger.ONE.shiftLeft(target.network().bits() - target.prefix())
                    .compareTo(BigInteger.valueOf(minAddresses)) >= 0;
        }
    }

    /**
     * @param dir           scanflow.agent.archive.dir: raw scanner output, one directory per report id,
     *                      relative to the install directory unless absolute; default var/scan-archive
     * @param retentionDays scanflow.agent.archive.retention-days: days kept, default 30
     */
    public record Archive(Path dir, int retentionDays) {
    }

    /**
     * Every report is written to the spool first and leaves it only when the server has acknowledged it.
     *
     * @param spoolDir       scanflow.agent.spool.dir: relative to the install directory unless absolute;
     *                       default var/spool
     * @param spoolMaxBytes  scanflow.agent.spool.max-bytes: when the reports waiting reach this size, scans are
     *                       skipped (never a waiting report deleted), default 1 GiB
     * @param backoffInitial scanflow.agent.delivery.backoff-initial: the first wait after a failed delivery,
     *                       doubled after each further failure, default 1s
     * @param backoffMax     scanflow.agent.delivery.backoff-max: the longest wait between attempts, default 5m
     * @param timeout        scanflow.agent.delivery.timeout: how long one delivery may take, default 2m
     */
    public record Delivery(Path spoolDir, long spoolMaxBytes, Duration backoffInitial, Duration backoffMax,
                           Duration timeout) {
    }

    public static AgentSettings from(SettingsSource source) {
        String code = source.required("scanflow.agent.code");
        if (!code.matches("[A-Za-z0-9_=-]{32}")) {
            throw new InvalidSettings("scanflow.agent.code must be the 32-character phpIPAM agent code");
        }
        URI serverUrl;
        try {
            serverUrl = URI.create(source.string("scanflow.agent.server-url", "http://127.0.0.1:8080"));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.agent.server-url is not a URL: " + e.getMessage());
        }
        if (!"http".equals(serverUrl.getScheme()) && !"https".equals(serverUrl.getScheme())) {
            throw new InvalidSettings("scanflow.agent.server-url must be http:// or https://");
        }
        if ("http".equals(serverUrl.getScheme()) && !loopbackHost(serverUrl.getHost())) {
            // the agent's token and its reports would cross the network in clear text
            throw new InvalidSettings("scanflow.agent.server-url must be https:// to anything but this machine (127.0.0.1, ::1, localhost)");
        }
        List<Cidr> subnets = cidrs(source, "scanflow.agent.subnets", "127.0.0.0/29");
        Duration scanTimeout = source.duration("scanflow.agent.scan-timeout", Duration.ofMinutes(10));
        Duration hostTimeout = source.duration("scanflow.agent.host-timeout", Duration.ofMinutes(2));
        if (hostTimeout.compareTo(scanTimeout) > 0) {
            throw new InvalidSettings("scanflow.agent.host-timeout must not exceed scanflow.agent.scan-timeout");
        }
        if (hostTimeout.compareTo(Duration.ofSeconds(1)) < 0) {
            // nmap takes whole seconds here, and reads --host-timeout 0 as "no timeout at all"
            throw new InvalidSettings("scanflow.agent.host-timeout must be at least 1s");
        }
        ScanProfile profile = profile(source.string("scanflow.agent.profile", "discovery"), "scanflow.agent.profile");
        Map<Cidr, ScanProfile> subnetProfiles = subnetProfiles(source, subnets);
        PortList excludePorts = ports(source, "scanflow.agent.exclude-ports", "");
        int topPorts = source.integer("scanflow.agent.top-ports", 0, 0, 65535);
        if (topPorts > 0 && source.raw("scanflow.agent.ports") != null) {
            throw new InvalidSettings("scanflow.agent.top-ports and scanflow.agent.ports are given both: set one");
        }
        PortList ports;
        if (topPorts > 0) {
            try {
                // nmap's own list on this machine, for coverage and masscan; nmap runs keep --top-ports N
                ports = dev.scanflow.agent.scan.TopPorts.resolve(source.string("scanflow.agent.nmap", "nmap"), topPorts)
                        .minus(excludePorts);
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings("scanflow.agent.top-ports: " + e.getMessage());
            }
        } else {
            ports = ports(source, "scanflow.agent.ports", DEFAULT_PORTS).minus(excludePorts);
        }
        List<Cidr> excludeAddresses = cidrs(source, "scanflow.agent.exclude-addresses", "");
        int chunkV4 = source.integer("scanflow.agent.chunk-prefix.ipv4", 24, 8, 32);
        int chunkV6 = source.integer("scanflow.agent.chunk-prefix.ipv6", 120, 64, 128);
        Duration statsEvery = source.duration("scanflow.agent.stats-every", Duration.ofSeconds(10));
        if (statsEvery.compareTo(Duration.ofSeconds(1)) < 0) {
            throw new InvalidSettings("scanflow.agent.stats-every must be at least 1s");
        }
        TcpScan tcpScan = tcpScan(source.string("scanflow.agent.tcp-scan", "auto"));
        int serviceScanParallelism = source.integer("scanflow.agent.service-scan-parallelism", 4, 1, 64);
        Masscan masscan = masscan(source);
        Archive archive = new Archive(Path.of(source.string("scanflow.agent.archive.dir", "var/scan-archive")),
                source.integer("scanflow.agent.archive.retention-days", 30, 1, 36500));
        Delivery delivery = new Delivery(Path.of(source.string("scanflow.agent.spool.dir", "var/spool")),
                source.bytes("scanflow.agent.spool.max-bytes", 1024L * 1024 * 1024),
                source.duration("scanflow.agent.delivery.backoff-initial", Duration.ofSeconds(1)),
                source.duration("scanflow.agent.delivery.backoff-max", Duration.ofMinutes(5)),
                source.duration("scanflow.agent.delivery.timeout", Duration.ofMinutes(2)));
        if (delivery.backoffMax().compareTo(delivery.backoffInitial()) < 0) {
            throw new InvalidSettings("scanflow.agent.delivery.backoff-max must not be below backoff-initial");
        }

        AgentSettings settings = new AgentSettings(code, source.required("scanflow.agent.token"), serverUrl, subnets,
                CronSchedule.toQuartz("scanflow.agent.schedule", source.string("scanflow.agent.schedule", "0 */5 * * * ?")),
                source.bool("scanflow.agent.scan-on-start", true),
                source.string("scanflow.agent.nmap", "nmap"),
                scanTimeout, hostTimeout,
                source.bool("scanflow.agent.reverse-dns", false),
                source.integer("scanflow.agent.management-port", 9877, 1, 65535),
                profile, subnetProfiles, ports, excludePorts, excludeAddresses, chunkV4, chunkV6, statsEvery,
                tcpScan, serviceScanParallelism, masscan, archive,
                source.string("scanflow.agent.management-host", "127.0.0.1"),
                ManagementSettings.from(source, "scanflow.agent.operator-token"),
                ClientTls.from(source), delivery, topPorts, AgentTransportSettings.from(source),
                new Console(source.duration("scanflow.agent.heartbeat-interval", Duration.ofSeconds(30)),
                        source.duration("scanflow.agent.job-poll-interval", Duration.ofSeconds(10)),
                        Path.of(source.string("scanflow.agent.traffic-tests-file", "config/agent-traffic-tests.yaml"))));
        settings.checkScanSizes();
        settings.checkReportLimits();
        return settings;
    }

    public AgentSettings {
        subnets = List.copyOf(subnets);
        subnetProfiles = Map.copyOf(subnetProfiles);
        excludeAddresses = List.copyOf(excludeAddresses);
    }

    /** The profile this subnet is scanned with: its own from scanflow.agent.subnet-profiles, else the default. */
    public ScanProfile profileFor(Cidr subnet) {
        return subnetProfiles.getOrDefault(subnet, profile);
    }

    /** The chunk prefix length for this address family. */
    public int chunkPrefix(int ipVersion) {
        return ipVersion == 4 ? chunkPrefixV4 : chunkPrefixV6;
    }

    /**
     * Refuses, at start, settings that can never work: a profile with no port left to probe, or a masscan run
     * on one chunk that cannot end within the scan timeout at the configured rate. A subnet too large to split,
     * or a chunk beyond masscan's range limit, is refused per scan instead, with a log line, and the agent's
     * other subnets are scanned as usual (subnets may also come from phpIPAM).
     */
    private void checkScanSizes() {
        for (Cidr subnet : subnets) {
            ScanProfile scanProfile = profileFor(subnet);
            if (scanProfile != ScanProfile.DISCOVERY && ports.isEmpty()) {
                throw new InvalidSettings("scanflow.agent.ports: no port is left to probe for " + subnet
                        + " (profile " + scanProfile + ") once scanflow.agent.exclude-ports is taken out");
            }
            int chunkPrefix = Math.max(subnet.prefix(), chunkPrefix(subnet.version()));
            if (scanProfile == ScanProfile.PORTS
                    && masscan.scans(new Cidr(subnet.network(), chunkPrefix))) {
                BigInteger probes = BigInteger.ONE.shiftLeft(subnet.network().bits() - chunkPrefix)
                        .multiply(BigInteger.valueOf(ports.size()));
                if (probes.bitLength() > MASSCAN_MAX_RANGE_BITS) {
                    continue; // beyond masscan: refused per scan, with a log line naming masscan's limit
                }
                BigInteger seconds = probes.multiply(BigInteger.valueOf(1 + masscan.retries()))
                        .divide(BigInteger.valueOf(masscan.rate()))
                        .add(BigInteger.valueOf(masscan.waitTime().toSeconds()));
                if (seconds.compareTo(BigInteger.valueOf(scanTimeout.toSeconds())) > 0) {
                    throw new InvalidSettings("scanflow.agent.scan-timeout (" + scanTimeout.toSeconds()
                            + " s) is shorter than one masscan run on a /" + chunkPrefix + " chunk of " + subnet
                            + ": " + probes + " probes" + (masscan.retries() > 0 ? " (" + (1 + masscan.retries())
                            + " times)" : "") + " at scanflow.agent.masscan.rate=" + masscan.rate()
                            + " take about " + seconds + " s; raise the rate or the timeout, or use smaller chunks");
                }
            }
        }
    }

    private static boolean loopbackHost(String host) {
        if (host == null) {
            return false;
        }
        String name = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        if (name.equalsIgnoreCase("localhost")) {
            return true;
        }
        try {
            return java.net.InetAddress.getByAddress(IpAddress.parse(name).bytes()).isLoopbackAddress();
        } catch (RuntimeException | java.net.UnknownHostException e) {
            return false;
        }
    }

    /**
     * Refuses, at start, settings whose reports the server would refuse after every scan: an argument of the
     * command longer than the schema allows (a long port list, many excluded addresses), too many arguments,
     * or chunks that may hold more hosts than one report can. For every profile in use, also the default one
     * that subnets from phpIPAM get.
     */
    private void checkReportLimits() {
        java.util.Set<ScanProfile> inUse = new java.util.HashSet<>(subnetProfiles.values());
        inUse.add(profile);
        subnets.forEach(subnet -> inUse.add(profileFor(subnet)));
        String portArgument = ports.toString();
        for (ScanProfile used : inUse) {
            if (used == ScanProfile.DISCOVERY) {
                continue;
            }
            // nmap keeps "--top-ports N [--exclude-ports ...]"; masscan takes the list itself
            boolean listOnCommandLine = used == ScanProfile.PORTS || topPorts == 0;
            String argument = listOnCommandLine ? portArgument : excludePorts.toString();
            if (argument.length() > dev.scanflow.report.ReportLimits.MAX_COMMAND_ARGUMENT) {
                throw new InvalidSettings((topPorts > 0 ? "scanflow.agent.top-ports=" + topPorts : "scanflow.agent.ports")
                        + ": the port list is " + argument.length() + " characters in nmap's syntax, and the server refuses"
                        + " a report whose command has an argument over " + dev.scanflow.report.ReportLimits.MAX_COMMAND_ARGUMENT
                        + " characters (profile " + used + (used == ScanProfile.PORTS ? ", masscan's -p" : "") + "); "
                        + (used == ScanProfile.PORTS ? "use fewer ports, or the services-nmap profile with scanflow.agent.top-ports"
                        : "use scanflow.agent.top-ports=N, which nmap takes as --top-ports N"));
            }
        }
        String excluded = String.join(",", excludeAddresses.stream().map(Cidr::toString).toList());
        if (excluded.length() > dev.scanflow.report.ReportLimits.MAX_COMMAND_ARGUMENT) {
            throw new InvalidSettings("scanflow.agent.exclude-addresses: " + excluded.length() + " characters as nmap's"
                    + " --exclude argument, over the " + dev.scanflow.report.ReportLimits.MAX_COMMAND_ARGUMENT
                    + " the server accepts in one argument of a report's command; exclude larger blocks");
        }
        // about 24 arguments of its own, and masscan repeats --exclude <cidr> per excluded block
        int arguments = 24 + 2 * excludeAddresses.size();
        if (arguments > dev.scanflow.report.ReportLimits.MAX_COMMAND_ARGUMENTS) {
            throw new InvalidSettings("scanflow.agent.exclude-addresses: " + excludeAddresses.size() + " blocks make a"
                    + " masscan command of about " + arguments + " arguments, over the "
                    + dev.scanflow.report.ReportLimits.MAX_COMMAND_ARGUMENTS + " the server accepts in a report; exclude larger blocks");
        }
        long chunkAddresses = 1L << (32 - chunkPrefixV4);
        if (chunkAddresses > dev.scanflow.report.ReportLimits.MAX_HOSTS) {
            throw new InvalidSettings("scanflow.agent.chunk-prefix.ipv4=" + chunkPrefixV4 + ": a chunk of " + chunkAddresses
                    + " addresses may hold more hosts than the " + dev.scanflow.report.ReportLimits.MAX_HOSTS
                    + " the server accepts in one report; use /16 or longer");
        }
    }

    private static List<Cidr> cidrs(SettingsSource source, String key, String fallback) {
        try {
            return Arrays.stream(source.string(key, fallback).split(","))
                    .map(String::strip).filter(s -> !s.isEmpty()).map(Cidr::parse).toList();
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(key + ": " + e.getMessage());
        }
    }

    private static ScanProfile profile(String text, String key) {
        try {
            return ScanProfile.of(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(key + ": " + e.getMessage());
        }
    }

    private static Map<Cidr, ScanProfile> subnetProfiles(SettingsSource source, List<Cidr> subnets) {
        String key = "scanflow.agent.subnet-profiles";
        Map<Cidr, ScanProfile> profiles = new LinkedHashMap<>();
        for (String pair : source.string(key, "").split(",")) {
            if (pair.isBlank()) {
                continue;
            }
            int equals = pair.indexOf('=');
            if (equals < 0) {
                throw new InvalidSettings(key + ": '" + pair.strip() + "' is not cidr=profile");
            }
            Cidr subnet;
            try {
                subnet = Cidr.parse(pair.substring(0, equals).strip());
            } catch (IllegalArgumentException e) {
                throw new InvalidSettings(key + ": " + e.getMessage());
            }
            if (!subnets.contains(subnet)) {
                throw new InvalidSettings(key + ": " + subnet + " is not one of scanflow.agent.subnets " + subnets);
            }
            if (profiles.put(subnet, profile(pair.substring(equals + 1), key)) != null) {
                throw new InvalidSettings(key + ": " + subnet + " is given twice");
            }
        }
        return profiles;
    }

    private static PortList ports(SettingsSource source, String key, String fallback) {
        try {
            return PortList.parse(source.string(key, fallback));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(key + ": " + e.getMessage());
        }
    }

    private static TcpScan tcpScan(String text) {
        try {
            return TcpScan.valueOf(text.strip().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings("scanflow.agent.tcp-scan must be auto, syn or connect, not " + text);
        }
    }

    private static Masscan masscan(SettingsSource source) {
        int rate = source.integer("scanflow.agent.masscan.rate", 1000, 1, 10_000_000);
        Duration wait = source.duration("scanflow.agent.masscan.wait", Duration.ofSeconds(5));
        if (wait.toSeconds() < 1 || wait.toSeconds() > 3600) {
            throw new InvalidSettings("scanflow.agent.masscan.wait must be between 1s and 1h (whole seconds)");
        }
        String networkInterface = source.raw("scanflow.agent.masscan.interface");
        if (networkInterface != null && !networkInterface.matches("[A-Za-z0-9_][A-Za-z0-9_.:@-]{0,14}")) {
            throw new InvalidSettings("scanflow.agent.masscan.interface is not an interface name: " + networkInterface);
        }
        IpAddress routerIp = address(source, "scanflow.agent.masscan.router-ip");
        IpAddress sourceIp = address(source, "scanflow.agent.masscan.source-ip");
        String routerMac = source.raw("scanflow.agent.masscan.router-mac");
        if (routerMac != null) {
            if (!routerMac.matches("[0-9A-Fa-f]{2}([:-][0-9A-Fa-f]{2}){5}")) {
                throw new InvalidSettings("scanflow.agent.masscan.router-mac is not a MAC address: " + routerMac);
            }
            routerMac = routerMac.replace(':', '-').toLowerCase(Locale.ROOT);
        }
        return new Masscan(source.string("scanflow.agent.masscan", "masscan"), rate,
                Duration.ofSeconds(wait.toSeconds()), source.integer("scanflow.agent.masscan.retries", 0, 0, 5),
                networkInterface, routerIp, routerMac, sourceIp,
                source.integer("scanflow.agent.masscan.min-addresses", 512, 1, Integer.MAX_VALUE));
    }

    private static IpAddress address(SettingsSource source, String key) {
        String text = source.raw(key);
        if (text == null) {
            return null;
        }
        try {
            return IpAddress.parse(text);
        } catch (IllegalArgumentException e) {
            throw new InvalidSettings(key + ": " + e.getMessage());
        }
    }

    @Override
    public String toString() {
        return "AgentSettings[code=" + code.substring(0, 4) + "…, token=****, serverUrl=" + serverUrl
                + ", subnets=" + subnets + ", schedule=" + schedule + ", profile=" + profile
                + (subnetProfiles.isEmpty() ? "" : ", subnetProfiles=" + subnetProfiles) + "]";
    }
}
