package dev.scanflow.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

/**
 * The whole spine on real parts: real namespaces with real hosts, the real agent routes running real nmap,
 * real HTTP to the real server routes, a real MariaDB holding phpIPAM's schema.
 */
class LabScanEndToEndIT {

    private static final String CODE = "Lab-agent-code-0123456789abcdefQ";
    private static final String TOKEN = "lab-agent-token";

    @Test
    void anAgentCycleWritesExactlyTheHostsThatAreUpWithTheirMacs() throws Exception {
        LabNetwork.assumeAvailable();
        try (LabNetwork lab = LabNetwork.create(4); TestPhpipam phpipam = TestPhpipam.create()) {
            LabHost down = lab.host(3);
            lab.setLinkDown(down);
            Cidr subnet = Cidr.parse(LabNetwork.SUBNET_V4);
            long agentId = phpipam.insertAgent("lab-site", CODE);
            long subnetId = phpipam.insertSubnet(subnet, agentId, true, true);

            Properties agent = new Properties();
            agent.setProperty("scanflow.agent.code", CODE);
            agent.setProperty("scanflow.agent.token", TOKEN);
            agent.setProperty("scanflow.agent.subnets", subnet.toString());
            agent.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agent.setProperty("scanflow.agent.scan-on-start", "true");
            agent.setProperty("scanflow.agent.scan-timeout", "120s");
            agent.setProperty("scanflow.agent.host-timeout", "30s");
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties(), agent)) {
                phpipam.awaitReports(1, Duration.ofSeconds(90));
            }

            Map<String, String> expected = new TreeMap<>();
            expected.put(LabNetwork.GATEWAY_V4, lab.gatewayMac().toUpperCase(Locale.ROOT));
            expected.put(LabNetwork.SCANNER_V4, null); // the scanner's own address: up, but nmap sees no MAC for it
            for (LabHost host : lab.hosts()) {
                if (!host.equals(down)) {
                    expected.put(host.ipv4(), host.mac().toUpperCase(Locale.ROOT));
                }
            }
            Map<String, String> written = new TreeMap<>();
            for (Map<String, Object> row : phpipam.rows("SELECT ip_addr, mac, description, state FROM ipaddresses"
                    + " WHERE subnetId = ?", subnetId)) {
                written.put(IpAddress.fromDecimal(4, (String) row.get("ip_addr")).toString(), (String) row.get("mac"));
                assertEquals("-- autodiscovered --", row.get("description"));
                assertEquals("2", row.get("state"));
            }
            assertEquals(expected, written, "exactly the hosts that are up, with their MACs; " + down.ipv4() + " is down");

            Map<String, Object> subnetRow = phpipam.rows("SELECT lastScan, lastDiscovery FROM subnets WHERE id = ?", subnetId).get(0);
            assertTrue(subnetRow.get("lastScan") != null && subnetRow.get("lastDiscovery") != null, subnetRow.toString());
            assertTrue(phpipam.rows("SELECT last_access FROM scanAgents WHERE id = ?", agentId).get(0).get("last_access") != null);
            List<Map<String, Object>> reports = phpipam.rows("SELECT inserted_count FROM `" + phpipam.scanflowSchema
                    + "`.ingested_reports");
            assertEquals(List.of(Map.of("inserted_count", Integer.toString(expected.size()))), reports);
        }
    }
}
