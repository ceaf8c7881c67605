package dev.scanflow.server.api;

import static dev.scanflow.server.delta.Reports.service;
import static dev.scanflow.server.delta.Reports.up;
import static dev.scanflow.server.delta.Reports.v2;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.scanflow.net.Cidr;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertRules;
import dev.scanflow.server.alert.PortSpec;
import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.delta.DeltaEngine;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.server.delta.ServiceField;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.history.HistoryRepository;
import dev.scanflow.server.history.ObservationRecorder;
import dev.scanflow.server.history.Recorded;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.StreamSupport;
import org.apache.commons.dbcp2.BasicDataSource;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The operator API over real HTTP, on the real route files on camel-main, against a history written by real
 * observations (ObservationRecorder, delta engine, alert rules) on a real MariaDB. The story, on site-a's
 * subnet 21 (10.5.0.0/24), one scan an hour from 08:00Z:
 * <ol>
 *   <li>hosts .1-.10 come up with http (nginx 1.24); .4 is db.lab;</li>
 *   <li>ssh opens on all ten (a low alert each) and .1's nginx becomes 1.26 (a service-change alert);</li>
 *   <li>.9 and .10 are missed, .2 answers with another MAC (a high alert);</li>
 *   <li>.9 and .10 are missed again (gone), .3 answers ssh closed (its alert resolves itself), .4 is now
 *       db2.lab, .5's nginx becomes 1.25, .6 has another MAC, .11 comes up with https.</li>
 * </ol>
 * site-b's subnet 22 has telnet open on one host (critical), and subnet 23 is tracked by site-b and site-c.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class OperatorApiIT {

    private static final String TOKEN = "operator-token-" + UUID.randomUUID();
    private static final Instant T0 = Instant.parse("2026-11-22T08:00:00Z");
    private static final SubnetKey A = new SubnetKey("site-a", 21);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String AGENT_A_CODE = "Site-a-agent-code-0123456789abcd";

    private TestPhpipam phpipam;
    private ServerUnderTest server;
    private BasicDataSource dataSource;
    private dev.scanflow.server.apply.ObservationStore store;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<UUID> scansA = new ArrayList<>();
    private int changesA;
    private long agentA;

    @BeforeAll
    void startServerAndLiveThroughTheStory() {
        phpipam = TestPhpipam.create();
        agentA = phpipam.insertAgent("site-a", AGENT_A_CODE);
        phpipam.insertAgent("site-b", "Site-b-agent-code-0123456789abcd");
        // phpIPAM's wall clock in Berlin: 10:30 there is 09:30Z
        phpipam.execute("UPDATE scanAgents SET last_access = '2026-11-22 10:30:00' WHERE id = ?", agentA);
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.api-token", TOKEN);
        extra.setProperty("scanflow.phpipam.time-zone", "Europe/Berlin");
        // phpIPAM's rows of the tracked subnets: 21 on VLAN 20, 22 on VLAN 30, 23 on none (vlanId 0, as phpIPAM writes it)
        long servers = phpipam.insert("INSERT INTO vlans (domainId, name, number, description) VALUES (1, 'servers', 20, 'test')");
        long dmz = phpipam.insert("INSERT INTO vlans (domainId, name, number, description) VALUES (1, 'dmz', 30, 'test')");
        String subnetRow = "INSERT INTO subnets (id, subnet, mask, sectionId, description, vlanId) VALUES (?, ?, ?, 1, 'test subnet', ?)";
        phpipam.execute(subnetRow, 21, Cidr.parse("10.5.0.0/24").network().decimal(), "24", servers);
        phpipam.execute(subnetRow, 22, Cidr.parse("10.6.0.0/24").network().decimal(), "24", dmz);
        phpipam.execute(subnetRow, 23, Cidr.parse("10.7.0.0/24").network().decimal(), "24", 0);
        server = ServerUnderTest.start(phpipam, Map.of(), extra);

        dataSource = new BasicDataSource();
        dataSource.setUrl(phpipam.url());
        dataSource.setUsername(phpipam.serverUser);
        dataSource.setPassword(phpipam.serverPassword);
        HistoryRepository history = new HistoryRepository(dataSource, phpipam.scanflowSchema, Clock.fixed(T0, ZoneOffset.UTC));
        AlertEngine alerts = new AlertEngine(new AlertRules(
                List.of(new AlertRules.CriticalPort(PortSpec.parse("tcp/23"), "telnet", Severity.CRITICAL, "clear text"),
                        new AlertRules.CriticalPort(PortSpec.parse("tcp/22"), "ssh", Severity.LOW, "admin")),
                List.of(), new AlertRules.NewHostRule(false, Severity.LOW, true, List.of()),
                new AlertRules.MacChangeRule(true, Severity.HIGH),
                new AlertRules.ServiceChangeRule(true, Severity.MEDIUM, Set.of(ServiceField.VERSION))));
        ObservationRecorder recorder = new ObservationRecorder(history, new DeltaEngine(), alerts);
        store = new dev.scanflow.server.apply.ObservationStore(recorder, history, alerts, dev.scanflow.server.store.StepHook.NONE);
        Cidr netA = Cidr.parse("10.5.0.0/24");

        Reports.Builder first = scan("10.5.0.0/24", T0);
        for (int h = 1; h <= 10; h++) {
            Reports.HostBuilder host = up("10.5.0." + h).mac(String.format("02:00:00:00:00:%02d", h))
                    .open("tcp", 80, service("http", "nginx", "1.24"));
            first.host(h == 4 ? host.name("db.lab") : host);
        }
        record(recorder, A, netA, first);
        Reports.Builder second = scan("10.5.0.0/24", T0.plusSeconds(3600));
        for (int h = 1; h <= 10; h++) {
            second.host(up("10.5.0." + h).open("tcp", 80, service("http", "nginx", h == 1 ? "1.26" : "1.24")).open("tcp", 22));
        }
        record(recorder, A, netA, second);
        Reports.Builder third = scan("10.5.0.0/24", T0.plusSeconds(7200));
        for (int h = 1; h <= 8; h++) {
            Reports.HostBuilder host = up("10.5.0." + h).open("tcp", 80, service("http", "nginx", h == 1 ? "1.26" : "1.24"))
                    .open("tcp", 22);
            third.host(h == 2 ? host.mac("02:00:00:00:00:99") : host);
        }
        record(recorder, A, netA, third);
        Reports.Builder fourth = scan("10.5.0.0/24", T0.plusSeconds(10800));
        for (int h = 1; h <= 8; h++) {
            String version = h == 1 ? "1.26" : h == 5 ? "1.25" : "1.24";
            Reports.HostBuilder host = up("10.5.0." + h).open("tcp", 80, service("http", "nginx", version));
            host = h == 3 ? host.port("tcp", 22, "closed", null) : host.open("tcp", 22);
            if (h == 4) {
                host.name("db2.lab");
            }
            if (h == 6) {
                host.mac("02:00:00:00:00:66");
            }
            fourth.host(host);
        }
        fourth.host(up("10.5.0.11").mac("02:00:00:00:00:11").name("new.lab").open("tcp", 443, service("https", "nginx", "1.26")));
        record(recorder, A, netA, fourth);

        record(recorder, new SubnetKey("site-b", 22), Cidr.parse("10.6.0.0/24"),
                scan("10.6.0.0/24", T0.plusSeconds(60)).host(up("10.6.0.5").open("tcp", 23)));
        record(recorder, new SubnetKey("site-b", 23), Cidr.parse("10.7.0.0/24"),
                scan("10.7.0.0/24", T0.plusSeconds(120)).host(up("10.7.0.1")));
        record(recorder, new SubnetKey("site-c", 23), Cidr.parse("10.7.0.0/24"),
                scan("10.7.0.0/24", T0.plusSeconds(180)).host(up("10.7.0.1")).host(up("10.7.0.2")));
    }

    private static Reports.Builder scan(String net, Instant start) {
        return v2(net).liveness(net).probe("tcp", "1-1024", net).startingAt(start);
    }

    /** Stores the scan as the apply path does (ObservationStore), in a transaction of its own. */
    private void record(ObservationRecorder recorder, SubnetKey key, Cidr cidr, Reports.Builder report) {
        Recorded recorded;
        try {
            recorded = dev.scanflow.server.store.Transaction.run(dataSource,
                    connection -> store.store(connection, key, cidr, Observation.of(report.build())), r -> !r.duplicate());
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        store.committed(recorded);
        if (key.equals(A)) {
            scansA.add(recorded.delta().observation().scanId());
            changesA += recorded.changes().size();
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (dataSource != null) {
            dataSource.close();
        }
        if (phpipam != null) {
            phpipam.close();
        }
    }

    // --- HTTP ------------------------------------------------------------------------------------------

    private record Reply(int status, String contentType, String body, HttpResponse<String> response) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private Reply send(String method, String path, String authorization, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.headers().firstValue("Content-Type").orElse(null), response.body(),
                    response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path, e);
        }
    }

    private Reply get(String path) {
        return send("GET", path, "Bearer " + TOKEN, null, Map.of());
    }

    private JsonNode ok(String path) {
        Reply reply = get(path);
        assertEquals(200, reply.status(), path + " -> " + reply.body());
        assertEquals("application/json", reply.contentType(), path);
        return reply.json();
    }

    private Reply post(String path, String body) {
        return send("POST", path, "Bearer " + TOKEN, body, Map.of());
    }

    /** The error body of a refused request: its status, and the message that must name what was wrong. */
    private static void assertError(Reply reply, int status, String... messageMentions) {
        assertEquals(status, reply.status(), reply.body());
        assertEquals("application/json", reply.contentType());
        JsonNode error = reply.json();
        assertEquals(status, error.get("status").asInt(), reply.body());
        assertFalse(error.get("error").asText().isEmpty(), reply.body());
        for (String mention : messageMentions) {
            assertTrue(error.get("message").asText().contains(mention), "'" + mention + "' in " + reply.body());
        }
    }

    private static List<String> texts(JsonNode array, String field) {
        return StreamSupport.stream(array.spliterator(), false).map(node -> node.get(field).asText()).toList();
    }

    private static List<String> values(JsonNode array) {
        return StreamSupport.stream(array.spliterator(), false).map(JsonNode::asText).toList();
    }

    /** Every item of a paged list, page by page; no page but the last may come back short. */
    private List<JsonNode> allPages(String path, int limit, List<Integer> pageSizes) {
        List<JsonNode> items = new ArrayList<>();
        String cursor = null;
        do {
            String separator = path.contains("?") ? "&" : "?";
            JsonNode page = ok(path + separator + "limit=" + limit + (cursor == null ? "" : "&cursor=" + cursor));
            page.get("items").forEach(items::add);
            pageSizes.add(page.get("items").size());
            cursor = page.get("next").isNull() ? null : page.get("next").asText();
        } while (cursor != null && pageSizes.size() < 100);
        for (int i = 0; i < pageSizes.size() - 1; i++) {
            assertEquals(limit, pageSizes.get(i), "page " + i + " of " + path + " is short but not the last");
        }
        return items;
    }

    /** The operator API's routes as running: "GET /api/v1/alerts/{alertId}", from their platform-http endpoints. */
    private Set<String> servedOperations() {
        Set<String> operations = new TreeSet<>();
        for (Route route : server.app().context().getRoutes()) {
            // the console's routes (fleet, scan jobs: routes/console-api.yaml) are in the same document
            if ((route.getRouteId().startsWith("operator-api") || route.getRouteId().startsWith("console-"))
                    && route.getEndpoint() instanceof PlatformHttpEndpoint endpoint) {
                for (String method : endpoint.getHttpMethodRestrict().split(",")) {
                    operations.add(method + " " + endpoint.getPath());
                }
            }
        }
        return operations;
    }

    // --- access ----------------------------------------------------------------------------------------

    @Test
    void everyOperatorEndpointRefusesRequestsWithoutTheOperatorToken() {
        Set<String> operations = servedOperations();
        assertTrue(operations.size() >= 13, operations.toString());
        String scan = scansA.get(3).toString();
        for (String operation : operations) {
            String method = operation.substring(0, operation.indexOf(' '));
            String path = operation.substring(operation.indexOf(' ') + 1).replace("{subnetId}", "21")
                    .replace("{address}", "10.5.0.1").replace("{scanId}", scan).replace("{alertId}", "1")
                    .replace("{jobId}", UUID.randomUUID().toString()).replace("{enrolmentId}", UUID.randomUUID().toString())
                    .replace("{testId}", "00000000-0000-0000-0000-000000000000");
            if (path.startsWith("/api/v1/openapi.")) {
                assertEquals(200, send(method, path, null, null, Map.of()).status(), "the document needs no token");
                continue;
            }
            String body = method.equals("POST") ? "{\"by\":\"mallory\"}" : null;
            for (String authorization : new String[] {null, "Bearer wrong-" + TOKEN, "Basic " + TOKEN, TOKEN, "Bearer "}) {
                Reply reply = send(method, path, authorization, body, Map.of());
                assertError(reply, 401);
                assertEquals("Bearer realm=\"scanflow\"", reply.response().headers().firstValue("WWW-Authenticate").orElse(null));
            }
        }
        JsonNode alert = ok("/api/v1/alerts/1").get("alert");
        assertNull(alert.get("acknowledgedBy").textValue(), "a refused step changed nothing");
    }

    @Test
    void requestHeadersAndQueryParametersAreNotEchoedBack() {
        Reply reply = send("GET", "/api/v1/subnets?site=site-b", "Bearer " + TOKEN, null, Map.of("X-Probe", "echo-me"));
        assertEquals(200, reply.status());
        assertTrue(reply.response().headers().firstValue("X-Probe").isEmpty(), reply.response().headers().toString());
        assertTrue(reply.response().headers().firstValue("site").isEmpty(), reply.response().headers().toString());
        assertTrue(reply.response().headers().firstValue("Authorization").isEmpty());
        Reply refused = send("GET", "/api/v1/subnets", "Bearer wrong", null, Map.of());
        assertTrue(refused.response().headers().firstValue("Authorization").isEmpty(), "the token is never sent back");
    }

    // --- agents and subnets ----------------------------------------------------------------------------

    @Test
    void agentsListPhpipamsScanAgentsWithTheirTrackedSubnetsAndNeverTheirCodes() {
        Reply reply = get("/api/v1/agents");
        assertEquals(200, reply.status());
        assertFalse(reply.body().contains(AGENT_A_CODE), "agent codes are not listed");
        assertFalse(reply.body().contains("\"code\""), reply.body());
        JsonNode agents = reply.json().get("items");
        JsonNode a = StreamSupport.stream(agents.spliterator(), false).filter(n -> n.get("name").asText().equals("site-a"))
                .findFirst().orElseThrow();
        assertEquals(agentA, a.get("id").asLong());
        assertEquals("mysql", a.get("type").asText());
        assertEquals("2026-11-22T09:30:00Z", a.get("lastAccess").asText(), "phpIPAM's Berlin wall clock, as an instant");
        assertEquals(List.of("21"), texts(a.get("subnets"), "subnetId"));
        assertEquals("10.5.0.0/24", a.get("subnets").get(0).get("cidr").asText());
        JsonNode b = StreamSupport.stream(agents.spliterator(), false).filter(n -> n.get("name").asText().equals("site-b"))
                .findFirst().orElseThrow();
        assertEquals(List.of("22", "23"), texts(b.get("subnets"), "subnetId"));
        assertTrue(b.get("lastAccess").isNull(), "never reported");
    }

    @Test
    void subnetsListTheirCurrentStateAndFilterBySite() {
        JsonNode all = ok("/api/v1/subnets").get("items");
        assertEquals(List.of("site-a/21", "site-b/22", "site-b/23", "site-c/23"), StreamSupport.stream(all.spliterator(), false)
                .map(n -> n.get("site").asText() + "/" + n.get("subnetId").asText()).toList());
        JsonNode a = ok("/api/v1/subnets/21");
        assertEquals("site-a", a.get("site").asText());
        assertEquals("10.5.0.0/24", a.get("cidr").asText());
        assertEquals(4, a.get("version").asInt());
        assertEquals(9, a.get("hostsUp").asInt(), ".1-.8 and .11");
        assertEquals(2, a.get("hostsGone").asInt());
        assertEquals(scansA.get(3).toString(), a.get("lastScanId").asText());
        assertEquals("2026-11-22T11:00:00Z", a.get("lastScanStart").asText());
        assertEquals(List.of("site-b/22", "site-b/23"), StreamSupport.stream(ok("/api/v1/subnets?site=site-b").get("items").spliterator(), false)
                .map(n -> n.get("site").asText() + "/" + n.get("subnetId").asText()).toList());
        assertEquals(0, ok("/api/v1/subnets?site=nobody").get("items").size());
    }

    // --- VLANs -----------------------------------------------------------------------------------------

    @Test
    void subnetsCarryTheirPhpipamVlanOrSayTheyHaveNone() {
        JsonNode all = ok("/api/v1/subnets").get("items");
        List<String> vlans = new ArrayList<>();
        for (JsonNode subnet : all) {
            assertTrue(subnet.has("vlan"), "the key is there even without a VLAN: " + subnet);
            vlans.add(subnet.get("subnetId").asText() + ":" + subnet.get("vlan"));
        }
        assertEquals(List.of("21:{\"number\":20,\"name\":\"servers\"}", "22:{\"number\":30,\"name\":\"dmz\"}",
                "23:null", "23:null"), vlans);
        assertEquals(20, ok("/api/v1/subnets/21").get("vlan").get("number").asInt());
        assertEquals("dmz", ok("/api/v1/subnets/22").get("vlan").get("name").asText());
        assertTrue(ok("/api/v1/subnets/23?site=site-c").get("vlan").isNull());
    }

    @Test
    void subnetsChangesAndAlertsFilterByVlan() {
        assertEquals(List.of("site-a/21"), StreamSupport.stream(ok("/api/v1/subnets?vlan=20").get("items").spliterator(), false)
                .map(n -> n.get("site").asText() + "/" + n.get("subnetId").asText()).toList());
        assertEquals(List.of("site-b/22"), StreamSupport.stream(ok("/api/v1/subnets?vlan=30&site=site-b").get("items").spliterator(), false)
                .map(n -> n.get("site").asText() + "/" + n.get("subnetId").asText()).toList());
        assertEquals(0, ok("/api/v1/subnets?vlan=30&site=site-a").get("items").size());
        assertEquals(0, ok("/api/v1/subnets?vlan=4094").get("items").size(), "a VLAN no subnet is on");

        JsonNode onDmz = ok("/api/v1/changes?vlan=30&limit=1000").get("items");
        assertTrue(onDmz.size() > 0);
        onDmz.forEach(change -> assertEquals(22, change.get("subnetId").asInt(), change.toString()));
        JsonNode onServers = ok("/api/v1/changes?vlan=20&limit=1000").get("items");
        assertEquals(ok("/api/v1/changes?subnet=21&limit=1000").get("items").size(), onServers.size());
        onServers.forEach(change -> assertEquals(21, change.get("subnetId").asInt(), change.toString()));

        JsonNode dmzAlerts = ok("/api/v1/alerts?vlan=30").get("items");
        assertEquals(1, dmzAlerts.size(), dmzAlerts.toString());
        assertEquals("critical", dmzAlerts.get(0).get("severity").asText());
        JsonNode serverAlerts = ok("/api/v1/alerts?vlan=20&limit=1000").get("items");
        assertEquals(ok("/api/v1/alerts?subnet=21&limit=1000").get("items").size(), serverAlerts.size());
        assertTrue(serverAlerts.size() > 0);
        serverAlerts.forEach(alert -> assertEquals(21, alert.get("subnetId").asInt(), alert.toString()));
    }

    @Test
    void aVlanOutside1To4094IsA400() {
        for (String path : List.of("/api/v1/subnets", "/api/v1/changes", "/api/v1/alerts")) {
            for (String bad : List.of("0", "4095", "-1", "twenty", "20.5", "99999999999", "0020x")) {
                assertError(get(path + "?vlan=" + bad), 400, "'vlan'", "a VLAN number from 1 to 4094");
            }
        }
    }

    @Test
    void aSubnetTrackedByTwoSitesNeedsTheSite() {
        assertError(get("/api/v1/subnets/23"), 400, "'site'", "site-b", "site-c");
        assertEquals(2, ok("/api/v1/subnets/23?site=site-c").get("hostsUp").asInt());
        assertEquals(1, ok("/api/v1/subnets/23?site=site-b").get("hostsUp").asInt());
        assertError(get("/api/v1/subnets/23/hosts"), 400, "'site'");
        assertEquals(List.of("10.7.0.1", "10.7.0.2"), texts(ok("/api/v1/subnets/23/hosts?site=site-c").get("items"), "address"));
    }

    @Test
    void unknownSubnetsHostsScansAndAlertsAre404() {
        assertError(get("/api/v1/subnets/999"), 404, "999");
        assertError(get("/api/v1/subnets/21?site=site-b"), 404, "21", "site-b");
        assertError(get("/api/v1/subnets/999/hosts"), 404, "999");
        assertError(get("/api/v1/subnets/21/hosts/10.5.0.200"), 404, "10.5.0.200");
        assertError(get("/api/v1/subnets/22/hosts/10.5.0.1"), 404, "10.5.0.1");
        UUID unknown = UUID.randomUUID();
        assertError(get("/api/v1/scans/" + unknown), 404, unknown.toString());
        assertError(get("/api/v1/scans/" + unknown + "/delta?format=csv"), 404, unknown.toString());
        assertError(get("/api/v1/alerts/999999"), 404, "999999");
        assertError(post("/api/v1/alerts/999999/acknowledge", "{\"by\":\"alice\"}"), 404, "999999");
        assertError(post("/api/v1/alerts/999999/resolve", "{\"by\":\"alice\"}"), 404, "999999");
    }

    @Test
    void malformedPathPartsAre400NamingThePart() {
        assertError(get("/api/v1/subnets/twenty-one"), 400, "'subnetId'", "twenty-one");
        assertError(get("/api/v1/subnets/0"), 400, "'subnetId'");
        assertError(get("/api/v1/subnets/21/hosts/10.5.0.300"), 400, "'address'", "10.5.0.300");
        assertError(get("/api/v1/scans/not-a-uuid"), 400, "'scanId'");
        assertError(get("/api/v1/alerts/x1"), 400, "'alertId'");
    }

    // --- hosts -----------------------------------------------------------------------------------------

    @Test
    void hostsPageInAddressOrderWithNoHostTwiceAndNoneMissing() {
        List<Integer> sizes = new ArrayList<>();
        List<JsonNode> hosts = allPages("/api/v1/subnets/21/hosts", 4, sizes);
        List<String> addresses = hosts.stream().map(h -> h.get("address").asText()).toList();
        List<String> expected = new ArrayList<>();
        for (int h = 1; h <= 11; h++) {
            expected.add("10.5.0." + h);
        }
        assertEquals(expected, addresses, "address order, every host once");
        assertEquals(List.of(4, 4, 3), sizes);
        JsonNode one = hosts.get(0);
        assertEquals("up", one.get("status").asText());
        assertEquals(4, one.get("timesSeen").asInt());
        assertEquals(2, one.get("openPorts").asInt());
        assertEquals("2026-11-22T08:00:00Z", one.get("firstSeen").asText());
        assertEquals(List.of("10.5.0.9", "10.5.0.10"), texts(ok("/api/v1/subnets/21/hosts?status=gone").get("items"), "address"));
        assertEquals(9, ok("/api/v1/subnets/21/hosts?status=up").get("items").size());
    }

    @Test
    void aHostsHistoryHasItsPortsMacsNamesAndServicesOverTime() {
        JsonNode two = ok("/api/v1/subnets/21/hosts/10.5.0.2");
        assertEquals("10.5.0.2", two.get("host").get("address").asText());
        assertEquals("02:00:00:00:00:99", two.get("host").get("mac").asText());
        List<String> macs = new ArrayList<>();
        two.get("identities").forEach(i -> macs.add(i.get("kind").asText() + " " + i.get("value").asText() + " "
                + i.get("from").asText() + " - " + (i.get("until").isNull() ? "now" : i.get("until").asText())));
        assertEquals(List.of("mac 02:00:00:00:00:02 2026-11-22T08:00:00Z - 2026-11-22T10:00:00Z",
                "mac 02:00:00:00:00:99 2026-11-22T10:00:00Z - now"), macs);
        JsonNode one = ok("/api/v1/subnets/21/hosts/10.5.0.1");
        assertEquals(List.of("22", "80"), texts(one.get("ports"), "port"));
        assertEquals("1.26", one.get("ports").get(1).get("service").get("version").asText());
        List<String> versions = new ArrayList<>();
        one.get("services").forEach(s -> versions.add(s.get("port").asText() + " " + s.get("service").get("version").asText()
                + " until " + (s.get("until").isNull() ? "now" : s.get("until").asText())));
        assertEquals(List.of("80 1.24 until 2026-11-22T09:00:00Z", "80 1.26 until now"), versions);
        JsonNode three = ok("/api/v1/subnets/21/hosts/10.5.0.3");
        assertEquals("closed", three.get("ports").get(0).get("status").asText(), "tcp/22 was answered closed");
    }

    // --- changes ---------------------------------------------------------------------------------------

    @Test
    void changesPageThroughASubnetWithNoChangeTwiceAndNoneMissingInEitherOrder() {
        List<Integer> sizes = new ArrayList<>();
        List<Long> oldestFirst = allPages("/api/v1/changes?subnet=21&order=oldest", 7, sizes).stream()
                .map(c -> c.get("id").asLong()).toList();
        assertEquals(changesA, oldestFirst.size(), "every change of the subnet");
        assertEquals(44, changesA, "20 + 11 + 1 + 12 changes in the four scans");
        assertEquals(changesA, new HashSet<>(oldestFirst).size(), "none twice");
        List<Long> sorted = new ArrayList<>(oldestFirst);
        Collections.sort(sorted);
        assertEquals(sorted, oldestFirst, "oldest first: observation time, then id");
        assertEquals(7, sizes.size(), "44 changes in pages of 7");
        List<Long> newestFirst = allPages("/api/v1/changes?subnet=21", 9, new ArrayList<>()).stream()
                .map(c -> c.get("id").asLong()).toList();
        List<Long> reversed = new ArrayList<>(oldestFirst);
        Collections.reverse(reversed);
        assertEquals(reversed, newestFirst, "newest first is the default");
    }

    @Test
    void changesFilterByTimeRangeTypeHostAndSite() {
        JsonNode secondScan = ok("/api/v1/changes?subnet=21&from=2026-11-22T09:00:00Z&until=2026-11-22T10:00:00Z").get("items");
        assertEquals(11, secondScan.size(), "the second scan: ssh opened on ten hosts, one version changed");
        for (JsonNode change : secondScan) {
            assertEquals("2026-11-22T09:00:00Z", change.get("observedAt").asText());
            assertEquals(scansA.get(1).toString(), change.get("scanId").asText());
            assertEquals("site-a", change.get("site").asText());
        }
        // the same range with an offset, the plus sign unencoded
        assertEquals(11, ok("/api/v1/changes?subnet=21&from=2026-11-22T10:00:00+01:00&until=2026-11-22T11:00:00%2B01:00")
                .get("items").size());
        assertEquals(List.of("10.5.0.9", "10.5.0.10"), ok("/api/v1/changes?site=site-a&type=HOST_GONE&order=oldest")
                .get("items").findValuesAsText("address"));
        JsonNode ofHost = ok("/api/v1/changes?subnet=21&address=10.5.0.1&order=oldest").get("items");
        assertEquals(List.of("HOST_NEW", "PORT_OPENED", "PORT_OPENED", "SERVICE_CHANGED"),
                StreamSupport.stream(ofHost.spliterator(), false).map(c -> c.get("change").get("type").asText()).toList());
        JsonNode serviceChange = ofHost.get(3).get("change");
        assertEquals("1.24", serviceChange.get("before").get("version").asText());
        assertEquals("1.26", serviceChange.get("after").get("version").asText());
        assertEquals(List.of("VERSION"), values(serviceChange.get("fields")));
        JsonNode ports = ok("/api/v1/changes?subnet=21&type=port_closed,host-gone").get("items");
        assertEquals(Set.of("PORT_CLOSED", "HOST_GONE"), new HashSet<>(ports.findValuesAsText("type")));
        assertEquals(7, ports.size(), "10.5.0.3's reported closed; two hosts gone, each with its two ports closed with it");
        assertEquals(Set.of("site-b"), new HashSet<>(ok("/api/v1/changes?site=site-b").get("items").findValuesAsText("site")));
    }

    @Test
    void malformedQueriesAre400NamingTheParameter() {
        assertError(get("/api/v1/changes?from=yesterday"), 400, "'from'", "yesterday");
        assertError(get("/api/v1/changes?until=2026-11-22"), 400, "'until'");
        assertError(get("/api/v1/changes?from=2026-11-22T10:00:00Z&until=2026-11-22T09:00:00Z"), 400, "'until'");
        assertError(get("/api/v1/changes?limit=0"), 400, "'limit'", "1000");
        assertError(get("/api/v1/changes?limit=1001"), 400, "'limit'");
        assertError(get("/api/v1/changes?limit=ten"), 400, "'limit'");
        assertError(get("/api/v1/changes?type=PORT_EXPLODED"), 400, "'type'", "PORT_EXPLODED");
        assertError(get("/api/v1/changes?subnet=-3"), 400, "'subnet'");
        assertError(get("/api/v1/changes?address=10.5.0.1"), 400, "'address'", "subnet");
        assertError(get("/api/v1/changes?subnet=21&address=10.5.0.x"), 400, "'address'");
        assertError(get("/api/v1/changes?order=sideways"), 400, "'order'");
        assertError(get("/api/v1/changes?cursor=not-a-cursor"), 400, "'cursor'");
        assertError(get("/api/v1/changes?sevrity=high"), 400, "'sevrity'");
        assertError(get("/api/v1/changes?limit=5&limit=6"), 400, "'limit'", "more than once");
        assertError(get("/api/v1/subnets/21/hosts?status=down"), 400, "'status'", "down");
        assertError(get("/api/v1/subnets/21/hosts?cursor=zz"), 400, "'cursor'");
        assertError(get("/api/v1/alerts?status=snoozed"), 400, "'status'", "snoozed");
        assertError(get("/api/v1/alerts?severity=apocalyptic"), 400, "'severity'");
        assertError(get("/api/v1/alerts?cursor=1x"), 400, "'cursor'");
        assertError(get("/api/v1/scans/" + scansA.get(0) + "/delta?format=xml"), 400, "'format'", "xml");
        assertError(get("/api/v1/agents?site=site-a"), 400, "'site'");
        assertError(get("/api/v1/subnets?site=" + "s".repeat(129)), 400, "'site'");
    }

    // --- scans and their deltas ------------------------------------------------------------------------

    @Test
    void aScanSaysWhatItCoveredAndWhatItChanged() {
        JsonNode scan = ok("/api/v1/scans/" + scansA.get(3));
        assertEquals(scansA.get(3).toString(), scan.get("scanId").asText());
        assertEquals("site-a", scan.get("site").asText());
        assertEquals(21, scan.get("subnetId").asInt());
        assertEquals(4, scan.get("stateVersion").asInt());
        assertEquals("ports", scan.get("profile").asText());
        assertEquals(12, scan.get("changeCount").asInt());
        assertFalse(scan.get("partial").asBoolean());
        assertEquals(List.of(scansA.get(3).toString()), values(scan.get("reportIds")), "an unchunked report is its own scan");
    }

    @Test
    void theDeltaOfAScanExportsAsNdiffLikeText() {
        Reply reply = get("/api/v1/scans/" + scansA.get(3) + "/delta?format=text");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("text/plain; charset=utf-8", reply.contentType());
        String subnet = "ScanFlow site-a subnet 21 10.5.0.0/24: ";
        assertEquals(String.join("\n",
                "-" + subnet + "scan " + scansA.get(2) + ", initiated 2026-11-22T10:00:00Z (ports)",
                "+" + subnet + "scan " + scansA.get(3) + ", initiated 2026-11-22T11:00:00Z (ports)",
                "",
                " 10.5.0.3:",
                " PORT   STATE  SERVICE VERSION",
                "-22/tcp open",
                "+22/tcp closed",
                "",
                "-db.lab (10.5.0.4):",
                "+db2.lab (10.5.0.4):",
                "",
                " 10.5.0.5:",
                " PORT   STATE SERVICE VERSION",
                "-80/tcp open  http    nginx 1.24",
                "+80/tcp open  http    nginx 1.25",
                "",
                " 10.5.0.6:",
                "-MAC Address: 02:00:00:00:00:06",
                "+MAC Address: 02:00:00:00:00:66 (Lab Vendor)",
                "",
                " 10.5.0.9:",
                "-Host is up.",
                "+Host is gone (missed by 2 covering scans).",
                " PORT   STATE  SERVICE VERSION",
                "-22/tcp open",
                "+22/tcp closed         (host gone)",
                "-80/tcp open   http    nginx 1.24",
                "+80/tcp closed http    (host gone)",
                "",
                " 10.5.0.10:",
                "-Host is up.",
                "+Host is gone (missed by 2 covering scans).",
                " PORT   STATE  SERVICE VERSION",
                "-22/tcp open",
                "+22/tcp closed         (host gone)",
                "-80/tcp open   http    nginx 1.24",
                "+80/tcp closed http    (host gone)",
                "",
                "+new.lab (10.5.0.11):",
                "+Host is up.",
                "+MAC Address: 02:00:00:00:00:11 (Lab Vendor)",
                "+PORT    STATE SERVICE VERSION",
                "+443/tcp open  https   nginx 1.26",
                ""), reply.body());
        String first = get("/api/v1/scans/" + scansA.get(0) + "/delta?format=text").body();
        assertTrue(first.startsWith("-" + subnet + "nothing known before\n"), first);
        assertTrue(first.contains("\n+10.5.0.1:\n+Host is up.\n+MAC Address: 02:00:00:00:00:01 (Lab Vendor)\n"
                + "+PORT   STATE SERVICE VERSION\n+80/tcp open  http    nginx 1.24\n"), first);
    }

    @Test
    void theDeltaOfAScanExportsAsCsv() {
        Reply reply = get("/api/v1/scans/" + scansA.get(3) + "/delta?format=csv");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("text/csv; charset=utf-8", reply.contentType());
        assertEquals("attachment; filename=\"scanflow-delta-" + scansA.get(3) + ".csv\"",
                reply.response().headers().firstValue("Content-Disposition").orElse(null));
        List<String> lines = List.of(reply.body().split("\r\n", -1));
        assertEquals("", lines.get(lines.size() - 1), "CRLF after every row");
        assertEquals("scan_id,site,subnet_id,observed_at,type,address,protocol,port,before,after,service_before,service_after,"
                + "changed_fields,detail", lines.get(0));
        assertEquals(1 + 12 + 1, lines.size(), reply.body());
        String row = scansA.get(3) + ",site-a,21,2026-11-22T11:00:00Z,";
        Set<String> rows = new HashSet<>(lines.subList(1, lines.size() - 1));
        Set<String> expected = new LinkedHashSet<>(List.of(
                row + "HOST_GONE,10.5.0.9,,,up,gone,,,,missed by 2 covering scans; mac 02:00:00:00:00:09",
                row + "HOST_GONE,10.5.0.10,,,up,gone,,,,missed by 2 covering scans; mac 02:00:00:00:00:10",
                row + "PORT_CLOSED,10.5.0.9,tcp,22,open,closed,,,,host gone",
                row + "PORT_CLOSED,10.5.0.9,tcp,80,open,closed,http nginx 1.24,,,host gone",
                row + "PORT_CLOSED,10.5.0.10,tcp,22,open,closed,,,,host gone",
                row + "PORT_CLOSED,10.5.0.10,tcp,80,open,closed,http nginx 1.24,,,host gone",
                row + "PORT_CLOSED,10.5.0.3,tcp,22,open,closed,,,,reported closed by the scanner",
                row + "HOSTNAME_CHANGED,10.5.0.4,,,db.lab,db2.lab,,,hostname,",
                row + "SERVICE_CHANGED,10.5.0.5,tcp,80,open,open,http nginx 1.24,http nginx 1.25,version,",
                row + "MAC_CHANGED,10.5.0.6,,,02:00:00:00:00:06,02:00:00:00:00:66,,,mac,vendor Lab Vendor",
                row + "HOST_NEW,10.5.0.11,,,,up,,,,mac 02:00:00:00:00:11 (Lab Vendor); hostname new.lab",
                row + "PORT_OPENED,10.5.0.11,tcp,443,,open,,https nginx 1.26,,"));
        assertEquals(expected, rows);
    }

    @Test
    void theDeltaOfAScanExportsAsJsonWithTheScanItWasComparedWith() {
        JsonNode delta = ok("/api/v1/scans/" + scansA.get(3) + "/delta");
        assertEquals(scansA.get(3).toString(), delta.get("scan").get("scanId").asText());
        assertEquals("10.5.0.0/24", delta.get("cidr").asText());
        assertEquals(scansA.get(2).toString(), delta.get("before").get("scanId").asText());
        assertEquals(3, delta.get("before").get("stateVersion").asInt());
        assertEquals("2026-11-22T10:00:00Z", delta.get("before").get("scanStart").asText());
        List<String> types = new ArrayList<>(delta.get("changes").findValuesAsText("type"));
        Collections.sort(types);
        assertEquals(List.of("HOSTNAME_CHANGED", "HOST_GONE", "HOST_GONE", "HOST_NEW", "MAC_CHANGED", "PORT_CLOSED",
                "PORT_CLOSED", "PORT_CLOSED", "PORT_CLOSED", "PORT_CLOSED", "PORT_OPENED", "SERVICE_CHANGED"), types);
        JsonNode closed = StreamSupport.stream(delta.get("changes").spliterator(), false)
                .filter(c -> c.get("type").asText().equals("PORT_CLOSED")).findFirst().orElseThrow();
        assertEquals("10.5.0.3", closed.get("address").asText());
        assertEquals("REPORTED_CLOSED", closed.get("closedBy").asText());
        assertTrue(ok("/api/v1/scans/" + scansA.get(0) + "/delta?format=json").get("before").isNull(), "the first scan");
    }

    // --- alerts ----------------------------------------------------------------------------------------

    @Test
    void alertsListNewestFirstFilteredBySeverityAndSite() {
        JsonNode severe = ok("/api/v1/alerts?severity=high").get("items");
        List<String> things = StreamSupport.stream(severe.spliterator(), false).map(a -> a.get("site").asText() + " "
                + a.get("kind").asText() + " " + a.get("address").asText() + " " + a.get("severity").asText()).toList();
        assertEquals(List.of("site-b port 10.6.0.5 critical", "site-a mac-change 10.5.0.6 high", "site-a mac-change 10.5.0.2 high"),
                things);
        JsonNode telnet = severe.get(0);
        assertEquals("tcp", telnet.get("protocol").asText());
        assertEquals(23, telnet.get("port").asInt());
        assertTrue(severe.get(1).get("port").isNull(), "a host alert has no port");
        JsonNode sshOnThree = StreamSupport.stream(ok("/api/v1/alerts?site=site-a&subnet=21&status=resolved").get("items").spliterator(), false)
                .filter(a -> a.get("address").asText().equals("10.5.0.3")).findFirst().orElseThrow();
        assertEquals("auto", sshOnThree.get("resolution").asText(), "ssh on .3 was answered closed in the same subnet");
        assertEquals(0, ok("/api/v1/alerts?site=site-c").get("items").size());
    }

    @Test
    void alertsPageWithNoAlertTwiceAndNoneMissing() {
        List<Integer> sizes = new ArrayList<>();
        List<Long> ids = allPages("/api/v1/alerts?site=site-a", 5, sizes).stream().map(a -> a.get("id").asLong()).toList();
        assertEquals(10 + 1 + 1 + 1 + 1, ids.size(), "ten ssh, two MAC changes, two service changes");
        assertEquals(ids.size(), new HashSet<>(ids).size());
        List<Long> descending = new ArrayList<>(ids);
        descending.sort(Collections.reverseOrder());
        assertEquals(descending, ids, "newest first");
        assertEquals(List.of(5, 5, 4), sizes);
    }

    @Test
    void anAcknowledgedAlertListsAsAcknowledgedAndItsStepIsPublished() throws Exception {
        long mac = StreamSupport.stream(ok("/api/v1/alerts?site=site-a&severity=high").get("items").spliterator(), false)
                .filter(a -> a.get("address").asText().equals("10.5.0.2")).findFirst().orElseThrow().get("id").asLong();
        HttpResponse<InputStream> stream = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/events"))
                .header("Authorization", "Bearer " + TOKEN).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        try (BufferedReader sse = new BufferedReader(new InputStreamReader(stream.body(), StandardCharsets.UTF_8))) {
            assertEquals(": connected", sse.readLine());
            CompletableFuture<String> published = CompletableFuture.supplyAsync(() -> {
                try {
                    for (String line = sse.readLine(); line != null; line = sse.readLine()) {
                        if (line.startsWith("data: ")) {
                            return line.substring(6);
                        }
                    }
                    return null;
                } catch (java.io.IOException e) {
                    throw new IllegalStateException(e);
                }
            });

            Reply reply = post("/api/v1/alerts/" + mac + "/acknowledge", "{\"by\": \"alice\", \"note\": \"new NIC, ticket 42\"}");

            assertEquals(200, reply.status(), reply.body());
            assertEquals("acknowledged", reply.json().get("status").asText());
            assertEquals("alice", reply.json().get("acknowledgedBy").asText());
            JsonNode event = JSON.readTree(published.get(20, TimeUnit.SECONDS));
            assertEquals("alert", event.get("kind").asText());
            assertEquals("ACKNOWLEDGED", event.get("type").asText());
            assertEquals("site-a", event.get("site").asText());
            assertEquals("10.5.0.0/24", event.get("subnet").asText());
            assertEquals("10.5.0.2", event.get("address").asText());
        }
        List<Long> acknowledged = StreamSupport.stream(ok("/api/v1/alerts?status=acknowledged").get("items").spliterator(), false)
                .map(a -> a.get("id").asLong()).toList();
        assertTrue(acknowledged.contains(mac), acknowledged.toString());
        assertFalse(StreamSupport.stream(ok("/api/v1/alerts?status=open").get("items").spliterator(), false)
                .anyMatch(a -> a.get("id").asLong() == mac));
        JsonNode detail = ok("/api/v1/alerts/" + mac);
        assertEquals("acknowledged", detail.get("alert").get("status").asText());
        assertEquals(List.of("opened", "acknowledged"), texts(detail.get("events"), "type"));
        assertEquals("new NIC, ticket 42", detail.get("events").get(1).get("note").asText());
        assertEquals("alice", detail.get("events").get(1).get("actor").asText());

        assertError(post("/api/v1/alerts/" + mac + "/acknowledge", "{\"by\": \"bob\"}"), 409, "acknowledged");
        assertEquals("alice", ok("/api/v1/alerts/" + mac).get("alert").get("acknowledgedBy").asText(), "the refused step changed nothing");
    }

    @Test
    void aResolvedAlertCannotBeResolvedTwice() {
        long telnet = ok("/api/v1/alerts?site=site-b&severity=critical").get("items").get(0).get("id").asLong();
        Reply reply = post("/api/v1/alerts/" + telnet + "/resolve", "{\"by\": \"carol\"}");
        assertEquals(200, reply.status(), reply.body());
        assertEquals("resolved", reply.json().get("status").asText());
        assertEquals("manual", reply.json().get("resolution").asText());
        assertEquals("carol", reply.json().get("resolvedBy").asText());
        assertError(post("/api/v1/alerts/" + telnet + "/resolve", "{\"by\": \"carol\"}"), 409, "resolved");
        assertError(post("/api/v1/alerts/" + telnet + "/acknowledge", "{\"by\": \"carol\"}"), 409);
    }

    @Test
    void malformedAlertStepsAre400AndChangeNothing() {
        long ssh = ok("/api/v1/alerts?site=site-a&severity=low&status=open&limit=1").get("items").get(0).get("id").asLong();
        String path = "/api/v1/alerts/" + ssh + "/acknowledge";
        assertError(post(path, ""), 400, "body", "by");
        assertError(post(path, "{\"by\": \"\"}"), 400, "'by'");
        assertError(post(path, "{\"note\": \"who?\"}"), 400, "'by'");
        assertError(post(path, "{\"by\": \"alice\""), 400, "body");
        assertError(post(path, "[\"alice\"]"), 400, "body");
        assertError(post(path, "{\"by\": \"alice\", \"until\": \"tomorrow\"}"), 400, "'until'");
        assertError(post(path, "{\"by\": \"" + "x".repeat(129) + "\"}"), 400, "'by'");
        assertError(post(path + "?by=alice", "{\"by\": \"alice\"}"), 400, "'by'");
        assertEquals(405, send("GET", path, "Bearer " + TOKEN, null, Map.of()).status());
        assertEquals("open", ok("/api/v1/alerts/" + ssh).get("alert").get("status").asText());
    }

    // --- the document ----------------------------------------------------------------------------------

    @Test
    void theOpenApiDocumentParsesAndDescribesEveryOperationTheApiServes() throws Exception {
        Reply json = send("GET", "/api/v1/openapi.json", null, null, Map.of());
        assertEquals(200, json.status());
        assertEquals("application/json", json.contentType());
        JsonNode document = json.json();
        assertTrue(document.get("openapi").asText().startsWith("3."), document.get("openapi").toString());
        Reply yaml = send("GET", "/api/v1/openapi.yaml", null, null, Map.of());
        assertEquals(200, yaml.status());
        assertEquals(document, new ObjectMapper(new YAMLFactory()).readTree(yaml.body()), "the same document in both forms");

        Set<String> described = new TreeSet<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fieldNames().forEachRemaining(method -> described.add(method.toUpperCase() + " " + path.getKey()));
        }
        Set<String> served = servedOperations();
        served.add("GET /api/v1/events");
        // the agents' report intake (report-intake.yaml) is described too, with its x-scanflow-role: agent
        served.add("POST /api/v1/reports");
        assertEquals(served, described, "every operation served is described, and nothing else");

        for (Iterator<Map.Entry<String, JsonNode>> paths = document.get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            for (Iterator<Map.Entry<String, JsonNode>> operations = path.getValue().fields(); operations.hasNext(); ) {
                Map.Entry<String, JsonNode> operation = operations.next();
                String where = operation.getKey() + " " + path.getKey();
                boolean open = operation.getValue().has("security") && operation.getValue().get("security").isEmpty();
                assertEquals(!open, operation.getValue().get("responses").has("401"), where + " documents its 401");
                Set<String> pathParameters = new TreeSet<>();
                java.util.regex.Matcher names = java.util.regex.Pattern.compile("\\{(\\w+)}").matcher(path.getKey());
                while (names.find()) {
                    pathParameters.add(names.group(1));
                }
                Set<String> declared = new TreeSet<>();
                for (JsonNode parameter : operation.getValue().path("parameters")) {
                    JsonNode resolved = parameter.has("$ref") ? resolve(document, parameter.get("$ref").asText()) : parameter;
                    if (resolved.get("in").asText().equals("path")) {
                        declared.add(resolved.get("name").asText());
                    }
                }
                assertEquals(pathParameters, declared, where + " declares its path parameters");
            }
        }
        List<String> references = new ArrayList<>();
        collectReferences(document, references);
        assertFalse(references.isEmpty());
        for (String reference : references) {
            assertNotNull(resolve(document, reference), "dangling " + reference);
        }
    }

    private static JsonNode resolve(JsonNode document, String reference) {
        assertTrue(reference.startsWith("#/"), reference);
        JsonNode node = document.at(reference.substring(1));
        return node.isMissingNode() ? null : node;
    }

    private static void collectReferences(JsonNode node, List<String> references) {
        if (node.isObject()) {
            node.fields().forEachRemaining(field -> {
                if (field.getKey().equals("$ref")) {
                    references.add(field.getValue().asText());
                } else {
                    collectReferences(field.getValue(), references);
                }
            });
        } else if (node.isArray()) {
            node.forEach(child -> collectReferences(child, references));
        }
    }

}
