package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The API security modes a real phpIPAM offers, against the phpIPAM-shaped stand-in over real HTTP(S): the
 * SSL modes refuse plain HTTP with 503 as phpIPAM's isHttps() does, and the user-token modes log in with
 * HTTP Basic, renew before expiry and once more when phpIPAM forgets the token, never logging a secret.
 */
class PhpipamApiModesTest {

    private static final String USER = "scanflow-reader";
    private static final String PASSWORD = "pw-Quiet-Harbour-42";

    @TempDir
    Path home;

    @Test
    void anSslCodeAppOverPlainHttpAnswers503AndTheAgentSaysWhy() throws IOException {
        try (FakePhpipam phpipam = FakePhpipam.startPlainHttp().documentedSite()) {
            // what the settings would refuse at start, built directly to show what phpIPAM itself answers
            PhpipamApiSettings plain = new PhpipamApiSettings(phpipam.url(), FakePhpipam.APP_ID,
                    PhpipamApiSettings.Security.SSL_CODE, FakePhpipam.APP_CODE, null, null, Duration.ofMinutes(5),
                    ZoneId.of("UTC"), FakePhpipam.AGENT_CODE, home.resolve("cache"), Duration.ZERO, Duration.ZERO, null,
                    Duration.ofSeconds(5), true);
            PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class,
                    () -> new PhpipamApiClient(plain).agentByCode(FakePhpipam.AGENT_CODE));
            assertEquals(503, e.status());
            assertTrue(e.getMessage().contains("answered HTTP 503 \"SSL connection is required for API\": phpIPAM wants"
                    + " HTTPS for this app; use an https:// scanflow.phpipam-api.url"), e.getMessage());
            assertEquals(List.of(503), phpipam.statuses());
        }
    }

    @Test
    void sslWithUserTokenLogsInOnceAndSendsTheTokenNeverThePassword() throws IOException {
        try (FakePhpipam phpipam = FakePhpipam.start().documentedSite().userTokenApp("ssl_token", USER, PASSWORD);
             LogCapture logs = LogCapture.of(PhpipamApiClient.class)) {
            PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(home));
            assertEquals(2, client.agentByCode(FakePhpipam.AGENT_CODE).orElseThrow().id());
            assertFalse(client.subnetsOfAgent(2).isEmpty());
            assertEquals(List.of(USER), phpipam.logins(), "one login for both requests");
            String issued = phpipam.userTokens.keySet().iterator().next();
            assertEquals(List.of("null", issued, issued), phpipam.tokens(), "the login carries no token header");
            assertEquals(List.of(200, 200, 200), phpipam.statuses());
            assertEquals(1, logs.lines().size(), logs.lines().toString());
            for (String line : logs.lines()) {
                assertFalse(line.contains(issued) || line.contains(PASSWORD), line);
            }
        }
    }

    @Test
    void theUserTokenIsRenewedBeforeItExpires() throws Exception {
        try (FakePhpipam phpipam = FakePhpipam.start().documentedSite().userTokenApp("ssl_token", USER, PASSWORD)) {
            // phpIPAM writes expires to the second: a window of 4 s (at least 3 s) before renewal is due, so a
            // loaded machine still makes the first two requests inside it
            phpipam.tokenLifetime = Duration.ofSeconds(10);
            phpipam.phpZone = ZoneId.of("Asia/Tokyo");
            PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(home, PhpipamApiSettings.TOKEN_RENEW_BEFORE, "6s"));
            client.subnetsOfAgent(2);
            client.subnetsOfAgent(2);
            assertEquals(1, phpipam.logins().size(), "the token is good for a few more seconds");
            Thread.sleep(4500);
            client.subnetsOfAgent(2);
            assertEquals(2, phpipam.logins().size(), "renewed 6 s before the expires phpIPAM wrote in Tokyo time");
            assertFalse(phpipam.statuses().contains(401), phpipam.statuses().toString());
        }
    }

    @Test
    void aTokenPhpipamForgotIsReplacedOnceAndTheRequestGoesThrough() throws IOException {
        try (FakePhpipam phpipam = FakePhpipam.start().documentedSite().userTokenApp("ssl_token", USER, PASSWORD)) {
            PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(home));
            client.subnetsOfAgent(2);
            phpipam.userTokens.clear();
            assertFalse(client.subnetsOfAgent(2).isEmpty());
            assertEquals(List.of(USER, USER), phpipam.logins());
            assertEquals(List.of(200, 200, 401, 200, 200), phpipam.statuses());
        }
    }

    @Test
    void aWrongPasswordIsUnauthorizedNamingTheSettingsNotTheSecret() throws IOException {
        try (FakePhpipam phpipam = FakePhpipam.start().documentedSite().userTokenApp("ssl_token", USER, PASSWORD)) {
            PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(home, PhpipamApiSettings.PASSWORD, "wrong-pw-7"));
            PhpipamApiUnauthorized e = assertThrows(PhpipamApiUnauthorized.class, () -> client.subnetsOfAgent(2));
            assertEquals(401, e.status());
            assertTrue(e.getMessage().startsWith("phpIPAM refused user scanflow-reader or its token (HTTP 401 \"Invalid username"
                    + " or password\") for app scanflow: check scanflow.phpipam-api.user, scanflow.phpipam-api.password"), e.getMessage());
            assertFalse(e.getMessage().contains("wrong-pw-7"));
            assertEquals(List.of(USER), phpipam.logins(), "no second try with a password phpIPAM refused");
        }
    }

    @Test
    void userTokenWithoutSslWorksOverPlainHttpToLoopback() throws IOException {
        try (FakePhpipam phpipam = FakePhpipam.startPlainHttp().documentedSite().userTokenApp("none", USER, PASSWORD)) {
            PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(home));
            assertEquals(2, client.agentByCode(FakePhpipam.AGENT_CODE).orElseThrow().id());
            assertEquals(List.of(USER), phpipam.logins());
        }
    }
}
