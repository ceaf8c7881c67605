package dev.scanflow.server.monitoring;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.io.StringReader;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;

/** scanflow.monitoring.* and scanflow.alertmanager.*: defaults, the README's example, and refusals naming the key. */
class MonitoringSettingsTest {

    private static final Path HOME = Path.of(".").toAbsolutePath().normalize();

    private static MonitoringSettings read(String... pairs) {
        Properties properties = new Properties();
        for (int i = 0; i < pairs.length; i += 2) {
            properties.setProperty(pairs[i], pairs[i + 1]);
        }
        return MonitoringSettings.from(SettingsSource.of(properties), HOME);
    }

    @Test
    void defaultsListNodeExportersAndLeaveAlertmanagerOff() {
        MonitoringSettings settings = read();
        assertEquals(List.of(9100), settings.exporterPorts());
        assertEquals(9100, settings.nodeExporterPort());
        assertNull(settings.fileSd());
        assertFalse(settings.alertmanagerEnabled());
        assertEquals(Duration.ofMinutes(1), settings.resendInterval());
        assertNull(settings.externalUrl());
    }

    /** The README's Alertmanager settings, read as the server reads them. */
    @Test
    void theReadmesExampleIsAccepted() throws Exception {
        String readme = Files.readString(HOME.resolve("README.md"));
        int section = readme.indexOf("### Alertmanager");
        int start = readme.indexOf("```properties\n", section) + "```properties\n".length();
        Properties properties = new Properties();
        properties.load(new StringReader(readme.substring(start, readme.indexOf("```", start))));
        MonitoringSettings settings = MonitoringSettings.from(SettingsSource.of(properties), HOME);
        assertEquals(List.of(URI.create("http://alertmanager-1.example.net:9093"), URI.create("http://alertmanager-2.example.net:9093")),
                settings.alertmanagers());
        assertTrue(settings.alertmanagerEnabled());
        assertEquals("https://scanflow.example.net:8080", settings.externalUrl());
        assertEquals(Duration.ofSeconds(10), settings.timeout());
    }

    @Test
    void portsAreSortedAndDeduplicatedAndATrailingSlashIsDropped() {
        MonitoringSettings settings = read("scanflow.monitoring.exporter-ports", "9256, 9100,9100",
                "scanflow.alertmanager.urls", "https://am.example.net:9093/", "scanflow.monitoring.file-sd", "var/sd/scanflow.json");
        assertEquals(List.of(9100, 9256), settings.exporterPorts());
        assertEquals(List.of(URI.create("https://am.example.net:9093")), settings.alertmanagers());
        assertEquals(HOME.resolve("var/sd/scanflow.json"), settings.fileSd());
    }

    @Test
    void badValuesAreRefusedNamingTheKey() {
        assertTrue(assertThrows(InvalidSettings.class, () -> read("scanflow.monitoring.exporter-ports", "9100,http"))
                .getMessage().startsWith("scanflow.monitoring.exporter-ports: 'http' is not a TCP port"));
        assertTrue(assertThrows(InvalidSettings.class, () -> read("scanflow.monitoring.exporter-ports", "70000"))
                .getMessage().startsWith("scanflow.monitoring.exporter-ports"));
        assertTrue(assertThrows(InvalidSettings.class, () -> read("scanflow.monitoring.node-exporter-port", "0"))
                .getMessage().startsWith("scanflow.monitoring.node-exporter-port"));
        assertTrue(assertThrows(InvalidSettings.class, () -> read("scanflow.monitoring.file-sd", "/tmp/targets.yml"))
                .getMessage().contains("must end in .json"));
        assertTrue(assertThrows(InvalidSettings.class, () -> read("scanflow.alertmanager.urls", "am.example.net:9093"))
                .getMessage().startsWith("scanflow.alertmanager.urls"));
        String withPassword = assertThrows(InvalidSettings.class,
                () -> read("scanflow.alertmanager.urls", "http://user:s3cret@am.example.net")).getMessage();
        assertTrue(withPassword.startsWith("scanflow.alertmanager.urls") && !withPassword.contains("s3cret"), withPassword);
        assertTrue(assertThrows(InvalidSettings.class, () -> read("scanflow.alertmanager.resend-interval", "0s"))
                .getMessage().startsWith("scanflow.alertmanager.resend-interval"));
    }
}
