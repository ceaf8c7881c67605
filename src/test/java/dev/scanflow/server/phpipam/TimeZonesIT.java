package dev.scanflow.server.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.server.intake.AuthorizedReport;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.testing.TestPhpipam;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Map;
import java.util.TimeZone;
import java.util.UUID;
import org.apache.commons.dbcp2.BasicDataSource;
import org.junit.jupiter.api.Test;

/**
 * Three clocks that disagree: the server JVM in New York, phpIPAM (PHP's date.timezone) in Tokyo, MariaDB's
 * sessions in +05:30. phpIPAM must read back its own wall-clock time in every column, whatever the others say.
 */
class TimeZonesIT {

    private static final Cidr SUBNET = Cidr.parse("127.0.70.0/29");

    @Test
    void everyTimestampIsPhpipamsWallClockWhateverTheJvmAndSessionZones() throws Exception {
        TimeZone jvmZone = TimeZone.getDefault();
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            String globalZone = String.valueOf(phpipam.rows("SELECT @@GLOBAL.time_zone AS z").get(0).get("z"));
            TimeZone.setDefault(TimeZone.getTimeZone("America/New_York"));
            phpipam.execute("SET GLOBAL time_zone = '+05:30'");
            try (BasicDataSource serverUser = new BasicDataSource()) {
                serverUser.setUrl(phpipam.url());
                serverUser.setUsername(phpipam.serverUser);
                serverUser.setPassword(phpipam.serverPassword);
                // a pooled session that someone left in yet another zone must not shift the write either
                serverUser.setConnectionInitSqls(List.of("SET time_zone = '-03:00'"));
                ScanflowSchema.migrate(serverUser, phpipam.scanflowSchema);
                long agentId = phpipam.insertAgent("tz-site", "Tz-agent-code-0123456789abcdefTZ");
                long subnetId = phpipam.insertSubnet(SUBNET, agentId, true, true);
                ZoneId tokyo = ZoneId.of("Asia/Tokyo");
                PhpipamWriter writer = new PhpipamWriter(serverUser, new PhpipamClock(tokyo, Clock.systemUTC()),
                        phpipam.scanflowSchema, true, true);
                Instant scan = Instant.parse("2026-11-20T23:30:00Z"); // 08:30 next day in Tokyo
                ScanReport report = new ScanReport(1, UUID.randomUUID(), "Tz-agent-code-0123456789abcdefTZ",
                        SUBNET.toString(), scan, scan.plusSeconds(1), List.of("nmap"),
                        List.of(new ScannedHost("127.0.70.2", "up", null, null, List.of())));
                Instant before = Instant.now();
                writer.write(new AuthorizedReport(report, new ScanAgent(agentId, "tz-site"),
                        new PhpipamSubnet(subnetId, SUBNET, false, false, true, true, false, 0)));

                // Read as phpIPAM does: a fresh session in the server's global zone, values as text.
                Map<String, Object> address = phpipam.rowsInNewSession("SELECT CAST(lastSeen AS CHAR) AS v FROM ipaddresses WHERE subnetId = ?", subnetId).get(0);
                Map<String, Object> subnet = phpipam.rowsInNewSession("SELECT CAST(lastScan AS CHAR) AS scan, CAST(lastDiscovery AS CHAR) AS disc"
                        + " FROM subnets WHERE id = ?", subnetId).get(0);
                String lastAccess = String.valueOf(phpipam.rowsInNewSession("SELECT CAST(last_access AS CHAR) AS v FROM scanAgents WHERE id = ?",
                        agentId).get(0).get("v"));
                assertEquals("2026-11-21 08:30:00", address.get("v"));
                assertEquals("2026-11-21 08:30:00", subnet.get("scan"));
                assertEquals("2026-11-21 08:30:00", subnet.get("disc"));
                LocalDateTime access = LocalDateTime.parse(lastAccess, DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss"));
                LocalDateTime tokyoNow = LocalDateTime.ofInstant(before, tokyo);
                assertTrue(Duration.between(tokyoNow, access).abs().toSeconds() < 60,
                        "last_access is Tokyo's wall clock at arrival: " + lastAccess + " vs " + tokyoNow);
            } finally {
                phpipam.execute("SET GLOBAL time_zone = '" + globalZone + "'");
            }
        } finally {
            TimeZone.setDefault(jvmZone);
        }
    }
}
