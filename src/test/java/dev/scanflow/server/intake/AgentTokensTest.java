package dev.scanflow.server.intake;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentTokensTest {

    private static final String AGENT_A = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";
    private static final String AGENT_B = "Zx9-Qw8_Er7Ty6Ui5Op4As3Df2Gh1Jk0";

    @TempDir
    Path dir;

    private String tokenA;
    private String tokenB;
    private Path tokensFile;

    @BeforeEach
    void issueTokens() throws IOException {
        tokenA = AgentTokens.newToken();
        tokenB = AgentTokens.newToken();
        tokensFile = dir.resolve("agent-tokens");
        Files.write(tokensFile, List.of("# issued by the tests", "", AgentTokens.hashLine(AGENT_A, tokenA),
                "   " + AgentTokens.hashLine(AGENT_B, tokenB) + "   "), StandardCharsets.UTF_8);
    }

    @Test
    void anIssuedTokenAuthenticatesAsTheAgentItWasIssuedTo() {
        AgentTokens tokens = AgentTokens.load(tokensFile);

        assertEquals(2, tokens.size(), "comments and blank lines are not entries");
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));
        assertEquals(AGENT_B, tokens.authenticate("Bearer " + tokenB));
    }

    @Test
    void theSchemeIsCaseInsensitiveAndTheTokenIsTrimmed() {
        AgentTokens tokens = AgentTokens.load(tokensFile);

        assertEquals(AGENT_A, tokens.authenticate("bearer " + tokenA));
        assertEquals(AGENT_A, tokens.authenticate("BEARER " + tokenA + "  "));
    }

    @Test
    void anAgentMayHoldSeveralTokens() throws IOException {
        String second = AgentTokens.newToken();
        Files.writeString(tokensFile, AgentTokens.hashLine(AGENT_A, second) + "\n", StandardOpenOption.APPEND);
        AgentTokens tokens = AgentTokens.load(tokensFile);

        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + second));
    }

    @Test
    void theFileNeverHoldsThePlainToken() throws IOException {
        String file = Files.readString(tokensFile, StandardCharsets.UTF_8);

        assertFalse(file.contains(tokenA), file);
        assertFalse(file.contains(tokenB), file);
        String line = AgentTokens.hashLine(AGENT_A, tokenA);
        assertTrue(line.matches(AGENT_A + " [0-9a-f]{64}"), line);
        assertFalse(line.contains(tokenA));
    }

    @Test
    void issuesTokensOf256RandomBits() {
        String token = AgentTokens.newToken();

        assertEquals(32, Base64.getUrlDecoder().decode(token).length);
        assertNotEquals(token, AgentTokens.newToken());
        assertTrue(token.matches("[A-Za-z0-9_-]{43}"), "URL-safe, no padding: " + token);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "   "})
    void aMissingAuthorizationHeaderIs401(String header) {
        AgentTokens tokens = AgentTokens.load(tokensFile);

        assertEquals(401, assertThrows(ReportRejected.class, () -> tokens.authenticate(header)).getStatus());
        assertEquals(401, assertThrows(ReportRejected.class, () -> tokens.authenticate(null)).getStatus());
    }

    @Test
    void anotherSchemeIs401EvenWithAValidToken() {
        AgentTokens tokens = AgentTokens.load(tokensFile);
        String basic = "Basic " + Base64.getEncoder().encodeToString((AGENT_A + ":" + tokenA).getBytes(StandardCharsets.UTF_8));

        for (String header : List.of(basic, "Token " + tokenA, tokenA, "Bearer" + tokenA)) {
            ReportRejected rejected = assertThrows(ReportRejected.class, () -> tokens.authenticate(header), header);
            assertEquals(401, rejected.getStatus());
            assertFalse(rejected.getMessage().contains(tokenA), "the token is not echoed: " + rejected.getMessage());
        }
    }

    @Test
    void anUnknownTokenIs401() {
        AgentTokens tokens = AgentTokens.load(tokensFile);
        String hashOfA = AgentTokens.hashLine(AGENT_A, tokenA).split(" ")[1];

        for (String presented : List.of(AgentTokens.newToken(), tokenA + "x", tokenA.substring(1), hashOfA, AGENT_A)) {
            ReportRejected rejected = assertThrows(ReportRejected.class,
                    () -> tokens.authenticate("Bearer " + presented), presented);
            assertEquals(401, rejected.getStatus());
        }
    }

    @Test
    void anEmptyTokenFileAuthenticatesNobody() throws IOException {
        Path empty = Files.writeString(dir.resolve("empty"), "# no agents yet\n");
        AgentTokens tokens = AgentTokens.load(empty);

        assertEquals(0, tokens.size());
        assertEquals(401, assertThrows(ReportRejected.class, () -> tokens.authenticate("Bearer " + tokenA)).getStatus());
    }

    @Test
    void inMemoryTokensAuthenticateLikeTheFile() {
        AgentTokens tokens = AgentTokens.ofPlainTokens(Map.of(AGENT_A, tokenA));

        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));
        assertEquals(401, assertThrows(ReportRejected.class, () -> tokens.authenticate("Bearer " + tokenB)).getStatus());
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a",
        "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a plain-token-by-mistake",
        "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a 0123456789ABCDEF0123456789abcdef0123456789abcdef0123456789abcdef",
        "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a 0123456789abcdef",
        "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a 0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef extra"})
    void refusesAMalformedLineNamingItsNumber(String badLine) throws IOException {
        Path file = Files.write(dir.resolve("bad-tokens"),
                List.of("# header", AgentTokens.hashLine(AGENT_B, tokenB), badLine), StandardCharsets.UTF_8);

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AgentTokens.load(file));

        assertTrue(refused.getMessage().contains("line 3"), refused.getMessage());
        assertFalse(refused.getMessage().contains("plain-token-by-mistake"), "the line's content is not echoed");
    }

    @Test
    void aMissingTokenFileSaysHowToIssueAToken() {
        Path missing = dir.resolve("absent");

        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> AgentTokens.load(missing));

        assertTrue(refused.getMessage().contains(missing.toString()), refused.getMessage());
        assertTrue(refused.getMessage().contains("token issue"), refused.getMessage());
    }

    // ---- tokens changed while the server runs (TokenFile) -------------------------------------------

    /** The tokens file's modification time moved on, as after any later write; keeps tests independent of mtime resolution. */
    private void touchLater() throws IOException {
        FileTime now = Files.getLastModifiedTime(tokensFile);
        Files.setLastModifiedTime(tokensFile, FileTime.fromMillis(now.toMillis() + 2000));
    }

    @Test
    void aTokenIssuedWhileRunningWorksWithoutARestart() throws IOException {
        AgentTokens tokens = AgentTokens.load(tokensFile);
        String issued = new TokenFile(tokensFile).issue(AGENT_B);
        touchLater();

        assertEquals(AGENT_B, tokens.authenticate("Bearer " + issued));
        assertEquals(AGENT_B, tokens.authenticate("Bearer " + tokenB), "the agent's other token still works");
    }

    @Test
    void aRotatedTokenReplacesTheOldOneWithoutARestart() throws IOException {
        AgentTokens tokens = AgentTokens.load(tokensFile);
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));

        String rotated = new TokenFile(tokensFile).rotate(AGENT_A);
        touchLater();

        assertEquals(AGENT_A, tokens.authenticate("Bearer " + rotated));
        assertEquals(401, assertThrows(ReportRejected.class, () -> tokens.authenticate("Bearer " + tokenA)).getStatus());
        assertEquals(AGENT_B, tokens.authenticate("Bearer " + tokenB), "other agents are untouched");
    }

    @Test
    void aRevokedAgentIsRefusedWithoutARestart() throws IOException {
        AgentTokens tokens = AgentTokens.load(tokensFile);

        assertEquals(1, new TokenFile(tokensFile).revoke(AGENT_A));
        touchLater();

        assertEquals(401, assertThrows(ReportRejected.class, () -> tokens.authenticate("Bearer " + tokenA)).getStatus());
        assertEquals(Map.of(AGENT_B, 1), new TokenFile(tokensFile).list());
    }

    @Test
    void theTokenFileWrittenByTheCliHoldsOnlyHashesAndIsReadableByItsOwnerOnly() throws IOException {
        Path fresh = dir.resolve("cli/agent-tokens");
        TokenFile file = new TokenFile(fresh);
        String first = file.issue(AGENT_A);
        String second = file.issue(AGENT_A);

        String text = Files.readString(fresh, StandardCharsets.UTF_8);
        assertFalse(text.contains(first), text);
        assertFalse(text.contains(second), text);
        assertEquals(Map.of(AGENT_A, 2), file.list());
        assertEquals(PosixFilePermissions.fromString("rw-------"), Files.getPosixFilePermissions(fresh));
        AgentTokens tokens = AgentTokens.load(fresh);
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + first));
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + second));
    }

    @Test
    void aRemovedTokenFileKeepsTheLastGoodTokens() throws IOException {
        AgentTokens tokens = AgentTokens.load(tokensFile);
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));

        Files.delete(tokensFile);

        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));
    }

    /**
     * A hand edit that breaks the file must not lock every agent out: like a removed file, it keeps the last good
     * tokens (and the bad line is reported when the file is loaded or listed).
     */
    @Test
    void aMalformedEditWhileRunningKeepsTheLastGoodTokens() throws IOException {
        AgentTokens tokens = AgentTokens.load(tokensFile);
        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));

        Files.writeString(tokensFile, "oops-no-hash\n", StandardOpenOption.APPEND);
        touchLater();

        assertEquals(AGENT_A, tokens.authenticate("Bearer " + tokenA));
    }
}
