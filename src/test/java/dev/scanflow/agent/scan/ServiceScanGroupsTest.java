package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.report.PortList;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ServiceScanGroupsTest {

    private final ServiceScanGroups groups = new ServiceScanGroups();

    private static MasscanPort open(String address, int port) {
        return new MasscanPort(address, "tcp", port, "open", "syn-ack", 64);
    }

    @Test
    void hostsWithTheSameOpenPortsShareOneNmapRun() {
        List<ServiceScanGroup> found = groups.of(Fixtures.masscan("masscan-ports-lab.json"));

        assertEquals(List.of(new ServiceScanGroup(4, List.of("198.18.0.11", "198.18.0.12"), PortList.parse("2222,8080"))),
                found);
    }

    @Test
    void eachHostIsProbedOnlyOnItsOwnPorts() {
        MasscanRun run = new MasscanRun(List.of(open("198.18.0.12", 80), open("198.18.0.11", 22), open("198.18.0.13", 80),
                open("198.18.0.11", 443), open("198.18.0.11", 22)), true);

        assertEquals(List.of(new ServiceScanGroup(4, List.of("198.18.0.11"), PortList.parse("22,443")),
                        new ServiceScanGroup(4, List.of("198.18.0.12", "198.18.0.13"), PortList.parse("80"))),
                groups.of(run));
    }

    @Test
    void nothingFoundIsNoNmapRun() {
        assertEquals(List.of(), groups.of(Fixtures.masscan("masscan-nothing-found.json")));
    }

    @Test
    void aLargeGroupIsSplitIntoRunsOfAtMost256Addresses() {
        List<MasscanPort> ports = new ArrayList<>();
        for (int i = 0; i < 300; i++) {
            ports.add(open("198.18." + (i / 256) + "." + (i % 256), 22));
        }

        List<ServiceScanGroup> found = groups.of(new MasscanRun(ports, true));

        assertEquals(List.of(256, 44), found.stream().map(g -> g.addresses().size()).toList());
        assertEquals("198.18.1.0", found.get(1).addresses().get(0));
    }

    @Test
    void ipv6AddressesKeepTheirFamily() {
        assertEquals(List.of(new ServiceScanGroup(6, List.of("2001:db8:5f::11"), PortList.parse("8081"))),
                groups.of(Fixtures.masscan("masscan-ipv6-lab.json")));
    }
}
