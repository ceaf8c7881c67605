package dev.scanflow.endtoend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.lab.LabHost;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.lab.LabProcess;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.camel.ProducerTemplate;
import org.junit.jupiter.api.Test;

/**
 * The story of issue 5 on real hosts, a real sshd, real nmap, real agent and server routes and a real
 * MariaDB: a service opens (alert), changes version, stops (closed, alert auto-resolved), a host goes down
 * (gone) and comes back with another MAC (returned, MAC changed). Each step asserts the changes that scan
 * produced and nothing else of interest, then alerts, history and phpIPAM's rows.
 */
class LabDeltaStoryIT {

    private static final String CODE = "Story-agent-code-0123456789abcdS";
    private static final String TOKEN = "story-token";

    private TestPhpipam phpipam;
    private ProducerTemplate agent;
    private long lastChangeId;
    private int scans;

    @Test
    void servicesOpenChangeAndCloseHostsGoAndReturnAndEveryStepIsRecorded() throws Exception {
        LabNetwork.assumeAvailable(LabNetwork.Tool.SSHD, LabNetwork.Tool.SSH_KEYGEN);
        try (LabNetwork lab = LabNetwork.create(2); TestPhpipam db = TestPhpipam.create()) {
            phpipam = db;
            LabHost server = lab.host(0);
            LabHost laptop = lab.host(1);
            Cidr subnet = Cidr.parse(LabNetwork.SUBNET_V4);
            long agentId = phpipam.insertAgent("lab-site", CODE);
            long subnetId = phpipam.insertSubnet(subnet, agentId, true, true);
            Properties agentSettings = new Properties();
            agentSettings.setProperty("scanflow.agent.code", CODE);
            agentSettings.setProperty("scanflow.agent.token", TOKEN);
            agentSettings.setProperty("scanflow.agent.subnets", subnet.toString());
            agentSettings.setProperty("scanflow.agent.profile", "services-nmap");
            agentSettings.setProperty("scanflow.agent.ports", "22");
            agentSettings.setProperty("scanflow.agent.schedule", "0 0 0 1 1 ? 2099");
            agentSettings.setProperty("scanflow.agent.scan-on-start", "false");
            agentSettings.setProperty("scanflow.agent.scan-timeout", "120s");
            agentSettings.setProperty("scanflow.agent.host-timeout", "60s");
            agentSettings.setProperty("scanflow.agent.archive.dir",
                    java.nio.file.Files.createTempDirectory("story-archive").toString());
            try (ServerUnderTest scanflow = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), new Properties(), agentSettings)) {
                agent = scanflow.app().context().createProducerTemplate();

                scan(); // baseline: hosts up, nothing listening on 22
                assertTrue(changesSince().stream().noneMatch(c -> c.startsWith("PORT_")), "no port is open yet");

                LabProcess sshd = lab.startSshd(server, server.ipv4(), 22, List.of("-o", "VersionAddendum=story-one"));
                scan();
                assertEquals(List.of("PORT_OPENED " + server.ipv4() + " 22"), changesSince());
                assertEquals(List.of("port " + server.ipv4() + " 22 open"), alerts());

                lab.stopProcess(sshd);
                sshd = lab.startSshd(server, server.ipv4(), 22, List.of("-o", "VersionAddendum=story-two"));
                scan();
                assertEquals(List.of("SERVICE_CHANGED " + server.ipv4() + " 22"), changesSince());
                String detail = String.valueOf(phpipam.rows("SELECT detail FROM " + table("change_log")
                        + " ORDER BY id DESC LIMIT 1").get(0).get("detail"));
                assertTrue(detail.contains("story-one") && detail.contains("story-two"), "the version, before and after: " + detail);

                lab.stopProcess(sshd);
                scan();
                scan();
                List<String> closing = changesSince();
                assertEquals(List.of("PORT_CLOSED " + server.ipv4() + " 22"), closing, "closed once, over two scans");
                assertEquals(List.of("port " + server.ipv4() + " 22 resolved"), alerts(), "auto-resolved by the same subnet");

                lab.setLinkDown(laptop);
                scan();
                assertEquals(List.of(), changesSince(), "one missed scan is not yet gone");
                scan();
                assertEquals(List.of("HOST_GONE " + laptop.ipv4() + " -"), changesSince());

                LabHost back = lab.changeMac(laptop, "02:5f:00:00:0c:99");
                lab.setLinkUp(back);
                scan();
                List<String> returned = changesSince();
                assertTrue(returned.containsAll(List.of("HOST_RETURNED " + laptop.ipv4() + " -", "MAC_CHANGED " + laptop.ipv4() + " -")),
                        returned.toString());
                assertEquals(2, returned.size(), returned.toString());

                // history: the laptop's MAC over time, both of them
                List<Map<String, Object>> macs = phpipam.rows("SELECT LOWER(h.value) AS mac FROM " + table("host_identity_history")
                        + " h JOIN " + table("tracked_subnets") + " s ON s.id = h.subnet_ref WHERE s.subnet_id = ?"
                        + " AND h.address = INET6_ATON(?) AND h.kind = 'mac' ORDER BY h.id", subnetId, laptop.ipv4());
                assertEquals(List.of(Map.of("mac", laptop.mac().toLowerCase(Locale.ROOT)), Map.of("mac", "02:5f:00:00:0c:99")), macs);

                // phpIPAM: both hosts there, the laptop with its new MAC
                Map<String, Object> row = phpipam.rows("SELECT mac FROM ipaddresses WHERE subnetId = ? AND ip_addr = ?",
                        subnetId, IpAddress.parse(laptop.ipv4()).decimal()).get(0);
                assertEquals("02:5F:00:00:0C:99", row.get("mac"));
                assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ? AND ip_addr = ?",
                        subnetId, IpAddress.parse(server.ipv4()).decimal()).size());
            }
        }
    }

    private String table(String name) {
        return "`" + phpipam.scanflowSchema + "`." + name;
    }

    /** One agent cycle, then waits until the server has recorded the scan's deltas. */
    private void scan() {
        agent.sendBody("direct:scan-cycle", null);
        scans++;
        phpipam.awaitRows("SELECT scan_id FROM " + table("applied_scans"), scans, Duration.ofSeconds(60));
    }

    /** "TYPE ip port" of the changes recorded since the last call, ignoring the gateway's and scanner's. */
    private List<String> changesSince() {
        List<Map<String, Object>> rows = phpipam.rows("SELECT id, change_type, ip, port FROM " + table("change_log")
                + " WHERE id > ? ORDER BY id", lastChangeId);
        if (!rows.isEmpty()) {
            lastChangeId = Long.parseLong(String.valueOf(rows.get(rows.size() - 1).get("id")));
        }
        return rows.stream()
                .filter(r -> !List.of(LabNetwork.GATEWAY_V4, LabNetwork.SCANNER_V4).contains(r.get("ip")))
                .filter(r -> !"HOST_NEW".equals(r.get("change_type")))
                .map(r -> r.get("change_type") + " " + r.get("ip") + " " + (r.get("port") == null ? "-" : r.get("port")))
                .toList();
    }

    private List<String> alerts() {
        return phpipam.rows("SELECT kind, ip, port, status FROM " + table("alerts") + " WHERE kind = 'port' ORDER BY id").stream()
                .map(r -> r.get("kind") + " " + r.get("ip") + " " + r.get("port") + " " + r.get("status"))
                .toList();
    }
}
