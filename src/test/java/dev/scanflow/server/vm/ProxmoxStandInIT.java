package dev.scanflow.server.vm;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.SettingsSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The client against the stand-in, and the stand-in's own refusals: what would make VmProvisioningIT fail
 * if ScanFlow sent a request the real API refuses, and TLS that is really verified.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ProxmoxStandInIT {

    private static final String TOKEN = "scanflow@pve!vm=" + UUID.randomUUID();
    private ProxmoxStandIn pve;
    private Path dir;

    @BeforeAll
    void start() throws Exception {
        dir = Files.createTempDirectory("scanflow-pve-standin");
        pve = ProxmoxStandIn.start(dir, TOKEN);
    }

    @AfterAll
    void stop() {
        pve.close();
    }

    private ProxmoxApi client(String token, Path ca) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.vm.enabled", "true");
        properties.setProperty("scanflow.vm.proxmox.url", pve.url());
        if (ca != null) {
            properties.setProperty("scanflow.vm.proxmox.ca-file", ca.toString());
        }
        return new ProxmoxApi(VmSettings.from(SettingsSource.of(properties), Map.of(VmSettings.TOKEN_VARIABLE, token), dir));
    }

    @Test
    void documentedShapesComeBackThroughTheClient() {
        ProxmoxApi api = client(TOKEN, pve.caPem());
        int id = api.nextId();
        assertEquals(100, id, "nextid's string is read as a number");
        String upid = api.cloneVm(ProxmoxStandIn.NODE, ProxmoxStandIn.TEMPLATE, id, "t-1", "test", true, null);
        assertTrue(upid.startsWith("UPID:pve1:"), upid);
        assertTrue(api.task(ProxmoxStandIn.NODE, upid).status() != null);
        assertEquals(null, api.vmConfig(ProxmoxStandIn.NODE, 4242), "a VM that does not exist");
        assertEquals(java.util.List.of(), pve.violations());
    }

    @Test
    void aRequestTheRealApiWouldRefuseIsRefusedAndRecorded() {
        ProxmoxApi api = client(TOKEN, pve.caPem());
        int before = pve.violations().size();
        ProxmoxError error = assertThrows(ProxmoxError.class, () -> api.resize(ProxmoxStandIn.NODE, 100, "floppy0", "10G"));
        assertEquals(400, error.status());
        assertTrue(error.getMessage().contains("disk"), error.getMessage());
        error = assertThrows(ProxmoxError.class, () -> api.configure(ProxmoxStandIn.NODE, 100, Map.of("cores", "two")));
        assertTrue(error.getMessage().contains("type check ('integer') failed"), error.getMessage());
        error = assertThrows(ProxmoxError.class, () -> api.configure(ProxmoxStandIn.NODE, 100, Map.of("sshkeys", "ssh-ed25519 AAAA me")));
        assertTrue(error.getMessage().contains("invalid urlencoded string"), error.getMessage());
        error = assertThrows(ProxmoxError.class, () -> api.configure(ProxmoxStandIn.NODE, 100, Map.of("colour", "red")));
        assertTrue(error.getMessage().contains("property is not defined in schema"), error.getMessage());
        assertEquals(before + 4, pve.violations().size(), pve.violations().toString());
    }

    @Test
    void aWrongTokenIs401AndAnUntrustedCertificateIsNeverAccepted() throws Exception {
        ProxmoxError refused = assertThrows(ProxmoxError.class, () -> client("scanflow@pve!vm=wrong", pve.caPem()).nextId());
        assertEquals(401, refused.status());
        ProxmoxError untrusted = assertThrows(ProxmoxError.class, () -> client(TOKEN, null).nextId());
        assertEquals(0, untrusted.status(), "the JVM's own trust store does not know the stand-in's certificate");
        assertTrue(untrusted.getMessage().contains("SSLHandshakeException"), untrusted.getMessage());
        try (ProxmoxStandIn other = ProxmoxStandIn.start(Files.createTempDirectory(dir, "other"), TOKEN)) {
            ProxmoxError wrongCa = assertThrows(ProxmoxError.class, () -> client(TOKEN, other.caPem()).nextId());
            assertTrue(wrongCa.getMessage().contains("SSLHandshakeException"), wrongCa.getMessage());
        }
    }
}
