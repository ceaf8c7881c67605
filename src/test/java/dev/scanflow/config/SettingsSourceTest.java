package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SettingsSourceTest {

    private static Properties properties(String... keyValues) {
        Properties properties = new Properties();
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private static SettingsSource fileOnly(String... keyValues) {
        return SettingsSource.of(properties(keyValues));
    }

    @Test
    void givesTheFallbackWhenAKeyIsAbsent() {
        SettingsSource empty = fileOnly();

        assertNull(empty.raw("scanflow.x"));
        assertEquals("fallback", empty.string("scanflow.x", "fallback"));
        assertEquals(42, empty.integer("scanflow.x", 42, 1, 100));
        assertEquals(2048L, empty.bytes("scanflow.x", 2048L));
        assertTrue(empty.bool("scanflow.x", true));
        assertFalse(empty.bool("scanflow.x", false));
        assertEquals(Duration.ofMinutes(3), empty.duration("scanflow.x", Duration.ofMinutes(3)));
        assertEquals(ZoneId.of("Europe/Zurich"), empty.zone("scanflow.x", ZoneId.of("Europe/Zurich")));
    }

    @Test
    void aBlankValueCountsAsAbsentAndValuesAreStripped() {
        SettingsSource source = fileOnly("scanflow.blank", "   ", "scanflow.padded", "  value \t");

        assertNull(source.raw("scanflow.blank"));
        assertEquals("fallback", source.string("scanflow.blank", "fallback"));
        assertEquals("value", source.raw("scanflow.padded"));
    }

    @Test
    void readsTypedValuesFromTheFile() {
        SettingsSource source = fileOnly("scanflow.n", "8081", "scanflow.b", "false", "scanflow.z", "Europe/Zurich",
                "scanflow.bytes", "1048576");

        assertEquals(8081, source.integer("scanflow.n", 1, 1, 65535));
        assertFalse(source.bool("scanflow.b", true));
        assertEquals(ZoneId.of("Europe/Zurich"), source.zone("scanflow.z", ZoneId.of("UTC")));
        assertEquals(1_048_576L, source.bytes("scanflow.bytes", 2048L));
    }

    @ParameterizedTest(name = "{0} is {1} seconds")
    @CsvSource({"30s, 30", "10m, 600", "1h, 3600", "PT10M, 600", "pt90s, 90", "PT1H30M, 5400"})
    void readsDurationsWithUnitOrInIso8601(String text, long seconds) {
        assertEquals(Duration.ofSeconds(seconds), fileOnly("scanflow.d", text).duration("scanflow.d", Duration.ZERO));
    }

    @Test
    void namesTheEnvironmentVariableAfterTheKey() {
        assertEquals("SCANFLOW_DB_PASSWORD", SettingsSource.environmentName("scanflow.db.password"));
        assertEquals("SCANFLOW_AGENT_SCAN_TIMEOUT", SettingsSource.environmentName("scanflow.agent.scan-timeout"));
    }

    @Test
    void theEnvironmentOverridesTheFile() {
        SettingsSource source = new SettingsSource(properties("scanflow.db.password", "from-file"),
                Map.of("SCANFLOW_DB_PASSWORD", "from-env"), new Properties());

        assertEquals("from-env", source.required("scanflow.db.password"));
    }

    @Test
    void aSystemPropertyOverridesTheEnvironmentAndTheFile() {
        SettingsSource source = new SettingsSource(properties("scanflow.db.user", "from-file"),
                Map.of("SCANFLOW_DB_USER", "from-env"), properties("scanflow.db.user", "from-system"));

        assertEquals("from-system", source.required("scanflow.db.user"));
    }

    @Test
    void theFileIsUsedWhenNothingOverridesIt() {
        SettingsSource source = new SettingsSource(properties("scanflow.db.password", "from-file"),
                Map.of("SCANFLOW_DB_USER", "someone"), properties("scanflow.db.user", "someone"));

        assertEquals("from-file", source.required("scanflow.db.password"));
    }

    @Test
    void aMissingRequiredKeyNamesTheKeyAndItsEnvironmentVariable() {
        InvalidSettings missing = assertThrows(InvalidSettings.class, () -> fileOnly().required("scanflow.db.password"));

        assertTrue(missing.getMessage().contains("scanflow.db.password"), missing.getMessage());
        assertTrue(missing.getMessage().contains("SCANFLOW_DB_PASSWORD"), missing.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "-1", "eighty", "80.5"})
    void refusesAnIntegerOutOfRangeOrNotANumberNamingTheKey(String value) {
        InvalidSettings invalid = assertThrows(InvalidSettings.class,
                () -> fileOnly("scanflow.server.port", value).integer("scanflow.server.port", 8080, 1, 65535));

        assertTrue(invalid.getMessage().contains("scanflow.server.port"), invalid.getMessage());
        assertTrue(invalid.getMessage().contains(value), invalid.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"ten minutes", "10", "10x", "10M", "PT", "s", "0s", "-5m", "PT-1S", "PT0S"})
    void refusesABadOrNonPositiveDurationNamingTheKey(String value) {
        InvalidSettings invalid = assertThrows(InvalidSettings.class,
                () -> fileOnly("scanflow.agent.scan-timeout", value).duration("scanflow.agent.scan-timeout",
                        Duration.ofMinutes(10)));

        assertTrue(invalid.getMessage().contains("scanflow.agent.scan-timeout"), invalid.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Mars/Olympus_Mons", "CEST+", "UTC+25"})
    void refusesAnUnknownTimeZoneNamingTheKey(String value) {
        InvalidSettings invalid = assertThrows(InvalidSettings.class,
                () -> fileOnly("scanflow.phpipam.time-zone", value).zone("scanflow.phpipam.time-zone", ZoneId.of("UTC")));

        assertTrue(invalid.getMessage().contains("scanflow.phpipam.time-zone"), invalid.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"yes", "1", "TRUE", "on"})
    void acceptsOnlyTrueOrFalseAsBooleans(String value) {
        InvalidSettings invalid = assertThrows(InvalidSettings.class,
                () -> fileOnly("scanflow.phpipam.write-mac", value).bool("scanflow.phpipam.write-mac", true));

        assertTrue(invalid.getMessage().contains("scanflow.phpipam.write-mac"), invalid.getMessage());
    }

    @Test
    void refusesBodyLimitsBelowOneKibibyte() {
        InvalidSettings invalid = assertThrows(InvalidSettings.class,
                () -> fileOnly("scanflow.server.max-body-bytes", "1023").bytes("scanflow.server.max-body-bytes", 4096));

        assertTrue(invalid.getMessage().contains("scanflow.server.max-body-bytes"), invalid.getMessage());
        assertEquals(1024L, fileOnly("scanflow.server.max-body-bytes", "1024").bytes("scanflow.server.max-body-bytes", 4096));
    }

    @Test
    void loadsAConfigFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("server.properties");
        Files.writeString(file, "# a comment\nscanflow.server.port = 9090\nscanflow.phpipam.time-zone=Europe/Zurich\n");

        SettingsSource source = SettingsSource.load(file);

        assertEquals(9090, source.integer("scanflow.server.port", 8080, 1, 65535));
        assertEquals(ZoneId.of("Europe/Zurich"), source.zone("scanflow.phpipam.time-zone", ZoneId.of("UTC")));
    }

    @Test
    void aMissingConfigFileIsAnInvalidSettingNamingTheFile(@TempDir Path dir) {
        Path missing = dir.resolve("nope.properties");

        InvalidSettings invalid = assertThrows(InvalidSettings.class, () -> SettingsSource.load(missing));

        assertTrue(invalid.getMessage().contains(missing.toString()), invalid.getMessage());
    }
}
