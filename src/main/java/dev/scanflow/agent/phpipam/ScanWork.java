package dev.scanflow.agent.phpipam;

import dev.scanflow.net.Cidr;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Everything the agent should scan this cycle, as phpIPAM assigns it.
 *
 * @param agent      the agent's row in phpIPAM (id and name)
 * @param subnets    the subnets to scan and how, in phpIPAM's order
 * @param skipped    subnets assigned to the agent that are not scanned, with the reason
 * @param fromCache  true when some of it came from expired cache because phpIPAM's API was unavailable
 * @param dataTime   when the oldest part of it was fetched from the API
 */
public record ScanWork(PhpipamAgent agent, List<AssignedSubnet> subnets, List<SkippedSubnet> skipped,
                       boolean fromCache, Instant dataTime) {

    public ScanWork {
        subnets = List.copyOf(subnets);
        skipped = List.copyOf(skipped);
    }

    /** The subnets as CIDR strings, e.g. for a split in a route. */
    public List<String> cidrs() {
        return subnets.stream().map(AssignedSubnet::subnet).toList();
    }

    /** The subnet with this CIDR ("10.10.1.0/24"), if it is to be scanned. */
    public Optional<AssignedSubnet> subnet(String cidr) {
        Cidr wanted = Cidr.parse(cidr);
        return subnets.stream().filter(subnet -> subnet.cidr().equals(wanted)).findFirst();
    }

    public boolean isEmpty() {
        return subnets.isEmpty();
    }

    ScanWork withCacheState(boolean fromCache, Instant dataTime) {
        return new ScanWork(agent, subnets, skipped, fromCache, dataTime);
    }
}
