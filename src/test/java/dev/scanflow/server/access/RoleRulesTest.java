package dev.scanflow.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.server.api.OpenApiDocument;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The role rules come from the OpenAPI document, and an operation without one stops the start. */
class RoleRulesTest {

    private static JsonNode document(String operation) throws Exception {
        return new ObjectMapper().readTree("{\"openapi\":\"3.0.3\",\"paths\":{"
                + "\"/api/v1/things\":{\"get\":{\"x-scanflow-role\":\"viewer\"},\"parameters\":[]},"
                + "\"/api/v1/things/{thingId}\":{\"get\":{\"x-scanflow-role\":\"viewer\"}},"
                + "\"/api/v1/things/new\":{\"post\":" + operation + "}}}");
    }

    @Test
    void anOperationWithoutARoleRuleStopsTheStartNamingIt() throws Exception {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RoleRules.from(document("{\"summary\":\"new, and forgotten\"}")));
        assertEquals("the OpenAPI document gives no x-scanflow-role (public, agent, viewer, operator or admin) to"
                + " POST /api/v1/things/new: every operation needs one", refused.getMessage());
    }

    @Test
    void aRuleThatIsNotARoleStopsTheStartNamingIt() throws Exception {
        IllegalStateException refused = assertThrows(IllegalStateException.class,
                () -> RoleRules.from(document("{\"x-scanflow-role\":\"superuser\"}")));
        assertEquals("POST /api/v1/things/new: x-scanflow-role 'superuser' is not public, agent, viewer, operator or admin",
                refused.getMessage());
    }

    @Test
    void aLiteralPathBeatsAParameterAndUnknownPathsMatchNothing() throws Exception {
        RoleRules rules = RoleRules.from(document("{\"x-scanflow-role\":\"admin\"}"));
        assertEquals(Optional.of("/api/v1/things/new"), rules.path("/api/v1/things/new"));
        assertEquals(Optional.of("/api/v1/things/{thingId}"), rules.path("/api/v1/things/7"));
        assertEquals(Optional.empty(), rules.path("/api/v1/things/7/more"));
        assertEquals(Optional.empty(), rules.path("/api/v1/thingsX"));
        assertEquals(Role.ADMIN, rules.rule("POST", "/api/v1/things/new").orElseThrow().role());
        assertEquals(Optional.empty(), rules.rule("GET", "/api/v1/things/new"));
        assertEquals(3, rules.all().size(), "the path item's own 'parameters' is not an operation");
    }

    @Test
    void theShippedDocumentHasARuleForEveryOperationAndOpensAgentsEndpointsToNoOperator() {
        RoleRules rules = RoleRules.from(new OpenApiDocument().tree());
        assertTrue(rules.all().size() >= 38, rules.all().toString());
        for (RoleRules.Rule rule : rules.all()) {
            boolean agentPath = rule.path().startsWith("/api/v1/agent/") || rule.path().equals("/api/v1/reports")
                    || rule.path().equals("/api/v1/fleet/heartbeat") || rule.path().equals("/api/v1/fleet/enrol");
            assertTrue(!agentPath || rule.access().equals("agent"), rule.toString());
        }
        assertEquals(Role.OPERATOR, rules.rule("POST", "/api/v1/alerts/{alertId}/acknowledge").orElseThrow().role());
        assertEquals(Role.ADMIN, rules.rule("POST", "/api/v1/vms").orElseThrow().role());
        assertEquals(Role.VIEWER, rules.rule("GET", "/api/v1/events").orElseThrow().role());
    }

    @Test
    void rolesIncludeTheOnesBelow() {
        assertTrue(Role.ADMIN.covers(Role.OPERATOR) && Role.OPERATOR.covers(Role.VIEWER) && Role.VIEWER.covers(Role.VIEWER));
        assertTrue(!Role.VIEWER.covers(Role.OPERATOR) && !Role.OPERATOR.covers(Role.ADMIN));
        assertThrows(IllegalArgumentException.class, () -> Role.parse("root"));
    }

}
