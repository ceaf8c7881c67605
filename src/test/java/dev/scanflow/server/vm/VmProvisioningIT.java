package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.server.phpipam.ServerGrants;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * VM provisioning end to end: the real server routes on camel-main, phpIPAM's schema on a real MariaDB (as
 * the least-privilege user plus the DELETE grant the feature documents), a Proxmox VE 8 stand-in over real
 * HTTPS that checks every request against the documented parameters, and a real webhook for the events.
 * Every failure must leave phpIPAM's tables and the stand-in's VMs exactly as they were.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class VmProvisioningIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PVE_TOKEN = "scanflow@pve!vm=" + UUID.randomUUID();
    private static final String OPERATOR = "operator-" + UUID.randomUUID();
    private static final String KEY = "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIBm3Yx0tFakeKeyForTestsOnly0123456789ab admin@example.net";
    private static final String KEY2 = "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQDtest+key/only== ops team";

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final BlockingQueue<String> events = new LinkedBlockingQueue<>();
    private Path dir;
    private ProxmoxStandIn pve;
    private TestPhpipam phpipam;
    private HttpServer webhook;
    private CamelApp app;
    private int port;
    private long subnet;
    private long fullSubnet;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("scanflow-vm-it");
        pve = ProxmoxStandIn.start(dir, PVE_TOKEN);
        phpipam = TestPhpipam.create();
        for (String grant : ServerGrants.vmProvisioningStatements(phpipam.serverUser, phpipam.phpipamSchema)) {
            phpipam.execute(grant);
        }
        subnet = phpipam.insertSubnet(Cidr.parse("198.51.100.0/28"), null, false, false);
        gateway(subnet, "198.51.100.1");
        // an address someone holds in the middle of the range: never handed out
        phpipam.execute("INSERT INTO ipaddresses (subnetId, ip_addr, description, state) VALUES (?, ?, 'printer', 2)",
                subnet, IpAddress.parse("198.51.100.3").decimal());
        fullSubnet = phpipam.insertSubnet(Cidr.parse("198.51.100.32/30"), null, false, false);
        gateway(fullSubnet, "198.51.100.33");
        phpipam.execute("INSERT INTO ipaddresses (subnetId, ip_addr, description, state) VALUES (?, ?, 'dhcp', 4)",
                fullSubnet, IpAddress.parse("198.51.100.34").decimal());
        webhook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        webhook.createContext("/events", exchange -> {
            events.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        webhook.start();
        port = ServerUnderTest.freePort();
        app = new CamelApp();
        Properties properties = serverProperties(port, "PT5M");
        SettingsSource source = SettingsSource.of(properties);
        ServerRole.configure(app, ServerSettings.from(source, ServerUnderTest.HOME),
                VmSettings.from(source, Map.of(VmSettings.TOKEN_VARIABLE, PVE_TOKEN), ServerUnderTest.HOME),
                AgentTokens.ofPlainTokens(Map.of()), ServerUnderTest.HOME);
        app.start();
    }

    private Properties serverProperties(int serverPort, String lease) {
        Properties properties = phpipam.serverProperties();
        properties.setProperty("scanflow.server.host", "127.0.0.1");
        properties.setProperty("scanflow.server.port", Integer.toString(serverPort));
        properties.setProperty("scanflow.server.api-token", OPERATOR);
        properties.setProperty("scanflow.events.endpoints",
                "http://127.0.0.1:" + webhook.getAddress().getPort() + "/events");
        properties.setProperty("scanflow.vm.enabled", "true");
        properties.setProperty("scanflow.vm.proxmox.url", pve.url());
        properties.setProperty("scanflow.vm.proxmox.ca-file", pve.caPem().toString());
        properties.setProperty("scanflow.vm.poll-interval", "PT0.1S");
        properties.setProperty("scanflow.vm.task-timeout", "PT3S");
        properties.setProperty("scanflow.vm.lease", lease);
        properties.setProperty("scanflow.vm.nameserver", "192.0.2.53 192.0.2.54");
        properties.setProperty("scanflow.vm.search-domain", "example.net");
        properties.setProperty("scanflow.vm.user", "debian");
        return properties;
    }

    private void gateway(long subnetId, String address) {
        phpipam.execute("INSERT INTO ipaddresses (subnetId, ip_addr, is_gateway, description, state) VALUES (?, ?, 1, 'Gateway', 2)",
                subnetId, IpAddress.parse(address).decimal());
    }

    @AfterAll
    void stop() throws Exception {
        app.close();
        webhook.stop(0);
        pve.close();
        phpipam.close();
    }

    @BeforeEach
    void cleanSlate() {
        pve.reset();
        events.clear();
    }

    @AfterEach
    void everyRequestWasOneTheRealApiAccepts() {
        assertEquals(List.of(), pve.violations(), "requests Proxmox VE 8 would refuse");
    }

    // --- the whole run ------------------------------------------------------------------------------------

    @Test
    void aVmIsMadeOnTheFirstFreeAddressAndTheAddressEndsUsedWithTheVmIdAndNode() throws Exception {
        String free = firstFree();
        Reply reply = post(request(subnet, "web-01", 8), "create-web-01");
        assertEquals(202, reply.status(), reply.body());
        JsonNode accepted = reply.json();
        String jobId = accepted.get("jobId").asText();
        assertEquals("/api/v1/vms/" + jobId, reply.response().headers().firstValue("Location").orElse(null));
        String address = accepted.get("address").asText();
        assertEquals(free, address, "the first free address: not the network, the gateway (.1) or .3, which has a row");
        assertEquals("198.51.100.0/28", accepted.get("subnet").asText());

        JsonNode job = awaitEnd(jobId);
        assertEquals("succeeded", job.get("status").asText(), job.toString());
        int vmid = job.get("vmid").asInt();
        List<String> steps = new ArrayList<>();
        for (JsonNode step : job.get("steps")) {
            steps.add(step.get("phase").asText() + ":" + step.get("step").asText() + ":" + step.get("outcome").asText());
            Instant started = Instant.parse(step.get("startedAt").asText());
            assertFalse(Instant.parse(step.get("endedAt").asText()).isBefore(started), step.toString());
        }
        assertEquals(List.of("do:reserve:ok", "do:nextid:ok", "do:clone:ok", "do:cloud-init:ok", "do:resize:ok", "do:start:ok",
                "do:mark-used:ok"), steps);

        List<Map<String, Object>> rows = phpipam.rows("SELECT * FROM ipaddresses WHERE subnetId = ? AND ip_addr = ?",
                subnet, IpAddress.parse(address).decimal());
        assertEquals(1, rows.size());
        Map<String, Object> row = new java.util.LinkedHashMap<>(rows.get(0));
        assertNotNull(row.remove("id"));
        assertNotNull(row.remove("editDate"), "phpIPAM's ON UPDATE stamp is set by the Used update");
        Map<String, Object> expected = new java.util.LinkedHashMap<>();
        expected.put("subnetId", Long.toString(subnet));
        expected.put("ip_addr", IpAddress.parse(address).decimal());
        expected.put("is_gateway", "false");
        expected.put("description", "VM web-01");
        expected.put("hostname", "web-01");
        expected.put("mac", null);
        expected.put("owner", null);
        expected.put("state", "2");
        expected.put("switch", null);
        expected.put("location", null);
        expected.put("port", null);
        expected.put("note", "VM " + vmid + " (web-01) on Proxmox node pve1, created by ScanFlow VM job " + jobId);
        expected.put("lastSeen", "1970-01-01 00:00:01.0");
        expected.put("excludePing", "false");
        expected.put("PTRignore", "false");
        expected.put("PTR", "0");
        expected.put("firewallAddressObject", null);
        expected.put("customer_id", null);
        assertEquals(expected, row);

        ProxmoxStandIn.Vm vm = pve.snapshot().get(vmid);
        assertNotNull(vm, "the VM exists in Proxmox");
        assertEquals("running", vm.status());
        assertNull(vm.lock());
        // the whole config; the subnet has no VLAN in phpIPAM, so net0 stays untagged
        assertEquals(expectedConfig(jobId, vmid, "web-01", "ip=" + address + "/28,gw=198.51.100.1", "8G",
                "virtio=" + mac(vmid) + ",bridge=vmbr0,firewall=1"), vm.config());
        assertTrue(stepDetail(job, "cloud-init").contains("net0 untagged (the subnet has no VLAN in phpIPAM)"), job.toString());

        JsonNode event = awaitEvent(jobId);
        assertEquals("vm", event.get("kind").asText());
        assertEquals("VM_CREATED", event.get("type").asText());
        assertEquals(address, event.get("address").asText());
        assertEquals(jobId, event.get("detail").get("jobId").asText());
        assertFalse(job.toString().contains(PVE_TOKEN.substring(PVE_TOKEN.indexOf('=') + 1)), "the token is never shown");
    }

    @Test
    void aVmInASubnetOnAVlanGetsItsNicTaggedWithThatVlan() throws Exception {
        long onVlan = phpipam.insertSubnet(Cidr.parse("198.51.100.16/28"), null, false, false);
        gateway(onVlan, "198.51.100.17");
        long vlan = phpipam.insert("INSERT INTO vlans (domainId, name, number, description) VALUES (1, 'lab-vms', 120, 'test')");
        phpipam.execute("UPDATE subnets SET vlanId = ? WHERE id = ?", vlan, onVlan);
        Reply reply = post(request(onVlan, "vlan-01", null), null);
        assertEquals(202, reply.status(), reply.body());
        String jobId = reply.json().get("jobId").asText();
        JsonNode job = awaitEnd(jobId);
        assertEquals("succeeded", job.get("status").asText(), job.toString());
        int vmid = job.get("vmid").asInt();
        assertEquals(expectedConfig(jobId, vmid, "vlan-01", "ip=198.51.100.18/28,gw=198.51.100.17", "4G",
                "virtio=" + mac(vmid) + ",bridge=vmbr0,firewall=1,tag=120"), pve.snapshot().get(vmid).config());
        assertTrue(stepDetail(job, "cloud-init").contains("net0 on VLAN 120 (lab-vms)"), job.toString());
    }

    @Test
    void aVlanNumberProxmoxRefusesFailsTheJobAndLeavesNothingBehind() throws Exception {
        // phpIPAM lets an administrator raise vlanMax past 4094; Proxmox's net0 tag is 1 - 4094
        long onVlan = phpipam.insertSubnet(Cidr.parse("198.51.100.48/29"), null, false, false);
        long vlan = phpipam.insert("INSERT INTO vlans (domainId, name, number, description) VALUES (1, 'too-high', 5000, 'test')");
        phpipam.execute("UPDATE subnets SET vlanId = ? WHERE id = ?", vlan, onVlan);
        Map<Integer, ProxmoxStandIn.Vm> before = pve.snapshot();
        Reply reply = post(request(onVlan, "vlan-bad", null), null);
        assertEquals(202, reply.status(), reply.body());
        JsonNode job = awaitEnd(reply.json().get("jobId").asText());
        assertEquals("failed", job.get("status").asText(), job.toString());
        assertEquals("cloud-init", job.get("failedStep").asText(), job.toString());
        assertTrue(job.get("error").asText().contains("net0.tag: value must have a maximum value of 4094"), job.toString());
        assertEquals(before, pve.snapshot(), "the half-made VM is deleted");
        assertEquals(List.of(), phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ?", onVlan), "the address is released");
        // the stand-in recorded the refusal; it is what this test expects, not a request ScanFlow should not make
        assertTrue(pve.expectViolation("net0.tag: value must have a maximum value of 4094"), pve.violations().toString());
    }

    private static Map<String, String> expectedConfig(String jobId, int vmid, String name, String ipconfig, String disk, String net0) {
        Map<String, String> expected = new java.util.TreeMap<>();
        expected.put("name", name);
        expected.put("description", "ScanFlow VM job " + jobId);
        expected.put("cores", "2");
        expected.put("memory", "2048");
        expected.put("ipconfig0", ipconfig);
        expected.put("nameserver", "192.0.2.53 192.0.2.54");
        expected.put("searchdomain", "example.net");
        expected.put("ciuser", "debian");
        expected.put("sshkeys", URLEncoder.encode(KEY + "\n" + KEY2, StandardCharsets.UTF_8).replace("+", "%20"));
        expected.put("scsi0", "local-lvm:vm-" + vmid + "-disk-0,size=" + disk);
        expected.put("ide2", "local-lvm:cloudinit");
        expected.put("net0", net0);
        return expected;
    }

    /** The MAC address the stand-in gives a clone's NIC, as Proxmox gives each clone its own. */
    private static String mac(int vmid) {
        return String.format("BC:24:11:%02X:%02X:%02X", (vmid >> 16) & 0xFF, (vmid >> 8) & 0xFF, vmid & 0xFF);
    }

    private static String stepDetail(JsonNode job, String step) {
        for (JsonNode s : job.get("steps")) {
            if (s.get("step").asText().equals(step) && s.get("phase").asText().equals("do")) {
                return s.path("detail").asText();
            }
        }
        throw new AssertionError("no step " + step + " in " + job);
    }

    @Test
    void twoConcurrentRequestsOnOneSubnetGetTwoDifferentAddresses() throws Exception {
        // both wait at the same gate, then post at once: without the subnet lock both would pick the same address
        java.util.concurrent.CyclicBarrier gate = new java.util.concurrent.CyclicBarrier(2);
        java.util.function.Function<String, CompletableFuture<Reply>> racer = name -> CompletableFuture.supplyAsync(() -> {
            try {
                gate.await(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
            return post(request(subnet, name, null), null);
        });
        CompletableFuture<Reply> a = racer.apply("pair-a");
        CompletableFuture<Reply> b = racer.apply("pair-b");
        Reply first = a.get(60, TimeUnit.SECONDS);
        Reply second = b.get(60, TimeUnit.SECONDS);
        assertEquals(202, first.status(), first.body());
        assertEquals(202, second.status(), second.body());
        assertNotEquals(first.json().get("address").asText(), second.json().get("address").asText());
        JsonNode jobA = awaitEnd(first.json().get("jobId").asText());
        JsonNode jobB = awaitEnd(second.json().get("jobId").asText());
        assertEquals("succeeded", jobA.get("status").asText(), jobA.toString());
        assertEquals("succeeded", jobB.get("status").asText(), jobB.toString());
        assertNotEquals(jobA.get("vmid"), jobB.get("vmid"), "nextid reserves nothing: a clone refused for a taken id retries on a fresh one");
        for (String address : List.of(first.json().get("address").asText(), second.json().get("address").asText())) {
            assertFalse(address.equals("198.51.100.0") || address.equals("198.51.100.1") || address.equals("198.51.100.3")
                    || address.equals("198.51.100.15"), address);
            assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE subnetId = ? AND ip_addr = ? AND state = 2",
                    subnet, IpAddress.parse(address).decimal()).size());
        }
    }

    @Test
    void theFirstFreeAddressIsShownWithoutReservingAndIsTheOneAPostThenReserves() throws Exception {
        Map<String, List<Map<String, Object>>> before = phpipam.snapshot();
        Reply shown = get("/api/v1/subnets/" + subnet + "/first-free");
        assertEquals(200, shown.status(), shown.body());
        assertEquals(JSON.readTree("{\"subnetId\":" + subnet + ",\"cidr\":\"198.51.100.0/28\",\"address\":\"" + firstFree()
                + "\",\"gateway\":\"198.51.100.1\"}"), shown.json());
        assertEquals(before, phpipam.snapshot(), "shown, not reserved");
        Reply full = get("/api/v1/subnets/" + fullSubnet + "/first-free");
        assertEquals(200, full.status(), full.body());
        assertTrue(full.json().get("address").isNull(), full.body());
        assertEquals(404, get("/api/v1/subnets/999999/first-free").status());
        assertEquals(400, get("/api/v1/subnets/nope/first-free").status());
        assertEquals(401, send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/subnets/" + subnet + "/first-free"))
                .GET().build()).status());
        Reply reply = post(request(subnet, "shown-01", null), "create-shown-01");
        assertEquals(202, reply.status(), reply.body());
        assertEquals(shown.json().get("address").asText(), reply.json().get("address").asText());
        assertEquals("succeeded", awaitEnd(reply.json().get("jobId").asText()).get("status").asText());
    }

    @Test
    void aFullSubnetIsAClear409AndNothingIsWritten() throws Exception {
        Map<String, List<Map<String, Object>>> before = phpipam.snapshot();
        Map<Integer, ProxmoxStandIn.Vm> vms = pve.snapshot();
        int jobs = jobCount();
        Reply reply = post(request(fullSubnet, "no-room", null), null);
        assertEquals(409, reply.status(), reply.body());
        assertEquals("phpIPAM subnet " + fullSubnet + " (198.51.100.32/30) has no free address", reply.json().get("message").asText());
        Reply byCidr = post(request("198.51.100.32/30", "no-room", null), null);
        assertEquals(409, byCidr.status(), byCidr.body());
        assertEquals(before, phpipam.snapshot());
        assertEquals(vms, pve.snapshot());
        assertEquals(jobs, jobCount());
    }

    @Test
    void anIdempotencyKeyMakesARetryGiveTheSameJobAndAnotherRequestUnderItA422() throws Exception {
        String key = "retry-" + UUID.randomUUID();
        Reply first = post(request(subnet, "retry-01", null), key);
        Reply again = post(request(subnet, "retry-01", null), key);
        assertEquals(202, first.status(), first.body());
        assertEquals(202, again.status(), again.body());
        assertEquals(first.json().get("jobId"), again.json().get("jobId"));
        assertTrue(first.json().get("created").asBoolean());
        assertFalse(again.json().get("created").asBoolean());
        Reply other = post(request(subnet, "retry-02", null), key);
        assertEquals(422, other.status(), other.body());
        awaitEnd(first.json().get("jobId").asText());
        assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE hostname LIKE 'retry-%'").size());
    }

    @Test
    void badRequestsAre400BeforeAnythingIsReservedAndTheApiNeedsTheOperatorToken() throws Exception {
        Map<String, List<Map<String, Object>>> before = phpipam.snapshot();
        for (String body : List.of("{", "[]", "{\"subnet\": 1}",
                request(subnet, "bad name!", null),
                request(subnet, "ok", null).replace("\"cores\":2", "\"cores\":0"),
                request(subnet, "ok", null).replace(KEY, "not a key"),
                request(subnet, "ok", null).replace("\"cores\"", "\"extra\":1,\"cores\""))) {
            Reply reply = post(body, null);
            assertEquals(400, reply.status(), body + " -> " + reply.body());
        }
        assertEquals(404, post(request(999_999, "ok", null), null).status());
        HttpResponse<String> anonymous = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vms"))
                .POST(HttpRequest.BodyPublishers.ofString(request(subnet, "ok", null))).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, anonymous.statusCode());
        assertEquals(404, get("/api/v1/vms/" + UUID.randomUUID()).status());
        assertEquals(400, get("/api/v1/vms/not-a-uuid").status());
        assertEquals(before, phpipam.snapshot());
    }

    @Test
    void theVmCreateCommandDoesTheSameFromAShellAndExits1WhenTheJobFails() throws Exception {
        Path keyFile = dir.resolve("id_ed25519.pub");
        Files.writeString(keyFile, "# the operator's key\n" + KEY + "\n");
        List<String> args = List.of("create", "--subnet", "198.51.100.0/28", "--name", "cli-01", "--node", "pve1",
                "--template", "9000", "--ssh-key", keyFile.toString(), "--disk-gb", "12", "--server", "http://127.0.0.1:" + port);
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        int exit = dev.scanflow.launch.VmCreateCommand.run(args, Map.of("SCANFLOW_SERVER_API_TOKEN", OPERATOR),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        String printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(0, exit, printed + err.toString(StandardCharsets.UTF_8));
        assertTrue(printed.matches("(?s)job [0-9a-f-]{36} \\(Idempotency-Key [0-9a-f-]{36}\\): 198\\.51\\.100\\.[0-9]+ reserved in 198\\.51\\.100\\.0/28\n.*"), printed);
        assertTrue(printed.contains(" do start ok: "), printed);
        assertTrue(printed.matches("(?s).*job [0-9a-f-]{36} succeeded, VM [0-9]+\n"), printed);
        assertEquals(1, phpipam.rows("SELECT id FROM ipaddresses WHERE hostname = 'cli-01' AND state = 2").size());

        pve.failNext("POST", ".*/clone", 500, "clone failed: no space left on device");
        out.reset();
        exit = dev.scanflow.launch.VmCreateCommand.run(args.stream().map(a -> a.equals("cli-01") ? "cli-02" : a).toList(),
                Map.of("SCANFLOW_SERVER_API_TOKEN", OPERATOR), new java.io.PrintStream(out, true, StandardCharsets.UTF_8),
                new java.io.PrintStream(err, true, StandardCharsets.UTF_8));
        printed = out.toString(StandardCharsets.UTF_8);
        assertEquals(1, exit, printed);
        assertTrue(printed.contains("failed: clone: POST /nodes/pve1/qemu/9000/clone: Proxmox answered 500: clone failed: no space left on device"), printed);
        assertEquals(2, dev.scanflow.launch.VmCreateCommand.run(List.of("create", "--name", "x"), Map.of(),
                new java.io.PrintStream(out, true, StandardCharsets.UTF_8), new java.io.PrintStream(err, true, StandardCharsets.UTF_8)),
                "no token: a usage error");
    }

    // --- failures: each leaves phpIPAM and Proxmox exactly as before ------------------------------------

    @Test
    void aCloneProxmoxRefusesLeavesNothingBehind() throws Exception {
        pve.failNext("POST", ".*/clone", 500, "clone failed: storage 'local-lvm' is not online");
        JsonNode job = failedRun("clone-fails");
        assertEquals("clone", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("storage 'local-lvm' is not online"), job.toString());
    }

    @Test
    void aCloneTaskThatEndsWithAnErrorLeavesNothingBehind() throws Exception {
        pve.taskError("qmclone", "clone failed: cfs-lock 'storage-local-lvm' error: got lock request timeout");
        JsonNode job = failedRun("clone-task-error");
        assertEquals("clone", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("got lock request timeout"), job.toString());
    }

    @Test
    void aStartProxmoxRefusesMeansTheHalfMadeVmIsDeleted() throws Exception {
        pve.failNext("POST", ".*/status/start", 500, "start failed: QEMU exited with code 1");
        JsonNode job = failedRun("start-fails");
        assertEquals("start", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("QEMU exited with code 1"), job.toString());
        assertTrue(undone(job).contains("delete-vm:ok"), job.toString());
    }

    @Test
    void aStartTaskWithAnErrorExitstatusMeansTheVmIsDeleted() throws Exception {
        pve.taskError("qmstart", "start failed: kvm: cannot allocate memory");
        JsonNode job = failedRun("start-task-error");
        assertEquals("start", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("cannot allocate memory"), job.toString());
    }

    @Test
    void aTaskThatOutlivesTheTimeoutIsStoppedAndTheVmDeleted() throws Exception {
        pve.taskDuration("qmstart", Duration.ofSeconds(60));
        JsonNode job = failedRun("start-slow");
        assertEquals("start", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("still running after 3 s"), job.toString());
        assertTrue(undone(job).containsAll(List.of("stop-task:ok", "delete-vm:ok")), job.toString());
        assertEquals(0, pve.runningTasks());
    }

    @Test
    void aTokenProxmoxRefusesWith401EndsTheJobAndReleasesTheAddress() throws Exception {
        pve.failNext("GET", "/cluster/nextid", 401, "invalid token value!");
        JsonNode job = failedRun("token-refused");
        assertEquals("nextid", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("refused the API token (401)"), job.toString());
    }

    @Test
    void aStepThatFailsAfterTheCloneWithA500MessageAlsoLeavesNothing() throws Exception {
        pve.failNext("POST", ".*/qemu/[0-9]+/config", 500, "VM is locked (backup)");
        JsonNode job = failedRun("config-fails");
        assertEquals("cloud-init", job.get("failedStep").asText());
        assertTrue(job.get("error").asText().contains("VM is locked (backup)"), job.toString());
    }

    @Test
    void whenTheVmCannotBeDeletedTheAddressStaysReservedAndTheJobSaysSo() throws Exception {
        pve.failNext("POST", ".*/status/start", 500, "start failed: QEMU exited with code 1");
        pve.failNext("DELETE", "/nodes/pve1/qemu/[0-9]+", 500, "cfs-lock 'storage-local-lvm' error: got lock request timeout");
        Reply reply = post(request(subnet, "cannot-delete", null), null);
        assertEquals(202, reply.status(), reply.body());
        JsonNode job = awaitEnd(reply.json().get("jobId").asText());
        assertEquals("rollback_failed", job.get("status").asText(), job.toString());
        assertEquals("start", job.get("failedStep").asText());
        assertTrue(undone(job).contains("delete-vm:failed"), job.toString());
        assertEquals("3", phpipam.rows("SELECT state FROM ipaddresses WHERE subnetId = ? AND ip_addr = ?", subnet,
                IpAddress.parse(reply.json().get("address").asText()).decimal()).get(0).get("state"),
                "the address stays Reserved while the VM may use it");
        assertNotNull(pve.snapshot().get(job.get("vmid").asInt()), "the VM is there, for an operator to look at");
        assertEquals("VM_ROLLBACK_FAILED", awaitEvent(job.get("jobId").asText()).get("type").asText());
    }

    @Test
    void aServerKilledMidJobIsRolledBackByTheNextServerThatStarts() throws Exception {
        Map<String, List<Map<String, Object>>> before = phpipam.snapshot();
        Map<Integer, ProxmoxStandIn.Vm> vms = pve.snapshot();
        pve.taskDuration("qmstart", Duration.ofSeconds(120));
        // Proxmox starts the VM's start task at once but answers late: the server is killed before it can
        // record the task's UPID, so the next one must find the task itself
        pve.slowNext("POST", ".*/status/start", Duration.ofSeconds(3));
        int childPort = ServerUnderTest.freePort();
        Path config = dir.resolve("child.properties");
        Properties properties = serverProperties(childPort, "PT2S");
        properties.setProperty("scanflow.vm.task-timeout", "PT5M");
        try (OutputStream out = Files.newOutputStream(config)) {
            properties.store(out, null);
        }
        Process first = child(config);
        String jobId;
        try {
            Reply reply = send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + childPort + "/api/v1/vms"))
                    .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(request(subnet, "killed-01", null))).build());
            assertEquals(202, reply.status(), reply.body());
            jobId = reply.json().get("jobId").asText();
            awaitStep(jobId, "start");
            // killed once Proxmox has the start call, before its answer (with the UPID) arrives
            Instant deadline = Instant.now().plusSeconds(30);
            while (pve.requests().stream().noneMatch(r -> r.endsWith("/status/start")) && Instant.now().isBefore(deadline)) {
                Thread.sleep(10);
            }
        } finally {
            first.destroyForcibly();
            assertTrue(first.waitFor(30, TimeUnit.SECONDS));
        }
        JsonNode midway = job(jobId);
        assertEquals("running", midway.get("status").asText(), "the killed server could not end the job");
        assertNotEquals(vms, pve.snapshot(), "a VM was half made");
        assertNotEquals(before, phpipam.snapshot(), "the address was reserved");

        Process second = child(config);
        try {
            JsonNode job = awaitEnd(jobId);
            assertEquals("failed", job.get("status").asText(), job.toString());
            assertEquals("server", job.get("failedStep").asText());
            assertTrue(undone(job).containsAll(List.of("stop-task:ok", "delete-vm:ok", "release-address:ok")), job.toString());
        } finally {
            second.destroyForcibly();
            second.waitFor(30, TimeUnit.SECONDS);
        }
        assertEquals(before, phpipam.snapshot());
        assertEquals(vms, pve.snapshot());
        assertEquals(0, pve.runningTasks(), "the start task the killed server left is stopped");
    }

    // --- helpers -----------------------------------------------------------------------------------------

    /** Runs a job that must fail, and checks that phpIPAM and Proxmox are exactly as before it. */
    private JsonNode failedRun(String name) throws Exception {
        Map<String, List<Map<String, Object>>> before = phpipam.snapshot();
        Map<Integer, ProxmoxStandIn.Vm> vms = pve.snapshot();
        Reply reply = post(request(subnet, name, 16), null);
        assertEquals(202, reply.status(), reply.body());
        JsonNode job = awaitEnd(reply.json().get("jobId").asText());
        assertEquals("failed", job.get("status").asText(), job.toString());
        assertTrue(undone(job).contains("release-address:ok"), job.toString());
        assertEquals(before, phpipam.snapshot(), "phpIPAM as before the job");
        assertEquals(vms, pve.snapshot(), "Proxmox's VMs as before the job");
        JsonNode event = awaitEvent(job.get("jobId").asText());
        assertEquals("VM_FAILED", event.get("type").asText());
        assertEquals(job.get("error"), event.get("detail").get("error"));
        return job;
    }

    private static List<String> undone(JsonNode job) {
        List<String> steps = new ArrayList<>();
        for (JsonNode step : job.get("steps")) {
            if (step.get("phase").asText().equals("undo")) {
                steps.add(step.get("step").asText() + ":" + step.get("outcome").asText());
            }
        }
        return steps;
    }

    private Process child(Path config) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), VmServerProcess.class.getName(), config.toString())
                .redirectErrorStream(true);
        builder.environment().put(VmSettings.TOKEN_VARIABLE, PVE_TOKEN);
        Process process = builder.start();
        BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        CompletableFuture<Boolean> ready = CompletableFuture.supplyAsync(() -> {
            try {
                for (String line; (line = out.readLine()) != null; ) {
                    if (line.equals("READY")) {
                        // keep draining so the child never blocks on a full pipe
                        Thread drain = new Thread(() -> {
                            try {
                                while (out.readLine() != null) {
                                    // discarded
                                }
                            } catch (java.io.IOException ignored) {
                                // the child is gone
                            }
                        });
                        drain.setDaemon(true);
                        drain.start();
                        return true;
                    }
                }
            } catch (java.io.IOException e) {
                return false;
            }
            return false;
        });
        if (!ready.get(120, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("the server process did not start");
        }
        return process;
    }

    private static String request(Object subnetRef, String name, Integer diskGb) {
        String subnetJson = subnetRef instanceof String text ? "\"" + text + "\"" : String.valueOf(subnetRef);
        return "{\"subnet\":" + subnetJson + ",\"name\":\"" + name + "\",\"node\":\"pve1\",\"template\":9000,\"cores\":2,"
                + "\"memory\":2048," + (diskGb == null ? "" : "\"diskGb\":" + diskGb + ",")
                + "\"sshKeys\":[\"" + KEY + "\",\"" + KEY2 + "\"]}";
    }

    private int jobCount() {
        return phpipam.rows("SELECT job_id FROM `" + phpipam.scanflowSchema + "`.vm_jobs").size();
    }

    /** The event of this job (events of jobs that ended just before may still arrive meanwhile). */
    private JsonNode awaitEvent(String jobId) throws Exception {
        Instant deadline = Instant.now().plusSeconds(20);
        while (Instant.now().isBefore(deadline)) {
            String event = events.poll(1, TimeUnit.SECONDS);
            if (event != null && JSON.readTree(event).path("detail").path("jobId").asText().equals(jobId)) {
                return JSON.readTree(event);
            }
        }
        throw new AssertionError("no event of job " + jobId + " reached the webhook");
    }

    /** The address phpIPAM would give next in the test subnet: the lowest host address without a row. */
    private String firstFree() {
        java.util.Set<String> taken = new java.util.HashSet<>();
        phpipam.rows("SELECT ip_addr FROM ipaddresses WHERE subnetId = ?", subnet).forEach(r -> taken.add((String) r.get("ip_addr")));
        for (int host = 1; host < 15; host++) {
            IpAddress candidate = IpAddress.parse("198.51.100." + host);
            if (!taken.contains(candidate.decimal())) {
                return candidate.toString();
            }
        }
        throw new AssertionError("the test subnet is full");
    }

    private JsonNode job(String jobId) {
        Reply reply = get("/api/v1/vms/" + jobId);
        assertEquals(200, reply.status(), reply.body());
        return reply.json();
    }

    private JsonNode awaitEnd(String jobId) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (true) {
            JsonNode job = job(jobId);
            if (!job.get("status").asText().equals("running")) {
                return job;
            }
            if (Instant.now().isAfter(deadline)) {
                throw new AssertionError("job still running: " + job);
            }
            Thread.sleep(100);
        }
    }

    private void awaitStep(String jobId, String name) throws InterruptedException {
        Instant deadline = Instant.now().plusSeconds(60);
        while (Instant.now().isBefore(deadline)) {
            for (JsonNode step : job(jobId).get("steps")) {
                if (step.get("step").asText().equals(name)) {
                    return;
                }
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the job never reached step " + name);
    }

    record Reply(int status, String body, HttpResponse<String> response) {
        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (java.io.IOException e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private Reply post(String body, String idempotencyKey) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/vms"))
                .timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + OPERATOR).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body));
        if (idempotencyKey != null) {
            request.header("Idempotency-Key", idempotencyKey);
        }
        return send(request.build());
    }

    private Reply get(String path) {
        return send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + OPERATOR).GET().build());
    }

    private Reply send(HttpRequest request) {
        try {
            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body(), response);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }
}
