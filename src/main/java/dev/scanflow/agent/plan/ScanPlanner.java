package dev.scanflow.agent.plan;

import dev.scanflow.agent.phpipam.AssignedSubnet;
import dev.scanflow.agent.scan.ScanFailed;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ScanProfile;
import dev.scanflow.report.ScanReport;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.UUID;

/**
 * Turns one assigned subnet into the scans that cover it: the subnet whole when it is no larger than the
 * chunk size (scanflow.agent.chunk-prefix.ipv4 / .ipv6), else one job per chunk, all sharing a scan id, so
 * that each chunk is its own report and a failed chunk never erases what the others found. Chunks that
 * scanflow.agent.exclude-addresses covers entirely are left out before numbering. A ports-profile job on a
 * target on a link of this machine ({@link OnLinkTargets}) runs masscan only from
 * scanflow.agent.masscan.min-addresses on: there nmap's own host discovery (ARP) costs about what masscan's pass
 * and the nmap -sV runs' start cost on a small target, and less at the default masscan settings (README, Speed),
 * so nmap scans it alone. Behind a router masscan always runs: nmap's discovery waits out
 * every silent address, while nmap -sV starts on masscan's first pairs (agent/scan/ServiceScanPipeline).
 */
public class ScanPlanner {

    private final AgentSettings settings;
    private final Function<String, Optional<AssignedSubnet>> phpipam;
    private final Predicate<Cidr> onLink;

    public ScanPlanner(AgentSettings settings) {
        this(settings, cidr -> Optional.empty());
    }

    /** @param phpipam what phpIPAM asks of a subnet, when the agent works from its API */
    public ScanPlanner(AgentSettings settings, Function<String, Optional<AssignedSubnet>> phpipam) {
        this(settings, phpipam, new OnLinkTargets());
    }

    /** @param onLink whether a target lies on a link of this machine ({@link OnLinkTargets}) */
    public ScanPlanner(AgentSettings settings, Function<String, Optional<AssignedSubnet>> phpipam,
                       Predicate<Cidr> onLink) {
        this.settings = settings;
        this.phpipam = phpipam;
        this.onLink = onLink;
    }

    /**
     * Whether a ports-profile job finds the open ports with masscan (then nmap -sV on what it found) rather
     * than nmap alone: always behind a router, on a link of this machine from min-addresses on.
     */
    private boolean masscan(Cidr target) {
        return settings.masscan().scans(target) || !onLink.test(target);
    }

    public List<ScanJob> plan(String subnetText) {
        Cidr subnet = Cidr.parse(subnetText);
        Optional<AssignedSubnet> assigned = phpipam.apply(subnet.toString());
        ScanJob.NameLookup names = assigned.map(a -> new ScanJob.NameLookup(a.resolveDns(), a.nameservers()))
                .orElse(ScanJob.NameLookup.NONE);
        if (assigned.isPresent() && !assigned.get().discover()) {
            return statusCheck(subnet, assigned.get(), names);
        }
        ScanProfile profile = settings.profileFor(subnet);
        int chunkPrefix = Math.max(subnet.prefix(), settings.chunkPrefix(subnet.version()));
        int chunkBits = chunkPrefix - subnet.prefix();
        if (chunkBits > 16) {
            throw new ScanFailed(subnet + " is too large to sweep: it would be 2^" + chunkBits + " chunks of /"
                    + chunkPrefix + " (at most " + AgentSettings.MAX_CHUNKS + "); assign the agent smaller subnets");
        }
        List<Cidr> chunks = new ArrayList<>();
        BigInteger step = BigInteger.ONE.shiftLeft(subnet.network().bits() - chunkPrefix);
        for (int i = 0; i < (1 << chunkBits); i++) {
            Cidr chunk = new Cidr(new IpAddress(subnet.version(),
                    subnet.network().value().add(step.multiply(BigInteger.valueOf(i)))), chunkPrefix);
            if (!AddressRanges.subtract(chunk, settings.excludeAddresses()).isEmpty()) {
                chunks.add(chunk);
            }
        }
        UUID scanId = UUID.randomUUID();
        List<ScanJob> jobs = new ArrayList<>();
        for (int i = 0; i < chunks.size(); i++) {
            Cidr target = chunks.get(i);
            ScanReport.Chunk chunk = chunkBits == 0 ? null : new ScanReport.Chunk(scanId, i, chunks.size());
            jobs.add(new ScanJob(subnet.toString(), target,
                    AddressRanges.overlapping(target, settings.excludeAddresses()),
                    AddressRanges.subtract(target, settings.excludeAddresses()),
                    profile, settings.ports(), chunk, List.of(), names,
                    profile == ScanProfile.PORTS && masscan(target)));
        }
        return jobs;
    }

    /**
     * A scan an operator asked for (a scan job): the subnet planned as usual, but with the job's profile and,
     * when given, its ports; whether masscan runs follows the profile and the target's size as for scheduled scans.
     */
    public List<ScanJob> plan(String subnetText, ScanProfile profile, PortList ports) {
        List<ScanJob> jobs = new ArrayList<>();
        for (ScanJob planned : plan(subnetText)) {
            jobs.add(new ScanJob(planned.subnet(), planned.target(), planned.excluded(), planned.covered(), profile,
                    ports == null ? planned.ports() : ports, planned.chunk(), planned.addresses(), planned.names(),
                    profile == ScanProfile.PORTS && planned.addresses().isEmpty() && masscan(planned.target())));
        }
        return jobs;
    }

    /**
     * phpIPAM's "check hosts status" without discovery (pingSubnet=1, discoverSubnet=0): only the addresses it
     * already knows, less excludePing=1 and scanflow.agent.exclude-addresses, are probed for liveness, as its
     * pingCheck does; the report's coverage names exactly those addresses. Nothing known, nothing to scan.
     */
    private List<ScanJob> statusCheck(Cidr subnet, AssignedSubnet assigned, ScanJob.NameLookup names) {
        List<String> addresses = new ArrayList<>();
        List<Cidr> covered = new ArrayList<>();
        for (var known : assigned.statusCheckAddresses()) {
            Cidr single = new Cidr(known.ip(), known.ip().bits());
            if (subnet.contains(known.ip()) && !AddressRanges.subtract(single, settings.excludeAddresses()).isEmpty()) {
                addresses.add(known.ip().toString());
                covered.add(single);
            }
        }
        if (addresses.isEmpty()) {
            return List.of();
        }
        return List.of(new ScanJob(subnet.toString(), subnet, List.of(), covered, ScanProfile.DISCOVERY, settings.ports(),
                null, addresses, names, false));
    }
}
