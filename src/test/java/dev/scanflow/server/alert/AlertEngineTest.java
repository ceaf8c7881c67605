package dev.scanflow.server.alert;

import static dev.scanflow.server.delta.Reports.service;
import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v1;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.alert.Alert.Resolution;
import dev.scanflow.server.alert.AlertEvent.Type;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.delta.SubnetState;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** Alert rules applied to the changes of real delta runs, with the alerts kept as the history would. */
class AlertEngineTest {

    private static final String NET = "10.0.0.0/24";
    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    private static AlertRules rules(List<AlertRules.SubnetPolicy> policies) {
        return new AlertRules(List.of(
                new AlertRules.CriticalPort(PortSpec.parse("tcp/23"), "telnet", Severity.CRITICAL, "clear text"),
                new AlertRules.CriticalPort(PortSpec.parse("tcp/22"), "ssh", Severity.LOW, "admin")),
                policies,
                new AlertRules.NewHostRule(true, Severity.LOW, true, List.of()),
                new AlertRules.MacChangeRule(true, Severity.HIGH),
                new AlertRules.ServiceChangeRule(true, Severity.MEDIUM, Set.of(ServiceField.PRODUCT, ServiceField.VERSION)));
    }

    private static final AtomicLong IDS = new AtomicLong();

    /** One (site, subnet): its delta state plus a map of alerts standing in for the history's table. */
    private static final class Network {
        private final DeltaEngine deltas = new DeltaEngine();
        private final AlertEngine alerts;
        private final Map<AlertKey, Alert> store;
        private SubnetState state;

        Network(String site, long subnetId, AlertRules rules, Map<AlertKey, Alert> sharedStore) {
            alerts = new AlertEngine(rules);
            store = sharedStore;
            state = SubnetState.empty(new SubnetKey(site, subnetId), Cidr.parse(NET));
        }

        List<AlertEvent> see(ScanReport report) {
            DeltaResult result = deltas.apply(state, Observation.of(report));
            state = result.after();
            Map<AlertKey, Alert> existing = new HashMap<>();
            for (AlertKey key : alerts.keysConcerned(result)) {
                if (store.containsKey(key)) {
                    existing.put(key, store.get(key));
                }
            }
            List<AlertEvent> events = alerts.evaluate(result, existing);
            events.forEach(event -> store.put(event.alert().key(),
                    event.alert().id() == null ? event.alert().withId(IDS.incrementAndGet()) : event.alert()));
            return events;
        }

        Alert alert(AlertKind kind, String address, String protocol, int port) {
            return store.get(new AlertKey(state.key(), kind, HostAddress.parse(address), protocol, port));
        }
    }

    private static Network network(AlertRules rules) {
        return new Network("site-a", 1, rules, new HashMap<>());
    }

    private static ScanReport ports(Reports.HostBuilder... hosts) {
        Reports.Builder report = v2(NET).liveness(NET).probe("tcp", "1-1024", NET);
        for (Reports.HostBuilder host : hosts) {
            report.host(host);
        }
        return report.build();
    }

    private static List<Type> types(List<AlertEvent> events) {
        return events.stream().map(AlertEvent::type).toList();
    }

    @Test
    void aCriticalPortThatOpensRaisesAnAlertWithItsSeverityAndRule() {
        Network network = network(rules(List.of()));
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").open("tcp", 23).open("tcp", 80)));
        assertEquals(List.of(Type.OPENED), types(events));
        Alert alert = events.get(0).alert();
        assertEquals(Severity.CRITICAL, alert.severity());
        assertEquals(AlertStatus.OPEN, alert.status());
        assertEquals("critical port tcp/23 telnet", alert.rule());
        assertEquals("port|10.0.0.5|tcp/23", alert.key().thing());
        assertTrue(alert.message().contains("tcp/23 open on 10.0.0.5"), alert.message());
    }

    @Test
    void aPortSeenClosedResolvesItsAlertOnTheSameSubnet() {
        Network network = network(rules(List.of()));
        network.see(ports(up("10.0.0.5").open("tcp", 23)));
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").port("tcp", 23, "closed", null)));
        assertEquals(List.of(Type.AUTO_RESOLVED), types(events));
        Alert alert = network.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23);
        assertEquals(AlertStatus.RESOLVED, alert.status());
        assertEquals(Resolution.AUTO, alert.resolution());
    }

    @Test
    void aPortClosingOnAnotherNetworkNeverResolvesThisOne() {
        Map<AlertKey, Alert> store = new HashMap<>();
        Network siteA = new Network("site-a", 1, rules(List.of()), store);
        Network otherSubnet = new Network("site-a", 2, rules(List.of()), store);
        Network otherSite = new Network("site-b", 1, rules(List.of()), store);
        siteA.see(ports(up("10.0.0.5").open("tcp", 23)));
        for (Network other : List.of(otherSubnet, otherSite)) {
            other.see(ports(up("10.0.0.5").open("tcp", 23)));
            assertEquals(List.of(Type.AUTO_RESOLVED), types(other.see(ports(up("10.0.0.5").port("tcp", 23, "closed", null)))));
        }
        assertEquals(AlertStatus.OPEN, siteA.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23).status());
        assertEquals(3, store.size(), "one alert per (site, subnet), not one shared");
    }

    @Test
    void aPortNotSeenOrNotCoveredResolvesNothing() {
        Network network = network(rules(List.of()));
        network.see(ports(up("10.0.0.5").open("tcp", 23)));
        assertEquals(List.of(), network.see(v1(NET, up("10.0.0.5").build())), "discovery does not cover ports");
        assertEquals(List.of(), network.see(ports()), "host down once: its ports were not probed");
        assertEquals(List.of(), network.see(ports(up("10.0.0.5"))), "one covering miss is not closed yet");
        assertEquals(AlertStatus.OPEN, network.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23).status());
        assertEquals(List.of(Type.AUTO_RESOLVED), types(network.see(ports(up("10.0.0.5")))), "the second covering miss closes it");
    }

    @Test
    void aHostConfirmedGoneTakesItsPortsAndTheirAlertsWithIt() {
        Network network = network(rules(List.of()));
        network.see(ports(up("10.0.0.5").open("tcp", 23)));
        assertEquals(List.of(), network.see(ports()), "one miss of the host is not gone yet");
        List<AlertEvent> events = network.see(ports());
        assertEquals(List.of(Type.AUTO_RESOLVED), types(events), "gone: a gone host has no open ports");
        assertEquals(AlertStatus.RESOLVED, network.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23).status());
        assertEquals(List.of(Type.REOPENED), types(network.see(ports(up("10.0.0.5").open("tcp", 23)))),
                "back with the port open: the same alert opens again");
    }

    @Test
    void aResolvedPortAlertReopensInPlaceWhenThePortComesBack() {
        Network network = network(rules(List.of()));
        network.see(ports(up("10.0.0.5").open("tcp", 23)));
        long id = network.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23).id();
        network.see(ports(up("10.0.0.5").port("tcp", 23, "closed", null)));
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").open("tcp", 23)));
        assertEquals(List.of(Type.REOPENED), types(events));
        Alert alert = network.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23);
        assertEquals(id, alert.id());
        assertEquals(AlertStatus.OPEN, alert.status());
        assertEquals(2, alert.timesOpened());
        assertNull(alert.resolution());
    }

    @Test
    void anActivePortAlertIsNeverDuplicated() {
        AlertEngine engine = new AlertEngine(rules(List.of()));
        SubnetState empty = SubnetState.empty(new SubnetKey("site-a", 1), Cidr.parse(NET));
        DeltaResult opened = new DeltaEngine().apply(empty, Observation.of(ports(up("10.0.0.5").open("tcp", 23))));
        Alert open = engine.evaluate(opened, Map.of()).get(0).alert().withId(7);
        Alert acknowledged = engine.acknowledge(open, "ops", null, NOW).alert();
        for (Alert existing : List.of(open, acknowledged)) {
            assertEquals(List.of(), engine.evaluate(opened, Map.of(existing.key(), existing)), existing.status().label());
        }
    }

    @Test
    void anAcknowledgedPortAlertIsAutoResolvedToo() {
        Network network = network(rules(List.of()));
        network.see(ports(up("10.0.0.5").open("tcp", 23)));
        Alert alert = network.alert(AlertKind.PORT, "10.0.0.5", "tcp", 23);
        network.store.put(alert.key(), network.alerts.acknowledge(alert, "ops", "looking", NOW).alert());
        assertEquals(List.of(Type.AUTO_RESOLVED), types(network.see(ports(up("10.0.0.5").port("tcp", 23, "closed", null)))));
    }

    @Test
    void anAllowListSilencesACriticalPortOnlyInsideItsCidrs() {
        AlertRules rules = rules(List.of(new AlertRules.SubnetPolicy("servers", List.of(Cidr.parse("10.0.0.0/28")), null,
                List.of(PortSpec.parse("tcp/22")), List.of(), Severity.CRITICAL, null)));
        Network network = network(rules);
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").open("tcp", 22), up("10.0.0.50").open("tcp", 22)));
        assertEquals(List.of("port|10.0.0.50|tcp/22"), events.stream().map(e -> e.alert().key().thing()).toList());
    }

    @Test
    void aBlockListAlertsForAnyPortAndWinsOverAnAllowList() {
        AlertRules rules = rules(List.of(
                new AlertRules.SubnetPolicy("dmz", List.of(Cidr.parse("10.0.0.0/24")), null, List.of(PortSpec.parse("tcp/1-1024")),
                        List.of(PortSpec.parse("tcp/8080"), PortSpec.parse("tcp/25")), Severity.HIGH, null)));
        Network network = network(rules);
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").open("tcp", 25).open("tcp", 80).open("tcp", 23)));
        assertEquals(List.of("port|10.0.0.5|tcp/25"), events.stream().map(e -> e.alert().key().thing()).toList(),
                "25 blocked although allowed; 80 and even telnet allowed");
        assertEquals(Severity.HIGH, events.get(0).alert().severity());
        assertEquals("blocked in dmz", events.get(0).alert().rule());
    }

    @Test
    void notAllowedSeverityAlertsEveryPortOutsideTheAllowList() {
        AlertRules rules = rules(List.of(new AlertRules.SubnetPolicy("printers", List.of(Cidr.parse("10.0.0.0/24")), null,
                List.of(PortSpec.parse("tcp/9100"), PortSpec.parse("tcp/631")), List.of(), Severity.CRITICAL, Severity.MEDIUM)));
        Network network = network(rules);
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").open("tcp", 9100).open("tcp", 80).open("tcp", 23)));
        assertEquals(List.of("port|10.0.0.5|tcp/23 critical", "port|10.0.0.5|tcp/80 medium"),
                events.stream().map(e -> e.alert().key().thing() + " " + e.alert().severity().label()).toList());
    }

    @Test
    void aPolicyOfOneSiteDoesNotApplyToAnother() {
        AlertRules rules = rules(List.of(new AlertRules.SubnetPolicy("berlin office", List.of(Cidr.parse("10.0.0.0/24")),
                "berlin", List.of(), List.of(PortSpec.parse("tcp/80")), Severity.HIGH, null)));
        assertEquals(1, new Network("berlin", 1, rules, new HashMap<>()).see(ports(up("10.0.0.5").open("tcp", 80))).size());
        assertEquals(0, new Network("paris", 1, rules, new HashMap<>()).see(ports(up("10.0.0.5").open("tcp", 80))).size());
    }

    @Test
    void newHostsAlertAfterTheFirstScanOnlyAndReturningHostsAreNotNew() {
        Network network = network(rules(List.of()));
        assertEquals(List.of(), network.see(v1(NET, up("10.0.0.1").build())), "baseline");
        List<AlertEvent> events = network.see(v1(NET, up("10.0.0.1").build(), up("10.0.0.2").mac("00:11:22:33:44:55").build()));
        assertEquals(List.of(Type.OPENED), types(events));
        assertEquals(AlertKind.NEW_HOST, events.get(0).alert().key().kind());
        assertTrue(events.get(0).alert().message().contains("00:11:22:33:44:55 (Lab Vendor)"));
        network.see(v1(NET));
        network.see(v1(NET));
        assertEquals(List.of(), network.see(v1(NET, up("10.0.0.1").build())), "10.0.0.1 returned, it is not new");
    }

    @Test
    void aMacChangeUpdatesItsAlertWhileActiveAndReopensItOnceResolved() {
        Network network = network(rules(List.of()));
        network.see(v1(NET, up("10.0.0.1").mac("00:00:00:00:00:01").build()));
        assertEquals(List.of(Type.OPENED), types(network.see(v1(NET, up("10.0.0.1").mac("00:00:00:00:00:02").build()))));
        Alert alert = network.alert(AlertKind.MAC_CHANGE, "10.0.0.1", null, -1);
        network.store.put(alert.key(), network.alerts.acknowledge(alert, "ops", null, NOW).alert());
        List<AlertEvent> again = network.see(v1(NET, up("10.0.0.1").mac("00:00:00:00:00:03").build()));
        assertEquals(List.of(Type.UPDATED), types(again));
        assertEquals(AlertStatus.ACKNOWLEDGED, again.get(0).alert().status(), "still acknowledged, with the news");
        assertEquals(2, again.get(0).alert().occurrences());
        assertTrue(again.get(0).alert().message().contains("00:00:00:00:00:03"));
        alert = network.alert(AlertKind.MAC_CHANGE, "10.0.0.1", null, -1);
        network.store.put(alert.key(), network.alerts.resolve(alert, "ops", "new switch", NOW).alert());
        assertEquals(List.of(Type.REOPENED), types(network.see(v1(NET, up("10.0.0.1").mac("00:00:00:00:00:04").build()))));
    }

    @Test
    void onlyWatchedServiceFieldsRaiseServiceChangeAlerts() {
        Network network = network(rules(List.of()));
        Service v1 = new Service("http", "nginx", "1.24.0", "Ubuntu", null, List.of());
        network.see(ports(up("10.0.0.5").open("tcp", 80, v1)));
        Service extra = new Service("http", "nginx", "1.24.0", "Ubuntu 2", null, List.of());
        assertEquals(List.of(), network.see(ports(up("10.0.0.5").open("tcp", 80, extra))), "extra info is not watched here");
        List<AlertEvent> events = network.see(ports(up("10.0.0.5").open("tcp", 80, service("http", "nginx", "1.26.1"))));
        assertEquals(List.of(Type.OPENED), types(events));
        assertEquals("service-change|10.0.0.5|tcp/80", events.get(0).alert().key().thing());
        assertTrue(events.get(0).alert().message().contains("1.24.0") && events.get(0).alert().message().contains("1.26.1"),
                events.get(0).alert().message());
    }

    @Test
    void noRulesRaiseNothing() {
        Network network = new Network("site-a", 1, AlertRules.none(), new HashMap<>());
        network.see(v1(NET, up("10.0.0.1").mac("00:00:00:00:00:01").build()));
        assertEquals(List.of(), network.see(ports(up("10.0.0.1").mac("00:00:00:00:00:02").open("tcp", 23), up("10.0.0.9"))));
    }

    @Test
    void peopleAcknowledgeOpenAlertsAndResolveActiveOnes() {
        AlertEngine engine = new AlertEngine(rules(List.of()));
        Alert open = Alert.opened(AlertKey.port(new SubnetKey("s", 1), AlertKind.PORT, HostAddress.parse("10.0.0.1"), "tcp", 23),
                "critical port", Severity.CRITICAL, "telnet", NOW).withId(1);
        AlertEvent acknowledged = engine.acknowledge(open, " ops ", "ticket 42", NOW.plusSeconds(5));
        assertEquals(AlertStatus.ACKNOWLEDGED, acknowledged.alert().status());
        assertEquals("ops", acknowledged.alert().acknowledgedBy());
        assertEquals(NOW.plusSeconds(5), acknowledged.alert().acknowledgedAt());
        assertThrows(AlertTransitionRefused.class, () -> engine.acknowledge(acknowledged.alert(), "ops", null, NOW));
        AlertEvent resolved = engine.resolve(acknowledged.alert(), "ops", "fixed", NOW.plusSeconds(9));
        assertEquals(AlertStatus.RESOLVED, resolved.alert().status());
        assertEquals(Resolution.MANUAL, resolved.alert().resolution());
        assertThrows(AlertTransitionRefused.class, () -> engine.resolve(resolved.alert(), "ops", null, NOW));
        assertThrows(AlertTransitionRefused.class, () -> engine.acknowledge(resolved.alert(), "ops", null, NOW));
        assertThrows(IllegalArgumentException.class, () -> engine.resolve(open, " ", null, NOW), "someone must be named");
    }

    @Test
    void keysConcernedAreTheFlaggedOpeningsAndEveryClosing() {
        AlertEngine engine = new AlertEngine(rules(List.of()));
        DeltaEngine deltas = new DeltaEngine();
        SubnetState state = deltas.apply(SubnetState.empty(new SubnetKey("s", 1), Cidr.parse(NET)),
                Observation.of(ports(up("10.0.0.5").open("tcp", 80).open("tcp", 443)))).after();
        DeltaResult result = deltas.apply(state, Observation.of(ports(up("10.0.0.5").open("tcp", 23).open("tcp", 8080)
                .port("tcp", 80, "closed", null).open("tcp", 443))));
        assertEquals(List.of("port|10.0.0.5|tcp/80", "port|10.0.0.5|tcp/23"),
                engine.keysConcerned(result).stream().map(AlertKey::thing).sorted(java.util.Comparator.reverseOrder()).toList());
    }
}
