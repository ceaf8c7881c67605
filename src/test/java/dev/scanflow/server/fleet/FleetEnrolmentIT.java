package dev.scanflow.server.fleet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import dev.scanflow.server.intake.AgentTokens;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.io.TempDir;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/**
 * Enrolment over real HTTP: a one-time token spent once, the agent pending until an operator approves it, its
 * own token collected once, and that token then accepted for the agent's calls (and nothing before).
 */
class FleetEnrolmentIT {

    private static final String API = "operator-token-for-enrolment-tests";
    private static final String CODE = "Enrol-agent-code-0123456789abcde";
    private static final String CLAIM = "claim-secret-of-the-new-agent-0123";
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aNewAgentEnrolsIsApprovedAndCollectsItsOwnTokenOnce(@TempDir Path temp) throws Exception {
        // the server reads agent tokens from its tokens file, as in production: the collected token lands there
        Path tokensFile = temp.resolve("agent-tokens");
        Files.writeString(tokensFile, "");
        Files.setPosixFilePermissions(tokensFile, PosixFilePermissions.fromString("rw-------"));
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            phpipam.insertAgent("site-new", CODE);
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", API);
            extra.setProperty("scanflow.server.tokens-file", tokensFile.toString());
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, AgentTokens.load(tokensFile), extra)) {
                ServerUnderTest.Reply made = server.post("/api/v1/fleet/enrolment-tokens", new byte[0], "Bearer " + API);
                assertEquals(201, made.status(), made.body());
                String enrolmentToken = JSON.readTree(made.body()).get("enrolmentToken").asText();
                String body = "{\"code\":\"" + CODE + "\",\"claim\":\"" + CLAIM + "\"}";

                assertEquals(401, server.post("/api/v1/fleet/enrol", body.getBytes(), "Bearer not-a-token").status());
                assertEquals(400, server.post("/api/v1/fleet/enrol", "{\"code\":\"nobody\",\"claim\":\"claim-secret-0123456789\"}".getBytes(),
                        "Bearer " + enrolmentToken).status(), "only phpIPAM's agents enrol");
                ServerUnderTest.Reply enrolled = server.post("/api/v1/fleet/enrol", body.getBytes(), "Bearer " + enrolmentToken);
                assertEquals(202, enrolled.status(), enrolled.body());
                String id = JSON.readTree(enrolled.body()).get("enrolmentId").asText();
                assertEquals(401, server.post("/api/v1/fleet/enrol", body.getBytes(), "Bearer " + enrolmentToken).status(),
                        "the enrolment token works once");

                String collect = "/api/v1/fleet/enrolments/" + id + "/collect";
                assertEquals(202, server.post(collect, new byte[0], "Bearer " + CLAIM).status(), "pending: no token yet");
                assertEquals(401, server.post(collect, new byte[0], "Bearer wrong-claim-secret-000").status());
                List<Map<String, Object>> rows = phpipam.rows("SELECT agent_code, status, claim_hash FROM `" + phpipam.scanflowSchema
                        + "`.fleet_enrolments");
                assertEquals(1, rows.size());
                assertEquals(CODE, rows.get(0).get("agent_code"));
                assertEquals("pending", rows.get(0).get("status"));
                assertEquals(FleetEnrolment.sha256(CLAIM), rows.get(0).get("claim_hash"), "only the claim's hash is kept");

                assertEquals(401, server.post("/api/v1/fleet/enrolments/" + id + "/approve", "{\"by\":\"ana\"}".getBytes(), "Bearer " + enrolmentToken).status(),
                        "only an operator approves");
                assertEquals(200, server.post("/api/v1/fleet/enrolments/" + id + "/approve", "{\"by\":\"ana\"}".getBytes(), "Bearer " + API).status());
                assertEquals(409, server.post("/api/v1/fleet/enrolments/" + id + "/reject", new byte[0], "Bearer " + API).status());

                ServerUnderTest.Reply collected = server.post(collect, new byte[0], "Bearer " + CLAIM);
                assertEquals(200, collected.status(), collected.body());
                JsonNode own = JSON.readTree(collected.body());
                assertEquals(CODE, own.get("agent").asText());
                String agentToken = own.get("token").asText();
                assertEquals(410, server.post(collect, new byte[0], "Bearer " + CLAIM).status(), "collected once");

                ServerUnderTest.Reply beat = server.post("/api/v1/fleet/heartbeat", "{\"version\":\"1\"}".getBytes(), "Bearer " + agentToken);
                assertEquals(200, beat.status(), "the agent's own token is accepted: " + beat.body());
                assertTrue(Files.readString(tokensFile).startsWith(CODE + " "), "its hash is in the tokens file");
                assertTrue(!Files.readString(tokensFile).contains(agentToken), "only its hash");
                rows = phpipam.rows("SELECT status, decided_by FROM `" + phpipam.scanflowSchema + "`.fleet_enrolments");
                assertEquals("collected", rows.get(0).get("status"));
                assertEquals("ana", rows.get(0).get("decided_by"));
                JsonNode list = JSON.readTree(FleetAndJobsIT.get(java.net.http.HttpClient.newHttpClient(), server, "/api/v1/fleet/enrolments", API).body());
                assertEquals("collected", list.get("items").get(0).get("status").asText());
                assertTrue(!list.toString().contains(agentToken) && !list.toString().contains(CLAIM), "no secret in the list");
            }
        }
    }
}
