package dev.scanflow.server.history;

import static dev.scanflow.server.delta.Reports.service;
import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v1;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertRules;
import dev.scanflow.server.alert.AlertStatus;
import dev.scanflow.server.alert.AlertTransitionRefused;
import dev.scanflow.server.alert.PortSpec;
import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.HostRecord;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.delta.SubnetState;
import dev.scanflow.server.apply.ObservationStore;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.server.store.StepHook;
import dev.scanflow.server.store.Transaction;
import dev.scanflow.testing.TestPhpipam;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The history on a real MariaDB, migrated by Flyway and written as the server's least-privilege user:
 * the rows each observation leaves, what load() gives back, and transactions that keep all or nothing.
 */
class HistoryRepositoryIT {

    private static final String NET = "10.9.0.0/24";
    private static final Cidr CIDR = Cidr.parse(NET);
    private static final SubnetKey SUBNET = new SubnetKey("site-a", 11);
    private static final Instant NOW = Instant.parse("2026-11-22T10:00:00Z");
    private static final List<String> TABLES = List.of("tracked_subnets", "applied_scans", "applied_scan_reports",
            "host_state", "host_identity_history", "port_state", "port_service_history", "change_log", "alerts",
            "alert_events");

    private TestPhpipam phpipam;
    private BasicDataSource dataSource;
    private HistoryRepository history;
    private ObservationStore store;
    private final DeltaEngine deltas = new DeltaEngine();
    private final AlertEngine alerts = new AlertEngine(new AlertRules(
            List.of(new AlertRules.CriticalPort(PortSpec.parse("tcp/23"), "telnet", Severity.CRITICAL, "clear text")),
            List.of(), new AlertRules.NewHostRule(true, Severity.LOW, true, List.of()),
            new AlertRules.MacChangeRule(true, Severity.HIGH),
            new AlertRules.ServiceChangeRule(true, Severity.MEDIUM, Set.of(dev.scanflow.server.delta.ServiceField.VERSION))));
    private SubnetState state;

    @BeforeEach
    void start() {
        phpipam = TestPhpipam.create();
        dataSource = new BasicDataSource();
        dataSource.setUrl(phpipam.url());
        dataSource.setUsername(phpipam.serverUser);
        dataSource.setPassword(phpipam.serverPassword);
        ScanflowSchema.migrate(dataSource, phpipam.scanflowSchema);
        history = new HistoryRepository(dataSource, phpipam.scanflowSchema, Clock.fixed(NOW, ZoneOffset.UTC));
        store = new ObservationStore(new ObservationRecorder(history, deltas, alerts), history, alerts, StepHook.NONE);
        state = SubnetState.empty(SUBNET, CIDR);
    }

    @AfterEach
    void stop() throws Exception {
        dataSource.close();
        phpipam.close();
    }

    /** Stores a delta as the apply path does (ObservationStore), in a transaction of its own. */
    private Recorded stored(DeltaResult result) throws Exception {
        return Transaction.run(dataSource, connection -> store.store(connection, result), r -> !r.duplicate());
    }

    private Recorded apply(ScanReport report) throws Exception {
        DeltaResult result = deltas.apply(state, Observation.of(report));
        Recorded recorded = stored(result);
        if (!recorded.duplicate()) {
            state = result.after();
        }
        return recorded;
    }

    private List<Map<String, Object>> rows(String sql, Object... values) {
        return phpipam.rows(sql.replace("{s}", "`" + phpipam.scanflowSchema + "`"), values);
    }

    private Map<String, List<Map<String, Object>>> snapshot() {
        Map<String, List<Map<String, Object>>> all = new LinkedHashMap<>();
        TABLES.forEach(table -> all.put(table, rows("SELECT * FROM {s}." + table + " ORDER BY 1")));
        return all;
    }

    private static ScanReport portScan(Instant start, Reports.HostBuilder... hosts) {
        Reports.Builder report = v2(NET).liveness(NET).probe("tcp", "1-1024", NET).startingAt(start);
        for (Reports.HostBuilder host : hosts) {
            report.host(host);
        }
        return report.build();
    }

    private static void assertSameState(SubnetState expected, SubnetState actual) {
        assertEquals(expected.version(), actual.version());
        assertEquals(expected.lastScanId(), actual.lastScanId());
        assertEquals(expected.hostCount(), actual.hostCount());
        for (int i = 0; i < expected.hostCount(); i++) {
            HostRecord want = expected.hosts().get(i);
            HostRecord got = actual.hosts().get(i);
            assertTrue(want.sameAs(got), "host " + i + ": expected " + want + " but loaded " + got);
        }
    }

    @Test
    void whatIsStoredLoadsBackAsTheSameState() throws Exception {
        Service ssh = service("ssh", "OpenSSH", "9.2p1");
        apply(portScan(NOW, up("10.9.0.1").mac("00:11:22:33:44:55").name("gw.lab").open("tcp", 22, ssh).open("tcp", 80),
                up("10.9.0.7").open("tcp", 443, new Service("http", "nginx", "1.26", null, "ssl", List.of("cpe:/a:nginx:nginx:1.26")))));
        apply(portScan(NOW.plusSeconds(60), up("10.9.0.1").mac("00:11:22:33:44:55").open("tcp", 22, ssh)));
        assertEquals(2, state.version());
        assertSameState(state, history.load(SUBNET, CIDR));
        assertEquals(0, history.load(new SubnetKey("site-b", 11), CIDR).version(), "another site's subnet is untouched");
    }

    @Test
    void aHostsLifeIsInItsStateIdentityPeriodsAndTheChangeLog() throws Exception {
        Instant t0 = NOW;
        apply(portScan(t0, up("10.9.0.5").mac("00:00:00:00:00:01").name("old.lab")));
        apply(portScan(t0.plusSeconds(60), up("10.9.0.5").mac("00:00:00:00:00:01").name("old.lab")));
        apply(portScan(t0.plusSeconds(120)));
        apply(portScan(t0.plusSeconds(180)));
        Recorded returned = apply(portScan(t0.plusSeconds(240), up("10.9.0.5").mac("00:00:00:00:00:02").name("new.lab")));
        assertEquals(List.of(ChangeType.HOST_RETURNED, ChangeType.MAC_CHANGED, ChangeType.HOSTNAME_CHANGED),
                returned.changes().stream().map(c -> c.change().type()).toList());

        Map<String, Object> host = rows("SELECT ip, status, misses, mac, mac_vendor, hostname, first_seen, last_seen, times_seen,"
                + " status_since FROM {s}.hosts_seen").get(0);
        assertEquals("10.9.0.5", host.get("ip"));
        assertEquals("up", host.get("status"));
        assertEquals("0", host.get("misses"));
        assertEquals("00:00:00:00:00:02", host.get("mac"));
        assertEquals("Lab Vendor", host.get("mac_vendor"));
        assertEquals("new.lab", host.get("hostname"));
        assertEquals("2026-11-22 10:00:00.0", host.get("first_seen"));
        assertEquals("2026-11-22 10:04:00.0", host.get("last_seen"));
        assertEquals("3", host.get("times_seen"));
        assertEquals("2026-11-22 10:04:00.0", host.get("status_since"), "up again since it returned");

        assertEquals(List.of(
                        Map.of("kind", "mac", "value", "00:00:00:00:00:01", "valid_from", "2026-11-22 10:00:00.0", "valid_until", "2026-11-22 10:04:00.000000"),
                        Map.of("kind", "mac", "value", "00:00:00:00:00:02", "valid_from", "2026-11-22 10:04:00.0", "valid_until", "open"),
                        Map.of("kind", "hostname", "value", "old.lab", "valid_from", "2026-11-22 10:00:00.0", "valid_until", "2026-11-22 10:04:00.000000"),
                        Map.of("kind", "hostname", "value", "new.lab", "valid_from", "2026-11-22 10:04:00.0", "valid_until", "open")),
                rows("SELECT kind, value, valid_from, IFNULL(DATE_FORMAT(valid_until, '%Y-%m-%d %H:%i:%s.%f'), 'open') AS valid_until"
                        + " FROM {s}.host_identity_history ORDER BY kind, id"));
        assertEquals(List.of("HOST_NEW 10:00", "HOST_GONE 10:03", "HOST_RETURNED 10:04", "MAC_CHANGED 10:04", "HOSTNAME_CHANGED 10:04"),
                rows("SELECT change_type, DATE_FORMAT(observed_at, '%H:%i') AS at FROM {s}.change_log ORDER BY id")
                        .stream().map(row -> row.get("change_type") + " " + row.get("at")).toList());
        Map<String, Object> macChange = rows("SELECT ip, protocol, JSON_VALUE(detail, '$.before') AS before_mac,"
                + " JSON_VALUE(detail, '$.after') AS after_mac, JSON_VALUE(detail, '$.type') AS type FROM {s}.change_log"
                + " WHERE change_type = 'MAC_CHANGED'").get(0);
        assertEquals("00:00:00:00:00:01", macChange.get("before_mac"));
        assertEquals("00:00:00:00:00:02", macChange.get("after_mac"));
        assertEquals("MAC_CHANGED", macChange.get("type"));
        assertNull(macChange.get("protocol"));
        assertEquals("5", rows("SELECT version FROM {s}.tracked_subnets").get(0).get("version"));
        assertEquals("5", rows("SELECT COUNT(*) AS n FROM {s}.applied_scans").get(0).get("n"));
    }

    @Test
    void aMissedHostKeepsItsVendorAndTheLastScanThatSawIt() throws Exception {
        apply(portScan(NOW, up("10.9.0.5").mac("00:00:00:00:00:01")));
        apply(portScan(NOW.plusSeconds(60), up("10.9.0.5").mac("00:00:00:00:00:01")));
        // missed once (confirm-misses 2): still up; the row is written without a sighting, so the run of the two
        // scans that saw it ends in it (last_seen, times_seen) and the vendor seen before stays
        apply(portScan(NOW.plusSeconds(120)));
        assertEquals(List.of(Map.of("status", "up", "misses", "1", "mac", "00:00:00:00:00:01", "mac_vendor", "Lab Vendor",
                        "first_seen", "2026-11-22 10:00:00.0", "last_seen", "2026-11-22 10:01:00.0", "times_seen", "2",
                        "status_since", "2026-11-22 10:00:00.0", "in_run", "0")),
                rows("SELECT status, misses, mac, mac_vendor, first_seen, last_seen, times_seen, status_since,"
                        + " seen_since IS NOT NULL AS in_run FROM {s}.host_state"));
    }

    @Test
    void aPortsLifeIsInItsStateServicePeriodsAndTheChangeLog() throws Exception {
        Instant t0 = NOW;
        apply(portScan(t0, up("10.9.0.5").open("tcp", 80, service("http", "nginx", "1.24"))));
        apply(portScan(t0.plusSeconds(60), up("10.9.0.5").open("tcp", 80, service("http", "nginx", "1.26"))));
        apply(portScan(t0.plusSeconds(120), up("10.9.0.5").open("tcp", 80)));
        apply(portScan(t0.plusSeconds(180), up("10.9.0.5").port("tcp", 80, "closed", null)));
        Map<String, Object> port = rows("SELECT status, misses, service_version, first_seen, last_seen, times_seen, status_since"
                + " FROM {s}.port_state").get(0);
        // the third scan saw the port open with nothing new (no service named: the known one stays), so the row
        // was not written: a port's last_seen and times_seen count the scans that changed it
        assertEquals(Map.of("status", "closed", "misses", "0", "service_version", "1.26", "first_seen", "2026-11-22 10:00:00.0",
                "last_seen", "2026-11-22 10:01:00.0", "times_seen", "2", "status_since", "2026-11-22 10:03:00.0"), port);
        assertEquals(List.of("1.24 10:00-10:01", "1.26 10:01-10:03"),
                rows("SELECT version, DATE_FORMAT(valid_from, '%H:%i') AS f, DATE_FORMAT(valid_until, '%H:%i') AS u"
                        + " FROM {s}.port_service_history ORDER BY id").stream()
                        .map(row -> row.get("version") + " " + row.get("f") + "-" + row.get("u")).toList());
        assertEquals(List.of("HOST_NEW", "PORT_OPENED tcp/80", "SERVICE_CHANGED tcp/80", "PORT_CLOSED tcp/80"),
                rows("SELECT change_type, protocol, port FROM {s}.change_log ORDER BY id").stream()
                        .map(row -> row.get("change_type") + (row.get("port") == null ? "" : " " + row.get("protocol") + "/" + row.get("port")))
                        .toList());
        apply(portScan(t0.plusSeconds(240), up("10.9.0.5").open("tcp", 80, service("http", "nginx", "1.26"))));
        assertEquals(List.of(Map.of("status", "open", "times_seen", "3", "first_seen", "2026-11-22 10:00:00.0")),
                rows("SELECT status, times_seen, first_seen FROM {s}.port_state"), "reopened in place, first seen kept");
        assertEquals("1", rows("SELECT COUNT(*) AS n FROM {s}.port_service_history WHERE valid_until IS NULL").get(0).get("n"));
    }

    @Test
    void recordedChangesCarryIncreasingIdsAndTheirScan() throws Exception {
        Recorded first = apply(portScan(NOW, up("10.9.0.1").open("tcp", 22), up("10.9.0.2")));
        assertEquals(3, first.changes().size());
        assertTrue(first.changes().get(0).id() < first.changes().get(1).id() && first.changes().get(1).id() < first.changes().get(2).id());
        RecordedChange change = first.changes().get(1);
        assertEquals(first.delta().observation().scanId(), change.scanId());
        assertEquals(NOW, change.observedAt());
        assertEquals("site-a", change.site());
        assertEquals(11, change.subnetId());
        assertEquals(List.of(String.valueOf(change.id())),
                rows("SELECT id FROM {s}.change_log WHERE change_type = 'PORT_OPENED'").stream().map(r -> r.get("id")).toList());
    }

    @Test
    void aScanAppliedBeforeIsADuplicateAndWritesNothing() throws Exception {
        ScanReport report = portScan(NOW, up("10.9.0.1").open("tcp", 23));
        apply(report);
        var before = snapshot();
        SubnetState kept = state;
        Recorded again = stored(deltas.apply(state, Observation.of(report)));
        assertTrue(again.duplicate());
        assertEquals(List.of(), again.changes());
        assertEquals(before, snapshot());
        assertSameState(kept, history.load(SUBNET, CIDR));
    }

    @Test
    void aDeltaFromAnOlderStateIsRefusedAndWritesNothing() throws Exception {
        SubnetState empty = state;
        apply(portScan(NOW, up("10.9.0.1")));
        var before = snapshot();
        DeltaResult stale = deltas.apply(empty, Observation.of(portScan(NOW.plusSeconds(60), up("10.9.0.2"))));
        assertThrows(StaleState.class, () -> stored(stale));
        assertEquals(before, snapshot());
    }

    @Test
    void anOutOfOrderScanIsRecordedAsAppliedButChangesNoRow() throws Exception {
        apply(portScan(NOW.plusSeconds(3600), up("10.9.0.1").open("tcp", 22)));
        var before = snapshot();
        ScanReport old = portScan(NOW, up("10.9.0.2").open("tcp", 23));
        Recorded recorded = apply(old);
        assertTrue(recorded.delta().outOfOrder());
        assertEquals(List.of(), recorded.changes());
        assertEquals(List.of(), recorded.alertEvents());
        var after = snapshot();
        for (String unchanged : List.of("host_state", "host_identity_history", "port_state", "port_service_history",
                "change_log", "alerts", "alert_events")) {
            assertEquals(before.get(unchanged), after.get(unchanged), unchanged);
        }
        assertEquals(List.of(Map.of("version", "2", "last_scan_start", "2026-11-22 11:00:00.0")),
                rows("SELECT version, last_scan_start FROM {s}.tracked_subnets"));
        assertTrue(stored(deltas.apply(state, Observation.of(old))).duplicate(), "its scan id is used up");
    }

    @Test
    void aFailureAtTheLastStatementRollsBackTheWholeObservation() throws Exception {
        apply(portScan(NOW, up("10.9.0.1").mac("00:00:00:00:00:01").open("tcp", 80, service("http", "nginx", "1"))));
        var before = snapshot();
        // alert events are the last rows written; make them fail
        phpipam.execute("CREATE TRIGGER `" + phpipam.scanflowSchema + "`.refuse_events BEFORE INSERT ON `"
                + phpipam.scanflowSchema + "`.alert_events FOR EACH ROW SIGNAL SQLSTATE '45000' SET MESSAGE_TEXT = 'refused'");
        DeltaResult result = deltas.apply(state, Observation.of(portScan(NOW.plusSeconds(60),
                up("10.9.0.1").mac("00:00:00:00:00:02").open("tcp", 23).open("tcp", 80, service("http", "nginx", "2")),
                up("10.9.0.2"))));
        assertTrue(result.changes().size() >= 4);
        java.sql.SQLException failure = assertThrows(java.sql.SQLException.class, () -> stored(result));
        assertTrue(failure.getMessage().contains("refused"), failure.getMessage());
        assertEquals(before, snapshot(), "no state, history, change or alert row of the failed observation");
        assertSameState(state, history.load(SUBNET, CIDR));
    }

    @Test
    void alertsLiveThroughTheSameTransactionsAsTheChanges() throws Exception {
        Recorded opened = apply(portScan(NOW, up("10.9.0.5").open("tcp", 23)));
        assertEquals(List.of(AlertEvent.Type.OPENED), opened.alertEvents().stream().map(AlertEvent::type).toList());
        long id = opened.alertEvents().get(0).alert().id();
        assertEquals(List.of(Map.of("id", String.valueOf(id), "alert_key", "port|10.9.0.5|tcp/23", "status", "open",
                "severity", "critical", "times_opened", "1")), rows("SELECT id, alert_key, status, severity, times_opened FROM {s}.alerts"));

        AlertEvent acknowledged = history.acknowledge(id, "ops", "ticket 7", alerts);
        assertEquals(AlertStatus.ACKNOWLEDGED, acknowledged.alert().status());
        assertThrows(AlertTransitionRefused.class, () -> history.acknowledge(id, "ops", null, alerts));
        assertNull(history.acknowledge(id + 1000, "ops", null, alerts), "no such alert");

        Recorded closed = apply(portScan(NOW.plusSeconds(60), up("10.9.0.5").port("tcp", 23, "closed", null)));
        assertEquals(List.of(AlertEvent.Type.AUTO_RESOLVED), closed.alertEvents().stream().map(AlertEvent::type).toList());
        Recorded reopened = apply(portScan(NOW.plusSeconds(120), up("10.9.0.5").open("tcp", 23)));
        assertEquals(List.of(AlertEvent.Type.REOPENED), reopened.alertEvents().stream().map(AlertEvent::type).toList());
        assertEquals(id, reopened.alertEvents().get(0).alert().id());
        AlertEvent resolved = history.resolve(id, "ops", "telnet removed by hand", alerts);
        assertEquals(AlertStatus.RESOLVED, resolved.alert().status());

        assertEquals(List.of(Map.of("status", "resolved", "times_opened", "2", "resolution", "manual", "resolved_by", "ops",
                        "acknowledged_by", "none")),
                rows("SELECT status, times_opened, resolution, resolved_by, COALESCE(acknowledged_by, 'none') AS acknowledged_by FROM {s}.alerts"));
        assertEquals(List.of("opened open", "acknowledged acknowledged ops ticket 7", "auto_resolved resolved tcp/23 seen closed (reported closed)", "reopened open",
                        "resolved resolved ops telnet removed by hand"),
                rows("SELECT event, status, actor, note, scan_id FROM {s}.alert_events ORDER BY id").stream()
                        .map(row -> (row.get("event") + " " + row.get("status") + (row.get("actor") == null ? "" : " " + row.get("actor"))
                                + (row.get("note") == null ? "" : " " + row.get("note"))).strip()).toList());
        assertEquals("3", rows("SELECT COUNT(*) AS n FROM {s}.alert_events WHERE scan_id IS NOT NULL").get(0).get("n"));
    }

    @Test
    void theDatabaseItselfRefusesASecondAlertForTheSameThing() throws Exception {
        apply(portScan(NOW, up("10.9.0.5").open("tcp", 23)));
        String ref = rows("SELECT subnet_ref FROM {s}.alerts").get(0).get("subnet_ref").toString();
        IllegalStateException refused = assertThrows(IllegalStateException.class, () -> phpipam.execute("INSERT INTO `"
                + phpipam.scanflowSchema + "`.alerts (subnet_ref, alert_key, kind, address, ip, rule_name, severity, status,"
                + " message, opened_at, last_event_at, times_opened, occurrences) SELECT ?, alert_key, kind, address, ip,"
                + " rule_name, severity, 'open', message, opened_at, last_event_at, 1, 1 FROM `" + phpipam.scanflowSchema
                + "`.alerts", ref));
        assertTrue(String.valueOf(refused.getCause().getMessage()).contains("Duplicate"), refused.getCause().getMessage());
    }

    @Test
    void aPortClosingOnAnotherSubnetLeavesThisSubnetsAlertOpen() throws Exception {
        apply(portScan(NOW, up("10.9.0.5").open("tcp", 23)));
        SubnetKey other = new SubnetKey("site-b", 12);
        SubnetState otherState = SubnetState.empty(other, CIDR);
        DeltaResult opened = deltas.apply(otherState, Observation.of(portScan(NOW, up("10.9.0.5").open("tcp", 23))));
        stored(opened);
        DeltaResult closed = deltas.apply(opened.after(), Observation.of(portScan(NOW.plusSeconds(60), up("10.9.0.5").port("tcp", 23, "closed", null))));
        assertEquals(AlertEvent.Type.AUTO_RESOLVED, stored(closed).alertEvents().get(0).type());
        assertEquals(List.of("site-a open", "site-b resolved"), rows("SELECT s.site, a.status FROM {s}.alerts a JOIN {s}.tracked_subnets s"
                + " ON s.id = a.subnet_ref ORDER BY s.site").stream().map(row -> row.get("site") + " " + row.get("status")).toList());
    }

    @Test
    void aStoreWhoseStateAnotherServerMovedOnIsRefusedAndComputesAgainFromTheStoredOne() throws Exception {
        ObservationRecorder memoryA = new ObservationRecorder(history, deltas, alerts);
        ObservationStore serverA = new ObservationStore(memoryA, history, alerts, StepHook.NONE);
        ObservationStore serverB = new ObservationStore(new ObservationRecorder(history, deltas, alerts), history, alerts,
                StepHook.NONE);
        store(serverA, Observation.of(v1(NET, Reports.up("10.9.0.1").build())));
        store(serverB, Observation.of(v1(NET, Reports.up("10.9.0.1").build(), Reports.up("10.9.0.2").build())));
        var before = snapshot();
        Observation third = Observation.of(v1(NET, Reports.up("10.9.0.1").build(), Reports.up("10.9.0.2").build(),
                Reports.up("10.9.0.3").build()));
        StaleState stale = assertThrows(StaleState.class, () -> store(serverA, third), "A's memory is behind");
        assertEquals(before, snapshot(), "nothing written");
        serverA.forget(stale.key()); // what ReportApplication does before it tries again
        Recorded recorded = store(serverA, third);
        assertEquals(List.of("10.9.0.3"), recorded.changes().stream().map(c -> c.change().address().toString()).toList(),
                "computed against the state server B left, not the stale one in A's memory");
        assertEquals(3, memoryA.cached(SUBNET).orElseThrow().version());
        assertSameState(memoryA.cached(SUBNET).orElseThrow(), history.load(SUBNET, CIDR));
    }

    private Recorded store(ObservationStore server, Observation observation) throws Exception {
        Recorded recorded = Transaction.run(dataSource, connection -> server.store(connection, SUBNET, CIDR, observation),
                r -> !r.duplicate());
        server.committed(recorded);
        return recorded;
    }

    private static ScanReport bigScan(Instant start, int version) {
        Reports.Builder big = v2("10.8.0.0/16").liveness("10.8.0.0/16").probe("tcp", "1-1024", "10.8.0.0/16").startingAt(start);
        for (int h = 0; h < 3000; h++) {
            Reports.HostBuilder host = up("10.8." + (h / 250) + "." + (h % 250 + 1)).mac(String.format("02:00:00:00:%02x:%02x", h / 256, h % 256));
            for (int p = 1; p <= 10; p++) {
                host.open("tcp", p * 10, service("svc" + p, "product", "1." + (h == 0 && p == 1 ? version : p)));
            }
            big.host(host);
        }
        return big.build();
    }

    @Test
    void largeObservationsGoOutInBatches() throws Exception {
        SubnetKey key = new SubnetKey("site-a", 99);
        Cidr cidr = Cidr.parse("10.8.0.0/16");
        long start = System.nanoTime();
        DeltaResult result = deltas.apply(SubnetState.empty(key, cidr), Observation.of(bigScan(NOW, 1)));
        Recorded recorded = stored(result);
        long stored = System.nanoTime();
        SubnetState loaded = history.load(key, cidr);
        long loadedAt = System.nanoTime();
        DeltaResult again = deltas.apply(loaded, Observation.of(bigScan(NOW.plusSeconds(600), 2)));
        Recorded steady = stored(again);
        long storedAgain = System.nanoTime();
        System.out.printf("3,000 hosts, 30,000 ports: first scan (33,000 changes) stored in %d ms; loaded in %d ms;"
                        + " next scan (all seen again, 1 change) stored in %d ms%n",
                (stored - start) / 1_000_000, (loadedAt - stored) / 1_000_000, (storedAgain - loadedAt) / 1_000_000);
        assertEquals(1, steady.changes().size());
        // an open port seen again with nothing new is not rewritten (the steady state costs what changed); its
        // host's sighting is counted
        assertEquals("1", rows("SELECT MIN(times_seen) AS n FROM {s}.port_state").get(0).get("n"));
        assertEquals("2", rows("SELECT MIN(times_seen) AS n FROM {s}.hosts_seen").get(0).get("n"));
        assertEquals("2", rows("SELECT MAX(times_seen) AS n FROM {s}.hosts_seen").get(0).get("n"));
        assertEquals(33_000, recorded.changes().size());
        assertEquals(33_000, recorded.changes().stream().map(RecordedChange::id).distinct().count());
        assertSameState(result.after(), loaded);
        assertSameState(again.after(), history.load(key, cidr));
        assertEquals("30001", rows("SELECT COUNT(*) AS n FROM {s}.port_service_history").get(0).get("n"), "one version changed");
        assertEquals("1", rows("SELECT COUNT(*) AS n FROM {s}.port_service_history WHERE valid_until IS NOT NULL").get(0).get("n"));
        assertEquals("3000", rows("SELECT COUNT(*) AS n FROM {s}.host_identity_history").get(0).get("n"));
        assertFalse(recorded.duplicate());
        assertNotNull(loaded.lastScanId());
    }
}
