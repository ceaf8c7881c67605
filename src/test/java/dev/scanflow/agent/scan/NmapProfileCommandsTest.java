package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.report.PortList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** nmap's argument lists for the ports profile's second phase and for the services-nmap profile. */
class NmapProfileCommandsTest {

    @Test
    void theServiceScanProbesExactlyTheGroupsPortsOnExactlyItsAddresses() {
        NmapCommand command = new NmapCommand(TestSettings.of("scanflow.agent.stats-every", "5s"));

        List<String> args = command.serviceScan(new ServiceScanGroup(4, List.of("198.18.0.11", "198.18.0.12"),
                PortList.parse("8080,2222")));

        assertEquals(List.of("-sV", "-Pn", "-n", "-T4", "--host-timeout", "120s", "--stats-every", "5s",
                "-p", "2222,8080", "-oX", "-", "198.18.0.11", "198.18.0.12"), args);
    }

    @Test
    void anIpv6ServiceScanHasDashSix() {
        List<String> args = new NmapCommand(TestSettings.of()).serviceScan(
                new ServiceScanGroup(6, List.of("2001:db8:5f::11"), PortList.parse("8081")));

        assertEquals("-6", args.get(0));
        assertEquals("2001:db8:5f::11", args.get(args.size() - 1));
    }

    @Test
    void aServiceScanTargetIsNeverTakenAsAnOption() {
        NmapCommand command = new NmapCommand(TestSettings.of());

        assertThrows(IllegalArgumentException.class, () -> command.serviceScan(
                new ServiceScanGroup(4, List.of("-iL/etc/passwd"), PortList.parse("22"))));
    }

    @Test
    void theServicesProfileIsASynScanWithVersionsAsRootAndAConnectScanOtherwise() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24", "scanflow.agent.ports", "22,80",
                "scanflow.agent.exclude-addresses", "198.18.0.3");
        var job = new ScanPlanner(settings).plan("198.18.0.0/24").get(0);

        assertEquals(List.of("-sS", "-sV", "-n", "-T4", "--host-timeout", "120s", "--stats-every", "10s", "-p", "22,80",
                "--exclude", "198.18.0.3/32", "-oX", "-", "198.18.0.0/24"), new NmapCommand(settings, true).services(job));
        assertEquals("-sT", new NmapCommand(settings, false).services(job).get(0));
    }

    @Test
    void theTcpScanSettingWinsOverTheRootCheck() {
        assertEquals("-sT", new NmapCommand(TestSettings.of("scanflow.agent.tcp-scan", "connect"), true).tcpScan());
        assertEquals("-sS", new NmapCommand(TestSettings.of("scanflow.agent.tcp-scan", "syn"), false).tcpScan());
    }

    @Test
    void discoveryLeavesOutExcludedAddressesInsideTheTarget() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.exclude-addresses", "198.18.0.3, 198.18.1.0/24");

        assertEquals(List.of("-sn", "-n", "-T4", "--host-timeout", "120s", "--exclude", "198.18.0.3/32", "-oX", "-",
                "198.18.0.0/24"), new NmapCommand(settings).chunkDiscovery(new ScanPlanner(settings).plan("198.18.0.0/24").get(0)));
    }
}
