package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class VmSettingsTest {

    private static final String TOKEN = "scanflow@pve!vm=6f2b1c3e-0000-4000-8000-000000000001";

    @TempDir
    Path home;

    private static Properties enabled() {
        Properties properties = new Properties();
        properties.setProperty("scanflow.vm.enabled", "true");
        properties.setProperty("scanflow.vm.proxmox.url", "https://pve.example.net:8006/");
        return properties;
    }

    @Test
    void offByDefaultAndThenNothingElseIsRead() {
        Properties properties = new Properties();
        properties.setProperty("scanflow.vm.proxmox.url", "not a url");
        VmSettings settings = VmSettings.from(SettingsSource.of(properties), Map.of(), home);
        assertFalse(settings.enabled());
        assertNull(settings.token());
    }

    @Test
    void theTokenComesFromTheEnvironmentWithDefaultsForTheRest() {
        VmSettings settings = VmSettings.from(SettingsSource.of(enabled()), Map.of(VmSettings.TOKEN_VARIABLE, TOKEN), home);
        assertEquals(TOKEN, settings.token());
        assertEquals("https://pve.example.net:8006", settings.proxmoxUrl().toString());
        assertEquals(Duration.ofMinutes(10), settings.taskTimeout());
        assertEquals("scsi0", settings.disk());
        assertTrue(settings.fullClone());
        assertFalse(settings.toString().contains("6f2b1c3e"), "the token is never printed");
    }

    @Test
    void orFromAFile() throws Exception {
        Files.writeString(home.resolve("pve-token"), TOKEN + "\n");
        Properties properties = enabled();
        properties.setProperty("scanflow.vm.proxmox.token-file", "pve-token");
        assertEquals(TOKEN, VmSettings.from(SettingsSource.of(properties), Map.of(), home).token());
    }

    @Test
    void aTokenInTheConfigFileOrAsDashDIsRefusedWithoutRepeatingIt() {
        Properties properties = enabled();
        properties.setProperty("scanflow.vm.proxmox.token", TOKEN);
        InvalidSettings inFile = assertThrows(InvalidSettings.class, () -> VmSettings.from(SettingsSource.of(properties), Map.of(), home));
        assertTrue(inFile.getMessage().contains(VmSettings.TOKEN_VARIABLE), inFile.getMessage());
        Properties system = new Properties();
        system.setProperty("scanflow.vm.proxmox.token", TOKEN);
        InvalidSettings asD = assertThrows(InvalidSettings.class,
                () -> VmSettings.from(new SettingsSource(enabled(), Map.of(), system), Map.of(), home));
        assertFalse(asD.getMessage().contains("6f2b1c3e"), asD.getMessage());
    }

    @Test
    void aMissingOrMisshapenTokenAndAPlainHttpUrlStopTheStart() {
        assertThrows(InvalidSettings.class, () -> VmSettings.from(SettingsSource.of(enabled()), Map.of(), home));
        InvalidSettings shape = assertThrows(InvalidSettings.class,
                () -> VmSettings.from(SettingsSource.of(enabled()), Map.of(VmSettings.TOKEN_VARIABLE, "root:secret-value"), home));
        assertFalse(shape.getMessage().contains("secret-value"), shape.getMessage());
        Properties http = enabled();
        http.setProperty("scanflow.vm.proxmox.url", "http://pve.example.net:8006");
        assertThrows(InvalidSettings.class, () -> VmSettings.from(SettingsSource.of(http), Map.of(VmSettings.TOKEN_VARIABLE, TOKEN), home));
        Properties ca = enabled();
        ca.setProperty("scanflow.vm.proxmox.ca-file", "missing.pem");
        assertThrows(InvalidSettings.class, () -> VmSettings.from(SettingsSource.of(ca), Map.of(VmSettings.TOKEN_VARIABLE, TOKEN), home));
    }
}
