package dev.scanflow.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.server.intake.AgentTokens;
import dev.scanflow.testing.ServerUnderTest;
import dev.scanflow.testing.TestPhpipam;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code scanflow fleet enrolments | approve | reject} against a real server: the pending enrolments listed, one
 * approved and one rejected (the enrolment rows asserted whole), the one-line errors and exit codes of a missing,
 * open or wrong token, an id that is no enrolment or not pending any more, and a server that does not answer;
 * and once through bin/scanflow itself, with the token in an owner-only file.
 */
class FleetCommandIT {

    private static final String API = "operator-token-for-fleet-cli-tests";
    private static final String FIRST = "Cli-first-agent-code-0123456789a";
    private static final String SECOND = "Cli-second-agent-code-012345678b";
    private static final ObjectMapper JSON = new ObjectMapper();

    record Run(int exit, String out, String err) {
    }

    @Test
    void anOperatorListsApprovesAndRejectsEnrolmentsFromAShell(@TempDir Path temp) throws Exception {
        Path tokensFile = temp.resolve("agent-tokens");
        Files.writeString(tokensFile, "");
        Files.setPosixFilePermissions(tokensFile, PosixFilePermissions.fromString("rw-------"));
        Path tokenFile = temp.resolve("api-token");
        Files.writeString(tokenFile, API + "\n");
        Files.setPosixFilePermissions(tokenFile, PosixFilePermissions.fromString("rw-------"));
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            phpipam.insertAgent("site-cli-first", FIRST);
            phpipam.insertAgent("site-cli-second", SECOND);
            Properties extra = new Properties();
            extra.setProperty("scanflow.server.api-token", API);
            extra.setProperty("scanflow.server.tokens-file", tokensFile.toString());
            try (ServerUnderTest server = ServerUnderTest.start(phpipam, AgentTokens.load(tokensFile), extra)) {
                String url = "http://127.0.0.1:" + server.port;
                Map<String, String> env = Map.of("SCANFLOW_SERVER_API_TOKEN", API);
                String first = enrol(server, FIRST);
                Thread.sleep(5);  // requested_at has milliseconds: the two are in a known order
                String second = enrol(server, SECOND);

                Run listed = fleet(env, "enrolments", "--server", url);
                assertEquals(0, listed.exit(), listed.err());
                List<String> lines = listed.out().lines().toList();
                assertEquals(3, lines.size(), listed.out());
                assertTrue(lines.get(0).matches("ID +AGENT +STATUS +REQUESTED"), lines.get(0));
                assertTrue(lines.get(1).matches(first + " +" + FIRST + " +pending +20\\d\\d-\\d\\d-\\d\\dT.*Z"), "oldest first: " + lines);
                assertTrue(lines.get(2).matches(second + " +" + SECOND + " +pending +.*"), lines.get(2));

                // what the operator fixes: exit 2, one line on stderr, nothing decided
                assertError(fleet(Map.of(), "enrolments", "--server", url), 2,
                        "scanflow fleet: set SCANFLOW_SERVER_API_TOKEN, or SCANFLOW_SERVER_API_TOKEN_FILE");
                assertError(fleet(Map.of("SCANFLOW_SERVER_API_TOKEN", "not-the-operator-token"), "approve", first, "--server", url), 2,
                        "scanflow fleet: the server refused the operator token (401): invalid operator token");
                Path open = temp.resolve("open-token");
                Files.writeString(open, API);
                Files.setPosixFilePermissions(open, PosixFilePermissions.fromString("rw-r--r--"));
                assertError(fleet(Map.of("SCANFLOW_SERVER_API_TOKEN_FILE", open.toString()), "approve", first, "--server", url), 2,
                        "scanflow fleet: SCANFLOW_SERVER_API_TOKEN_FILE names " + open + ", which other users may read or change: chmod 600 it");
                assertError(fleet(env, "approve", "not-an-id", "--server", url), 2, "scanflow fleet: ENROLMENT_ID: a UUID");
                assertError(fleet(env, "enrolments", "--server", "http://127.0.0.1:" + ServerUnderTest.freePort()), 2,
                        "scanflow fleet: http://127.0.0.1:");
                assertTrue(fleet(env, "enrolments", "--server", "http://127.0.0.1:" + ServerUnderTest.freePort()).err()
                        .endsWith("/ did not answer: connection refused\n"), "says why");
                assertError(fleet(env, "enrolments", "--server", "http://198.51.100.7:8080"), 2,
                        "scanflow fleet: --server: use https:// for 198.51.100.7; http:// only reaches this machine");
                assertError(fleet(env, "approve", "--server", url), 2, "scanflow: Missing required parameter: 'ENROLMENT_ID'");
                assertEquals(List.of("pending", "pending"), statuses(phpipam), "nothing decided by a refused command");

                // approved through the real launcher, with the token in an owner-only file
                Path jar = ServerUnderTest.HOME.resolve("target/scanflow.jar");
                assertTrue(Files.isRegularFile(jar), "the package phase made " + jar);
                Run launched = launcher(Map.of("SCANFLOW_SERVER_API_TOKEN_FILE", tokenFile.toString()),
                        "fleet", "approve", first, "--by", "ana", "--server", url);
                assertEquals(0, launched.exit(), launched.out() + launched.err());
                assertEquals("enrolment " + first + " of agent " + FIRST + " approved: the agent can now collect its own token\n", launched.out());
                Map<String, Object> row = row(phpipam, first);
                assertEquals(FIRST, row.get("agent_code"));
                assertEquals("approved", row.get("status"));
                assertEquals("ana", row.get("decided_by"));
                assertNotNull(row.get("decided_at"));

                assertError(fleet(env, "reject", first, "--server", url), 1, "scanflow fleet: 409 enrolment " + first + " is not pending");
                String nobody = UUID.randomUUID().toString();
                assertError(fleet(env, "approve", nobody, "--server", url), 1, "scanflow fleet: 404 no enrolment " + nobody);

                Run rejected = fleet(env, "reject", second, "--server", url);
                assertEquals(0, rejected.exit(), rejected.err());
                assertEquals("enrolment " + second + " of agent " + SECOND + " rejected: the agent gets no token\n", rejected.out());
                row = row(phpipam, second);
                assertEquals(SECOND, row.get("agent_code"));
                assertEquals("rejected", row.get("status"));
                assertNotNull(row.get("decided_at"));
                assertEquals(System.getProperty("user.name"), row.get("decided_by"), "by default, who ran the command");
                assertEquals(403, server.post("/api/v1/fleet/enrolments/" + second + "/collect", new byte[0],
                        "Bearer claim-secret-of-" + SECOND).status(), "a rejected agent gets no token");

                Run none = fleet(env, "enrolments", "--server", url + "/");
                assertEquals(0, none.exit(), none.err());
                assertEquals("", none.out());
                assertEquals("no enrolment waits for a decision\n", none.err());
                Run all = fleet(env, "enrolments", "--all", "--server", url);
                assertEquals(0, all.exit(), all.err());
                lines = all.out().lines().toList();
                assertEquals(3, lines.size(), all.out());
                assertTrue(lines.get(1).matches(second + " +" + SECOND + " +rejected +\\S+  decided \\S+ by " + System.getProperty("user.name")),
                        "newest first: " + lines);
                assertTrue(lines.get(2).matches(first + " +" + FIRST + " +approved +\\S+  decided \\S+ by ana"), lines.get(2));
            }
        }
    }

    private static String sha256(String text) throws Exception {
        return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static String enrol(ServerUnderTest server, String code) throws Exception {
        ServerUnderTest.Reply made = server.post("/api/v1/fleet/enrolment-tokens", new byte[0], "Bearer " + API);
        assertEquals(201, made.status(), made.body());
        String token = JSON.readTree(made.body()).get("enrolmentToken").asText();
        ServerUnderTest.Reply enrolled = server.post("/api/v1/fleet/enrol",
                ("{\"code\":\"" + code + "\",\"claim\":\"claim-secret-of-" + code + "\"}").getBytes(StandardCharsets.UTF_8), "Bearer " + token);
        assertEquals(202, enrolled.status(), enrolled.body());
        return JSON.readTree(enrolled.body()).get("enrolmentId").asText();
    }

    private static Run fleet(Map<String, String> environment, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        List<String> line = new ArrayList<>(List.of("fleet"));
        line.addAll(List.of(args));
        int exit = ScanFlow.execute(line.toArray(String[]::new), environment, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(exit, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static Run launcher(Map<String, String> environment, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bin/scanflow"));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).directory(ServerUnderTest.HOME.toFile());
        builder.environment().keySet().removeIf(name -> name.startsWith("SCANFLOW_"));
        builder.environment().putAll(environment);
        Path out = Files.createTempFile("fleet-cli-out", ".txt");
        Path err = Files.createTempFile("fleet-cli-err", ".txt");
        try {
            Process process = builder.redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "bin/scanflow ended");
            return new Run(process.exitValue(), Files.readString(out), Files.readString(err));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    private static void assertError(Run run, int exit, String start) {
        assertEquals(exit, run.exit(), run.out() + run.err());
        assertEquals("", run.out());
        assertTrue(run.err().startsWith(start), run.err());
        assertEquals(1, run.err().lines().count(), "one line: " + run.err());
    }

    private static List<Object> statuses(TestPhpipam phpipam) {
        return phpipam.rows("SELECT status FROM `" + phpipam.scanflowSchema + "`.fleet_enrolments ORDER BY requested_at")
                .stream().map(r -> r.get("status")).toList();
    }

    private static Map<String, Object> row(TestPhpipam phpipam, String id) throws Exception {
        List<Map<String, Object>> rows = phpipam.rows("SELECT * FROM `" + phpipam.scanflowSchema + "`.fleet_enrolments WHERE id = ?", id);
        assertEquals(1, rows.size());
        Map<String, Object> row = rows.get(0);
        assertEquals(java.util.Set.of("id", "agent_code", "claim_hash", "status", "requested_at", "decided_at", "decided_by"), row.keySet());
        assertEquals(id, row.get("id"));
        assertNotNull(row.get("requested_at"));
        assertEquals(sha256("claim-secret-of-" + row.get("agent_code")), row.get("claim_hash"), "only the claim's hash");
        return row;
    }
}
