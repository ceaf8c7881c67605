package dev.scanflow.server.history;

import static dev.scanflow.server.delta.Reports.service;
import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.alert.Alert;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertRules;
import dev.scanflow.server.alert.AlertStatus;
import dev.scanflow.server.alert.PortSpec;
import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.testing.TestPhpipam;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The reads the REST API makes, over a history written by real observations on a real MariaDB. */
class HistoryQueriesIT {

    private static final Cidr NET_A = Cidr.parse("10.5.0.0/24");
    private static final Cidr NET_B = Cidr.parse("10.6.0.0/24");
    private static final SubnetKey A = new SubnetKey("site-a", 21);
    private static final SubnetKey B = new SubnetKey("site-b", 22);
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");

    private TestPhpipam phpipam;
    private BasicDataSource dataSource;
    private HistoryQueries queries;
    private ObservationRecorder recorder;
    private dev.scanflow.server.apply.ObservationStore store;
    private final List<RecordedChange> recordedA = new ArrayList<>();
    private UUID lastScanA;

    @BeforeEach
    void start() {
        phpipam = TestPhpipam.create();
        dataSource = new BasicDataSource();
        dataSource.setUrl(phpipam.url());
        dataSource.setUsername(phpipam.serverUser);
        dataSource.setPassword(phpipam.serverPassword);
        ScanflowSchema.migrate(dataSource, phpipam.scanflowSchema);
        HistoryRepository history = new HistoryRepository(dataSource, phpipam.scanflowSchema, Clock.fixed(T0, ZoneOffset.UTC));
        AlertEngine alerts = new AlertEngine(new AlertRules(
                List.of(new AlertRules.CriticalPort(PortSpec.parse("tcp/23"), "telnet", Severity.CRITICAL, "clear text"),
                        new AlertRules.CriticalPort(PortSpec.parse("tcp/22"), "ssh", Severity.LOW, "admin")),
                List.of(), new AlertRules.NewHostRule(false, Severity.LOW, true, List.of()),
                new AlertRules.MacChangeRule(true, Severity.HIGH),
                new AlertRules.ServiceChangeRule(true, Severity.MEDIUM, Set.of(ServiceField.VERSION))));
        recorder = new ObservationRecorder(history, new DeltaEngine(), alerts);
        store = new dev.scanflow.server.apply.ObservationStore(recorder, history, alerts, dev.scanflow.server.store.StepHook.NONE);
        queries = new HistoryQueries(dataSource, phpipam.scanflowSchema);
        // subnet A: 10 hosts with tcp/80 (scan 1), then tcp/22 and a new version on .1 (scan 2), then .9 and .10 leave
        Reports.Builder first = scan("10.5.0.0/24", T0);
        for (int h = 1; h <= 10; h++) {
            first.host(up("10.5.0." + h).mac("02:00:00:00:00:0" + (h % 10)).open("tcp", 80, service("http", "nginx", "1.24")));
        }
        recordedA.addAll(record(A, NET_A, first.build()).changes());
        Reports.Builder second = scan("10.5.0.0/24", T0.plusSeconds(3600));
        for (int h = 1; h <= 10; h++) {
            second.host(up("10.5.0." + h).open("tcp", 80, service("http", "nginx", h == 1 ? "1.26" : "1.24")).open("tcp", 22));
        }
        recordedA.addAll(record(A, NET_A, second.build()).changes());
        for (int round = 0; round < 2; round++) {
            Reports.Builder third = scan("10.5.0.0/24", T0.plusSeconds(7200 + 3600 * round));
            for (int h = 1; h <= 8; h++) {
                third.host(up("10.5.0." + h).open("tcp", 80, service("http", "nginx", h == 1 ? "1.26" : "1.24")).open("tcp", 22)
                        .mac(h == 2 ? "02:00:00:00:00:99" : null));
            }
            Recorded recorded = record(A, NET_A, third.build());
            recordedA.addAll(recorded.changes());
            lastScanA = recorded.delta().observation().scanId();
        }
        // subnet B, another site: telnet on one host
        record(B, NET_B, scan("10.6.0.0/24", T0.plusSeconds(60)).host(up("10.6.0.5").open("tcp", 23)).build());
    }

    private static Reports.Builder scan(String net, Instant start) {
        return v2(net).liveness(net).probe("tcp", "1-1024", net).startingAt(start);
    }

    /** Stores the scan as the apply path does (ObservationStore), in a transaction of its own. */
    private Recorded record(SubnetKey key, Cidr cidr, ScanReport report) {
        try {
            Recorded recorded = dev.scanflow.server.store.Transaction.run(dataSource,
                    connection -> store.store(connection, key, cidr, Observation.of(report)), r -> !r.duplicate());
            store.committed(recorded);
            return recorded;
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    @AfterEach
    void stop() throws Exception {
        dataSource.close();
        phpipam.close();
    }

    @Test
    void changesPageThroughASubnetInOrderWithoutGapsOrRepeats() {
        List<Long> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Page<RecordedChange> page = queries.changes(new ChangeQuery("site-a", 21L, null, null, null, Set.of(), false, cursor, 7));
            page.items().forEach(change -> seen.add(change.id()));
            cursor = page.next();
            pages++;
        } while (cursor != null);
        assertEquals(recordedA.stream().map(RecordedChange::id).toList(), seen);
        assertEquals((recordedA.size() + 6) / 7, pages);
        List<Long> newestFirst = new ArrayList<>();
        cursor = null;
        do {
            Page<RecordedChange> page = queries.changes(new ChangeQuery("site-a", 21L, null, null, null, Set.of(), true, cursor, 9));
            page.items().forEach(change -> newestFirst.add(change.id()));
            cursor = page.next();
        } while (cursor != null);
        List<Long> reversed = new ArrayList<>(seen);
        java.util.Collections.reverse(reversed);
        assertEquals(reversed, newestFirst);
    }

    @Test
    void changesReadBackAsTheTypedChangesThatWereRecorded() {
        Page<RecordedChange> page = queries.changes(new ChangeQuery("site-a", 21L, null, null, null, Set.of(), false, null, 1000));
        assertEquals(recordedA, page.items());
        assertNull(page.next());
        Change.ServiceChanged changed = (Change.ServiceChanged) page.items().stream()
                .filter(c -> c.change().type() == ChangeType.SERVICE_CHANGED).findFirst().orElseThrow().change();
        assertEquals(Set.of(ServiceField.VERSION), changed.fields());
        assertEquals("1.26", changed.after().version());
    }

    @Test
    void changesFilterByTimeRangeTypeAddressAndSite() {
        List<RecordedChange> second = queries.changes(new ChangeQuery(null, 21L, null, T0.plusSeconds(3600), T0.plusSeconds(7200),
                Set.of(), false, null, 100)).items();
        assertEquals(11, second.size(), "the second scan: tcp/22 opened on 10 hosts, one version changed");
        assertTrue(second.stream().allMatch(c -> c.observedAt().equals(T0.plusSeconds(3600))));
        List<RecordedChange> gone = queries.changes(new ChangeQuery("site-a", 21L, null, null, null,
                Set.of(ChangeType.HOST_GONE), false, null, 100)).items();
        assertEquals(List.of("10.5.0.9", "10.5.0.10"), gone.stream().map(c -> c.change().address().toString()).toList());
        List<RecordedChange> ofHost = queries.changes(new ChangeQuery("site-a", 21L, HostAddress.parse("10.5.0.1"), null, null,
                Set.of(), false, null, 100)).items();
        assertEquals(List.of(ChangeType.HOST_NEW, ChangeType.PORT_OPENED, ChangeType.PORT_OPENED, ChangeType.SERVICE_CHANGED),
                ofHost.stream().map(c -> c.change().type()).toList());
        assertEquals(List.of("site-b"), queries.changes(new ChangeQuery("site-b", null, null, null, null, Set.of(), false, null, 100))
                .items().stream().map(RecordedChange::site).distinct().toList());
    }

    @Test
    void malformedPagingIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> queries.changes(new ChangeQuery(null, null, null, null, null, Set.of(), false, "x", 10)));
        assertThrows(IllegalArgumentException.class, () -> new ChangeQuery(null, null, null, null, null, Set.of(), false, null, 0));
        assertThrows(IllegalArgumentException.class, () -> new ChangeQuery(null, null, null, T0, T0, Set.of(), false, null, 10));
        assertThrows(IllegalArgumentException.class, () -> queries.hosts("site-a", 21, null, "zz", 10));
        assertThrows(IllegalArgumentException.class, () -> queries.hosts("site-a", 21, "down", null, 10));
        assertThrows(IllegalArgumentException.class, () -> queries.alerts(new AlertQuery(null, null, Set.of(), null, "1x", 10)));
    }

    @Test
    void subnetsSayHowMuchIsKnown() {
        List<SubnetView> subnets = queries.subnets(null);
        assertEquals(List.of("site-a/21", "site-b/22"), subnets.stream().map(s -> s.site() + "/" + s.subnetId()).toList());
        SubnetView a = subnets.get(0);
        assertEquals(4, a.version());
        assertEquals(8, a.hostsUp());
        assertEquals(2, a.hostsGone());
        assertEquals(16, a.openPorts(), "a gone host has no open ports: 8 hosts up with 2 each");
        assertEquals(10, a.activeAlerts(), "ssh on every host still up, one service change, one MAC change");
        assertEquals(lastScanA, a.lastScanId());
        assertEquals("10.5.0.0/24", a.cidr());
        assertEquals(List.of("site-b"), queries.subnets("site-b").stream().map(SubnetView::site).toList());
        // the counts are kept with the state (V502): they must be what counting the rows gives
        assertEquals(counted(), kept());
    }

    @Test
    void theCountsOfAnExistingHistoryAreFilledInByTheMigrationThatKeepsThem() throws Exception {
        List<List<Object>> before = counted();
        phpipam.execute("UPDATE `" + phpipam.scanflowSchema + "`.tracked_subnets SET hosts_up = 0, hosts_gone = 0, open_ports = 0");
        String migration = new String(getClass().getResourceAsStream("/db/scanflow/V502__subnet_counts.sql").readAllBytes(),
                java.nio.charset.StandardCharsets.UTF_8);
        String fill = migration.substring(migration.indexOf("UPDATE tracked_subnets")).replace(";", "")
                .replaceAll("(tracked_subnets|host_state|port_state) ", "`" + phpipam.scanflowSchema + "`.$1 ");
        phpipam.execute(fill);
        assertEquals(before, kept());
    }

    /** Per tracked subnet: hosts up, hosts gone, open ports, counted from the rows. */
    private List<List<Object>> counted() {
        String schema = "`" + phpipam.scanflowSchema + "`.";
        return phpipam.rows("SELECT s.id,"
                + " (SELECT COUNT(*) FROM " + schema + "host_state h WHERE h.subnet_ref = s.id AND h.status = 'up') AS up,"
                + " (SELECT COUNT(*) FROM " + schema + "host_state h WHERE h.subnet_ref = s.id AND h.status = 'gone') AS gone,"
                + " (SELECT COUNT(*) FROM " + schema + "port_state p WHERE p.subnet_ref = s.id AND p.status = 'open') AS open"
                + " FROM " + schema + "tracked_subnets s ORDER BY s.id").stream()
                .map(row -> List.<Object>of(row.get("id").toString(), row.get("up").toString(), row.get("gone").toString(),
                        row.get("open").toString())).toList();
    }

    /** The same, as kept on tracked_subnets. */
    private List<List<Object>> kept() {
        return phpipam.rows("SELECT id, hosts_up, hosts_gone, open_ports FROM `" + phpipam.scanflowSchema
                + "`.tracked_subnets ORDER BY id").stream()
                .map(row -> List.<Object>of(row.get("id").toString(), row.get("hosts_up").toString(),
                        row.get("hosts_gone").toString(), row.get("open_ports").toString())).toList();
    }

    @Test
    void hostsPageInAddressOrderAndFilterByStatus() {
        Page<HostView> first = queries.hosts("site-a", 21, null, null, 4);
        assertEquals(List.of("10.5.0.1", "10.5.0.2", "10.5.0.3", "10.5.0.4"), first.items().stream().map(h -> h.address().toString()).toList());
        Page<HostView> rest = queries.hosts("site-a", 21, null, first.next(), 100);
        assertEquals(6, rest.items().size());
        assertNull(rest.next());
        assertEquals(List.of("10.5.0.9", "10.5.0.10"), queries.hosts("site-a", 21, "gone", null, 10).items().stream()
                .map(h -> h.address().toString()).toList());
        HostView one = first.items().get(0);
        assertEquals(4, one.timesSeen());
        assertEquals(2, one.openPorts());
        assertEquals(T0, one.firstSeen());
        assertEquals(T0.plusSeconds(10800), one.lastSeen());
    }

    @Test
    void aHostsHistoryHasItsPortsIdentitiesAndServicesOverTime() {
        HostHistory history = queries.host("site-a", 21, HostAddress.parse("10.5.0.1")).orElseThrow();
        assertEquals(List.of("tcp/22 open", "tcp/80 open"), history.ports().stream().map(p -> p.protocol() + "/" + p.port() + " " + p.status()).toList());
        assertEquals("1.26", history.ports().get(1).service().version());
        assertEquals(List.of("1.24 until " + T0.plusSeconds(3600), "1.26 until null"), history.services().stream()
                .map(s -> s.service().version() + " until " + s.until()).toList());
        HostHistory two = queries.host("site-a", 21, HostAddress.parse("10.5.0.2")).orElseThrow();
        assertEquals(List.of("02:00:00:00:00:02 " + T0 + " - " + T0.plusSeconds(7200), "02:00:00:00:00:99 " + T0.plusSeconds(7200) + " - null"),
                two.identities().stream().map(i -> i.value() + " " + i.from() + " - " + i.until()).toList());
        assertTrue(queries.host("site-a", 21, HostAddress.parse("10.5.0.200")).isEmpty());
        assertTrue(queries.host("site-b", 21, HostAddress.parse("10.5.0.1")).isEmpty(), "another site's subnet 21 knows nothing");
    }

    @Test
    void aScanAndItsChangesReadBackForExports() {
        AppliedScan scan = queries.scan(lastScanA).orElseThrow();
        assertEquals(4, scan.stateVersion());
        assertEquals("ports", scan.profile());
        assertEquals(1, scan.chunkCount());
        assertEquals(List.of(), scan.missingChunks());
        assertEquals(List.of(lastScanA), scan.reportIds(), "an unchunked report is its own scan");
        assertEquals(6, scan.changeCount(), "two hosts gone, each with its two ports closed as 'host gone'");
        List<String> changes = queries.changesOfScan(lastScanA).stream()
                .map(c -> c.change().type() + " " + c.change().address()).toList();
        assertEquals(List.of("HOST_GONE 10.5.0.9", "HOST_GONE 10.5.0.10"),
                changes.stream().filter(c -> c.startsWith("HOST_GONE")).toList());
        assertEquals(List.of("PORT_CLOSED 10.5.0.9", "PORT_CLOSED 10.5.0.9", "PORT_CLOSED 10.5.0.10", "PORT_CLOSED 10.5.0.10"),
                changes.stream().filter(c -> c.startsWith("PORT_CLOSED")).toList());
        assertTrue(queries.scan(UUID.randomUUID()).isEmpty());
    }

    @Test
    void alertsListNewestFirstWithFiltersAndTheirEvents() {
        Page<Alert> critical = queries.alerts(new AlertQuery(null, null, Set.of(), Severity.HIGH, null, 10));
        assertEquals(List.of("site-b port|10.6.0.5|tcp/23 critical", "site-a mac-change|10.5.0.2 high"), critical.items().stream()
                .map(a -> a.key().subnet().site() + " " + a.key().thing() + " " + a.severity().label()).toList());
        Page<Alert> firstPage = queries.alerts(new AlertQuery("site-a", 21L, Set.of(AlertStatus.OPEN), null, null, 5));
        Page<Alert> secondPage = queries.alerts(new AlertQuery("site-a", 21L, Set.of(AlertStatus.OPEN), null, firstPage.next(), 50));
        assertEquals(5, firstPage.items().size());
        assertEquals(5, secondPage.items().size(), "8 ssh (the gone hosts' resolved), 1 service change, 1 MAC change");
        assertTrue(firstPage.items().get(4).id() > secondPage.items().get(0).id());
        long macAlert = critical.items().get(1).id();
        recorder.acknowledge(macAlert, "ops", "new NIC").orElseThrow();
        assertEquals(AlertStatus.ACKNOWLEDGED, queries.alert(macAlert).orElseThrow().status());
        assertEquals(List.of(AlertEvent.Type.OPENED, AlertEvent.Type.ACKNOWLEDGED), queries.alertEvents(macAlert).stream()
                .map(AlertEventRecord::type).toList());
        assertEquals("new NIC", queries.alertEvents(macAlert).get(1).note());
        assertTrue(queries.alert(999_999).isEmpty());
        assertTrue(recorder.resolve(999_999, "ops", null).isEmpty());
    }
}
