package dev.scanflow.server.delta;

import static dev.scanflow.server.delta.Reports.down;
import static dev.scanflow.server.delta.Reports.service;
import static dev.scanflow.server.delta.Reports.state;
import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v1;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.delta.Change.ClosedBy;
import dev.scanflow.server.delta.Change.HostGone;
import dev.scanflow.server.delta.Change.HostUp;
import dev.scanflow.server.delta.Change.HostnameChanged;
import dev.scanflow.server.delta.Change.MacChanged;
import dev.scanflow.server.delta.Change.PortClosed;
import dev.scanflow.server.delta.Change.PortOpened;
import dev.scanflow.server.delta.Change.ServiceChanged;
import java.util.EnumSet;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The delta engine alone: every change type, and every way "not scanned" must stay "unknown". */
class DeltaEngineTest {

    private static final String NET = "10.0.0.0/24";

    /** A subnet's state carried from one observation to the next, as the server will. */
    private static final class Subnet {
        private final DeltaEngine engine;
        private SubnetState state;

        Subnet(DeltaPolicy policy, String cidr) {
            engine = new DeltaEngine(policy);
            state = SubnetState.empty(new SubnetKey("site-a", 7), Cidr.parse(cidr));
        }

        Subnet(DeltaPolicy policy) {
            this(policy, NET);
        }

        Subnet() {
            this(DeltaPolicy.DEFAULT);
        }

        List<Change> see(ScanReport report) {
            return see(Observation.of(report));
        }

        List<Change> see(Observation observation) {
            DeltaResult result = engine.apply(state, observation);
            state = result.after();
            return result.changes();
        }

        HostRecord host(String address) {
            return state.host(HostAddress.parse(address)).orElseThrow();
        }
    }

    private static HostAddress ip(String text) {
        return HostAddress.parse(text);
    }

    /** A port scan of tcp 22,80,443 on the whole subnet, liveness included: full coverage. */
    private static Reports.Builder fullScan() {
        return v2(NET).liveness(NET).probe("tcp", "22,80,443", NET);
    }

    // --- hosts -----------------------------------------------------------------------------------------

    @Test
    void firstVersion1ReportMakesEveryUpHostNewAndIgnoresDownOnes() {
        Subnet subnet = new Subnet();
        List<Change> changes = subnet.see(v1(NET, up("10.0.0.2").mac("00:11:22:33:44:55").name("a.lan").build(),
                up("10.0.0.1").build(), down("10.0.0.3").build()));
        assertEquals(List.of(new HostUp(ip("10.0.0.1"), false, null, null, null),
                new HostUp(ip("10.0.0.2"), false, "00:11:22:33:44:55", "Lab Vendor", "a.lan")), changes);
        assertEquals(2, subnet.state.hostCount());
    }

    @Test
    void hostSeenAgainUnchangedProducesNoChange() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:55").name("a.lan").build()));
        assertEquals(List.of(), subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:55").name("a.lan").build())));
    }

    @Test
    void hostMissedByOneCoveringScanIsStillUpAndByTwoIsGone() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:55").build()));
        assertEquals(List.of(), subnet.see(v1(NET)));
        assertEquals(HostStatus.UP, subnet.host("10.0.0.1").status());
        assertEquals(1, subnet.host("10.0.0.1").misses());
        assertEquals(List.of(new HostGone(ip("10.0.0.1"), 2, "00:11:22:33:44:55", null)), subnet.see(v1(NET)));
        assertEquals(HostStatus.GONE, subnet.host("10.0.0.1").status());
        assertEquals(List.of(), subnet.see(v1(NET)), "a gone host is not gone again");
    }

    @Test
    void missesMustBeConsecutiveASightingStartsTheCountAgain() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").build()));
        subnet.see(v1(NET));
        subnet.see(v1(NET, up("10.0.0.1").build()));
        assertEquals(List.of(), subnet.see(v1(NET)));
        assertEquals(1, subnet.host("10.0.0.1").misses());
    }

    @Test
    void confirmMissesIsConfigurable() {
        Subnet subnet = new Subnet(new DeltaPolicy(3, true));
        subnet.see(v1(NET, up("10.0.0.1").build()));
        assertEquals(List.of(), subnet.see(v1(NET)));
        assertEquals(List.of(), subnet.see(v1(NET)));
        assertEquals(List.of(ChangeType.HOST_GONE), types(subnet.see(v1(NET))));
        assertThrows(IllegalArgumentException.class, () -> new DeltaPolicy(0, true));
    }

    @Test
    void scansThatDoNotCoverAHostNeitherCountNorResetItsMisses() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").build()));
        subnet.see(v1(NET));
        // liveness probed on the upper half only, then a port scan with no liveness coverage at all
        assertEquals(List.of(), subnet.see(v2(NET).liveness("10.0.0.128/25").build()));
        assertEquals(List.of(), subnet.see(v2(NET).probe("tcp", "22", "10.0.0.128/25").build()));
        assertEquals(1, subnet.host("10.0.0.1").misses(), "uncovered scans leave the count as it was");
        assertEquals(List.of(ChangeType.HOST_GONE), types(subnet.see(v1(NET))));
    }

    @Test
    void goneHostSeenAgainReturnsWithItsNewMac() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:55").build()));
        subnet.see(v1(NET));
        subnet.see(v1(NET));
        List<Change> changes = subnet.see(v1(NET, up("10.0.0.1").mac("66:77:88:99:AA:BB").build()));
        assertEquals(List.of(new HostUp(ip("10.0.0.1"), true, "66:77:88:99:AA:BB", "Lab Vendor", null),
                new MacChanged(ip("10.0.0.1"), "00:11:22:33:44:55", "66:77:88:99:AA:BB", "Lab Vendor")), changes);
        assertEquals(HostStatus.UP, subnet.host("10.0.0.1").status());
    }

    @Test
    void hostReportedDownCountsAsAMissEvenOutsideLivenessCoverage() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").build()));
        subnet.see(v2(NET).host(down("10.0.0.1")).build());
        assertEquals(1, subnet.host("10.0.0.1").misses());
        assertEquals(List.of(ChangeType.HOST_GONE), types(subnet.see(v2(NET).host(down("10.0.0.1")).build())));
    }

    @Test
    void hostReportedUnknownOrSkippedSaysNothingEvenInsideCoverage() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").build()));
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), subnet.see(v2(NET).liveness(NET).host(state("10.0.0.1", i % 2 == 0 ? "unknown" : "skipped")).build()));
        }
        assertEquals(0, subnet.host("10.0.0.1").misses());
    }

    @Test
    void macChangesOnlyFromOneKnownMacToAnother() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").build()));
        assertEquals(List.of(), subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:55").build())), "first MAC is learned quietly");
        assertEquals("00:11:22:33:44:55", subnet.host("10.0.0.1").mac());
        assertEquals(List.of(), subnet.see(v1(NET, up("10.0.0.1").build())), "no MAC seen (routed) is not a change");
        assertEquals(List.of(), subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:55".toLowerCase()).build())), "case is not a change");
        assertEquals(List.of(new MacChanged(ip("10.0.0.1"), "00:11:22:33:44:55", "00:11:22:33:44:56", "Lab Vendor")),
                subnet.see(v1(NET, up("10.0.0.1").mac("00:11:22:33:44:56").build())));
    }

    @Test
    void hostnameChangesOnlyFromOneKnownNameToAnother() {
        Subnet subnet = new Subnet();
        subnet.see(v1(NET, up("10.0.0.1").name("old.lan").build()));
        assertEquals(List.of(), subnet.see(v1(NET, up("10.0.0.1").build())), "nmap -n resolves no name");
        assertEquals(List.of(new HostnameChanged(ip("10.0.0.1"), "old.lan", "new.lan")),
                subnet.see(v1(NET, up("10.0.0.1").name("new.lan").name("alias.lan").build())));
        assertEquals("new.lan", subnet.host("10.0.0.1").hostname());
    }

    @Test
    void hostsOutsideTheSubnetOrOfTheOtherVersionAreIgnored() {
        Subnet subnet = new Subnet();
        Observation observation = Observation.of(v1(NET, up("10.0.1.1").build(), up("2001:db8::1").build(), up("10.0.0.9").build()));
        assertEquals(2, observation.hostsOutsideSubnet());
        assertEquals(List.of(new HostUp(ip("10.0.0.9"), false, null, null, null)), subnet.see(observation));
    }

    @Test
    void partialReportMissesNothingItDidNotReport() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).host(up("10.0.0.2")).build());
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), subnet.see(fullScan().partial().host(up("10.0.0.2")).build()));
        }
        assertEquals(HostStatus.UP, subnet.host("10.0.0.1").status());
        assertEquals(0, subnet.host("10.0.0.1").misses());
        assertTrue(subnet.host("10.0.0.1").hasOpen("tcp", 22));
    }

    @Test
    void partialReportStillCountsWhatItDidReport() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22).open("tcp", 80)).build());
        List<Change> changes = subnet.see(fullScan().partial()
                .host(up("10.0.0.1").open("tcp", 443).port("tcp", 80, "closed", null)).build());
        assertEquals(List.of(new PortClosed(ip("10.0.0.1"), "tcp", 80, ClosedBy.REPORTED_CLOSED, 1, null),
                new PortOpened(ip("10.0.0.1"), "tcp", 443, null)), changes);
        assertTrue(subnet.host("10.0.0.1").hasOpen("tcp", 22), "tcp/22 was not reported: unknown, still open");
    }

    // --- ports -----------------------------------------------------------------------------------------

    @Test
    void portSeenOpenIsOpenedWithItsService() {
        Subnet subnet = new Subnet();
        Service ssh = service("ssh", "OpenSSH", "9.2p1");
        List<Change> changes = subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22, ssh).open("udp", 53)).build());
        assertEquals(List.of(new HostUp(ip("10.0.0.1"), false, null, null, null),
                new PortOpened(ip("10.0.0.1"), "tcp", 22, ssh), new PortOpened(ip("10.0.0.1"), "udp", 53, null)), changes);
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22, ssh).open("udp", 53)).build()));
    }

    @Test
    void portReportedClosedIsClosedAtOnce() {
        Subnet subnet = new Subnet();
        Service ssh = service("ssh", "OpenSSH", "9.2p1");
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22, ssh)).build());
        assertEquals(List.of(new PortClosed(ip("10.0.0.1"), "tcp", 22, ClosedBy.REPORTED_CLOSED, 1, ssh)),
                subnet.see(fullScan().host(up("10.0.0.1").port("tcp", 22, "closed", null)).build()));
        assertFalse(subnet.host("10.0.0.1").hasOpen("tcp", 22));
    }

    @Test
    void portReportedClosedCountsAsAMissWhenPolicySaysSo() {
        Subnet subnet = new Subnet(new DeltaPolicy(2, false));
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build());
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1").port("tcp", 22, "closed", null)).build()));
        assertEquals(List.of(new PortClosed(ip("10.0.0.1"), "tcp", 22, ClosedBy.MISSED, 2, null)),
                subnet.see(fullScan().host(up("10.0.0.1").port("tcp", 22, "closed", null)).build()));
    }

    @Test
    void portAbsentFromTwoCoveringScansIsClosedAfterTheSecond() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22).open("tcp", 80)).build());
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build()));
        assertEquals(1, subnet.host("10.0.0.1").portMisses(subnet.host("10.0.0.1").indexOf(PortKey.of("tcp", 80))));
        assertEquals(List.of(new PortClosed(ip("10.0.0.1"), "tcp", 80, ClosedBy.MISSED, 2, null)),
                subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build()));
    }

    @Test
    void portSeenBetweenMissesStartsItsCountAgain() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 80)).build());
        subnet.see(fullScan().host(up("10.0.0.1")).build());
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 80)).build());
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1")).build()));
        assertTrue(subnet.host("10.0.0.1").hasOpen("tcp", 80));
    }

    @Test
    void filteredCountsAsAMissButOpenFilteredAndUnfilteredSayNothing() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22).open("tcp", 80)).build());
        for (int i = 0; i < 3; i++) {
            List<Change> changes = subnet.see(fullScan().host(up("10.0.0.1").port("tcp", 22, i == 0 ? "filtered" : "closed|filtered", null)
                    .port("tcp", 80, i % 2 == 0 ? "open|filtered" : "unfiltered", null)).build());
            assertEquals(i == 1 ? List.of(new PortClosed(ip("10.0.0.1"), "tcp", 22, ClosedBy.MISSED, 2, null)) : List.of(), changes);
        }
        assertTrue(subnet.host("10.0.0.1").hasOpen("tcp", 80));
        assertEquals(0, subnet.host("10.0.0.1").portMisses(subnet.host("10.0.0.1").indexOf(PortKey.of("tcp", 80))));
    }

    @Test
    void narrowedCoverageLeavesPortsOutsideItUnknown() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22).open("tcp", 80).open("udp", 161))
                .host(up("10.0.0.200").open("tcp", 22)).build());
        for (int i = 0; i < 3; i++) {
            // only tcp/22, only on the lower half; udp never probed; 10.0.0.200 outside every target
            assertEquals(List.of(), subnet.see(v2(NET).probe("tcp", "22", "10.0.0.0/25").host(up("10.0.0.1").open("tcp", 22)).build()));
        }
        HostRecord host = subnet.host("10.0.0.1");
        assertTrue(host.hasOpen("tcp", 80) && host.hasOpen("udp", 161));
        assertEquals(0, host.portMisses(host.indexOf(PortKey.of("tcp", 80))));
        assertTrue(subnet.host("10.0.0.200").hasOpen("tcp", 22));
        assertEquals(0, subnet.host("10.0.0.200").misses(), "no liveness coverage: not missed either");
    }

    @Test
    void discoveryScansNeverCloseAPort() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build());
        for (int i = 0; i < 3; i++) {
            assertEquals(List.of(), subnet.see(v1(NET, up("10.0.0.1").build())));
        }
        assertTrue(subnet.host("10.0.0.1").hasOpen("tcp", 22));
    }

    @Test
    void hostAbsentInsideAPortProbeHasItsPortsMissedLikeMasscanReportsIt() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 443)).build());
        Reports.Builder masscan = v2(NET).probe("tcp", "1-1024", NET);
        assertEquals(List.of(), subnet.see(masscan.build()));
        assertEquals(List.of(new PortClosed(ip("10.0.0.1"), "tcp", 443, ClosedBy.MISSED, 2, null)),
                subnet.see(v2(NET).probe("tcp", "1-1024", NET).build()));
        assertEquals(HostStatus.UP, subnet.host("10.0.0.1").status(), "no liveness coverage: the host itself is unknown");
    }

    @Test
    void portsOfAHostAbsentFromAScanThatProbedItsLivenessWereNotProbed() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build());
        assertEquals(List.of(), subnet.see(fullScan().build()));
        assertEquals(List.of(new HostGone(ip("10.0.0.1"), 2, null, null),
                        new PortClosed(ip("10.0.0.1"), "tcp", 22, ClosedBy.HOST_GONE, 2, null)),
                subnet.see(fullScan().build()), "nmap without -Pn: down, ports unprobed, but a gone host has none open");
        HostRecord host = subnet.host("10.0.0.1");
        assertEquals(0, host.portCount(), "a host confirmed gone has no open ports");
    }

    @Test
    void portsOfAHostReportedDownWereNotProbed() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build());
        subnet.see(fullScan().host(down("10.0.0.1")).build());
        subnet.see(fullScan().host(down("10.0.0.1")).build());
        HostRecord host = subnet.host("10.0.0.1");
        assertEquals(HostStatus.GONE, host.status());
        assertEquals(0, host.portCount(), "a host confirmed gone has no open ports");
    }

    @Test
    void aReturnedHostHasOnlyThePortsSeenSinceItsReturn() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build());
        subnet.see(v1(NET));
        subnet.see(v1(NET));
        assertEquals(List.of(new HostUp(ip("10.0.0.1"), true, null, null, null)), subnet.see(v1(NET, up("10.0.0.1").build())));
        assertEquals(0, subnet.host("10.0.0.1").portCount());
        assertEquals(List.of(new PortOpened(ip("10.0.0.1"), "tcp", 22, null)),
                subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build()), "seen open again: opened again");
    }

    @Test
    void serviceChangeNamesTheFieldsThatDifferWithBeforeAndAfter() {
        Subnet subnet = new Subnet();
        Service before = new Service("http", "nginx", "1.24.0", "Ubuntu", null, List.of("cpe:/a:nginx:nginx:1.24.0", "cpe:/o:linux"));
        Service after = new Service("http", "nginx", "1.26.1", "Ubuntu", "ssl", List.of("cpe:/a:nginx:nginx:1.26.1", "cpe:/o:linux"));
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 80, before)).build());
        assertEquals(List.of(new ServiceChanged(ip("10.0.0.1"), "tcp", 80,
                        EnumSet.of(ServiceField.VERSION, ServiceField.TUNNEL, ServiceField.CPES), before, after)),
                subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 80, after)).build()));
        Service extra = new Service("https", "Apache httpd", "1.26.1", "Debian", "ssl", List.of("cpe:/o:linux", "cpe:/a:nginx:nginx:1.26.1"));
        List<Change> changes = subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 80, extra)).build());
        assertEquals(EnumSet.of(ServiceField.NAME, ServiceField.PRODUCT, ServiceField.EXTRA_INFO),
                ((ServiceChanged) changes.get(0)).fields(), "CPEs in another order are the same CPEs");
    }

    @Test
    void scanWithoutServiceDetectionKeepsTheKnownService() {
        Subnet subnet = new Subnet();
        Service ssh = service("ssh", "OpenSSH", "9.2p1");
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build());
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22, ssh)).build()), "first service learned quietly");
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).build()), "masscan names no service");
        assertEquals(List.of(), subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22, new Service(null, null, null, null, null, null))).build()));
        assertEquals(ssh, subnet.host("10.0.0.1").service(0));
    }

    @Test
    void changesComeInAddressThenPortOrder() {
        Subnet subnet = new Subnet();
        List<Change> changes = subnet.see(fullScan().host(up("10.0.0.10").open("tcp", 80).open("tcp", 22))
                .host(up("10.0.0.9").open("udp", 53).open("tcp", 443)).build());
        assertEquals(List.of("10.0.0.9 HOST_NEW", "10.0.0.9 tcp/443", "10.0.0.9 udp/53", "10.0.0.10 HOST_NEW",
                "10.0.0.10 tcp/22", "10.0.0.10 tcp/80"), changes.stream().map(c -> c.address() + " "
                + (c instanceof Change.PortChange p ? p.protocol() + "/" + p.port() : c.type().name())).toList());
    }

    @Test
    void untouchedHostsShareTheirRecordWithThePreviousState() {
        Subnet subnet = new Subnet();
        subnet.see(fullScan().host(up("10.0.0.1").open("tcp", 22)).host(up("10.0.0.200").open("tcp", 22)).build());
        HostRecord outside = subnet.host("10.0.0.200");
        DeltaResult result = subnet.engine.apply(subnet.state,
                Observation.of(v2(NET).liveness("10.0.0.0/25").probe("tcp", "22", "10.0.0.0/25").host(up("10.0.0.1").open("tcp", 22)).build()));
        assertSame(outside, result.after().host(ip("10.0.0.200")).orElseThrow());
        assertEquals(1, result.touched().size(), "only the host seen is touched");
        assertTrue(result.touched().get(0).seenUp());
        assertEquals(2, result.after().version());
    }

    @Test
    void ipv6SubnetsWorkTheSameWay() {
        Subnet subnet = new Subnet(DeltaPolicy.DEFAULT, "2001:db8:5f::/64");
        List<Change> changes = subnet.see(v2("2001:db8:5f::/64").liveness("2001:db8:5f::/64").probe("tcp", "22", "2001:db8:5f::/64")
                .host(up("2001:db8:5f::11").open("tcp", 22)).build());
        assertEquals(List.of("2001:db8:5f::11 HOST_NEW", "2001:db8:5f::11 PORT_OPENED"),
                changes.stream().map(c -> c.address() + " " + c.type()).toList());
        subnet.see(v2("2001:db8:5f::/64").liveness("2001:db8:5f::/64").probe("tcp", "22", "2001:db8:5f::/64").build());
        assertEquals(List.of(ChangeType.HOST_GONE, ChangeType.PORT_CLOSED),
                types(subnet.see(v2("2001:db8:5f::/64").liveness("2001:db8:5f::/64").probe("tcp", "22", "2001:db8:5f::/64").build())));
        assertEquals(List.of(), subnet.see(v2("2001:db8:5f::/64").probe("tcp", "22", "2001:db8:5f::/64").build()));
        assertEquals(List.of(), subnet.see(v2("2001:db8:5f::/64").probe("tcp", "22", "2001:db8:5f::/64").build()),
                "the gone host's ports left with it: nothing to close");
        assertEquals(0, subnet.host("2001:db8:5f::11").portCount());
    }

    @Test
    void anObservationThatEndedBeforeTheNewestOneStartedIsRecordedButChangesNothing() {
        Subnet subnet = new Subnet();
        java.time.Instant late = java.time.Instant.parse("2030-01-01T12:00:00Z");
        subnet.see(v2(NET).liveness(NET).startingAt(late).host(up("10.0.0.1")).build());
        SubnetState known = subnet.state;
        DeltaResult result = subnet.engine.apply(known, Observation.of(v2(NET).liveness(NET).startingAt(late.minusSeconds(3600))
                .host(up("10.0.0.2")).build()));
        assertTrue(result.outOfOrder());
        assertEquals(List.of(), result.changes());
        assertEquals(List.of(), result.touched());
        assertEquals(known.version() + 1, result.after().version(), "it is recorded: one more observation");
        assertEquals(known.lastScanId(), result.after().lastScanId());
        assertSame(known.hosts().get(0), result.after().hosts().get(0));
        assertEquals(1, result.after().hostCount());
    }

    @Test
    void aLongScanThatStartedEarlierButEndsAfterANewerOneStillCounts() {
        Subnet subnet = new Subnet();
        java.time.Instant start = java.time.Instant.parse("2030-01-01T12:00:00Z");
        subnet.see(v2(NET).liveness(NET).startingAt(start.plusSeconds(10)).host(up("10.0.0.1")).build());
        java.util.UUID newest = subnet.state.lastScanId();
        // started 10 s before the discovery, ended 20 s after it
        DeltaResult result = subnet.engine.apply(subnet.state, Observation.of(v2(NET).probe("tcp", "22", NET)
                .startingAt(start).host(up("10.0.0.1").open("tcp", 22)).build()));
        assertFalse(result.outOfOrder());
        assertEquals(List.of(new PortOpened(ip("10.0.0.1"), "tcp", 22, null)), result.changes());
        assertEquals(newest, result.after().lastScanId(), "the last scan is the one that started last");
        assertEquals(start.plusSeconds(10), result.after().lastScanStart());
    }

    @Test
    void anObservationOfAnotherSubnetIsRefused() {
        Subnet subnet = new Subnet();
        assertThrows(IllegalArgumentException.class, () -> subnet.see(v1("10.0.1.0/24")));
    }

    @Test
    void changesSerializeWithTheirTypeAndAddressAsText() throws Exception {
        JsonNode json = ReportJson.mapper().valueToTree(new ServiceChanged(ip("10.0.0.1"), "tcp", 80,
                EnumSet.of(ServiceField.VERSION), service("http", "nginx", "1"), service("http", "nginx", "2")));
        assertEquals("SERVICE_CHANGED", json.get("type").asText());
        assertEquals("10.0.0.1", json.get("address").asText());
        assertEquals("VERSION", json.get("fields").get(0).asText());
        assertEquals("2", json.get("after").get("version").asText());
    }

    private static List<ChangeType> types(List<Change> changes) {
        return changes.stream().map(Change::type).toList();
    }
}
