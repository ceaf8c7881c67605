package dev.scanflow.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.camel.Route;
import org.apache.camel.component.platform.http.PlatformHttpEndpoint;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Roles over real HTTP (issue 16). The table is generated from the OpenAPI document the server serves: every
 * operation is called with no token, with a viewer's, an operator's and an admin's (named tokens of an operator
 * tokens file issued as bin/scanflow token operator issue does), with the api-token, and from a viewer's dashboard
 * session; each call is refused (401/403) or not exactly as the operation's x-scanflow-role says. A new endpoint
 * therefore needs a rule (without one the server does not start, RoleRulesTest) and is tested here by that rule.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RolesIT {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API_TOKEN = "roles-api-token-" + UUID.randomUUID();
    private static final List<Role> ROLES = List.of(Role.VIEWER, Role.OPERATOR, Role.ADMIN);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Map<Role, String> tokens = new LinkedHashMap<>();
    private TestPhpipam phpipam;
    private ServerUnderTest server;
    private Path tokensFile;

    @BeforeAll
    void start() throws Exception {
        phpipam = TestPhpipam.create();
        tokensFile = Files.createTempDirectory("scanflow-roles-").resolve("operator-tokens");
        OperatorTokenFile file = new OperatorTokenFile(tokensFile);
        for (Role role : ROLES) {
            tokens.put(role, file.issue("roles-" + role.label(), role));
        }
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.api-token", API_TOKEN);
        extra.setProperty("scanflow.server.operator-tokens-file", tokensFile.toString());
        extra.setProperty("scanflow.server.rate-limit-per-second", "10000");
        extra.setProperty("scanflow.server.rate-limit-burst", "100000");
        server = ServerUnderTest.start(phpipam, Map.of(), extra);
    }

    @AfterAll
    void stop() throws Exception {
        if (server != null) {
            server.close();
        }
        if (phpipam != null) {
            phpipam.close();
        }
    }

    // --- HTTP ------------------------------------------------------------------------------------------

    record Reply(int status, String body, HttpResponse<InputStream> response) {

        JsonNode json() {
            try {
                return JSON.readTree(body);
            } catch (Exception e) {
                throw new AssertionError("not JSON: " + body, e);
            }
        }
    }

    private Reply send(ServerUnderTest to, String method, String path, String body, Map<String, String> headers) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + to.port + path))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            request.header("Content-Type", "application/json");
        }
        headers.forEach(request::header);
        try {
            HttpResponse<InputStream> response = http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
            String text;
            try (InputStream in = response.body()) {
                // the event stream stays open: its status and type are the answer
                boolean stream = response.headers().firstValue("Content-Type").orElse("").startsWith("text/event-stream");
                text = stream ? "" : new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            return new Reply(response.statusCode(), text, response);
        } catch (Exception e) {
            throw new IllegalStateException(method + " " + path, e);
        }
    }

    private static Map<String, String> bearer(String token) {
        return token == null ? Map.of() : Map.of("Authorization", "Bearer " + token);
    }

    /** A concrete path for a documented template: ids that exist nowhere, so an allowed call changes nothing. */
    private static String concrete(String template) {
        Matcher names = Pattern.compile("\\{(\\w+)}").matcher(template);
        StringBuilder path = new StringBuilder();
        while (names.find()) {
            String value = switch (names.group(1)) {
                case "subnetId", "alertId" -> "424242";
                case "address" -> "192.0.2.1";
                default -> UUID.randomUUID().toString();
            };
            names.appendReplacement(path, value);
        }
        names.appendTail(path);
        return path.toString();
    }

    private record Operation(String method, String path, String access) {
        Role role() {
            return access.equals("public") || access.equals("agent") ? null : Role.parse(access);
        }

        @Override
        public String toString() {
            return method + " " + path + " (" + access + ")";
        }
    }

    /** Every operation of the document the server serves, with its x-scanflow-role. */
    private List<Operation> documented() {
        Reply reply = send(server, "GET", "/api/v1/openapi.json", null, Map.of());
        assertEquals(200, reply.status());
        List<Operation> operations = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> paths = reply.json().get("paths").fields(); paths.hasNext(); ) {
            Map.Entry<String, JsonNode> path = paths.next();
            path.getValue().fields().forEachRemaining(operation -> operations.add(new Operation(
                    operation.getKey().toUpperCase(), path.getKey(), operation.getValue().path("x-scanflow-role").asText())));
        }
        return operations;
    }

    private static void assertRefused(Reply reply, int status, String what, String... mentions) {
        assertEquals(status, reply.status(), what + " -> " + reply.body());
        JsonNode error = reply.json();
        assertEquals(status, error.get("status").asInt(), what);
        for (String mention : mentions) {
            assertTrue(error.get("message").asText().contains(mention), what + ": '" + mention + "' in " + reply.body());
        }
    }

    private static void assertLetThrough(Reply reply, String what) {
        assertFalse(Set.of(401, 403, 429).contains(reply.status()), what + " was refused: " + reply.status() + " " + reply.body());
        // the endpoint itself answered (400 for the empty body, 404 for the made-up id, 503 for VMs switched off)
        assertTrue(reply.status() != 500, what + " -> " + reply.status() + " " + reply.body());
    }

    // --- the table -------------------------------------------------------------------------------------

    @Test
    void everyOperationOfTheDocumentIsRefusedForEveryRoleThatLacksItAndLetThroughForTheOthers() {
        List<Operation> operations = documented();
        assertTrue(operations.size() >= 38, operations.toString());
        int refused = 0;
        for (Operation operation : operations) {
            String body = operation.method().equals("GET") ? null : "{}";
            String path = concrete(operation.path());
            assertFalse(operation.access().isEmpty(), operation + " has no x-scanflow-role");
            Reply anonymous = send(server, operation.method(), path, body, Map.of());
            if (operation.access().equals("public")) {
                assertEquals(200, anonymous.status(), operation.toString());
                for (Role role : ROLES) {
                    assertEquals(200, send(server, operation.method(), path, body, bearer(tokens.get(role))).status());
                }
                continue;
            }
            assertRefused(anonymous, 401, operation + " without a token");
            if (operation.access().equals("agent")) {
                // agents' own endpoints: no operator token of any role opens them, the api-token included
                for (String token : List.of(tokens.get(Role.VIEWER), tokens.get(Role.OPERATOR), tokens.get(Role.ADMIN), API_TOKEN)) {
                    Reply reply = send(server, operation.method(), path, body, bearer(token));
                    assertEquals(401, reply.status(), operation + " with an operator token -> " + reply.body());
                }
                continue;
            }
            assertEquals("Bearer realm=\"scanflow\"", anonymous.response().headers().firstValue("WWW-Authenticate").orElse(null));
            assertRefused(send(server, operation.method(), path, body, bearer("not-" + API_TOKEN)), 401, operation + " bad token",
                    "invalid operator token");
            for (Role role : ROLES) {
                Reply reply = send(server, operation.method(), path, body, bearer(tokens.get(role)));
                String what = operation + " as " + role.label();
                if (role.covers(operation.role())) {
                    assertLetThrough(reply, what);
                } else {
                    assertRefused(reply, 403, what, operation.method() + " " + operation.path(),
                            "needs the " + operation.role().label() + " role", "'roles-" + role.label() + "' has the " + role.label() + " role");
                    refused++;
                }
            }
            assertLetThrough(send(server, operation.method(), path, body, bearer(API_TOKEN)), operation + " with the api-token");
        }
        assertTrue(refused >= 15, "the table refused " + refused + " calls");
    }

    @Test
    void everyEndpointTheServerServesUnderApiHasARoleRuleInTheDocument() {
        Set<String> served = new TreeSet<>();
        for (Route route : server.app().context().getRoutes()) {
            if (route.getEndpoint() instanceof PlatformHttpEndpoint endpoint && endpoint.getPath().startsWith("/api/")) {
                for (String method : endpoint.getHttpMethodRestrict().split(",")) {
                    served.add(method + " " + endpoint.getPath());
                }
            }
        }
        served.add("GET /api/v1/events");
        Set<String> ruled = new TreeSet<>();
        for (Operation operation : documented()) {
            assertTrue(Set.of("public", "agent", "viewer", "operator", "admin").contains(operation.access()), operation.toString());
            ruled.add(operation.method() + " " + operation.path());
        }
        assertTrue(served.size() >= 38, served.toString());
        assertEquals(served, ruled, "every endpoint served has a role rule, and every rule an endpoint");
        assertRefused(send(server, "GET", "/api/v1/undocumented", null, bearer(API_TOKEN)), 404, "an undocumented path",
                "no endpoint /api/v1/undocumented");
    }

    // --- the dashboard's session -------------------------------------------------------------------------

    private record Session(String cookie, String csrf, JsonNode login) {
    }

    private Session login(ServerUnderTest to, String token) {
        Reply reply = send(to, "POST", "/web/login", "{\"token\":\"" + token + "\"}", Map.of());
        assertEquals(200, reply.status(), reply.body());
        String cookie = reply.response().headers().firstValue("Set-Cookie").orElseThrow().split(";")[0];
        return new Session(cookie, reply.json().get("csrf").asText(), reply.json());
    }

    @Test
    void aViewersDashboardSessionReadsButEveryPostOfTheDocumentIsRefused() {
        Session viewer = login(server, tokens.get(Role.VIEWER));
        assertEquals("viewer", viewer.login().get("role").asText());
        Reply session = send(server, "GET", "/web/session", null, Map.of("Cookie", viewer.cookie()));
        assertEquals("viewer", session.json().get("role").asText(), session.body());
        assertEquals("roles-viewer", session.json().get("name").asText(), session.body());
        assertEquals(200, send(server, "GET", "/api/v1/alerts", null, Map.of("Cookie", viewer.cookie())).status());

        Session operator = login(server, tokens.get(Role.OPERATOR));
        int posts = 0;
        for (Operation operation : documented()) {
            if (operation.method().equals("GET") || operation.role() == null) {
                continue;
            }
            posts++;
            String path = concrete(operation.path());
            Map<String, String> asViewer = Map.of("Cookie", viewer.cookie(), "X-CSRF-Token", viewer.csrf());
            assertRefused(send(server, operation.method(), path, "{}", asViewer), 403, operation + " from a viewer's page",
                    "needs the " + operation.role().label() + " role", "'roles-viewer' has the viewer role");
            Map<String, String> asOperator = Map.of("Cookie", operator.cookie(), "X-CSRF-Token", operator.csrf());
            Reply reply = send(server, operation.method(), path, "{}", asOperator);
            if (operation.role() == Role.OPERATOR) {
                assertLetThrough(reply, operation + " from an operator's page");
            } else {
                assertRefused(reply, 403, operation + " from an operator's page", "'roles-operator' has the operator role");
            }
            assertRefused(send(server, operation.method(), path, "{}", Map.of("Cookie", operator.cookie())), 403,
                    operation + " without the CSRF token", "X-CSRF-Token");
        }
        assertTrue(posts >= 9, posts + " state-changing operations");
    }

    // --- rate limits ---------------------------------------------------------------------------------------

    @Test
    void aTokenOverItsRateLimitGets429WithRetryAfterAndIsLetThroughAfterWaiting() throws Exception {
        Properties extra = new Properties();
        extra.setProperty("scanflow.server.api-token", API_TOKEN);
        extra.setProperty("scanflow.server.operator-tokens-file", tokensFile.toString());
        extra.setProperty("scanflow.server.rate-limit-per-second", "0.5");
        extra.setProperty("scanflow.server.rate-limit-burst", "3");
        try (ServerUnderTest limited = ServerUnderTest.start(phpipam, Map.of(), extra)) {
            Map<String, String> viewer = bearer(tokens.get(Role.VIEWER));
            for (int i = 0; i < 3; i++) {
                assertEquals(200, send(limited, "GET", "/api/v1/alerts", null, viewer).status(), "request " + i);
            }
            Reply over = send(limited, "GET", "/api/v1/alerts", null, viewer);
            assertRefused(over, 429, "the fourth request", "'roles-viewer' is over its rate limit");
            long retryAfter = Long.parseLong(over.response().headers().firstValue("Retry-After").orElseThrow());
            assertTrue(retryAfter >= 1 && retryAfter <= 2, "Retry-After " + retryAfter);
            assertEquals(200, send(limited, "GET", "/api/v1/alerts", null, bearer(tokens.get(Role.OPERATOR))).status(),
                    "another token has its own limit");
            Session session = login(limited, tokens.get(Role.VIEWER));
            assertEquals(429, send(limited, "GET", "/api/v1/alerts", null, Map.of("Cookie", session.cookie())).status(),
                    "the token's dashboard session shares its limit");
            Thread.sleep(retryAfter * 1000 + 100);
            assertEquals(200, send(limited, "GET", "/api/v1/alerts", null, viewer).status(), "allowed again after Retry-After");
        }
    }

    @Test
    void aTokenIssuedWhileTheServerRunsWorksWithoutARestartAndRevokedEndsItsSessions() throws Exception {
        String token = new OperatorTokenFile(tokensFile).issue("late-comer", Role.OPERATOR);
        Files.setLastModifiedTime(tokensFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 2000));
        Reply reply = send(server, "POST", "/api/v1/alerts/424242/acknowledge", "{\"by\":\"late\"}", bearer(token));
        assertEquals(404, reply.status(), reply.body());
        assertNotNull(reply.json().get("message"));

        Session session = login(server, token);
        assertEquals(200, send(server, "GET", "/api/v1/alerts", null, Map.of("Cookie", session.cookie())).status());
        assertEquals(1, new OperatorTokenFile(tokensFile).revoke("late-comer"));
        Files.setLastModifiedTime(tokensFile, java.nio.file.attribute.FileTime.fromMillis(System.currentTimeMillis() + 4000));
        assertEquals(401, send(server, "GET", "/api/v1/alerts", null, bearer(token)).status(), "revoked");
        assertEquals(401, send(server, "GET", "/api/v1/alerts", null, Map.of("Cookie", session.cookie())).status(),
                "a revoked token's dashboard session ends with it");
    }
}
