package dev.scanflow.agent.plan;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ScanProfile;
import dev.scanflow.report.ScanReport;
import java.util.List;

/**
 * One scanner run's worth of work, and one report: a subnet, or one chunk of it, with its profile.
 *
 * @param subnet    the subnet as assigned (phpIPAM's); every report of its chunks names it
 * @param target    what the scanners are pointed at: the subnet itself, or one chunk of it
 * @param excluded  excluded addresses inside the target (scanflow.agent.exclude-addresses), passed as --exclude
 * @param covered   the target without the excluded addresses, as CIDRs: what the report's coverage claims
 * @param profile   how it is scanned
 * @param ports     the TCP ports probed (ports and services-nmap profiles)
 * @param chunk     which chunk of the subnet this is; null when the subnet is scanned whole
 * @param addresses explicit addresses to probe instead of the target CIDR (a phpIPAM status check of the
 *                  known addresses); empty: the target
 * @param names     how host names are looked up for this job
 * @param masscan   the ports profile only: whether masscan finds the open ports (then nmap -sV on exactly those),
 *                  or nmap alone scans the target as services-nmap does (a target on a link of this machine
 *                  smaller than scanflow.agent.masscan.min-addresses); false for the other profiles
 */
public record ScanJob(String subnet, Cidr target, List<Cidr> excluded, List<Cidr> covered, ScanProfile profile,
                      PortList ports, ScanReport.Chunk chunk, List<String> addresses, NameLookup names,
                      boolean masscan) {

    public ScanJob {
        excluded = List.copyOf(excluded);
        covered = List.copyOf(covered);
        addresses = List.copyOf(addresses);
        if (masscan && profile != ScanProfile.PORTS) {
            throw new IllegalArgumentException("only the ports profile runs masscan, not " + profile.id());
        }
    }

    public ScanJob(String subnet, Cidr target, List<Cidr> excluded, List<Cidr> covered, ScanProfile profile,
                   PortList ports, ScanReport.Chunk chunk) {
        this(subnet, target, excluded, covered, profile, ports, chunk, List.of(), NameLookup.NONE,
                profile == ScanProfile.PORTS);
    }

    /**
     * Reverse DNS for the hosts found up: off (nmap -n), through the system resolver, or through the
     * subnet's own nameservers (phpIPAM's resolveDNS with the subnet's nameserver set; IP literals only).
     */
    public record NameLookup(boolean resolve, List<String> nameservers) {

        public static final NameLookup NONE = new NameLookup(false, List.of());

        public NameLookup {
            nameservers = List.copyOf(nameservers);
        }
    }

    /** The profile's name, for choices in the route files. */
    public String profileId() {
        return profile.id();
    }

    public List<String> coveredTargets() {
        return covered.stream().map(Cidr::toString).toList();
    }

    /** For log lines: "198.18.0.0/24" or "198.18.0.0/26 (chunk 1 of 4 of 198.18.0.0/24)". */
    public String describe() {
        return chunk == null ? target.toString()
                : target + " (chunk " + (chunk.index() + 1) + " of " + chunk.count() + " of " + subnet + ")";
    }

    @Override
    public String toString() {
        return describe() + " [" + profile.id() + (profile == ScanProfile.PORTS && !masscan ? ", nmap alone" : "") + "]";
    }
}
