package dev.scanflow.agent.scan;

import dev.scanflow.agent.plan.AddressRanges;
import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Builds nmap's argument lists from the agent's own settings and a subnet, never from text a remote party
 * sent: each option comes from this allow-list, targets are parsed CIDRs or addresses masscan reported
 * (parsed again here). XML goes to stdout ({@code -oX -}); the targets come last.
 */
public class NmapCommand {

    private final AgentSettings settings;
    private final boolean rawSockets;

    public NmapCommand(AgentSettings settings) {
        this(settings, runsAsRoot());
    }

    /** @param rawSockets whether this process may send raw packets (nmap -sS); auto-detected as root */
    public NmapCommand(AgentSettings settings, boolean rawSockets) {
        this.settings = settings;
        this.rawSockets = rawSockets;
    }

    /** Host discovery (-sn). On-link, nmap discovers by ARP or neighbour discovery, so MACs are real. */
    public List<String> discovery(String subnet) {
        Cidr target = Cidr.parse(subnet);
        List<String> args = new ArrayList<>();
        if (target.version() == 6) {
            args.add("-6");
        }
        args.add("-sn");
        args.add(settings.reverseDns() ? "-R" : "-n");
        timing(args, false);
        excludes(args, AddressRanges.overlapping(target, settings.excludeAddresses()));
        args.add("-oX");
        args.add("-");
        args.add(target.toString());
        return List.copyOf(args);
    }

    /**
     * Host discovery of one job: a subnet, one chunk of it, or the known addresses of a phpIPAM status check.
     * With phpIPAM's resolveDNS, the hosts found up get their names from the subnet's nameservers
     * (--dns-servers) or the system resolver (--system-dns); otherwise as {@link #discovery(String)}.
     */
    public List<String> chunkDiscovery(ScanJob job) {
        List<String> standard = discovery(job.target().toString());
        if (job.addresses().isEmpty() && !job.names().resolve()) {
            return standard;
        }
        List<String> args = new ArrayList<>(standard.subList(0, standard.size() - 1));
        if (job.names().resolve()) {
            int lookup = args.indexOf(settings.reverseDns() ? "-R" : "-n");
            List<String> replacement = job.names().nameservers().isEmpty() ? List.of("--system-dns")
                    : List.of("--dns-servers", job.names().nameservers().stream()
                            .map(server -> IpAddress.parse(server).toString()).collect(Collectors.joining(",")));
            args.remove(lookup);
            args.addAll(lookup, replacement);
        }
        if (job.addresses().isEmpty()) {
            args.add(job.target().toString());
        } else {
            job.addresses().forEach(address -> args.add(IpAddress.parse(address).toString()));
        }
        return List.copyOf(args);
    }

    /**
     * The second phase of the ports profile: -sV on exactly the (address, port) pairs masscan found, for a
     * group of addresses that share their open ports. -Pn, because masscan has just seen every one of them
     * answer; on-link, nmap still resolves their MACs.
     */
    public List<String> serviceScan(ServiceScanGroup group) {
        List<String> args = new ArrayList<>();
        if (group.ipVersion() == 6) {
            args.add("-6");
        }
        args.add("-sV");
        args.add("-Pn");
        args.add(settings.reverseDns() ? "-R" : "-n");
        timing(args, true);
        args.add("-p");
        args.add(group.ports().toString());
        args.add("-oX");
        args.add("-");
        for (String address : group.addresses()) {
            args.add(Cidr.parse(address).network().toString()); // an address, never an option
        }
        return List.copyOf(args);
    }

    /**
     * The services-nmap profile, for sites without masscan: host discovery, then a TCP scan of the port list
     * (-sS with raw sockets, else -sT) with -sV on every host that is up.
     */
    public List<String> services(ScanJob job) {
        Cidr target = job.target();
        List<String> args = new ArrayList<>();
        if (target.version() == 6) {
            args.add("-6");
        }
        args.add(tcpScan());
        args.add("-sV");
        args.add(settings.reverseDns() ? "-R" : "-n");
        timing(args, true);
        if (settings.topPorts() > 0 && job.ports().equals(settings.ports())) {
            // nmap's own "top N", which settings.ports() is resolved from: short enough for a report's command
            args.add("--top-ports");
            args.add(Integer.toString(settings.topPorts()));
            if (!settings.excludePorts().isEmpty()) {
                args.add("--exclude-ports");
                args.add(settings.excludePorts().toString());
            }
        } else {
            args.add("-p");
            args.add(job.ports().toString());
        }
        excludes(args, job.excluded());
        args.add("-oX");
        args.add("-");
        args.add(target.toString());
        return List.copyOf(args);
    }

    /** -sS or -sT, as scanflow.agent.tcp-scan says (auto: -sS when this process runs as root). */
    public String tcpScan() {
        return switch (settings.tcpScan()) {
            case SYN -> "-sS";
            case CONNECT -> "-sT";
            case AUTO -> rawSockets ? "-sS" : "-sT";
        };
    }

    /** The command as it will run, program first, for the report. */
    public List<String> commandLine(List<String> args) {
        List<String> line = new ArrayList<>();
        line.add(settings.nmap());
        line.addAll(args);
        return List.copyOf(line);
    }

    /** -T4, the host timeout, and for long scans nmap's periodic progress (read from its XML by ScanProgress). */
    private void timing(List<String> args, boolean progress) {
        args.add("-T4");
        args.add("--host-timeout");
        args.add(settings.hostTimeout().toSeconds() + "s");
        if (progress) {
            args.add("--stats-every");
            args.add(settings.statsEvery().toSeconds() + "s");
        }
    }

    private static void excludes(List<String> args, List<Cidr> excluded) {
        if (!excluded.isEmpty()) {
            args.add("--exclude");
            args.add(excluded.stream().map(Cidr::toString).collect(Collectors.joining(",")));
        }
    }

    /** Whether the effective user is root (Linux): nmap then sends raw packets (-sS, ARP). */
    static boolean runsAsRoot() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("Uid:")) {
                    return "0".equals(line.substring(4).trim().split("\\s+")[1]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: assume no raw sockets, -sT works everywhere
        }
        return false;
    }
}
