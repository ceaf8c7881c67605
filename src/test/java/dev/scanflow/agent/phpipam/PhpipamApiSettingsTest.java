package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class PhpipamApiSettingsTest {

    private static final String APP_CODE = "Qw7_eR9tYu1-iO3pAs5dF7gH9jK1lZ3x";
    private static final String AGENT_CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";

    @TempDir
    Path home;

    private static Properties required(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.phpipam-api.url", "https://ipam.example.org");
        properties.setProperty("scanflow.phpipam-api.app-id", "scanflow");
        properties.setProperty("scanflow.phpipam-api.app-code", APP_CODE);
        properties.setProperty("scanflow.agent.code", AGENT_CODE);
        for (int i = 0; i < keyValues.length; i += 2) {
            if (keyValues[i + 1] == null) {
                properties.remove(keyValues[i]);
            } else {
                properties.setProperty(keyValues[i], keyValues[i + 1]);
            }
        }
        return properties;
    }

    private PhpipamApiSettings from(String... keyValues) {
        return PhpipamApiSettings.from(SettingsSource.of(required(keyValues)), home);
    }

    private InvalidSettings refused(String... keyValues) {
        return assertThrows(InvalidSettings.class, () -> from(keyValues));
    }

    @Test
    void usesTheDefaultsWhenOnlyTheRequiredKeysAreGiven() {
        PhpipamApiSettings settings = from();

        assertEquals(URI.create("https://ipam.example.org"), settings.url());
        assertEquals(URI.create("https://ipam.example.org/api/scanflow/"), settings.apiRoot());
        assertEquals("scanflow", settings.appId());
        assertEquals(APP_CODE, settings.appCode());
        assertEquals(AGENT_CODE, settings.agentCode());
        assertEquals(home.resolve("cache/phpipam-api"), settings.cacheDir());
        assertEquals(Duration.ofSeconds(1800), settings.cacheExpiry());
        assertEquals(Duration.ZERO, settings.timeOffset());
        assertNull(settings.caFile(), "no CA file: the JDK's trust store, never trust-all");
        assertEquals(Duration.ofSeconds(30), settings.timeout());
        assertTrue(settings.resolveEmptyOnly());
    }

    @Test
    void readsEveryKey() throws Exception {
        Path ca = TestCertificate.selfSigned(home, "ca", "ip:127.0.0.1").pem();

        PhpipamApiSettings settings = from("scanflow.phpipam-api.url", "https://ipam.example.org/phpipam/",
                "scanflow.phpipam-api.cache-dir", "/var/cache/scanflow",
                "scanflow.phpipam-api.cache-expiry", "15m",
                "scanflow.phpipam-api.time-offset", "-120",
                "scanflow.phpipam-api.ca-file", "ca.pem",
                "scanflow.phpipam-api.timeout", "PT10S",
                "scanflow.phpipam-api.resolve-empty-only", "false");

        assertEquals(URI.create("https://ipam.example.org/phpipam"), settings.url());
        assertEquals(URI.create("https://ipam.example.org/phpipam/api/scanflow/"), settings.apiRoot());
        assertEquals(Path.of("/var/cache/scanflow"), settings.cacheDir());
        assertEquals(Duration.ofMinutes(15), settings.cacheExpiry());
        assertEquals(Duration.ofSeconds(-120), settings.timeOffset());
        assertEquals(ca, settings.caFile());
        assertEquals(Duration.ofSeconds(10), settings.timeout());
        assertFalse(settings.resolveEmptyOnly());
    }

    @Test
    void theAppCodeCanComeFromTheEnvironment() {
        Properties file = required("scanflow.phpipam-api.app-code", null);
        SettingsSource source = new SettingsSource(file, Map.of("SCANFLOW_PHPIPAM_API_APP_CODE", APP_CODE), new Properties());

        assertEquals(APP_CODE, PhpipamApiSettings.from(source, home).appCode());
    }

    @Test
    void isConfiguredOnlyWhenTheUrlIsSet() {
        assertTrue(PhpipamApiSettings.fromIfConfigured(SettingsSource.of(required()), home).isPresent());
        assertTrue(PhpipamApiSettings.fromIfConfigured(
                SettingsSource.of(required("scanflow.phpipam-api.url", null)), home).isEmpty());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scanflow.phpipam-api.app-id", "scanflow.phpipam-api.app-code", "scanflow.agent.code"})
    void aMissingRequiredKeyIsNamed(String key) {
        assertTrue(refused(key, null).getMessage().startsWith(key + " is required"));
    }

    @Test
    void plainHttpIsRefusedForTheSslModesAndExceptToLoopbackForUserToken() {
        for (String url : List.of("http://ipam.example.org", "http://127.0.0.1:8080")) {
            assertEquals("scanflow.phpipam-api.url must be https:// for scanflow.phpipam-api.security=ssl_code (\"SSL with"
                    + " App code token\"): phpIPAM answers every plain-HTTP request 503 \"SSL connection is required for API\"",
                    refused("scanflow.phpipam-api.url", url).getMessage());
            assertTrue(refused("scanflow.phpipam-api.url", url, "scanflow.phpipam-api.security", "ssl_token",
                    "scanflow.phpipam-api.app-code", null, "scanflow.phpipam-api.user", "scan", "scanflow.phpipam-api.password", "pw")
                    .getMessage().startsWith("scanflow.phpipam-api.url must be https:// for scanflow.phpipam-api.security=ssl_token"));
        }
        String[] userToken = {"scanflow.phpipam-api.security", "none", "scanflow.phpipam-api.app-code", null,
                "scanflow.phpipam-api.user", "scan", "scanflow.phpipam-api.password", "pw"};
        assertTrue(refused(concat(userToken, "scanflow.phpipam-api.url", "http://ipam.example.org")).getMessage()
                .contains("would cross the network in clear"));
        assertEquals(URI.create("http://127.0.0.1:8080"), from(concat(userToken, "scanflow.phpipam-api.url", "http://127.0.0.1:8080")).url());
        assertEquals(URI.create("http://[::1]:8080"), from(concat(userToken, "scanflow.phpipam-api.url", "http://[::1]:8080")).url());
        assertEquals(URI.create("http://localhost"), from(concat(userToken, "scanflow.phpipam-api.url", "http://localhost/")).url());
    }

    @Test
    void theSecurityModeAndItsCredentialsMustFit() {
        assertTrue(refused("scanflow.phpipam-api.security", "ssl_token").getMessage().startsWith(
                "scanflow.phpipam-api.app-code is not used with scanflow.phpipam-api.security=ssl_token"));
        assertTrue(refused("scanflow.phpipam-api.security", "ssl_token", "scanflow.phpipam-api.app-code", null).getMessage()
                .startsWith("scanflow.phpipam-api.user is required"));
        assertTrue(refused("scanflow.phpipam-api.security", "ssl_token", "scanflow.phpipam-api.app-code", null,
                "scanflow.phpipam-api.user", "scan").getMessage().startsWith("scanflow.phpipam-api.password is required"));
        assertTrue(refused("scanflow.phpipam-api.user", "scan").getMessage().startsWith(
                "scanflow.phpipam-api.user and scanflow.phpipam-api.password are used only with"));
        assertTrue(refused("scanflow.phpipam-api.security", "crypt").getMessage().contains("is not supported"));
        assertTrue(refused("scanflow.phpipam-api.security", "fast").getMessage().startsWith("scanflow.phpipam-api.security must be"));
        PhpipamApiSettings user = from("scanflow.phpipam-api.security", "ssl_token", "scanflow.phpipam-api.app-code", null,
                "scanflow.phpipam-api.user", "scan", "scanflow.phpipam-api.password", "s3cret-pw");
        assertEquals(PhpipamApiSettings.Security.SSL_TOKEN, user.security());
        assertEquals(java.time.Duration.ofSeconds(300), user.tokenRenewBefore());
        assertFalse(user.toString().contains("s3cret-pw"), user.toString());
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = java.util.Arrays.copyOf(first, first.length + more.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://ipam.example.org", "ipam.example.org", "https://ipam.example.org/?x=1",
            "https://user:pw@ipam.example.org", "https://ipam example.org"})
    void aUrlThatIsNotAPlainBaseUrlIsRefused(String url) {
        assertTrue(refused("scanflow.phpipam-api.url", url).getMessage().startsWith("scanflow.phpipam-api.url"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"https://ipam.example.org/api/scanflow/", "https://ipam.example.org/api", "https://ipam.example.org/phpipam/api/"})
    void theApiPathIsAddedByScanflowNotGivenInTheUrl(String url) {
        assertTrue(refused("scanflow.phpipam-api.url", url).getMessage().contains("without /api/scanflow"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "thirteenchars", "with space", "app/id"})
    void anAppIdPhpipamWouldNotAcceptIsRefused(String appId) {
        assertTrue(refused("scanflow.phpipam-api.app-id", appId).getMessage().startsWith("scanflow.phpipam-api.app-id"));
    }

    @Test
    void aBadAppCodeIsRefusedWithoutShowingIt() {
        InvalidSettings e = refused("scanflow.phpipam-api.app-code", "secret with spaces");

        assertTrue(e.getMessage().startsWith("scanflow.phpipam-api.app-code"));
        assertFalse(e.getMessage().contains("secret"), e.getMessage());
    }

    @Test
    void anAgentCodeThatIsNot32CharactersIsRefused() {
        assertTrue(refused("scanflow.agent.code", "short").getMessage().startsWith("scanflow.agent.code"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"scanflow.phpipam-api.cache-expiry", "scanflow.phpipam-api.time-offset", "scanflow.phpipam-api.timeout"})
    void aDurationThatDoesNotParseIsNamed(String key) {
        assertTrue(refused(key, "soon").getMessage().startsWith(key + "=soon is not valid"));
    }

    @Test
    void aNegativeExpiryOrANonPositiveTimeoutIsRefused() {
        assertTrue(refused("scanflow.phpipam-api.cache-expiry", "-1").getMessage().startsWith("scanflow.phpipam-api.cache-expiry"));
        assertTrue(refused("scanflow.phpipam-api.timeout", "0").getMessage().startsWith("scanflow.phpipam-api.timeout"));
    }

    @Test
    void aCaFileThatIsMissingOrNotPemStopsTheStartNamingTheKey() throws IOException {
        assertTrue(refused("scanflow.phpipam-api.ca-file", "nosuch.pem").getMessage()
                .startsWith("scanflow.phpipam-api.ca-file: "));
        Files.writeString(home.resolve("key.pem"), "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n");
        assertTrue(refused("scanflow.phpipam-api.ca-file", "key.pem").getMessage()
                .startsWith("scanflow.phpipam-api.ca-file: "));
    }

    @Test
    void aCacheDirThatIsAFileIsRefused() throws IOException {
        Files.writeString(home.resolve("afile"), "x");

        assertTrue(refused("scanflow.phpipam-api.cache-dir", "afile").getMessage().startsWith("scanflow.phpipam-api.cache-dir"));
    }

    @Test
    void toStringNeverShowsTheAppCode() {
        String shown = from().toString();

        assertFalse(shown.contains(APP_CODE), shown);
        assertFalse(shown.contains(AGENT_CODE), shown);
        assertTrue(shown.contains("appCode=****"), shown);
    }
}
