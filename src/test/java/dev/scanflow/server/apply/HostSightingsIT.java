package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A host seen again with nothing new is not written (db/scanflow V109): its last_seen and times_seen are
 * derived from its run of sightings. Through the real apply path on a real MariaDB, the derived values must
 * be what one row update per sighting gave: counted, never backwards, and a run ends when a scan does not
 * see the host, whether it counted a miss or did not cover the host at all.
 */
class HostSightingsIT {

    private static final Instant T1 = Instant.parse("2026-11-25T10:00:00Z");
    private TestPhpipam phpipam;
    private ServerUnderTest server;

    @BeforeEach
    void start() {
        phpipam = TestPhpipam.create();
        ApplyScenario.seed(phpipam);
        server = ServerUnderTest.start(phpipam, Map.of(ApplyScenario.AGENT, ApplyScenario.TOKEN), new Properties());
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        phpipam.close();
    }

    private void scan(Instant start, String liveness, String... up) throws Exception {
        Reports.Builder report = Reports.v2(ApplyScenario.SUBNET.toString()).profile("discovery").startingAt(start)
                .liveness(liveness);
        for (String address : up) {
            report.host(Reports.up(address));
        }
        ScanReport built = report.build();
        ServerUnderTest.Reply reply = server.post("/api/v1/reports", ReportJson.mapper().writeValueAsBytes(built),
                "Bearer " + ApplyScenario.TOKEN);
        assertEquals(202, reply.status(), reply.body());
    }

    /** ip → "last_seen times_seen" as readers see them. */
    private Map<String, String> seen() {
        return rows("SELECT ip, CAST(last_seen AS CHAR) AS l, times_seen AS n FROM " + phpipam.scanflowSchema + ".hosts_seen");
    }

    /** ip → "last_seen times_seen" as stored in the row. */
    private Map<String, String> stored() {
        return rows("SELECT ip, CAST(last_seen AS CHAR) AS l, times_seen AS n FROM " + phpipam.scanflowSchema + ".host_state");
    }

    private Map<String, String> rows(String sql) {
        Map<String, String> hosts = new java.util.TreeMap<>();
        for (Map<String, Object> row : phpipam.rows(sql + " ORDER BY address")) {
            hosts.put(row.get("ip").toString(), row.get("l").toString().substring(11, 19) + " " + row.get("n"));
        }
        return hosts;
    }

    @Test
    void aHostSeenAgainIsNotWrittenAndItsSightingsAreStillCountedAndEnded() throws Exception {
        String subnet = ApplyScenario.SUBNET.toString();
        scan(T1, subnet, "127.0.20.2", "127.0.20.3");
        scan(T1.plusSeconds(60), subnet, "127.0.20.2", "127.0.20.3");
        scan(T1.plusSeconds(120), subnet, "127.0.20.2", "127.0.20.3");
        assertEquals(Map.of("127.0.20.2", "10:02:00 3", "127.0.20.3", "10:02:00 3"), seen());
        assertEquals(Map.of("127.0.20.2", "10:00:00 1", "127.0.20.3", "10:00:00 1"), stored(),
                "seen again with nothing new: the rows were not written");

        // .3 missed (a miss counted, its row written): its run ends at the last scan that saw it
        scan(T1.plusSeconds(180), subnet, "127.0.20.2");
        assertEquals(Map.of("127.0.20.2", "10:03:00 4", "127.0.20.3", "10:02:00 3"), seen());

        // a scan covering .2 alone: .3 neither seen nor missed, .2 seen
        scan(T1.plusSeconds(240), "127.0.20.2/32", "127.0.20.2");
        // .3 seen again: it returns from its miss, a new run starts
        scan(T1.plusSeconds(300), subnet, "127.0.20.2", "127.0.20.3");
        assertEquals(Map.of("127.0.20.2", "10:05:00 6", "127.0.20.3", "10:05:00 4"), seen());

        // a scan covering .3 alone: .2's run ends at 10:05 without a write of its own sighting
        scan(T1.plusSeconds(360), "127.0.20.3/32", "127.0.20.3");
        scan(T1.plusSeconds(420), subnet, "127.0.20.2", "127.0.20.3");
        assertEquals(Map.of("127.0.20.2", "10:07:00 7", "127.0.20.3", "10:07:00 6"), seen());

        // a long scan that started before the last one and ended after it started: counted, never backwards
        scan(T1.plusSeconds(410), subnet, "127.0.20.2", "127.0.20.3");
        assertEquals(Map.of("127.0.20.2", "10:07:00 8", "127.0.20.3", "10:07:00 7"), seen());
        scan(T1.plusSeconds(480), subnet, "127.0.20.2", "127.0.20.3");
        assertEquals(Map.of("127.0.20.2", "10:08:00 9", "127.0.20.3", "10:08:00 8"), seen());

        // a late report that ended before the newest started changes nothing
        scan(T1.minusSeconds(3600), subnet, "127.0.20.2");
        assertEquals(Map.of("127.0.20.2", "10:08:00 9", "127.0.20.3", "10:08:00 8"), seen());
        assertEquals(List.of("127.0.20.2", "127.0.20.3"), List.copyOf(seen().keySet()));
    }
}
