package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AgentSettingsTest {

    private static final String CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";
    private static final String TOKEN = "q8HkVt3xZ0aM7pR2sW9cY4nE6jL1bU5dG-fT_oI3wQk";

    private static Properties required(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", CODE);
        properties.setProperty("scanflow.agent.token", TOKEN);
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static AgentSettings from(String... keyValues) {
        return AgentSettings.from(SettingsSource.of(required(keyValues)));
    }

    private static InvalidSettings refused(String... keyValues) {
        return assertThrows(InvalidSettings.class, () -> from(keyValues));
    }

    @Test
    void usesTheDefaultsWhenOnlyCodeAndTokenAreGiven() {
        AgentSettings settings = from();

        assertEquals(CODE, settings.code());
        assertEquals(TOKEN, settings.token());
        assertEquals(URI.create("http://127.0.0.1:8080"), settings.serverUrl());
        assertEquals(List.of(Cidr.parse("127.0.0.0/29")), settings.subnets());
        assertEquals("0 */5 * * * ?", settings.schedule());
        assertTrue(settings.scanOnStart());
        assertEquals("nmap", settings.nmap());
        assertEquals(Duration.ofMinutes(10), settings.scanTimeout());
        assertEquals(Duration.ofMinutes(2), settings.hostTimeout());
        assertFalse(settings.reverseDns());
        assertEquals(9877, settings.managementPort());
    }

    @Test
    void readsEveryKeyFromTheFile() {
        AgentSettings settings = from("scanflow.agent.server-url", "https://scanflow.example:8443",
                "scanflow.agent.subnets", "198.18.0.0/24, 2001:db8:5f::/64,,",
                "scanflow.agent.schedule", "0 0 * * * ?", "scanflow.agent.scan-on-start", "false",
                "scanflow.agent.nmap", "/usr/bin/nmap", "scanflow.agent.scan-timeout", "30m",
                "scanflow.agent.host-timeout", "PT5M", "scanflow.agent.reverse-dns", "true",
                "scanflow.agent.management-port", "19877");

        assertEquals(URI.create("https://scanflow.example:8443"), settings.serverUrl());
        assertEquals(List.of(Cidr.parse("198.18.0.0/24"), Cidr.parse("2001:db8:5f::/64")), settings.subnets());
        assertEquals("0 0 * * * ?", settings.schedule());
        assertFalse(settings.scanOnStart());
        assertEquals("/usr/bin/nmap", settings.nmap());
        assertEquals(Duration.ofMinutes(30), settings.scanTimeout());
        assertEquals(Duration.ofMinutes(5), settings.hostTimeout());
        assertTrue(settings.reverseDns());
        assertEquals(19877, settings.managementPort());
    }

    @Test
    void theTokenFromTheEnvironmentOverridesTheFile() {
        SettingsSource source = new SettingsSource(required(), Map.of("SCANFLOW_AGENT_TOKEN", "token-from-env"),
                new Properties());

        assertEquals("token-from-env", AgentSettings.from(source).token());
    }

    @ParameterizedTest
    @ValueSource(strings = {"scanflow.agent.code", "scanflow.agent.token"})
    void refusesToStartWithoutCodeOrToken(String key) {
        Properties properties = required();
        properties.remove(key);

        InvalidSettings missing = assertThrows(InvalidSettings.class,
                () -> AgentSettings.from(SettingsSource.of(properties)));
        assertTrue(missing.getMessage().contains(key), missing.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-", "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-ab",
        "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn!a", "short"})
    void refusesAnAgentCodeThatIsNot32SafeCharacters(String code) {
        InvalidSettings invalid = refused("scanflow.agent.code", code);

        assertTrue(invalid.getMessage().contains("scanflow.agent.code"), invalid.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ftp://127.0.0.1/reports", "file:///etc/passwd", "127.0.0.1:8080", "http://exa mple",
        "http://scanflow.example:8080", "http://192.0.2.10:8080"})
    void refusesAServerUrlThatIsNotHttpOrHttps(String url) {
        InvalidSettings invalid = refused("scanflow.agent.server-url", url);

        assertTrue(invalid.getMessage().contains("scanflow.agent.server-url"), invalid.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1/29", "127.0.0.0/29,localhost", "127.0.0.0/33"})
    void refusesSubnetsThatAreNotNetworkCidrs(String subnets) {
        InvalidSettings invalid = refused("scanflow.agent.subnets", subnets);

        assertTrue(invalid.getMessage().contains("scanflow.agent.subnets"), invalid.getMessage());
    }

    @Test
    void refusesAHostTimeoutLongerThanTheScanTimeout() {
        InvalidSettings invalid = refused("scanflow.agent.host-timeout", "11m", "scanflow.agent.scan-timeout", "10m");

        assertTrue(invalid.getMessage().contains("scanflow.agent.host-timeout"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains("scanflow.agent.scan-timeout"), invalid.getMessage());
        assertEquals(Duration.ofMinutes(10),
                from("scanflow.agent.host-timeout", "10m", "scanflow.agent.scan-timeout", "10m").hostTimeout());
    }

    @Test
    void refusesAManagementPortOutOfRangeNamingTheKey() {
        InvalidSettings invalid = refused("scanflow.agent.management-port", "0");

        assertTrue(invalid.getMessage().contains("scanflow.agent.management-port"), invalid.getMessage());
    }

    @Test
    void refusesABadScanTimeoutNamingTheKey() {
        InvalidSettings invalid = refused("scanflow.agent.scan-timeout", "soon");

        assertTrue(invalid.getMessage().contains("scanflow.agent.scan-timeout"), invalid.getMessage());
    }

    @Test
    void toStringNeverShowsTheTokenNorTheWholeCode() {
        String text = from().toString();

        assertFalse(text.contains(TOKEN), text);
        assertFalse(text.contains(TOKEN.substring(0, 8)), text);
        assertFalse(text.contains(CODE), text);
        assertTrue(text.contains("127.0.0.0/29"), "still useful in a log: " + text);
    }
}
