package dev.scanflow.server.monitoring;

import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ReportJson;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.Properties;
import java.util.TreeMap;
import java.util.UUID;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Prometheus discovers its targets from ScanFlow: a real Prometheus (Debian's) on loopback with an http_sd
 * config pointing at the real server routes (bearer token from a credentials file), on a real MariaDB with
 * phpIPAM's schema. Reports go in over HTTP as an agent sends them. Prometheus' own /api/v1/targets must list
 * exactly the expected targets with their labels, and drop one when scans confirm its host gone. Every address
 * is in 127.0.0.0/8 (the address rule): Prometheus scrapes only loopback, and one target is a real exporter.
 * A VM whose phpIPAM address is deleted leaves the list too.
 */
class PrometheusDiscoveryIT {

    private static final String TOKEN = "operator-token-" + UUID.randomUUID();
    private static final String AGENT_TOKEN = "agent-token-" + UUID.randomUUID();
    private static final ObjectMapper JSON = ReportJson.mapper();
    private static final Cidr SUBNET = Cidr.parse("127.0.0.0/29");

    private TestPhpipam phpipam;
    private ServerUnderTest server;
    private HttpServer exporter;
    private Path directory;
    private long subnetId;
    private int exporterPort;
    private int nodePort;

    @BeforeEach
    void start() throws Exception {
        directory = Files.createTempDirectory("scanflow-prometheus-sd-");
        // a real exporter on 127.0.0.2 (a port of its own): Prometheus scrapes it once ScanFlow lists it
        exporterPort = ServerUnderTest.freePort();
        nodePort = ServerUnderTest.freePort();
        exporter = HttpServer.create(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), exporterPort), 0);
        exporter.createContext("/metrics", exchange -> {
            byte[] body = "# HELP lab_exporter_up A lab exporter.\n# TYPE lab_exporter_up gauge\nlab_exporter_up 1\n"
                    .getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4");
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        exporter.start();

        phpipam = TestPhpipam.create();
        long agent = phpipam.insertAgent("site-a", Reports.AGENT);
        subnetId = phpipam.insertSubnet(SUBNET, agent, true, true);
        long vlan = phpipam.insert("INSERT INTO vlans (domainId, name, number, description) VALUES (1, 'lab-servers', 20, 'test')");
        phpipam.execute("UPDATE subnets SET vlanId = ? WHERE id = ?", vlan, subnetId);
        address("127.0.0.2", "node-a.lab", "exporter host");
        address("127.0.0.3", "node-b.lab", "second exporter");
        address("127.0.0.4", "vm-01.lab", "VM vm-01");
        // in phpIPAM, never scanned: never a target
        address("127.0.0.7", "printer.lab", "never scanned");

        // one traffic test between 127.0.0.5 and 127.0.0.6: both are targets on the node exporter port
        Path trafficTests = Files.writeString(directory.resolve("traffic-tests.yaml"), """
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
                """.formatted(directory.resolve("known_hosts"), directory.resolve("key"), directory.resolve("key")));
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.api-token", TOKEN);
        extra.setProperty("scanflow.monitoring.exporter-ports", "9100," + exporterPort);
        extra.setProperty("scanflow.monitoring.node-exporter-port", Integer.toString(nodePort));
        extra.setProperty("scanflow.monitoring.file-sd", directory.resolve("scanflow.json").toString());
        extra.setProperty("scanflow.monitoring.file-sd-interval", "1s");
        extra.setProperty("scanflow.traffic.tests-file", trafficTests.toString());
        server = ServerUnderTest.start(phpipam, Map.of(Reports.AGENT, AGENT_TOKEN), extra);
    }

    private void address(String ip, String hostname, String description) {
        phpipam.execute("INSERT INTO ipaddresses (subnetId, ip_addr, hostname, description, state) VALUES (?, ?, ?, ?, 2)",
                subnetId, IpAddress.parse(ip).decimal(), hostname, description);
    }

    @AfterEach
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (exporter != null) {
            exporter.stop(0);
        }
        if (phpipam != null) {
            phpipam.close();
        }
    }

    /** A ports scan of the /29: .2 with the lab exporter's port and ssh open, .3 with 9100 if it is up, .4 with ssh. */
    private void scan(Instant start, boolean thirdUp) throws Exception {
        Reports.Builder report = v2(SUBNET.toString()).liveness(SUBNET.toString())
                .probe("tcp", "22,9100," + exporterPort, SUBNET.toString()).startingAt(start)
                .host(up("127.0.0.2").open("tcp", exporterPort).open("tcp", 22))
                .host(up("127.0.0.4").open("tcp", 22));
        if (thirdUp) {
            report.host(up("127.0.0.3").open("tcp", 9100));
        }
        ServerUnderTest.Reply reply = server.post("/api/v1/reports", JSON.writeValueAsBytes(report.build()), "Bearer " + AGENT_TOKEN);
        assertEquals(202, reply.status(), reply.body());
    }

    /** A VM job that succeeded, as VmJobs leaves it (the VM flow itself is VmProvisioningIT's). */
    private void createdVm(String ip) {
        phpipam.execute("INSERT INTO `" + phpipam.scanflowSchema + "`.vm_jobs (job_id, request_hash, request, status,"
                        + " subnet_id, subnet_cidr, address, vmid, heartbeat_at, created_at, finished_at)"
                        + " VALUES (?, ?, ?, 'succeeded', ?, ?, ?, 104, NOW(3), NOW(3), NOW(3))",
                "5b0f7c1e-8a52-4d8e-9f3a-2c1d0e4b7a61", "0".repeat(64),
                "{\"subnet\":\"" + subnetId + "\",\"name\":\"vm-01\",\"node\":\"pve1\",\"template\":9000,\"cores\":1,"
                        + "\"memory\":512,\"sshKeys\":[\"ssh-ed25519 AAAA test\"]}", subnetId, SUBNET.toString(), ip);
    }

    private Map<String, Map<String, String>> expected(boolean withThird) {
        Map<String, Map<String, String>> targets = new TreeMap<>();
        String site = "site-a";
        Map<String, String> common = Map.of("site", site, "subnet", SUBNET.toString(), "vlan", "20", "vlan_name", "lab-servers",
                "__meta_scanflow_subnet_id", Long.toString(subnetId));
        targets.put("127.0.0.2:" + exporterPort, with(common, "hostname", "node-a.lab", "description", "exporter host",
                "scanflow_source", "scan", "__meta_scanflow_address", "127.0.0.2", "__meta_scanflow_port", Integer.toString(exporterPort)));
        if (withThird) {
            targets.put("127.0.0.3:9100", with(common, "hostname", "node-b.lab", "description", "second exporter",
                    "scanflow_source", "scan", "__meta_scanflow_address", "127.0.0.3", "__meta_scanflow_port", "9100"));
        }
        targets.put("127.0.0.4:" + nodePort, with(common, "hostname", "vm-01.lab", "description", "VM vm-01",
                "scanflow_source", "vm", "__meta_scanflow_address", "127.0.0.4", "__meta_scanflow_port", Integer.toString(nodePort),
                "__meta_scanflow_vm_name", "vm-01", "__meta_scanflow_vm_node", "pve1", "__meta_scanflow_vm_id", "104",
                "__meta_scanflow_vm_job", "5b0f7c1e-8a52-4d8e-9f3a-2c1d0e4b7a61"));
        // the traffic hosts lie in the /29 too (found by address: the most specific phpIPAM subnet holding it), with
        // no phpIPAM address row, so no hostname or description
        targets.put("127.0.0.5:" + nodePort, with(common, "scanflow_source", "traffic", "__meta_scanflow_address", "127.0.0.5",
                "__meta_scanflow_port", Integer.toString(nodePort), "__meta_scanflow_traffic_host", "east",
                "__meta_scanflow_traffic_tests", ",east-to-west,"));
        targets.put("127.0.0.6:" + nodePort, with(common, "scanflow_source", "traffic", "__meta_scanflow_address", "127.0.0.6",
                "__meta_scanflow_port", Integer.toString(nodePort), "__meta_scanflow_traffic_host", "west",
                "__meta_scanflow_traffic_tests", ",east-to-west,"));
        return targets;
    }

    private static Map<String, String> with(Map<String, String> common, String... pairs) {
        Map<String, String> labels = new TreeMap<>(common);
        for (int i = 0; i < pairs.length; i += 2) {
            labels.put(pairs[i], pairs[i + 1]);
        }
        return labels;
    }

    /** What ScanFlow's endpoint answers, by target. */
    private Map<String, Map<String, String>> served(String body) throws Exception {
        Map<String, Map<String, String>> targets = new TreeMap<>();
        for (JsonNode group : JSON.readTree(body)) {
            assertEquals(1, group.get("targets").size(), group.toString());
            Map<String, String> labels = new TreeMap<>();
            group.get("labels").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
            targets.put(group.get("targets").get(0).asText(), labels);
        }
        return targets;
    }

    /** Prometheus' active targets: address → [target labels, discovered labels]. */
    private static Map<String, JsonNode> activeTargets(PrometheusProcess prometheus) throws Exception {
        Map<String, JsonNode> targets = new TreeMap<>();
        for (JsonNode target : prometheus.json("/api/v1/targets?state=active").path("data").path("activeTargets")) {
            targets.put(target.path("discoveredLabels").path("__address__").asText(), target);
        }
        return targets;
    }

    private static Map<String, JsonNode> awaitTargets(PrometheusProcess prometheus, Predicate<Map<String, JsonNode>> done,
                                                      Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        Map<String, JsonNode> targets = Map.of();
        while (System.nanoTime() < deadline) {
            targets = activeTargets(prometheus);
            if (done.test(targets)) {
                return targets;
            }
            Thread.sleep(250);
        }
        throw new AssertionError("Prometheus' targets never became as expected: " + targets + "\n" + prometheus.logText());
    }

    @Test
    void prometheusListsExactlyWhatScanflowKnowsAndDropsAHostConfirmedGone() throws Exception {
        Instant now = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // before any scan: no scanned target yet, and the answer is still 200 with a JSON list
        ServerUnderTest.Reply empty = get("/api/v1/monitoring/targets", TOKEN);
        assertEquals(200, empty.status(), empty.body());
        assertEquals(2, JSON.readTree(empty.body()).size(), "only the traffic hosts: " + empty.body());
        assertEquals(401, get("/api/v1/monitoring/targets", null).status());
        assertEquals(401, get("/api/v1/monitoring/targets", "wrong-" + TOKEN).status());
        assertEquals(400, get("/api/v1/monitoring/targets?port=9100", TOKEN).status(), "no query parameters");

        scan(now.minusSeconds(300), true);
        createdVm("127.0.0.4");
        ServerUnderTest.Reply listed = get("/api/v1/monitoring/targets", TOKEN);
        assertEquals(200, listed.status());
        assertEquals(expected(true), served(listed.body()));

        // the file_sd file holds the same list, written whole
        Path file = directory.resolve("scanflow.json");
        awaitFile(file, expected(true));

        Path credentials = Files.writeString(directory.resolve("scanflow-token"), TOKEN);
        Files.setPosixFilePermissions(credentials, PosixFilePermissions.fromString("rw-------"));
        String config = """
                global:
                  scrape_interval: 1s
                  scrape_timeout: 1s
                scrape_configs:
                  - job_name: scanflow-discovered
                    http_sd_configs:
                      - url: http://127.0.0.1:%d/api/v1/monitoring/targets
                        refresh_interval: 1s
                        authorization:
                          type: Bearer
                          credentials_file: %s
                """.formatted(server.port, credentials);
        try (PrometheusProcess prometheus = PrometheusProcess.prometheus(directory, config)) {
            Map<String, JsonNode> targets = awaitTargets(prometheus, t -> t.keySet().equals(expected(true).keySet()),
                    Duration.ofSeconds(60));
            assertPrometheusLabels(expected(true), targets);
            // the lab exporter really is scraped through the discovered target
            awaitTargets(prometheus, t -> t.containsKey("127.0.0.2:" + exporterPort)
                    && "up".equals(t.get("127.0.0.2:" + exporterPort).path("health").asText()), Duration.ofSeconds(30));

            // .3 is missed by two covering scans (scanflow.deltas.confirm-misses): confirmed gone, it leaves the list
            scan(now.minusSeconds(200), false);
            assertEquals(expected(true).keySet(), served(get("/api/v1/monitoring/targets", TOKEN).body()).keySet(),
                    "one miss is not gone");
            scan(now.minusSeconds(100), false);
            assertEquals(expected(false), served(get("/api/v1/monitoring/targets", TOKEN).body()));
            targets = awaitTargets(prometheus, t -> t.keySet().equals(expected(false).keySet()), Duration.ofSeconds(30));
            assertPrometheusLabels(expected(false), targets);
            awaitFile(file, expected(false));

            // the VM's address is taken back in phpIPAM (the VM was decommissioned): the VM leaves the list
            phpipam.execute("DELETE FROM ipaddresses WHERE subnetId = ? AND ip_addr = ?", subnetId,
                    IpAddress.parse("127.0.0.4").decimal());
            Map<String, Map<String, String>> withoutVm = expected(false);
            withoutVm.remove("127.0.0.4:" + nodePort);
            assertEquals(withoutVm, served(get("/api/v1/monitoring/targets", TOKEN).body()));
            awaitTargets(prometheus, t -> t.keySet().equals(withoutVm.keySet()), Duration.ofSeconds(30));
            awaitFile(file, withoutVm);
        }
    }

    private void assertPrometheusLabels(Map<String, Map<String, String>> expected, Map<String, JsonNode> targets) {
        for (Map.Entry<String, Map<String, String>> target : expected.entrySet()) {
            JsonNode active = targets.get(target.getKey());
            Map<String, String> discovered = new TreeMap<>();
            active.path("discoveredLabels").fields().forEachRemaining(l -> {
                if (!l.getKey().startsWith("__") || l.getKey().startsWith("__meta_")) {
                    discovered.put(l.getKey(), l.getValue().asText());
                }
            });
            Map<String, String> withJob = new TreeMap<>(target.getValue());
            withJob.put("job", "scanflow-discovered");
            Map<String, String> discoveredExpected = new TreeMap<>(withJob);
            // http_sd's own meta label: the URL the target came from
            discoveredExpected.put("__meta_url", "http://127.0.0.1:" + server.port + "/api/v1/monitoring/targets");
            assertEquals(discoveredExpected, discovered, "discovered labels of " + target.getKey());
            Map<String, String> labels = new TreeMap<>();
            active.path("labels").fields().forEachRemaining(l -> labels.put(l.getKey(), l.getValue().asText()));
            Map<String, String> kept = new TreeMap<>();
            withJob.forEach((name, value) -> {
                if (!name.startsWith("__")) {
                    kept.put(name, value);
                }
            });
            kept.put("instance", target.getKey());
            assertEquals(kept, labels, "target labels of " + target.getKey() + " (the __meta_ ones are dropped)");
        }
    }

    private void awaitFile(Path file, Map<String, Map<String, String>> expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        Map<String, Map<String, String>> found = Map.of();
        while (System.nanoTime() < deadline) {
            if (Files.exists(file)) {
                found = served(Files.readString(file));
                if (found.equals(expected)) {
                    assertEquals("rw-r--r--", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)),
                            "Prometheus, another user, reads it");
                    try (var listing = Files.list(directory)) {
                        assertTrue(listing.noneMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
                    }
                    return;
                }
            }
            Thread.sleep(200);
        }
        assertEquals(expected, found, "the file_sd file " + file);
    }

    private ServerUnderTest.Reply get(String path, String token) throws Exception {
        java.net.http.HttpRequest.Builder request = java.net.http.HttpRequest.newBuilder(
                java.net.URI.create("http://127.0.0.1:" + server.port + path)).timeout(Duration.ofSeconds(30)).GET();
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        java.net.http.HttpResponse<String> response = java.net.http.HttpClient.newHttpClient()
                .send(request.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() == 200) {
            assertEquals("application/json", response.headers().firstValue("Content-Type").orElse(null));
        }
        return new ServerUnderTest.Reply(response.statusCode(), response.body());
    }
}
