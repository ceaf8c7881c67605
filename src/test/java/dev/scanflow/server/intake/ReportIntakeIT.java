package dev.scanflow.server.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.ServerUnderTest.Reply;
import dev.scanflow.testing.TestPhpipam;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The server's report intake over real HTTP, on the real route files, writing a real MariaDB with the
 * phpIPAM schema as a user holding only the documented grants.
 */
class ReportIntakeIT {

    private static final String CODE = "Agent-one-code-0123456789abcdefX";
    private static final String OTHER_CODE = "Agent-two-code-0123456789abcdefY";
    private static final String UNKNOWN_CODE = "Agent-ghost-code-123456789abcdeZ";
    private static final String TOKEN = "token-of-agent-one";
    private static final String OTHER_TOKEN = "token-of-agent-two";
    private static final String GHOST_TOKEN = "token-of-a-code-phpipam-does-not-know";
    private static final Cidr SUBNET = Cidr.parse("127.0.10.0/29");
    private static final Instant START = Instant.parse("2026-11-20T09:15:30Z");
    private static final int MAX_BODY = 64 * 1024;

    private final ObjectMapper json = ReportJson.mapper();
    private TestPhpipam phpipam;
    private ServerUnderTest server;
    private long agentId;
    private long subnetId;
    private long knownId;

    @BeforeEach
    void start() {
        phpipam = TestPhpipam.create();
        agentId = phpipam.insertAgent("site-a", CODE);
        phpipam.insertAgent("site-b", OTHER_CODE);
        subnetId = phpipam.insertSubnet(SUBNET, agentId, true, true);
        knownId = phpipam.insert("INSERT INTO ipaddresses (subnetId, ip_addr, description, hostname, state) VALUES (?, ?, ?, ?, 3)",
                subnetId, IpAddress.parse("127.0.10.2").decimal(), "printer by hand", "printer");
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.max-body-bytes", Integer.toString(MAX_BODY));
        extra.setProperty("scanflow.phpipam.time-zone", "Europe/Berlin");
        server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN, OTHER_CODE, OTHER_TOKEN, UNKNOWN_CODE, GHOST_TOKEN), extra);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        phpipam.close();
    }

    private ScanReport report(UUID id, String code, Cidr subnet, List<ScannedHost> hosts) {
        return new ScanReport(1, id, code, subnet.toString(), START, START.plusSeconds(3),
                List.of("nmap", "-sn", "-n", "-oX", "-", subnet.toString()), hosts);
    }

    private static ScannedHost up(String address, String mac) {
        return new ScannedHost(address, "up", mac, mac == null ? null : "Lab", List.of());
    }

    private byte[] bytes(Object value) throws Exception {
        return json.writeValueAsBytes(value);
    }

    private Reply post(byte[] body, String token) {
        return server.post("/api/v1/reports", body, token == null ? null : "Bearer " + token);
    }

    private void assertRefused(int status, Reply reply, String messagePart, Map<String, ?> before) throws Exception {
        assertEquals(status, reply.status(), reply.body());
        if (messagePart != null) {
            JsonNode body = json.readTree(reply.body());
            assertEquals(status, body.get("status").asInt());
            assertTrue(body.get("message").asText().contains(messagePart), reply.body());
        }
        assertEquals(before, phpipam.snapshot(), "a refused report must not change any row");
    }

    private byte[] validReport() throws Exception {
        return bytes(report(UUID.randomUUID(), CODE, SUBNET, List.of(up("127.0.10.3", null))));
    }

    @Test
    void refusesAReportWithoutTokenWith401AndWritesNothing() throws Exception {
        var before = phpipam.snapshot();
        assertRefused(401, post(validReport(), null), "Authorization", before);
    }

    @Test
    void refusesAnUnknownTokenWith401AndWritesNothing() throws Exception {
        var before = phpipam.snapshot();
        assertRefused(401, post(validReport(), "not-a-token"), "invalid agent token", before);
        assertRefused(401, server.post("/api/v1/reports", validReport(), "Basic " + TOKEN), "Bearer", before);
    }

    @Test
    void refusesAReportNamingAnotherAgentThanTheTokensWith403() throws Exception {
        var before = phpipam.snapshot();
        assertRefused(403, post(validReport(), OTHER_TOKEN), "not issued to the agent", before);
    }

    @Test
    void refusesAnAgentCodeUnknownToPhpipamWith403() throws Exception {
        var before = phpipam.snapshot();
        byte[] body = bytes(report(UUID.randomUUID(), UNKNOWN_CODE, SUBNET, List.of(up("127.0.10.3", null))));
        assertRefused(403, post(body, GHOST_TOKEN), "unknown in phpIPAM", before);
    }

    @Test
    void refusesASubnetThatIsNotAssignedToTheAgentWith403() throws Exception {
        Cidr foreign = Cidr.parse("127.0.20.0/29");
        long otherAgent = phpipam.insertAgent("site-c", "Agent-three-code-123456789abcdeW");
        phpipam.insertSubnet(foreign, otherAgent, true, true);
        var before = phpipam.snapshot();
        byte[] body = bytes(report(UUID.randomUUID(), CODE, foreign, List.of(up("127.0.20.3", null))));
        assertRefused(403, post(body, TOKEN), "not assigned", before);
        byte[] nowhere = bytes(report(UUID.randomUUID(), CODE, Cidr.parse("127.0.30.0/29"), List.of()));
        assertRefused(403, post(nowhere, TOKEN), "not assigned", before);
    }

    @Test
    void refusesASubnetWithChildrenWith403() throws Exception {
        Cidr parent = Cidr.parse("127.0.40.0/24");
        long parentId = phpipam.insertSubnet(parent, agentId, true, true);
        phpipam.execute("INSERT INTO subnets (subnet, mask, sectionId, masterSubnetId) VALUES (?, '25', 1, ?)",
                parent.network().decimal(), parentId);
        var before = phpipam.snapshot();
        byte[] body = bytes(report(UUID.randomUUID(), CODE, parent, List.of(up("127.0.40.3", null))));
        assertRefused(403, post(body, TOKEN), "child subnets", before);
    }

    @Test
    void refusesAFolderWith403() throws Exception {
        Cidr folderLike = Cidr.parse("127.0.50.0/29");
        phpipam.execute("INSERT INTO subnets (subnet, mask, sectionId, isFolder, scanAgent) VALUES (?, '29', 1, 1, ?)",
                folderLike.network().decimal(), agentId);
        var before = phpipam.snapshot();
        byte[] body = bytes(report(UUID.randomUUID(), CODE, folderLike, List.of(up("127.0.50.3", null))));
        assertRefused(403, post(body, TOKEN), "folder", before);
    }

    @Test
    void refusesMalformedJsonWith400() throws Exception {
        var before = phpipam.snapshot();
        assertRefused(400, post("{\"formatVersion\": 1, \"hosts\": [".getBytes(), TOKEN), "malformed JSON", before);
    }

    @Test
    void refusesASchemaViolationWith400() throws Exception {
        var before = phpipam.snapshot();
        JsonNode tree = json.readTree(validReport());
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("hosts").get(0)).put("mac", "not-a-mac");
        assertRefused(400, post(bytes(tree), TOKEN), "schema", before);
    }

    @Test
    void refusesABodyOverTheLimitWith413() throws Exception {
        var before = phpipam.snapshot();
        List<ScannedHost> many = new ArrayList<>();
        for (int i = 0; i < 4000; i++) {
            many.add(new ScannedHost("127.0.10.3", "down", null, null, List.of("padding-host-name-" + i)));
        }
        byte[] body = bytes(report(UUID.randomUUID(), CODE, SUBNET, many));
        assertTrue(body.length > MAX_BODY);
        assertRefused(413, post(body, TOKEN), null, before);
    }

    @Test
    void writesExactlyWhatPhpipamsAgentsWriteAndNothingElse() throws Exception {
        var before = phpipam.snapshot();
        byte[] body = bytes(report(UUID.randomUUID(), CODE, SUBNET, List.of(
                up("127.0.10.0", null),                 // network address: never a host
                up("127.0.10.2", "02:5F:00:00:00:02"),  // known row: lastSeen and mac
                up("127.0.10.3", "02:5F:00:00:00:03"),  // new: autodiscovered
                new ScannedHost("127.0.10.4", "up", null, null, List.of("four.lab")),
                new ScannedHost("127.0.10.5", "down", null, null, List.of()),
                up("127.0.10.7", null),                 // broadcast
                up("127.0.99.9", null))));              // outside the subnet
        Reply reply = post(body, TOKEN);
        assertEquals(202, reply.status(), reply.body());
        JsonNode outcome = json.readTree(reply.body());
        assertEquals("applied", outcome.get("status").asText());
        assertEquals(1, outcome.get("updated").asInt());
        assertEquals(2, outcome.get("inserted").asInt());
        assertEquals(4, outcome.get("ignored").asInt());

        var after = phpipam.snapshot();
        // scanStart 09:15:30Z is 10:15:30 in Europe/Berlin, phpIPAM's configured zone
        String seen = "2026-11-20 10:15:30";

        List<Map<String, Object>> addressesBefore = before.get("ipaddresses");
        List<Map<String, Object>> addressesAfter = after.get("ipaddresses");
        assertEquals(addressesBefore.size() + 2, addressesAfter.size());
        for (Map<String, Object> old : addressesBefore) {
            Map<String, Object> now = addressesAfter.stream().filter(r -> r.get("id").equals(old.get("id"))).findFirst().orElseThrow();
            if (old.get("id").equals(Long.toString(knownId))) {
                Map<String, Object> expected = new java.util.LinkedHashMap<>(old);
                expected.put("lastSeen", seen + ".0");
                expected.put("mac", "02:5F:00:00:00:02");
                expected.put("editDate", now.get("editDate"));
                assertNotEquals(null, now.get("editDate"), "ON UPDATE bumps editDate as in phpIPAM");
                assertEquals(expected, now);
            } else {
                assertEquals(old, now, "rows of other subnets are untouched");
            }
        }
        List<Map<String, Object>> inserted = phpipam.rows("SELECT * FROM ipaddresses WHERE subnetId = ? AND id <> ? ORDER BY id",
                subnetId, knownId);
        assertEquals(List.of(IpAddress.parse("127.0.10.3").decimal(), IpAddress.parse("127.0.10.4").decimal()),
                inserted.stream().map(r -> r.get("ip_addr")).toList());
        for (Map<String, Object> row : inserted) {
            assertEquals(Long.toString(subnetId), row.get("subnetId"));
            assertEquals("-- autodiscovered --", row.get("description"));
            assertEquals("This host was autodiscovered on " + seen + " by agent site-a", row.get("note"));
            assertEquals(seen + ".0", row.get("lastSeen"));
            assertEquals("2", row.get("state"));
            assertEquals("false", row.get("is_gateway"));
            assertEquals("false", row.get("excludePing"));
            assertNull(row.get("owner"));
            assertNull(row.get("switch"));
            assertNull(row.get("port"));
            assertNull(row.get("editDate"), "INSERT leaves editDate NULL, as phpIPAM's own insert does");
        }
        assertEquals("02:5F:00:00:00:03", inserted.get(0).get("mac"));
        assertEquals("", inserted.get(0).get("hostname"), "phpipam-agent writes an empty name, not NULL");
        assertEquals("four.lab", inserted.get(1).get("hostname"));

        Map<String, Object> subnet = phpipam.rows("SELECT CAST(lastScan AS CHAR) AS lastScan,"
                + " CAST(lastDiscovery AS CHAR) AS lastDiscovery FROM subnets WHERE id = ?", subnetId).get(0);
        assertEquals(seen, subnet.get("lastScan"));
        assertEquals(seen, subnet.get("lastDiscovery"));
        assertOnlyChanged(before.get("subnets"), after.get("subnets"), Long.toString(subnetId),
                List.of("lastScan", "lastDiscovery", "editDate"));
        assertOnlyChanged(before.get("scanAgents"), after.get("scanAgents"), Long.toString(agentId), List.of("last_access"));
        assertNotEquals(null, phpipam.rows("SELECT last_access FROM scanAgents WHERE id = ?", agentId).get(0).get("last_access"));
        for (String table : before.keySet()) {
            if (!List.of("ipaddresses", "subnets", "scanAgents", "scanflow.ingested_reports").contains(table)) {
                assertEquals(before.get(table), after.get(table), "table " + table + " must not change");
            }
        }
    }

    @Test
    void repliesNeverEchoTheRequestsHeaders() throws Exception {
        for (String token : new String[] {TOKEN, "wrong-token"}) {
            java.net.http.HttpResponse<String> reply = java.net.http.HttpClient.newHttpClient().send(
                    java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + server.port + "/api/v1/reports"))
                            .header("Authorization", "Bearer " + token).header("X-Probe", "echo-me")
                            .header("Content-Type", "application/json")
                            .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(validReport())).build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString());
            assertTrue(reply.statusCode() == 202 || reply.statusCode() == 401, reply.toString());
            assertTrue(reply.headers().firstValue("X-Probe").isEmpty(), "request header echoed: " + reply.headers().map());
            assertTrue(reply.headers().firstValue("Authorization").isEmpty(), "the token echoed: " + reply.headers().map());
        }
    }

    @Test
    void aResentReportIdChangesNothingMore() throws Exception {
        UUID id = UUID.randomUUID();
        byte[] body = bytes(report(id, CODE, SUBNET, List.of(up("127.0.10.3", "02:5F:00:00:00:03"))));
        assertEquals(202, post(body, TOKEN).status());
        var afterFirst = phpipam.snapshot();
        Reply again = post(body, TOKEN);
        assertEquals(200, again.status(), again.body());
        JsonNode outcome = json.readTree(again.body());
        assertEquals("duplicate", outcome.get("status").asText());
        assertEquals(1, outcome.get("inserted").asInt(), "the counts are those of the first time");
        assertEquals(afterFirst, phpipam.snapshot());
    }

    @Test
    void withoutDiscoveryOnlyKnownAddressesAreUpdated() throws Exception {
        phpipam.execute("UPDATE subnets SET discoverSubnet = 0 WHERE id = ?", subnetId);
        byte[] body = bytes(report(UUID.randomUUID(), CODE, SUBNET, List.of(up("127.0.10.2", null), up("127.0.10.3", null))));
        Reply reply = post(body, TOKEN);
        assertEquals(202, reply.status(), reply.body());
        assertEquals(0, json.readTree(reply.body()).get("inserted").asInt());
        assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ?", subnetId).size());
        Map<String, Object> subnet = phpipam.rows("SELECT lastScan, lastDiscovery FROM subnets WHERE id = ?", subnetId).get(0);
        assertNotEquals(null, subnet.get("lastScan"));
        assertNull(subnet.get("lastDiscovery"), "no discovery ran, so lastDiscovery stays as it was");
    }

    private static void assertOnlyChanged(List<Map<String, Object>> before, List<Map<String, Object>> after, String id,
                                          List<String> columns) {
        assertEquals(before.size(), after.size());
        for (int i = 0; i < before.size(); i++) {
            Map<String, Object> old = before.get(i);
            Map<String, Object> now = after.get(i);
            if (!old.get("id").equals(id)) {
                assertEquals(old, now);
                continue;
            }
            for (String column : old.keySet()) {
                if (!columns.contains(column)) {
                    assertEquals(old.get(column), now.get(column), "column " + column + " must not change");
                }
            }
        }
    }
}
