package dev.scanflow.agent.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.scan.ScanFailed;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.PortList;
import dev.scanflow.report.ScanProfile;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScanPlannerTest {

    @Test
    void aSubnetNoLargerThanTheChunkSizeIsOneJobWithoutChunk() {
        List<ScanJob> jobs = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24"))
                .plan("198.18.0.0/24");

        assertEquals(1, jobs.size());
        ScanJob job = jobs.get(0);
        assertNull(job.chunk());
        assertEquals(Cidr.parse("198.18.0.0/24"), job.target());
        assertEquals("198.18.0.0/24", job.subnet());
        assertEquals(List.of("198.18.0.0/24"), job.coveredTargets());
        assertEquals(ScanProfile.DISCOVERY, job.profile());
    }

    @Test
    void aLargerSubnetIsSplitIntoChunksSharingOneScanId() {
        List<ScanJob> jobs = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/22"))
                .plan("198.18.0.0/22");

        assertEquals(List.of("198.18.0.0/24", "198.18.1.0/24", "198.18.2.0/24", "198.18.3.0/24"),
                jobs.stream().map(j -> j.target().toString()).toList());
        UUID scanId = jobs.get(0).chunk().scanId();
        for (int i = 0; i < jobs.size(); i++) {
            assertEquals(i, jobs.get(i).chunk().index());
            assertEquals(4, jobs.get(i).chunk().count());
            assertEquals(scanId, jobs.get(i).chunk().scanId());
            assertEquals("198.18.0.0/22", jobs.get(i).subnet(), "every chunk names the assigned subnet");
        }
        assertTrue(jobs.get(1).describe().contains("chunk 2 of 4 of 198.18.0.0/22"), jobs.get(1).describe());
    }

    @Test
    void eachPlanOfTheSameSubnetIsANewScan() {
        ScanPlanner planner = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/23"));

        assertTrue(!planner.plan("198.18.0.0/23").get(0).chunk().scanId()
                .equals(planner.plan("198.18.0.0/23").get(0).chunk().scanId()));
    }

    @Test
    void theChunkSizeIsSetPerAddressFamily() {
        ScanPlanner planner = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24,2001:db8:5f::/118",
                "scanflow.agent.chunk-prefix.ipv4", "26", "scanflow.agent.chunk-prefix.ipv6", "120"));

        assertEquals(4, planner.plan("198.18.0.0/24").size());
        assertEquals(List.of("2001:db8:5f::/120", "2001:db8:5f::100/120", "2001:db8:5f::200/120", "2001:db8:5f::300/120"),
                planner.plan("2001:db8:5f::/118").stream().map(j -> j.target().toString()).toList());
    }

    @Test
    void chunksEntirelyExcludedAreLeftOutBeforeNumbering() {
        List<ScanJob> jobs = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.chunk-prefix.ipv4", "26",
                "scanflow.agent.exclude-addresses", "198.18.0.64/26, 198.18.0.200")).plan("198.18.0.0/24");

        assertEquals(List.of("198.18.0.0/26", "198.18.0.128/26", "198.18.0.192/26"),
                jobs.stream().map(j -> j.target().toString()).toList());
        assertEquals(List.of(0, 1, 2), jobs.stream().map(j -> j.chunk().index()).toList());
        assertEquals(3, jobs.get(0).chunk().count());
        ScanJob last = jobs.get(2);
        assertEquals(List.of(Cidr.parse("198.18.0.200/32")), last.excluded());
        assertEquals(List.of("198.18.0.192/29", "198.18.0.201/32", "198.18.0.202/31", "198.18.0.204/30",
                "198.18.0.208/28", "198.18.0.224/27"), last.coveredTargets());
    }

    @Test
    void theProfileAndPortsComeFromTheSubnetsOwnSetting() {
        ScanPlanner planner = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24,127.0.0.0/29",
                "scanflow.agent.subnet-profiles", "198.18.0.0/24=ports", "scanflow.agent.ports", "22,80",
                "scanflow.agent.exclude-ports", "80"));

        ScanJob ports = planner.plan("198.18.0.0/24").get(0);
        assertEquals(ScanProfile.PORTS, ports.profile());
        assertEquals("ports", ports.profileId());
        assertEquals(PortList.parse("22"), ports.ports());
        assertEquals(ScanProfile.DISCOVERY, planner.plan("127.0.0.0/29").get(0).profile());
    }

    /** Every target on a link of this machine, as the lab's own /24 is. */
    private static ScanPlanner onLink(AgentSettings settings) {
        return new ScanPlanner(settings, cidr -> Optional.empty(), target -> true);
    }

    @Test
    void anOnLinkPortsJobRunsMasscanOnlyOnATargetOfAtLeastItsMinimumOfAddresses() {
        ScanPlanner planner = onLink(TestSettings.of("scanflow.agent.subnets",
                "198.18.0.0/24,198.18.4.0/22,198.18.8.0/22,127.0.0.0/29",
                "scanflow.agent.profile", "ports", "scanflow.agent.chunk-prefix.ipv4", "22",
                "scanflow.agent.subnet-profiles", "127.0.0.0/29=discovery,198.18.8.0/22=services-nmap"));

        ScanJob small = planner.plan("198.18.0.0/24").get(0);
        assertEquals(ScanProfile.PORTS, small.profile());
        assertFalse(small.masscan(), "256 addresses: nmap alone");
        assertEquals("198.18.0.0/24 [ports, nmap alone]", small.toString());
        ScanJob large = planner.plan("198.18.4.0/22").get(0);
        assertTrue(large.masscan(), "1024 addresses in one job: masscan");
        assertEquals("198.18.4.0/22 [ports]", large.toString());
        assertFalse(planner.plan("198.18.8.0/22").get(0).masscan(), "services-nmap never runs masscan");
        assertFalse(planner.plan("127.0.0.0/29").get(0).masscan(), "discovery never runs masscan");
    }

    @Test
    void theChunkNotTheSubnetDecidesBetweenMasscanAndNmapAlone() {
        List<ScanJob> chunks = onLink(TestSettings.of("scanflow.agent.subnets", "198.18.4.0/22",
                "scanflow.agent.profile", "ports")).plan("198.18.4.0/22");
        assertEquals(4, chunks.size(), "four /24 chunks by default");
        chunks.forEach(chunk -> assertFalse(chunk.masscan(), chunk.toString()));

        List<ScanJob> always = onLink(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.profile", "ports", "scanflow.agent.masscan.min-addresses", "1")).plan("198.18.0.0/24");
        assertTrue(always.get(0).masscan(), "min-addresses=1 keeps masscan on every target");
    }

    @Test
    void aPortsJobBehindARouterRunsMasscanWhateverItsSize() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.1.0/24,198.18.0.0/24",
                "scanflow.agent.profile", "ports");
        ScanPlanner planner = new ScanPlanner(settings, cidr -> Optional.empty(),
                target -> Cidr.parse("198.18.0.0/24").contains(target));

        assertTrue(planner.plan("198.18.1.0/24").get(0).masscan(), "routed: masscan, nmap -sV on what it finds");
        assertEquals("198.18.1.0/24 [ports]", planner.plan("198.18.1.0/24").get(0).toString());
        assertFalse(planner.plan("198.18.0.0/24").get(0).masscan(), "on-link and under min-addresses: nmap alone");
        assertTrue(planner.plan("198.18.1.0/24", ScanProfile.PORTS, null).get(0).masscan(), "a scan job too");
    }

    @Test
    void loopbackIsOnLinkAndADocumentationRangeIsNot() {
        OnLinkTargets onLink = new OnLinkTargets();

        assertTrue(onLink.test(Cidr.parse("127.0.0.0/29")), "lo holds 127.0.0.1/8");
        assertFalse(onLink.test(Cidr.parse("203.0.113.0/24")), "no interface of a test machine is in TEST-NET-3");
        assertFalse(onLink.test(Cidr.parse("0.0.0.0/0")), "no link holds the whole address space");
    }

    @Test
    void onlyThePortsProfileCanRunMasscan() {
        Cidr target = Cidr.parse("198.18.0.0/24");
        assertThrows(IllegalArgumentException.class, () -> new ScanJob(target.toString(), target, List.of(),
                List.of(target), ScanProfile.SERVICES_NMAP, PortList.parse("22"), null, List.of(),
                ScanJob.NameLookup.NONE, true));
    }

    @Test
    void refusesASubnetOfMoreThan65536ChunksWithASentence() {
        ScanPlanner planner = new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "2001:db8:5f::/64"));

        ScanFailed refused = assertThrows(ScanFailed.class, () -> planner.plan("2001:db8:5f::/64"));

        assertTrue(refused.getMessage().contains("2001:db8:5f::/64 is too large to sweep"), refused.getMessage());
        assertTrue(refused.getMessage().contains("2^56 chunks of /120"), refused.getMessage());
        assertEquals(65536, new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "127.0.0.0/8"))
                .plan("127.0.0.0/8").size(), "a /8 in /24 chunks is the most");
    }
}
