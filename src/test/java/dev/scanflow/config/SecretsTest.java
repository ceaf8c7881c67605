package dev.scanflow.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Secrets come from the environment or owner-only files, never from -D system properties. */
class SecretsTest {

    @TempDir
    Path dir;

    static Iterable<String> secretKeys() {
        return Secrets.KEYS;
    }

    @ParameterizedTest(name = "-D{0} is refused, naming the variables to use instead")
    @MethodSource("secretKeys")
    void aSecretGivenAsSystemPropertyIsRefused(String key) {
        Properties system = new Properties();
        system.setProperty(key, "s3cret-value");
        SettingsSource source = new SettingsSource(new Properties(), Map.of(), system);

        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> source.raw(key));

        String env = SettingsSource.environmentName(key);
        assertTrue(refused.getMessage().contains("-D system property"), refused.getMessage());
        assertTrue(refused.getMessage().contains(env + " or " + env + "_FILE"), refused.getMessage());
        assertFalse(refused.getMessage().contains("s3cret-value"), "the refusal does not repeat the secret");
    }

    @Test
    void aSecretFromTheEnvironment() {
        SettingsSource source = new SettingsSource(new Properties(), Map.of("SCANFLOW_DB_PASSWORD", " pw "), new Properties());

        assertEquals("pw", source.required("scanflow.db.password"));
    }

    @Test
    void aSecretFromAnOwnerOnlyFileNamedByTheEnvironment() throws Exception {
        Path file = Files.writeString(dir.resolve("db-password"), "from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        SettingsSource source = new SettingsSource(new Properties(),
                Map.of("SCANFLOW_DB_PASSWORD_FILE", file.toString()), new Properties());

        assertEquals("from-file", source.required("scanflow.db.password"));
    }

    @Test
    void aSecretFileOthersMayReadIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("db-password"), "from-file\n");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r--r--"));
        SettingsSource source = new SettingsSource(new Properties(),
                Map.of("SCANFLOW_DB_PASSWORD_FILE", file.toString()), new Properties());

        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> source.required("scanflow.db.password"));

        assertTrue(refused.getMessage().contains("chmod 600"), refused.getMessage());
    }

    @Test
    void bothTheVariableAndItsFileIsAmbiguous() throws Exception {
        Path file = Files.writeString(dir.resolve("token"), "a");
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
        SettingsSource source = new SettingsSource(new Properties(),
                Map.of("SCANFLOW_AGENT_TOKEN", "b", "SCANFLOW_AGENT_TOKEN_FILE", file.toString()), new Properties());

        assertThrows(InvalidSettings.class, () -> source.raw("scanflow.agent.token"));
    }

    @Test
    void aConfigFileHoldingASecretMustBeOwnerOnly() throws Exception {
        Path config = Files.writeString(dir.resolve("server.properties"), "scanflow.db.password=in-file\n");
        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-r--r--"));

        InvalidSettings refused = assertThrows(InvalidSettings.class,
                () -> SettingsSource.load(config).raw("scanflow.db.password"));
        assertTrue(refused.getMessage().contains("SCANFLOW_DB_PASSWORD_FILE"), refused.getMessage());

        Files.setPosixFilePermissions(config, PosixFilePermissions.fromString("rw-------"));
        assertEquals("in-file", SettingsSource.load(config).raw("scanflow.db.password"));
    }

    @Test
    void otherSettingsStillComeFromSystemProperties() {
        Properties system = new Properties();
        system.setProperty("scanflow.server.port", "9443");

        assertEquals("9443", new SettingsSource(new Properties(), Map.of(), system).raw("scanflow.server.port"));
    }
}
