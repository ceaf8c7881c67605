package dev.scanflow.server.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.net.Cidr;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.ServerUnderTest.Reply;
import dev.scanflow.testing.TestPhpipam;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Three reports of one agent on 127.0.20.0/28, as the apply-path tests send them: a scan in two chunks, then
 * a whole rescan in which a port opened, a host is new and one went unseen. Built once, so every run sends
 * the very same report ids and bytes; {@link #state} is everything they leave in phpIPAM and ScanFlow.
 */
final class ApplyScenario {

    static final String AGENT = Reports.AGENT;
    static final String TOKEN = "token-of-the-apply-agent";
    static final Cidr SUBNET = Cidr.parse("127.0.20.0/28");
    static final List<byte[]> REPORTS = build();

    private ApplyScenario() {
    }

    private static List<byte[]> build() {
        UUID scan = UUID.randomUUID();
        ScanReport first = Reports.v2(SUBNET.toString()).profile("services-nmap").chunk(scan, 0, 2)
                .liveness("127.0.20.0/29").probe("tcp", "22-23", "127.0.20.0/29")
                .host(Reports.up("127.0.20.2").mac("02:5F:00:00:20:02").open("tcp", 22)).build();
        ScanReport second = Reports.v2(SUBNET.toString()).profile("services-nmap").chunk(scan, 1, 2)
                .startingAt(first.scanStart())
                .liveness("127.0.20.8/29").probe("tcp", "22-23", "127.0.20.8/29")
                .host(Reports.up("127.0.20.9").mac("02:5F:00:00:20:09")).build();
        ScanReport rescan = Reports.v2(SUBNET.toString()).profile("services-nmap")
                .liveness(SUBNET.toString()).probe("tcp", "22-23", SUBNET.toString())
                .host(Reports.up("127.0.20.2").mac("02:5F:00:00:20:02").open("tcp", 22).open("tcp", 23))
                .host(Reports.up("127.0.20.5").mac("02:5F:00:00:20:05")).build();
        ObjectMapper json = ReportJson.mapper();
        try {
            return List.of(json.writeValueAsBytes(first), json.writeValueAsBytes(second), json.writeValueAsBytes(rescan));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The agent's phpIPAM rows: one agent, one subnet with discovery and status checks. */
    static long seed(TestPhpipam phpipam) {
        long agentId = phpipam.insertAgent("site-apply", AGENT);
        return phpipam.insertSubnet(SUBNET, agentId, true, true);
    }

    /** Sends a report as the agent does: again and again, the same bytes, until the server takes it. */
    static int deliver(ServerUnderTest server, byte[] report) {
        int failures = 0;
        for (int attempt = 0; attempt < 5; attempt++) {
            Reply reply = server.post("/api/v1/reports", report, "Bearer " + TOKEN);
            if (reply.status() == 200 || reply.status() == 202) {
                return failures;
            }
            failures++;
        }
        throw new AssertionError("report never taken");
    }

    /** Everything the reports leave behind, without ids or times of the server's own clock. */
    static Map<String, List<Map<String, Object>>> state(TestPhpipam phpipam, long subnetId) {
        String s = phpipam.scanflowSchema;
        Map<String, List<Map<String, Object>>> state = new LinkedHashMap<>();
        state.put("ipaddresses", phpipam.rows("SELECT ip_addr, description, hostname, mac, note, state,"
                + " CAST(lastSeen AS CHAR) AS lastSeen FROM ipaddresses WHERE subnetId = ? ORDER BY ip_addr", subnetId));
        state.put("subnets", phpipam.rows("SELECT CAST(lastScan AS CHAR) AS lastScan, CAST(lastDiscovery AS CHAR)"
                + " AS lastDiscovery FROM subnets WHERE id = ?", subnetId));
        state.put("ingested_reports", phpipam.rows("SELECT report_id, updated_count, inserted_count, ignored_count,"
                + " retagged_count FROM " + s + ".ingested_reports ORDER BY report_id"));
        state.put("applied_scans", phpipam.rows("SELECT scan_id, state_version, chunk_count, missing_chunks, is_partial,"
                + " hosts_reported, change_count FROM " + s + ".applied_scans ORDER BY state_version"));
        state.put("change_log", phpipam.rows("SELECT scan_id, change_type, ip, protocol, port FROM " + s
                + ".change_log ORDER BY id"));
        state.put("host_state", phpipam.rows("SELECT ip, status, misses, mac, times_seen, CAST(last_seen AS CHAR) AS"
                + " last_seen FROM " + s + ".hosts_seen ORDER BY address"));
        state.put("port_state", phpipam.rows("SELECT HEX(address) AS address, protocol, port, status, times_seen FROM "
                + s + ".port_state ORDER BY address, port"));
        state.put("alerts", phpipam.rows("SELECT alert_key, status, occurrences FROM " + s + ".alerts ORDER BY alert_key"));
        state.put("pending_chunks", phpipam.rows("SELECT scan_id FROM " + s + ".pending_chunks"));
        return state;
    }
}
