package dev.scanflow.server.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TableSnapshot;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Each intake finding of the real-phpIPAM run as a regression over real HTTP on the real routes: the status,
 * the message, and that no row of phpIPAM or ScanFlow changed; then what the history must (not) hold.
 */
class IntakeHardeningIT {

    private static final String CODE = Reports.AGENT;
    private static final String TOKEN = "hardening-token";
    private static final String API_TOKEN = "operator-token-for-hardening";
    private static final String NET = "127.0.95.0/29";

    private final ObjectMapper json = ReportJson.mapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private TestPhpipam phpipam;
    private ServerUnderTest server;
    private long subnetId;

    @BeforeEach
    void start() {
        phpipam = TestPhpipam.create();
        long agent = phpipam.insertAgent("hardening-site", CODE);
        subnetId = phpipam.insertSubnet(Cidr.parse(NET), agent, true, true);
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.auth-failure-limit", "3");
        extra.setProperty("scanflow.server.api-token", API_TOKEN);
        server = ServerUnderTest.start(phpipam, Map.of(CODE, TOKEN), extra);
    }

    @AfterEach
    void stop() throws Exception {
        server.close();
        phpipam.close();
    }

    private HttpResponse<String> post(byte[] body, String contentType, String token) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + "/api/v1/reports"))
                .timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            request.header("Content-Type", contentType);
        }
        request.header("Authorization", "Bearer " + token);
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private JsonNode get(String path) throws Exception {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path))
                .header("Authorization", "Bearer " + API_TOKEN).GET().build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return json.readTree(response.body());
    }

    private ObjectNode validReport() {
        ScanReport report = Reports.v2(NET).profile("services-nmap").liveness(NET).probe("tcp", "22,80", NET)
                .host(Reports.up("127.0.95.2").name("host-2.lab").open("tcp", 22)).build();
        return json.valueToTree(report);
    }

    /** Sends the body, expects the refusal with its message, and that not one row changed anywhere. */
    private void refused(byte[] body, String contentType, int status, String message) throws Exception {
        TableSnapshot before = TableSnapshot.of(phpipam);
        HttpResponse<String> response = post(body, contentType, TOKEN);
        assertEquals(status, response.statusCode(), response.body());
        JsonNode error = json.readTree(response.body());
        assertEquals(status, error.get("status").asInt());
        assertTrue(error.get("message").asText().contains(message), "message [" + error.get("message").asText()
                + "] should contain [" + message + "]");
        TableSnapshot.of(phpipam).assertUnchangedSince(before, "refused " + status + " [" + message + "]");
    }

    private void refused(ObjectNode report, int status, String message) throws Exception {
        refused(json.writeValueAsBytes(report), "application/json", status, message);
    }

    @Test
    void duplicateKeysAreMalformedNotLastOneWins() throws Exception {
        String text = json.writeValueAsString(validReport());
        refused(("{\"agentCode\": \"Other-agent-code-0123456789abcdX\", " + text.substring(1)).getBytes(StandardCharsets.UTF_8),
                "application/json", 400, "malformed JSON: Duplicate field 'agentCode'");
        refused(("{\"reportId\": \"" + UUID.randomUUID() + "\", " + text.substring(1)).getBytes(StandardCharsets.UTF_8),
                "application/json", 400, "malformed JSON: Duplicate field 'reportId'");
    }

    @Test
    void hostNamesThatAreNoDnsNamesAreRefusedNamingTheHost() throws Exception {
        for (String name : List.of("host\u0000.lab", "host\r\nFAKE LOG", "\u001b[31mred\u001b[0m", "<script>alert(1)</script>",
                "host\u202eexe.lab", "=cmd|' /C calc'!A0", "h\u00f6st.lab", "a..b", "-lead.lab")) {
            ObjectNode report = validReport();
            ((com.fasterxml.jackson.databind.node.ArrayNode) report.at("/hosts/0/hostnames")).removeAll().add(name);
            refused(report, 400, "host 127.0.95.2: hostnames[0] is not a DNS name");
        }
    }

    @Test
    void onlyUtf8JsonIsRead() throws Exception {
        byte[] report = json.writeValueAsBytes(validReport());
        String text = new String(report, StandardCharsets.UTF_8);
        refused(text.getBytes(StandardCharsets.UTF_16LE), "application/json", 400, "UTF-16 or UTF-32");
        refused(text.getBytes(StandardCharsets.UTF_16), "application/json", 400, "UTF-16 or UTF-32 (byte order mark)");
        byte[] bom = new byte[report.length + 3];
        bom[0] = (byte) 0xef;
        bom[1] = (byte) 0xbb;
        bom[2] = (byte) 0xbf;
        System.arraycopy(report, 0, bom, 3, report.length);
        refused(bom, "application/json", 400, "byte order mark");
        refused(("report=" + text).getBytes(StandardCharsets.UTF_8), "application/x-www-form-urlencoded", 415,
                "Content-Type application/x-www-form-urlencoded is not accepted");
        refused(report, "text/plain", 415, "application/json is required");
        refused(report, "application/json; charset=utf-16", 415, "charset utf-16 is not accepted");
        refused(report, null, 415, "Content-Type application/json is required");
        HttpResponse<String> declared = post(report, "application/json; charset=UTF-8", TOKEN);
        assertEquals(202, declared.statusCode(), declared.body());
    }

    @Test
    void aLongValidPortListIsReadWithoutOverflowingAndALongBadOneIsA400() throws Exception {
        StringBuilder ports = new StringBuilder("1");
        for (int port = 3; ports.length() + 1 + Integer.toString(port).length() <= 8192; port += 2) {
            ports.append(',').append(port);
        }
        String everyOther = ports.toString();
        assertTrue(everyOther.length() > 8000 && everyOther.length() <= 8192, "length " + everyOther.length());
        ObjectNode bad = validReport();
        ((ObjectNode) bad.at("/coverage/ports/0")).put("ports", everyOther.substring(0, 8000) + ",x");
        refused(bad, 400, "coverage ports: not a port or port range");
        ObjectNode report = validReport();
        ((ObjectNode) report.at("/coverage/ports/0")).put("ports", everyOther);
        HttpResponse<String> accepted = post(json.writeValueAsBytes(report), "application/json", TOKEN);
        assertEquals(202, accepted.statusCode(), accepted.body());
    }

    @Test
    void refusedReportsOfAValidTokenNeverLockTheAgentOut() throws Exception {
        ObjectNode unassigned = validReport();
        unassigned.put("subnet", "127.0.96.0/29");
        for (int i = 0; i < 10; i++) {
            unassigned.put("reportId", UUID.randomUUID().toString());
            refused(unassigned, 403, "subnet 127.0.96.0/29 is not assigned to agent 'hardening-site'");
        }
        HttpResponse<String> accepted = post(json.writeValueAsBytes(validReport()), "application/json", TOKEN);
        assertEquals(202, accepted.statusCode(), "403s are no failed tokens: " + accepted.body());
    }

    @Test
    void networkAndBroadcastAddressesAreNoHostsOfTheHistory() throws Exception {
        ScanReport first = Reports.v2(NET).profile("discovery").liveness(NET).host(Reports.up("127.0.95.2")).build();
        assertEquals(202, post(json.writeValueAsBytes(first), "application/json", TOKEN).statusCode());
        ScanReport second = Reports.v2(NET).profile("discovery").liveness(NET).host(Reports.up("127.0.95.0"))
                .host(Reports.up("127.0.95.2")).host(Reports.up("127.0.95.3")).host(Reports.up("127.0.95.7")).build();
        assertEquals(202, post(json.writeValueAsBytes(second), "application/json", TOKEN).statusCode());
        String sf = "`" + phpipam.scanflowSchema + "`.";
        phpipam.awaitRows("SELECT scan_id FROM " + sf + "applied_scans", 2, Duration.ofSeconds(20));
        assertEquals(List.of("127.0.95.2", "127.0.95.3"), phpipam.rows("SELECT ip FROM " + sf + "host_state ORDER BY ip")
                .stream().map(r -> r.get("ip")).toList());
        List<Object> alerted = phpipam.rows("SELECT ip FROM " + sf + "alerts ORDER BY ip").stream().map(r -> r.get("ip")).toList();
        assertTrue(alerted.contains("127.0.95.3"), "new-host alerts are on: " + alerted);
        assertTrue(!alerted.contains("127.0.95.0") && !alerted.contains("127.0.95.7"), "none for .0 or .7: " + alerted);
        assertEquals(List.of("127.0.95.2", "127.0.95.3"), phpipam.rows("SELECT ip FROM " + sf + "change_log WHERE change_type = 'HOST_NEW' ORDER BY ip")
                .stream().map(r -> r.get("ip")).toList());
        assertEquals(List.of(IpAddress.parse("127.0.95.2").decimal(), IpAddress.parse("127.0.95.3").decimal()),
                phpipam.rows("SELECT ip_addr FROM ipaddresses WHERE subnetId = ? ORDER BY id", subnetId).stream()
                        .map(r -> r.get("ip_addr")).toList(), "phpIPAM holds no network or broadcast row either");
    }

    @Test
    void aHostConfirmedGoneHasNoOpenPorts() throws Exception {
        ScanReport first = Reports.v2(NET).profile("services-nmap").liveness(NET).probe("tcp", "22,80", NET)
                .host(Reports.up("127.0.95.2").open("tcp", 22).open("tcp", 80)).host(Reports.up("127.0.95.3").open("tcp", 22)).build();
        assertEquals(202, post(json.writeValueAsBytes(first), "application/json", TOKEN).statusCode());
        for (int i = 0; i < 2; i++) {
            ScanReport miss = Reports.v2(NET).profile("services-nmap").liveness(NET).probe("tcp", "22,80", NET)
                    .host(Reports.up("127.0.95.3").open("tcp", 22)).build();
            assertEquals(202, post(json.writeValueAsBytes(miss), "application/json", TOKEN).statusCode());
        }
        String sf = "`" + phpipam.scanflowSchema + "`.";
        phpipam.awaitRows("SELECT scan_id FROM " + sf + "applied_scans", 3, Duration.ofSeconds(20));
        assertEquals("gone", phpipam.rows("SELECT status FROM " + sf + "host_state WHERE ip = '127.0.95.2'").get(0).get("status"));
        assertEquals(List.of("127.0.95.3 22"), phpipam.rows("SELECT h.ip, p.port FROM " + sf + "port_state p JOIN " + sf + "host_state h"
                + " ON h.subnet_ref = p.subnet_ref AND h.address = p.address WHERE p.status = 'open' ORDER BY h.ip, p.port")
                .stream().map(r -> r.get("ip") + " " + r.get("port")).toList());
        JsonNode subnet = get("/api/v1/subnets/" + subnetId);
        assertEquals(1, subnet.get("openPorts").asInt(), subnet.toString());
        assertEquals(1, subnet.get("hostsGone").asInt(), subnet.toString());
        JsonNode gone = get("/api/v1/subnets/" + subnetId + "/hosts?status=gone").get("items").get(0);
        assertEquals(0, gone.get("openPorts").asInt(), gone.toString());
    }
}
