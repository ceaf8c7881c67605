package dev.scanflow.server.access;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.server.api.ApiError;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The operator tokens file holds hashes only; the api-token stays an admin; issued and revoked tokens apply live. */
class OperatorTokensTest {

    @TempDir
    Path dir;

    @Test
    void issuedTokensAuthenticateWithTheirRoleAndTheFileHoldsNoToken() throws Exception {
        OperatorTokenFile file = new OperatorTokenFile(dir.resolve("operator-tokens"));
        String viewer = file.issue("grafana", Role.VIEWER);
        String admin = file.issue("ops-lead", Role.ADMIN);
        String text = Files.readString(file.path());
        assertFalse(text.contains(viewer) || text.contains(admin), text);
        assertTrue(text.lines().anyMatch(line -> line.matches("grafana viewer [0-9a-f]{64}")), text);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file.path())));

        OperatorTokens tokens = new OperatorTokens("the-api-token", file);
        assertEquals(new OperatorTokens.Caller("grafana", Role.VIEWER), tokens.authenticate("Bearer " + viewer));
        assertEquals(new OperatorTokens.Caller("ops-lead", Role.ADMIN), tokens.authenticate("bearer " + admin));
        assertEquals(new OperatorTokens.Caller("api-token", Role.ADMIN), tokens.authenticate("Bearer the-api-token"));
        assertEquals(401, assertThrows(ApiError.class, () -> tokens.authenticate("Bearer nope")).getStatus());
        assertEquals(401, assertThrows(ApiError.class, () -> tokens.authenticate(null)).getStatus());

        String operator = file.issue("grafana", Role.OPERATOR);
        Files.setLastModifiedTime(file.path(), FileTime.from(Instant.now().plusSeconds(5)));
        assertEquals(Role.OPERATOR, tokens.authenticate("Bearer " + operator).role(), "re-read without a restart");
        assertEquals(401, assertThrows(ApiError.class, () -> tokens.authenticate("Bearer " + viewer)).getStatus(),
                "issuing again replaces the name's token");
        assertEquals(Map.of("grafana", Role.OPERATOR, "ops-lead", Role.ADMIN), file.list());
        OperatorTokens.Caller lead = tokens.authenticate("Bearer " + admin);
        assertTrue(tokens.stillValid(lead));
        assertEquals(1, file.revoke("ops-lead"));
        Files.setLastModifiedTime(file.path(), FileTime.from(Instant.now().plusSeconds(10)));
        assertEquals(401, assertThrows(ApiError.class, () -> tokens.authenticate("Bearer " + admin)).getStatus());
        assertFalse(tokens.stillValid(lead), "a revoked token's sessions end");
        assertFalse(tokens.stillValid(new OperatorTokens.Caller("grafana", Role.VIEWER)), "nor do they keep an old role");
        assertTrue(tokens.stillValid(new OperatorTokens.Caller("api-token", Role.ADMIN)));
    }

    @Test
    void withNoTokenAtAllTheApiIsClosedAndABrokenFileStopsTheStart() throws Exception {
        OperatorTokens none = new OperatorTokens(null, new OperatorTokenFile(dir.resolve("absent")));
        assertTrue(none.closed());
        assertTrue(assertThrows(ApiError.class, () -> none.authenticate("Bearer x")).getMessage().contains("closed"));
        Path broken = dir.resolve("broken");
        Files.writeString(broken, "alice superuser " + "a".repeat(64) + "\n");
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> new OperatorTokens(null, new OperatorTokenFile(broken)));
        assertTrue(refused.getMessage().contains("line 1") && refused.getMessage().contains("superuser"), refused.getMessage());
    }
}
