package dev.scanflow.server.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.ServerSettings;
import dev.scanflow.config.SettingsSource;
import dev.scanflow.launch.CamelApp;
import dev.scanflow.launch.ServerRole;
import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TableSnapshot;
import dev.scanflow.testing.TestPhpipam;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tokens from the tokens file, their rotation, refusal of sources that keep failing, and hostile values. */
class IntakeSecurityIT {

    private static final String CODE = "Secure-agent-code-0123456789abcS";
    private static final Cidr SUBNET = Cidr.parse("127.0.80.0/29");

    @TempDir
    Path dir;
    private TestPhpipam phpipam;
    private long agentId;
    private long subnetId;
    private CamelApp app;
    private int port;
    private final HttpClient http = HttpClient.newHttpClient();

    @BeforeEach
    void setUp() {
        phpipam = TestPhpipam.create();
        agentId = phpipam.insertAgent("secure-site", CODE);
        subnetId = phpipam.insertSubnet(SUBNET, agentId, true, true);
    }

    @AfterEach
    void tearDown() throws Exception {
        if (app != null) {
            app.close();
        }
        phpipam.close();
    }

    private void startServer(Path tokensFile, Properties extra) throws Exception {
        port = ServerUnderTest.freePort();
        Properties properties = phpipam.serverProperties();
        properties.setProperty("scanflow.server.host", "127.0.0.1");
        properties.setProperty("scanflow.server.port", Integer.toString(port));
        properties.setProperty("scanflow.server.tokens-file", tokensFile.toString());
        properties.putAll(extra);
        ServerSettings settings = ServerSettings.from(SettingsSource.of(properties), ServerUnderTest.HOME);
        app = new CamelApp();
        ServerRole.configure(app, settings, AgentTokens.load(settings.tokensFile()), ServerUnderTest.HOME);
        app.start();
    }

    private byte[] report(List<ScannedHost> hosts) throws Exception {
        return ReportJson.mapper().writeValueAsBytes(new ScanReport(1, UUID.randomUUID(), CODE, SUBNET.toString(),
                Instant.parse("2026-11-20T10:00:00Z"), Instant.parse("2026-11-20T10:00:01Z"), List.of("nmap"), hosts));
    }

    private HttpResponse<String> post(byte[] body, String token, String forwardedFor) throws Exception {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/reports"))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        if (forwardedFor != null) {
            request.header("X-Forwarded-For", forwardedFor);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** The file's mtime has one-second resolution on some file systems: make each change visible. */
    private static void touchLater(Path file) throws Exception {
        Files.setLastModifiedTime(file, FileTime.from(Files.getLastModifiedTime(file).toInstant().plusSeconds(2)));
    }

    @Test
    void issuedRotatedAndRevokedTokensTakeEffectWithoutRestart() throws Exception {
        TokenFile file = new TokenFile(dir.resolve("agent-tokens"));
        String first = file.issue(CODE);
        assertFalse(Files.readString(file.path()).contains(first), "only the hash is stored");
        startServer(file.path(), new Properties());
        byte[] body = report(List.of());

        assertEquals(202, post(body, first, null).statusCode());

        String second = file.rotate(CODE);
        touchLater(file.path());
        assertEquals(401, post(report(List.of()), first, null).statusCode(), "a rotated-out token no longer works");
        assertEquals(202, post(report(List.of()), second, null).statusCode());

        assertEquals(1, file.revoke(CODE));
        touchLater(file.path());
        assertEquals(401, post(report(List.of()), second, null).statusCode());
        assertEquals(Map.of(), file.list());
    }

    @Test
    void aSourceThatKeepsPresentingUnknownTokensGets429ButAValidTokenFromTheSameAddressPasses() throws Exception {
        TokenFile file = new TokenFile(dir.resolve("agent-tokens"));
        String token = file.issue(CODE);
        Properties limits = new Properties();
        limits.setProperty("scanflow.server.auth-failure-limit", "3");
        limits.setProperty("scanflow.server.auth-failure-window", "10m");
        startServer(file.path(), limits);
        byte[] body = report(List.of());
        TableSnapshot before = TableSnapshot.of(phpipam);
        for (int i = 0; i < 3; i++) {
            HttpResponse<String> unauthorized = post(body, "guess-" + i, null);
            assertEquals(401, unauthorized.statusCode(), unauthorized.body());
            assertTrue(unauthorized.body().contains("\"message\":\"invalid agent token\""), unauthorized.body());
        }
        HttpResponse<String> refused = post(body, "guess-3", null);
        assertEquals(429, refused.statusCode(), refused.body());
        assertTrue(refused.body().contains("too many refused requests from 127.0.0.1"), refused.body());
        assertTrue(Long.parseLong(refused.headers().firstValue("Retry-After").orElseThrow()) > 0);
        // X-Forwarded-For from a peer that is not a trusted proxy is not believed
        HttpResponse<String> forwarded = post(body, "guess-4", "203.0.113.77");
        assertEquals(429, forwarded.statusCode());
        assertTrue(forwarded.body().contains("too many refused requests from 127.0.0.1"), forwarded.body());
        TableSnapshot.of(phpipam).assertUnchangedSince(before, "401s and 429s");
        // the lockout is for failed tokens: an agent with a valid token behind the same address is not locked out
        HttpResponse<String> agent = post(body, token, null);
        assertEquals(202, agent.statusCode(), agent.body());
    }

    @Test
    void behindATrustedProxyTheForwardedClientIsCountedNotTheProxy() throws Exception {
        TokenFile file = new TokenFile(dir.resolve("agent-tokens"));
        String token = file.issue(CODE);
        Properties limits = new Properties();
        limits.setProperty("scanflow.server.auth-failure-limit", "2");
        limits.setProperty("scanflow.server.trusted-proxies", "127.0.0.1/32");
        startServer(file.path(), limits);
        byte[] body = report(List.of());
        assertEquals(401, post(body, "guess-1", "203.0.113.10").statusCode());
        assertEquals(401, post(body, "guess-2", "203.0.113.10").statusCode());
        assertEquals(429, post(body, "guess-3", "203.0.113.10").statusCode(), "the guessing client is refused");
        assertEquals(401, post(body, "guess-4", "203.0.113.20").statusCode(), "another client behind the same proxy is not");
        assertEquals(202, post(body, token, "203.0.113.10").statusCode(), "nor is a valid token from the guessing address");
    }

    @Test
    void sqlInAgentNamesIsStoredVerbatimAndHostileOrOversizedValuesAreRefused() throws Exception {
        phpipam.execute("UPDATE scanAgents SET name = ? WHERE id = ?", "site'); DELETE FROM subnets; --", agentId);
        TokenFile file = new TokenFile(dir.resolve("agent-tokens"));
        String token = file.issue(CODE);
        startServer(file.path(), new Properties());

        HttpResponse<String> accepted = post(report(List.of(
                new ScannedHost("127.0.80.2", "up", null, null, List.of("printer_2.lab")))), token, null);
        assertEquals(202, accepted.statusCode(), accepted.body());
        Map<String, Object> row = phpipam.rows("SELECT hostname, note FROM ipaddresses WHERE subnetId = ?", subnetId).get(0);
        assertEquals("printer_2.lab", row.get("hostname"), "an underscore is allowed: real zones hold such names");
        assertTrue(String.valueOf(row.get("note")).endsWith("by agent site'); DELETE FROM subnets; --"));
        assertEquals(7, phpipam.rows("SELECT id FROM subnets").size(), "phpIPAM's 6 default subnets and ours are all there");

        TableSnapshot before = TableSnapshot.of(phpipam);
        String sqlName = "x'); DROP TABLE ipaddresses; -- \" OR 1=1 #";
        HttpResponse<String> sql = post(report(List.of(new ScannedHost("127.0.80.3", "up", null, null, List.of(sqlName)))), token, null);
        assertEquals(400, sql.statusCode());
        assertTrue(sql.body().contains("host 127.0.80.3: hostnames[0] is not a DNS name"), sql.body());
        String longName = "h".repeat(256);
        for (ScannedHost hostile : List.of(new ScannedHost("127.0.80.3", "up", null, null, List.of(longName)),
                new ScannedHost("127.0.80.3", "up", "00:11:22:33:44:55'; --", null, List.of()),
                new ScannedHost("127.0.80.3' OR '1'='1", "up", null, null, List.of()))) {
            HttpResponse<String> refused = post(report(List.of(hostile)), token, null);
            assertEquals(400, refused.statusCode(), refused.body());
            assertTrue(refused.body().contains("\"status\":400") && refused.body().matches("(?s).*\"message\":\"[^\"]+\".*"),
                    refused.body());
        }
        TableSnapshot.of(phpipam).assertUnchangedSince(before, "hostile values refused");
        assertEquals(IpAddress.parse("127.0.80.2").decimal(),
                phpipam.rows("SELECT ip_addr FROM ipaddresses WHERE subnetId = ?", subnetId).get(0).get("ip_addr"));
    }
}
