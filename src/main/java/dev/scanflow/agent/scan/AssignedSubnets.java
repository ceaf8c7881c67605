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

    /** The server refused a report (403): subnets from the config have nothing to ask again. */
    public void revalidate() {
        // the config is what it is until the agent restarts
    }
}
