package dev.scanflow.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import org.junit.jupiter.api.Test;

class ScannersTest {

    @Test
    void aMissingScannerIsOneSentenceNamingTheSettingAndThePackage() {
        InvalidSettings missing = assertThrows(InvalidSettings.class,
                () -> Scanners.requireInstalled("/nonexistent/bin/masscan", "scanflow.agent.masscan", ", and a subnet uses the ports profile"));
        assertEquals("masscan was not found (scanflow.agent.masscan=/nonexistent/bin/masscan), and a subnet uses the ports"
                + " profile. Install it first, for example: sudo apt-get install masscan", missing.getMessage());
        InvalidSettings onPath = assertThrows(InvalidSettings.class,
                () -> Scanners.requireInstalled("no-such-scanner-here", null, ""));
        assertEquals("no-such-scanner-here was not found on PATH. Install it first, for example: sudo apt-get install"
                + " no-such-scanner-here", onPath.getMessage());
    }

    @Test
    void anExecutableOnPathOrByPathIsFound() {
        assertTrue(Scanners.isExecutable("sh"));
        assertTrue(Scanners.isExecutable("/bin/sh"));
    }
}
