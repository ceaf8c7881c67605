package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.phpipam.ServerGrants;
import dev.scanflow.testing.BrowserScript;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The page's VM wizard, traffic tests and Grafana links (issue 16) in real headless Chromium
 * (src/test/web/operations.mjs) against the real server: VMs on the Proxmox stand-in over HTTPS (the first
 * made fails at its start step and is rolled back, the second is made), traffic history and graphs from
 * stored runs, and a run launched from the page against hosts with no SSH server (127.0.0.5, .6): it is
 * accepted (202) and ends failed, cheaply, without the lab.
 */
class VmTrafficPageIT {

    private static final String PVE_TOKEN = "scanflow@pve!vm=" + UUID.randomUUID();
    private static final String OPERATOR = "operator-" + UUID.randomUUID();
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm3Yx0tFakeKeyForTestsOnly0123456789ab admin@example.net";

    @Test
    void theVmWizardTrafficTestsAndGrafanaLinksInARealBrowser(@TempDir Path dir) throws Exception {
        try (ProxmoxStandIn pve = ProxmoxStandIn.start(dir, PVE_TOKEN); TestPhpipam phpipam = TestPhpipam.create()) {
            for (String grant : ServerGrants.vmProvisioningStatements(phpipam.serverUser, phpipam.phpipamSchema)) {
                phpipam.execute(grant);
            }
            long subnet = phpipam.insertSubnet(Cidr.parse("198.51.100.0/28"), null, false, false);
            phpipam.execute("INSERT INTO ipaddresses (subnetId, ip_addr, is_gateway, description, state) VALUES (?, ?, 1, 'Gateway', 2)",
                    subnet, IpAddress.parse("198.51.100.1").decimal());
            phpipam.execute("INSERT INTO ipaddresses (subnetId, ip_addr, description, state) VALUES (?, ?, 'printer', 2)",
                    subnet, IpAddress.parse("198.51.100.2").decimal());
            String schema = "`" + phpipam.scanflowSchema + "`";
            Path trafficTests = Files.writeString(dir.resolve("traffic-tests.yaml"), """
                    knownHosts: %s
                    hosts:
                      east:
                        ssh: 127.0.0.5
                        user: scanflow
                        key: %s
                      west:
                        ssh: 127.0.0.6
                        user: scanflow
                        key: %s
                    tests:
                      - name: east-to-west
                        client: east
                        server: west
                        duration: 2s
                    """.formatted(dir.resolve("known_hosts"), dir.resolve("key"), dir.resolve("key")));

            int port = ServerUnderTest.freePort();
            Properties properties = phpipam.serverProperties();
            properties.setProperty("scanflow.server.host", "127.0.0.1");
            properties.setProperty("scanflow.server.port", Integer.toString(port));
            properties.setProperty("scanflow.server.api-token", OPERATOR);
            properties.setProperty("scanflow.traffic.tests-file", trafficTests.toString());
            properties.setProperty("scanflow.web.grafana-url", "https://grafana.example.org/");
            properties.setProperty("scanflow.vm.enabled", "true");
            properties.setProperty("scanflow.vm.proxmox.url", pve.url());
            properties.setProperty("scanflow.vm.proxmox.ca-file", pve.caPem().toString());
            properties.setProperty("scanflow.vm.poll-interval", "PT0.2S");
            properties.setProperty("scanflow.vm.task-timeout", "PT5S");
            properties.setProperty("scanflow.vm.nameserver", "192.0.2.53");
            properties.setProperty("scanflow.vm.search-domain", "example.net");
            properties.setProperty("scanflow.vm.user", "debian");
            SettingsSource source = SettingsSource.of(properties);
            // the first VM the page asks for fails at its start, so its rollback shows; the second is made
            pve.failNext("POST", ".*/status/start", 500, "start failed: QEMU exited with code 1");
            try (CamelApp app = new CamelApp()) {
                ServerRole.configure(app, ServerSettings.from(source, ServerUnderTest.HOME),
                        VmSettings.from(source, Map.of(VmSettings.TOKEN_VARIABLE, PVE_TOKEN), ServerUnderTest.HOME),
                        AgentTokens.ofPlainTokens(Map.of()), ServerUnderTest.HOME);
                app.start();
                // ScanFlow's tables exist once the server started: the subnet as ScanFlow tracks it once scanned
                // (the wizard offers the subnets ScanFlow knows), and stored traffic runs
                phpipam.execute("INSERT INTO " + schema + ".tracked_subnets (site, subnet_id, cidr, version, updated_at)"
                        + " VALUES ('site-page', ?, '198.51.100.0/28', 0, UTC_TIMESTAMP(3))", subnet);
                seedTrafficRuns(phpipam, schema);
                BrowserScript.run("operations", Map.of("SCANFLOW_URL", "http://127.0.0.1:" + port, "SCANFLOW_TOKEN", OPERATOR,
                        "SCANFLOW_KEY", KEY, "SCANFLOW_TEMPLATE", Integer.toString(ProxmoxStandIn.TEMPLATE)), Duration.ofMinutes(4));
            }

            // what the page did, as the databases have it: two jobs, the first rolled back (its address free
            // again), the second made on the first free address; the launched run stored and ended failed
            List<Map<String, Object>> jobs = phpipam.rows("SELECT request, status, address, failed_step FROM " + schema
                    + ".vm_jobs ORDER BY created_at");
            assertEquals(2, jobs.size(), jobs.toString());
            assertEquals("failed", jobs.get(0).get("status"), jobs.toString());
            assertTrue(String.valueOf(jobs.get(0).get("request")).contains("\"name\":\"page-vm-01\""), jobs.toString());
            assertEquals("start", jobs.get(0).get("failed_step"), jobs.toString());
            assertEquals("succeeded", jobs.get(1).get("status"), jobs.toString());
            assertEquals("198.51.100.3", jobs.get(0).get("address"));
            assertEquals("198.51.100.3", jobs.get(1).get("address"), "the rolled-back job's address was free again, and first");
            List<Map<String, Object>> address = phpipam.rows("SELECT hostname FROM ipaddresses WHERE subnetId = ? AND ip_addr = ?",
                    subnet, IpAddress.parse("198.51.100.3").decimal());
            assertEquals(List.of(Map.of("hostname", "page-vm-02")), address);
            List<Map<String, Object>> launched = phpipam.rows("SELECT name, requested_by, status FROM " + schema
                    + ".traffic_tests WHERE requested_by = 'operator'");
            assertEquals(List.of(Map.of("name", "east-to-west", "requested_by", "operator", "status", "failed")), launched);
            for (String view : List.of("vm-wizard", "vm-rollback", "vm-created", "traffic", "traffic-phone", "vm-wizard-phone")) {
                assertTrue(Files.size(BrowserScript.screenshot(view)) > 10_000, view + ".png saved");
            }
        }
    }

    /** Runs as the traffic route stores them: two pairs, hourly over the last day, one breached and one failed. */
    private static void seedTrafficRuns(TestPhpipam phpipam, String schema) {
        LocalDateTime now = LocalDateTime.ofInstant(Instant.now(), ZoneOffset.UTC).withNano(0);
        for (int hour = 12; hour >= 1; hour--) {
            LocalDateTime at = now.minusHours(hour);
            String status = hour == 4 ? "breached" : "passed";
            phpipam.execute("INSERT INTO " + schema + ".traffic_tests (test_id, name, protocol, client_host, server_host, requested_by,"
                            + " status, requested_at, started_at, finished_at, sent_bps, received_bps, retransmits, breaches)"
                            + " VALUES (?, 'east-to-west', 'tcp', '127.0.0.5:22', '127.0.0.6:22', 'schedule', ?, ?, ?, ?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(), status, at, at, at.plusSeconds(10), 9.4e8 + hour * 1e6,
                    hour == 4 ? 2.1e8 : 9.3e8 - hour * 2e6, (long) hour * 3, hour == 4 ? "throughput 210000000 bit/s < 500000000" : null);
            phpipam.execute("INSERT INTO " + schema + ".traffic_tests (test_id, name, protocol, client_host, server_host, requested_by,"
                            + " status, requested_at, started_at, finished_at, sent_bps, received_bps, jitter_ms, lost_percent)"
                            + " VALUES (?, 'east-to-west-udp', 'udp', '127.0.0.5:22', '127.0.0.6:22', 'schedule', 'passed', ?, ?, ?, ?, ?, ?, ?)",
                    UUID.randomUUID().toString(), at.plusMinutes(30), at.plusMinutes(30), at.plusMinutes(30).plusSeconds(10),
                    1e8, 0.99e8 - hour * 1e5, 0.05 + hour * 0.01, hour % 5 == 0 ? 1.5 : 0.1 * hour);
        }
        LocalDateTime failed = now.minusMinutes(20);
        phpipam.execute("INSERT INTO " + schema + ".traffic_tests (test_id, name, protocol, client_host, server_host, requested_by,"
                        + " status, requested_at, finished_at, failure, error) VALUES (?, 'east-to-west', 'tcp', '127.0.0.5:22', '127.0.0.6:22',"
                        + " 'schedule', 'failed', ?, ?, 'connect_failed', 'Connection refused')",
                UUID.randomUUID().toString(), failed, failed.plusSeconds(1));
    }
}
