package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ServerSettingsTest {

    private static final Path HOME = Path.of("/opt/scanflow");
    private static final String PASSWORD = "pw-Zq7!x9-phpipam";

    private static Properties required(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.db.url", "jdbc:mariadb://127.0.0.1:3306/phpipam");
        properties.setProperty("scanflow.db.user", "phpipam");
        properties.setProperty("scanflow.db.password", PASSWORD);
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static ServerSettings from(String... keyValues) {
        return ServerSettings.from(SettingsSource.of(required(keyValues)), HOME);
    }

    @Test
    void usesTheDefaultsWhenOnlyTheDatabaseIsGiven() {
        ServerSettings settings = from();

        assertEquals("0.0.0.0", settings.host());
        assertEquals(8080, settings.port());
        assertEquals(16L * 1024 * 1024, settings.maxBodyBytes());
        assertEquals(HOME.resolve("config/agent-tokens"), settings.tokensFile());
        assertEquals(ZoneId.of("UTC"), settings.phpipamTimeZone());
        assertTrue(settings.writeMac());
        assertEquals("jdbc:mariadb://127.0.0.1:3306/phpipam", settings.database().url());
        assertEquals("phpipam", settings.database().user());
        assertEquals(PASSWORD, settings.database().password());
        assertEquals("scanflow", settings.database().scanflowSchema());
        assertEquals(8, settings.database().poolSize());
    }

    @Test
    void readsEveryKeyFromTheFile() {
        ServerSettings settings = from("scanflow.server.host", "127.0.0.1", "scanflow.server.port", "18080",
                "scanflow.server.max-body-bytes", "65536", "scanflow.server.tokens-file", "/etc/scanflow/tokens",
                "scanflow.phpipam.time-zone", "Europe/Zurich", "scanflow.phpipam.write-mac", "false",
                "scanflow.db.scanflow-schema", "scanflow_test", "scanflow.db.pool-size", "2");

        assertEquals("127.0.0.1", settings.host());
        assertEquals(18080, settings.port());
        assertEquals(65536L, settings.maxBodyBytes());
        assertEquals(Path.of("/etc/scanflow/tokens"), settings.tokensFile(), "an absolute path stays as given");
        assertEquals(ZoneId.of("Europe/Zurich"), settings.phpipamTimeZone());
        assertFalse(settings.writeMac());
        assertEquals("scanflow_test", settings.database().scanflowSchema());
        assertEquals(2, settings.database().poolSize());
    }

    @Test
    void thePasswordFromTheEnvironmentOverridesTheFile() {
        SettingsSource source = new SettingsSource(required(), Map.of("SCANFLOW_DB_PASSWORD", "from-env"),
                new Properties());

        assertEquals("from-env", ServerSettings.from(source, HOME).database().password());
    }

    @Test
    void aSystemPropertyOverridesTheEnvironment() {
        Properties system = new Properties();
        system.setProperty("scanflow.server.port", "9443");
        SettingsSource source = new SettingsSource(required("scanflow.server.port", "8081"),
                Map.of("SCANFLOW_SERVER_PORT", "8082"), system);

        assertEquals(9443, ServerSettings.from(source, HOME).port());
        assertEquals(8082, ServerSettings.from(new SettingsSource(required("scanflow.server.port", "8081"),
                Map.of("SCANFLOW_SERVER_PORT", "8082"), new Properties()), HOME).port());
    }

    @ParameterizedTest(name = "{0}={1} is refused")
    @CsvSource({
        "scanflow.server.port,           0",
        "scanflow.server.port,           65536",
        "scanflow.server.max-body-bytes, 1000",
        "scanflow.server.max-body-bytes, 16MiB",
        "scanflow.phpipam.time-zone,     Mars/Olympus_Mons",
        "scanflow.phpipam.write-mac,     yes",
        "scanflow.db.url,                postgresql://127.0.0.1/phpipam",
        "scanflow.db.scanflow-schema,    scan-flow",
        "scanflow.db.pool-size,          0",
    })
    void refusesAnInvalidValueNamingItsKey(String key, String value) {
        InvalidSettings invalid = assertThrows(InvalidSettings.class, () -> from(key, value));

        assertTrue(invalid.getMessage().contains(key), invalid.getMessage());
    }

    @Test
    void refusesToStartWithoutTheDatabasePassword() {
        Properties properties = required();
        properties.remove("scanflow.db.password");

        InvalidSettings missing = assertThrows(InvalidSettings.class,
                () -> ServerSettings.from(SettingsSource.of(properties), HOME));
        assertTrue(missing.getMessage().contains("scanflow.db.password"), missing.getMessage());
    }

    @Test
    void toStringNeverShowsThePassword() {
        ServerSettings settings = from();

        assertFalse(settings.toString().contains(PASSWORD), settings.toString());
        assertFalse(settings.database().toString().contains(PASSWORD), settings.database().toString());
        assertTrue(settings.toString().contains("jdbc:mariadb://127.0.0.1:3306/phpipam"), settings.toString());
    }
}
