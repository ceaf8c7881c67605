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
    void fewerRunsOnePerPortWhenThatSplitIsSmallerEachPairStillOnce() {
        // the bench's on-link hosts: four port sets, three ports
        MasscanRun run = new MasscanRun(List.of(open("198.18.0.11", 8080), open("198.18.0.11", 2222),
                open("198.18.0.11", 8000), open("198.18.0.12", 8080), open("198.18.0.14", 8080),
                open("198.18.0.14", 2222), open("198.18.0.16", 8000), open("198.18.0.16", 8080)), true);

        List<ServiceScanGroup> found = groups.of(run);

        assertEquals(List.of(new ServiceScanGroup(4, List.of("198.18.0.11", "198.18.0.14"), PortList.parse("2222")),
                        new ServiceScanGroup(4, List.of("198.18.0.11", "198.18.0.16"), PortList.parse("8000")),
                        new ServiceScanGroup(4, List.of("198.18.0.11", "198.18.0.12", "198.18.0.14", "198.18.0.16"),
                                PortList.parse("8080"))),
                found);
        List<String> pairs = new ArrayList<>();
        found.forEach(g -> g.addresses().forEach(a -> g.ports().numbers().forEach(p -> pairs.add(a + ":" + p))));
        assertEquals(run.ports().stream().map(p -> p.address() + ":" + p.port()).sorted().toList(),
                pairs.stream().sorted().toList());
    }

    @Test
    void onATieThePortSetsStay() {
        MasscanRun run = new MasscanRun(List.of(open("198.18.0.11", 22), open("198.18.0.11", 80),
                open("198.18.0.12", 80)), true);

        assertEquals(List.of(new ServiceScanGroup(4, List.of("198.18.0.11"), PortList.parse("22,80")),
                        new ServiceScanGroup(4, List.of("198.18.0.12"), PortList.parse("80"))),
                groups.of(run));
    }

    @Test
    void nothingFoundIsNoNmapRun() {
        assertEquals(List.of(), groups.of(Fixtures.masscan("masscan-nothing-found.json")));
    }

    @Test
    void aRunHoldsAtMostThe30ServicesNmapProbesAtOnce() {
        List<MasscanPort> ports = new ArrayList<>();
        for (int i = 0; i < 70; i++) {
            ports.add(open("198.18." + (i / 64) + "." + (i % 64), 22));
        }
        for (int i = 0; i < 20; i++) {
            ports.add(open("198.18.2." + i, 80));
            ports.add(open("198.18.2." + i, 443));
        }

        List<ServiceScanGroup> found = groups.of(new MasscanRun(ports, true));

        assertEquals(List.of(30, 30, 10, 30, 10), found.stream()
                .map(g -> g.addresses().size() * g.ports().size()).toList());
        assertEquals(List.of("198.18.0.0", "198.18.0.30", "198.18.0.60", "198.18.2.0", "198.18.2.15"),
                found.stream().map(g -> g.addresses().get(0)).toList());
    }

    @Test
    void ipv6AddressesKeepTheirFamily() {
        assertEquals(List.of(new ServiceScanGroup(6, List.of("2001:db8:5f::11"), PortList.parse("8081"))),
                groups.of(Fixtures.masscan("masscan-ipv6-lab.json")));
    }
}
