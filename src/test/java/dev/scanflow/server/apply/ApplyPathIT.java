package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.ServerUnderTest.Reply;
import dev.scanflow.testing.TestPhpipam;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The apply path over real HTTP on a real MariaDB: report ids per agent, races, times, chunks across restarts. */
class ApplyPathIT {

    private static final String OTHER = "Agent-two-code-0123456789abcdefY";
    private static final String OTHER_TOKEN = "token-of-agent-two";
    private final ObjectMapper json = ReportJson.mapper();
    private TestPhpipam phpipam;
    private ServerUnderTest server;
    private long agentId;
    private long subnetId;

    @BeforeEach
    void start() {
        phpipam = TestPhpipam.create();
        subnetId = ApplyScenario.seed(phpipam);
        agentId = ((Number) Long.valueOf(phpipam.rows("SELECT id FROM scanAgents WHERE code = ?", ApplyScenario.AGENT)
                .get(0).get("id").toString())).longValue();
        server = start(new Properties());
    }

    private ServerUnderTest start(Properties extra) {
        return ServerUnderTest.start(phpipam, Map.of(ApplyScenario.AGENT, ApplyScenario.TOKEN, OTHER, OTHER_TOKEN), extra);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        phpipam.close();
    }

    private Reply post(ScanReport report, String token) throws Exception {
        return server.post("/api/v1/reports", json.writeValueAsBytes(report), "Bearer " + token);
    }

    private static ScanReport discovery(UUID id, String agent, Cidr subnet, Instant start, String... up) {
        List<ScannedHost> hosts = new ArrayList<>();
        for (String address : up) {
            hosts.add(new ScannedHost(address, "up", null, null, List.of()));
        }
        return new ScanReport(1, id, agent, subnet.toString(), start, start.plusSeconds(2),
                List.of("nmap", "-sn", subnet.toString()), hosts);
    }

    @Test
    void reportIdsAreTheAgentsOwnAnotherAgentsSameIdIsAnotherReport() throws Exception {
        long other = phpipam.insertAgent("site-other", OTHER);
        Cidr otherSubnet = Cidr.parse("127.0.21.0/29");
        phpipam.insertSubnet(otherSubnet, other, true, true);
        UUID id = UUID.randomUUID();
        Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
        assertEquals(202, post(discovery(id, ApplyScenario.AGENT, ApplyScenario.SUBNET, start, "127.0.20.2"), ApplyScenario.TOKEN).status());
        Reply theirs = post(discovery(id, OTHER, otherSubnet, start, "127.0.21.2"), OTHER_TOKEN);
        assertEquals(202, theirs.status(), theirs.body());
        assertEquals("applied", json.readTree(theirs.body()).get("status").asText());
        assertEquals(2, phpipam.rows("SELECT * FROM " + phpipam.scanflowSchema + ".ingested_reports WHERE report_id = ?",
                id.toString()).size());
        assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE ip_addr = ?",
                dev.scanflow.net.IpAddress.parse("127.0.21.2").decimal()).size());
    }

    @Test
    void eightConcurrentCopiesOfOneReportIdAreAppliedOnceAndNeverAnswered503() throws Exception {
        List<Cidr> subnets = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Cidr cidr = Cidr.parse("127.0.3" + i + ".0/29");
            phpipam.insertSubnet(cidr, agentId, true, true);
            subnets.add(cidr);
        }
        for (int round = 0; round < 3; round++) {
            UUID id = UUID.randomUUID();
            Instant start = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(60);
            ExecutorService pool = Executors.newFixedThreadPool(8);
            List<Future<Reply>> replies = new ArrayList<>();
            for (Cidr cidr : subnets) {
                byte[] body = json.writeValueAsBytes(discovery(id, ApplyScenario.AGENT, cidr, start,
                        cidr.toString().replace(".0/29", ".2")));
                replies.add(pool.submit((Callable<Reply>) () -> server.post("/api/v1/reports", body, "Bearer " + ApplyScenario.TOKEN)));
            }
            List<Integer> statuses = new ArrayList<>();
            for (Future<Reply> reply : replies) {
                statuses.add(reply.get().status());
            }
            pool.shutdown();
            assertEquals(1, statuses.stream().filter(s -> s == 202).count(), "round " + round + ": " + statuses);
            assertEquals(7, statuses.stream().filter(s -> s == 200).count(), "round " + round + ": " + statuses);
            assertEquals(1, phpipam.rows("SELECT * FROM " + phpipam.scanflowSchema + ".ingested_reports WHERE report_id = ?",
                    id.toString()).size());
        }
    }

    @Test
    void aLateOlderReportNeverMovesTimesBackwards() throws Exception {
        Instant newer = Instant.parse("2026-11-25T10:00:00Z");
        Instant older = newer.minus(Duration.ofHours(2));
        assertEquals(202, post(discovery(UUID.randomUUID(), ApplyScenario.AGENT, ApplyScenario.SUBNET, newer,
                "127.0.20.2"), ApplyScenario.TOKEN).status());
        Map<String, Object> address = addressRow("127.0.20.2");
        Map<String, Object> subnet = subnetTimes();
        List<Map<String, Object>> state = hostState();
        Reply late = post(discovery(UUID.randomUUID(), ApplyScenario.AGENT, ApplyScenario.SUBNET, older, "127.0.20.2"),
                ApplyScenario.TOKEN);
        assertEquals(202, late.status(), late.body());
        assertEquals("2026-11-25 10:00:00", subnet.get("lastScan"));
        assertEquals(address.get("lastSeen"), addressRow("127.0.20.2").get("lastSeen"));
        assertEquals(subnet, subnetTimes());
        assertEquals(state.get(0).get("last_seen"), hostState().get(0).get("last_seen"));
        assertEquals("2026-11-25 10:00:00.000", hostState().get(0).get("last_seen"));
        assertEquals("2026-11-25 10:00:00.000", phpipam.rows("SELECT CAST(last_scan_start AS CHAR) AS s FROM "
                + phpipam.scanflowSchema + ".tracked_subnets").get(0).get("s"));
    }

    private Map<String, Object> addressRow(String ip) {
        return phpipam.rows("SELECT CAST(lastSeen AS CHAR) AS lastSeen FROM ipaddresses WHERE ip_addr = ?",
                dev.scanflow.net.IpAddress.parse(ip).decimal()).get(0);
    }

    private Map<String, Object> subnetTimes() {
        return phpipam.rows("SELECT CAST(lastScan AS CHAR) AS lastScan, CAST(lastDiscovery AS CHAR) AS lastDiscovery"
                + " FROM subnets WHERE id = ?", subnetId).get(0);
    }

    private List<Map<String, Object>> hostState() {
        return phpipam.rows("SELECT CAST(last_seen AS CHAR) AS last_seen FROM " + phpipam.scanflowSchema + ".hosts_seen");
    }

    @Test
    void aScanStartTooFarAheadOrOutOfTheDatabasesRangeIs400NamingTheFieldAndWritesNothing() throws Exception {
        var before = phpipam.snapshot();
        Instant ahead = Instant.now().plus(Duration.ofHours(1));
        for (Instant start : List.of(ahead, Instant.parse("2040-01-01T00:00:00Z"), Instant.parse("1969-12-31T23:00:00Z"))) {
            Reply reply = post(discovery(UUID.randomUUID(), ApplyScenario.AGENT, ApplyScenario.SUBNET, start, "127.0.20.2"),
                    ApplyScenario.TOKEN);
            assertEquals(400, reply.status(), reply.body());
            JsonNode body = json.readTree(reply.body());
            assertTrue(body.get("message").asText().startsWith("scanStart "), reply.body());
        }
        assertEquals(before, phpipam.snapshot());
    }

    @Test
    void chunksWaitInTheDatabaseAcrossARestart() throws Exception {
        byte[] first = ApplyScenario.REPORTS.get(0);
        byte[] second = ApplyScenario.REPORTS.get(1);
        assertEquals(202, server.post("/api/v1/reports", first, "Bearer " + ApplyScenario.TOKEN).status());
        String s = phpipam.scanflowSchema;
        assertEquals(1, phpipam.rows("SELECT * FROM " + s + ".pending_chunks").size());
        assertEquals(0, phpipam.rows("SELECT * FROM " + s + ".applied_scans").size());
        server.close();
        server = start(new Properties());
        assertEquals(202, server.post("/api/v1/reports", second, "Bearer " + ApplyScenario.TOKEN).status());
        List<Map<String, Object>> scans = phpipam.rows("SELECT chunk_count, missing_chunks, hosts_reported FROM "
                + s + ".applied_scans");
        assertEquals(List.of(Map.of("chunk_count", "2", "hosts_reported", "2")),
                scans.stream().map(row -> { var copy = new java.util.HashMap<>(row); copy.remove("missing_chunks");
                    return copy; }).toList());
        assertEquals(null, scans.get(0).get("missing_chunks"));
        assertEquals(0, phpipam.rows("SELECT * FROM " + s + ".pending_chunks").size());
    }

    @Test
    void aChunkResentUnderAnotherReportIdKeepsItsFirstCopyAlsoAfterARestart() throws Exception {
        byte[] first = ApplyScenario.REPORTS.get(0);
        String firstId = json.readValue(first, ScanReport.class).reportId().toString();
        // the same chunk index of the same scan, under another report id, with another host in it
        byte[] copy = new String(first, StandardCharsets.UTF_8).replace(firstId, UUID.randomUUID().toString())
                .replace("127.0.20.2", "127.0.20.3").getBytes(StandardCharsets.UTF_8);
        assertEquals(202, server.post("/api/v1/reports", first, "Bearer " + ApplyScenario.TOKEN).status());
        server.close();
        server = start(new Properties());
        assertEquals(202, server.post("/api/v1/reports", copy, "Bearer " + ApplyScenario.TOKEN).status());
        String s = phpipam.scanflowSchema;
        assertEquals(List.of(Map.of("chunk_index", "0", "report_id", firstId)),
                phpipam.rows("SELECT chunk_index, report_id FROM " + s + ".pending_chunks"));
        assertEquals(202, server.post("/api/v1/reports", ApplyScenario.REPORTS.get(1), "Bearer " + ApplyScenario.TOKEN)
                .status());
        // the scan's deltas are those of the kept copy, not of the one this server saw last
        assertEquals(List.of(Map.of("ip", "127.0.20.2"), Map.of("ip", "127.0.20.9")),
                phpipam.rows("SELECT ip FROM " + s + ".host_state ORDER BY ip"));
        assertEquals(0, phpipam.rows("SELECT * FROM " + s + ".pending_chunks").size());
    }

    @Test
    void aScanWhoseChunksNeverAllComeIsAppliedWithWhatCameAfterTheTimeoutAlsoAfterARestart() throws Exception {
        assertEquals(202, server.post("/api/v1/reports", ApplyScenario.REPORTS.get(0), "Bearer " + ApplyScenario.TOKEN).status());
        server.close();
        Properties quick = new Properties();
        quick.setProperty("scanflow.deltas.chunk-timeout", "2s");
        server = start(quick);
        String s = phpipam.scanflowSchema;
        phpipam.awaitRows("SELECT * FROM " + s + ".applied_scans", 1, Duration.ofSeconds(30));
        Map<String, Object> scan = phpipam.rows("SELECT chunk_count, missing_chunks FROM " + s + ".applied_scans").get(0);
        assertEquals("2", scan.get("chunk_count"));
        assertEquals("1", scan.get("missing_chunks"));
        assertEquals(0, phpipam.rows("SELECT * FROM " + s + ".pending_chunks").size());
        assertEquals(List.of(Map.of("ip", "127.0.20.2", "status", "up")), phpipam.rows("SELECT ip, status FROM " + s + ".host_state"));
    }

    @Test
    void aKeptChunkThatCannotBeReadBackIsLeftOutOfItsScanWhichIsStillApplied() throws Exception {
        assertEquals(202, server.post("/api/v1/reports", ApplyScenario.REPORTS.get(0), "Bearer " + ApplyScenario.TOKEN).status());
        server.close();
        String s = phpipam.scanflowSchema;
        // damaged on disk, or kept by a server of another version: a restarted server has only the row
        phpipam.execute("UPDATE " + s + ".pending_chunks SET report = X'5346430102030405'");
        server = start(new Properties());
        Reply last = server.post("/api/v1/reports", ApplyScenario.REPORTS.get(1), "Bearer " + ApplyScenario.TOKEN);
        assertEquals(202, last.status(), last.body());
        assertEquals(List.of(Map.of("chunk_count", "2", "missing_chunks", "0")),
                phpipam.rows("SELECT chunk_count, missing_chunks FROM " + s + ".applied_scans"));
        // the unreadable chunk's host is unknown to the deltas, not gone
        assertEquals(List.of(Map.of("ip", "127.0.20.9", "status", "up")), phpipam.rows("SELECT ip, status FROM " + s + ".host_state"));
        assertEquals(0, phpipam.rows("SELECT * FROM " + s + ".pending_chunks").size());
    }

    @Test
    void overdueScansThatCanNeverBeAppliedAreDroppedWithoutHoldingUpTheOnesAfterThem() throws Exception {
        Cidr subnet = ApplyScenario.SUBNET;
        UUID contradicting = UUID.randomUUID();
        ScanReport ofTwo = Reports.v2(subnet.toString()).chunk(contradicting, 0, 2).liveness("127.0.20.0/29")
                .host(Reports.up("127.0.20.3")).build();
        ScanReport ofThree = Reports.v2(subnet.toString()).chunk(contradicting, 1, 3).startingAt(ofTwo.scanStart())
                .liveness("127.0.20.8/29").host(Reports.up("127.0.20.10")).build();
        UUID good = UUID.randomUUID();
        ScanReport half = Reports.v2(subnet.toString()).chunk(good, 0, 2).liveness("127.0.20.0/29")
                .host(Reports.up("127.0.20.4")).build();
        assertEquals(202, post(ofTwo, ApplyScenario.TOKEN).status());
        assertEquals(202, post(ofThree, ApplyScenario.TOKEN).status());
        byte[] unreadable = ApplyScenario.REPORTS.get(0);
        assertEquals(202, server.post("/api/v1/reports", unreadable, "Bearer " + ApplyScenario.TOKEN).status());
        assertEquals(202, post(half, ApplyScenario.TOKEN).status());
        server.close();
        String s = phpipam.scanflowSchema;
        String unreadableScan = json.readValue(unreadable, ScanReport.class).chunk().scanId().toString();
        phpipam.execute("UPDATE " + s + ".pending_chunks SET report = X'00' WHERE scan_id = ?", unreadableScan);
        // oldest first, as the server goes through them: the two that cannot be applied come before the good one
        phpipam.execute("UPDATE " + s + ".pending_chunks SET received_at = UTC_TIMESTAMP() - INTERVAL 3 HOUR WHERE scan_id = ?",
                contradicting.toString());
        phpipam.execute("UPDATE " + s + ".pending_chunks SET received_at = UTC_TIMESTAMP() - INTERVAL 2 HOUR WHERE scan_id = ?",
                unreadableScan);
        phpipam.execute("UPDATE " + s + ".pending_chunks SET received_at = UTC_TIMESTAMP() - INTERVAL 1 HOUR WHERE scan_id = ?",
                good.toString());
        Properties quick = new Properties();
        quick.setProperty("scanflow.deltas.chunk-timeout", "2s");
        server = start(quick);
        phpipam.awaitRows("SELECT * FROM " + s + ".applied_scans", 1, Duration.ofSeconds(30));
        assertEquals(List.of(Map.of("scan_id", good.toString(), "chunk_count", "2", "missing_chunks", "1")),
                phpipam.rows("SELECT scan_id, chunk_count, missing_chunks FROM " + s + ".applied_scans"));
        assertEquals(List.of(Map.of("ip", "127.0.20.4", "status", "up")), phpipam.rows("SELECT ip, status FROM " + s + ".host_state"));
        assertEquals(0, phpipam.rows("SELECT * FROM " + s + ".pending_chunks").size());
    }
}
