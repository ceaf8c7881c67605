package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.AgentRole;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The agent takes its work from phpIPAM's API, not from its config file: real agent routes, real nmap on
 * loopback, a phpIPAM-shaped API over real HTTP, the real server routes writing a real MariaDB.
 */
class AgentWorkFromPhpipamIT {

    private static final String TOKEN = "api-driven-agent-token";

    @TempDir
    Path home;

    @Test
    void theAgentScansTheSubnetsPhpipamAssignsItAndNotThoseInItsConfig() throws Exception {
        Cidr assigned = Cidr.parse("127.0.90.0/29");
        try (FakePhpipam api = FakePhpipam.start(); TestPhpipam phpipam = TestPhpipam.create(); CamelApp app = new CamelApp()) {
            api.agent(2, "remote1", "mysql", FakePhpipam.AGENT_CODE);
            Map<String, Object> subnet = api.subnet(31, "127.0.90.0", "29");
            subnet.put("scanAgent", 2);
            subnet.put("pingSubnet", 1);
            subnet.put("discoverSubnet", 1);
            Map<String, Object> statusOnly = api.subnet(32, "127.0.91.0", "29");
            statusOnly.put("scanAgent", 2);
            statusOnly.put("pingSubnet", 1);
            api.address(61, 32, "127.0.91.2", "");
            api.address(62, 32, "127.0.91.3", "").put("excludePing", 1);

            long agentId = phpipam.insertAgent("remote1", FakePhpipam.AGENT_CODE);
            long subnetId = phpipam.insertSubnet(assigned, agentId, true, true);
            long configuredId = phpipam.insertSubnet(Cidr.parse("127.0.0.0/29"), agentId, true, true);
            long statusOnlyId = phpipam.insertSubnet(Cidr.parse("127.0.91.0/29"), agentId, true, false);
            long checked = phpipam.insert("INSERT INTO ipaddresses (subnetId, ip_addr) VALUES (?, ?)",
                    statusOnlyId, IpAddress.parse("127.0.91.2").decimal());
            long excluded = phpipam.insert("INSERT INTO ipaddresses (subnetId, ip_addr, excludePing) VALUES (?, ?, 1)",
                    statusOnlyId, IpAddress.parse("127.0.91.3").decimal());

            int port = ServerUnderTest.freePort();
            Properties properties = phpipam.serverProperties();
            properties.setProperty("scanflow.server.host", "127.0.0.1");
            properties.setProperty("scanflow.server.port", Integer.toString(port));
            properties.setProperty("scanflow.agent.code", FakePhpipam.AGENT_CODE);
            properties.setProperty("scanflow.agent.token", TOKEN);
            properties.setProperty("scanflow.agent.server-url", "http://127.0.0.1:" + port);
            properties.setProperty("scanflow.agent.subnets", "127.0.0.0/29"); // ignored: phpIPAM decides
            properties.setProperty("scanflow.agent.scan-on-start", "false");
            properties.setProperty("scanflow.agent.archive.dir", Files.createDirectories(home.resolve("archive")).toString());
            properties.setProperty("scanflow.agent.spool.dir", home.resolve("spool").toString());
            SettingsSource source = SettingsSource.of(properties);
            ServerRole.configure(app, ServerSettings.from(source, ServerUnderTest.HOME),
                    AgentTokens.ofPlainTokens(Map.of(FakePhpipam.AGENT_CODE, TOKEN)), ServerUnderTest.HOME);
            AgentRole.configure(app, AgentSettings.from(source), Optional.of(api.settings(home)), ServerUnderTest.HOME);
            app.start().createProducerTemplate().sendBody("direct:scan-cycle", null);

            String reports = "SELECT subnet_id FROM `" + phpipam.scanflowSchema + "`.ingested_reports";
            phpipam.awaitReports(2, Duration.ofSeconds(60));
            assertEquals(List.of(Map.of("subnet_id", Long.toString(subnetId)), Map.of("subnet_id", Long.toString(statusOnlyId))),
                    phpipam.rows(reports + " ORDER BY subnet_id"), "one report for each subnet phpIPAM assigns");
            String lastSeen = "SELECT CAST(lastSeen AS CHAR) AS seen FROM ipaddresses WHERE id = ?";
            assertTrue(!phpipam.rows(lastSeen, checked).get(0).get("seen").equals("1970-01-01 00:00:01"),
                    "the known address of the status-only subnet was checked");
            assertEquals("1970-01-01 00:00:01", phpipam.rows(lastSeen, excluded).get(0).get("seen"), "excludePing is left alone");
            assertEquals(6, phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ?", subnetId).size(),
                    "127.0.90.1 to .6 discovered (network and broadcast are not hosts)");
            assertEquals(List.of(), phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ?", configuredId));
            assertEquals(IpAddress.parse("127.0.90.1").decimal(), phpipam.rows(
                    "SELECT ip_addr FROM ipaddresses WHERE subnetId = ? ORDER BY id", subnetId).get(0).get("ip_addr"));
        }
    }
}
