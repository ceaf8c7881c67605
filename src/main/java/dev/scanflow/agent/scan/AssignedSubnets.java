package dev.scanflow.agent.scan;

import dev.scanflow.net.Cidr;
import java.util.List;

/** The subnets this agent scans each cycle, from its config (scanflow.agent.subnets). */
public class AssignedSubnets {

    private final List<Cidr> subnets;

    public AssignedSubnets(List<Cidr> subnets) {
        this.subnets = List.copyOf(subnets);
    }

    public List<String> subnets() {
        return subnets.stream().map(Cidr::toString).toList();
    }
}
