package dev.scanflow.agent.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.phpipam.AssignedSubnet;
import dev.scanflow.agent.phpipam.KnownAddress;
import dev.scanflow.agent.scan.NmapCommand;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ScanProfile;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** What phpIPAM's subnet flags make the agent do: status check of known addresses, discovery, reverse DNS. */
class PhpipamInstructionsTest {

    private static final Cidr SUBNET = Cidr.parse("198.18.0.0/24");
    private final AgentSettings settings = TestSettings.of("scanflow.agent.subnets", SUBNET.toString(),
            "scanflow.agent.profile", "ports");

    private static AssignedSubnet assigned(boolean ping, boolean discover, boolean resolveDns, List<String> nameservers) {
        return new AssignedSubnet(3, SUBNET, "lab", ping, discover, false, resolveDns, nameservers, true, List.of(
                new KnownAddress(1, IpAddress.parse("198.18.0.11"), "", false, 2),
                new KnownAddress(2, IpAddress.parse("198.18.0.12"), "printer", true, 2),
                new KnownAddress(3, IpAddress.parse("198.18.0.13"), null, false, 1)));
    }

    private List<ScanJob> plan(AssignedSubnet subnet) {
        return new ScanPlanner(settings, cidr -> Optional.of(subnet)).plan(SUBNET.toString());
    }

    @Test
    void aStatusCheckWithoutDiscoveryProbesOnlyTheKnownAddressesLessExcludePing() {
        List<ScanJob> jobs = plan(assigned(true, false, false, List.of()));
        assertEquals(1, jobs.size());
        ScanJob job = jobs.get(0);
        assertEquals(ScanProfile.DISCOVERY, job.profile(), "a status check is a liveness check, whatever the profile");
        assertEquals(List.of("198.18.0.11", "198.18.0.13"), job.addresses());
        assertEquals(List.of("198.18.0.11/32", "198.18.0.13/32"), job.coveredTargets(), "coverage claims those two only");
        List<String> args = new NmapCommand(settings).chunkDiscovery(job);
        assertEquals(List.of("198.18.0.11", "198.18.0.13"), args.subList(args.size() - 2, args.size()));
        assertFalse(args.contains(SUBNET.toString()), "the subnet itself is not swept: " + args);
        assertTrue(args.contains("-n"));
    }

    @Test
    void aStatusCheckOfASubnetWithNothingKnownScansNothing() {
        AssignedSubnet empty = new AssignedSubnet(3, SUBNET, "lab", true, false, false, false, List.of(), true, List.of());
        assertEquals(List.of(), plan(empty));
    }

    @Test
    void discoverySweepsTheWholeSubnetWithTheConfiguredProfile() {
        ScanJob job = plan(assigned(true, true, false, List.of())).get(0);
        assertEquals(ScanProfile.PORTS, job.profile());
        assertEquals(List.of(), job.addresses());
        assertEquals(List.of(SUBNET.toString()), job.coveredTargets());
    }

    @Test
    void resolveDnsAsksTheSubnetsNameserversOrTheSystemResolver() {
        List<String> viaSubnet = new NmapCommand(settings).chunkDiscovery(plan(assigned(true, true, true,
                List.of("127.0.0.53", "::1"))).get(0));
        int at = viaSubnet.indexOf("--dns-servers");
        assertTrue(at >= 0, viaSubnet.toString());
        assertEquals("127.0.0.53,::1", viaSubnet.get(at + 1));
        assertFalse(viaSubnet.contains("-n"));

        List<String> viaSystem = new NmapCommand(settings).chunkDiscovery(plan(assigned(true, true, true, List.of())).get(0));
        assertTrue(viaSystem.contains("--system-dns") && !viaSystem.contains("-n"), viaSystem.toString());
        assertEquals(SUBNET.toString(), viaSystem.get(viaSystem.size() - 1));
    }
}
