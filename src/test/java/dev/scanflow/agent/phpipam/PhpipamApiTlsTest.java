package dev.scanflow.agent.phpipam;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpsConfigurator;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS to phpIPAM: the CA file is what is trusted, host names are still checked, nothing is trusted blindly. */
class PhpipamApiTlsTest {

    @TempDir
    static Path dir;

    private static TestCertificate phpipamCert;
    private static TestCertificate otherCert;
    private static TestCertificate wrongNameCert;
    private static FakePhpipam phpipam;
    private static FakePhpipam wrongName;

    @BeforeAll
    static void start() throws Exception {
        phpipamCert = TestCertificate.selfSigned(dir, "phpipam", "ip:127.0.0.1");
        otherCert = TestCertificate.selfSigned(dir, "other", "ip:127.0.0.1");
        wrongNameCert = TestCertificate.selfSigned(dir, "wrongname", "dns:ipam.test");
        phpipam = FakePhpipam.startHttps(new HttpsConfigurator(phpipamCert.serverContext())).documentedSite();
        wrongName = FakePhpipam.startHttps(new HttpsConfigurator(wrongNameCert.serverContext())).documentedSite();
    }

    @AfterAll
    static void stop() {
        phpipam.close();
        wrongName.close();
    }

    @Test
    void trustsPhpipamThroughTheConfiguredCaFile() {
        PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(dir,
                PhpipamApiSettings.CA_FILE, phpipamCert.pem().toString()));

        assertTrue(phpipam.url().toString().startsWith("https://127.0.0.1:"));
        assertEquals(2, client.agentByCode(FakePhpipam.AGENT_CODE).orElseThrow().id());
    }

    @Test
    void withoutACaFileAPrivateCertificateIsNotTrustedAndTheErrorSaysWhatToSet() {
        PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(dir));

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class,
                () -> client.agentByCode(FakePhpipam.AGENT_CODE));

        assertTrue(e.getMessage().contains("TLS failed"), e.getMessage());
        assertTrue(e.getMessage().contains(PhpipamApiSettings.CA_FILE), e.getMessage());
    }

    @Test
    void aCaFileOfAnotherCertificateIsNotEnough() {
        PhpipamApiClient client = new PhpipamApiClient(phpipam.settings(dir,
                PhpipamApiSettings.CA_FILE, otherCert.pem().toString()));

        assertThrows(PhpipamApiUnavailable.class, () -> client.agentByCode(FakePhpipam.AGENT_CODE));
    }

    @Test
    void aTrustedCertificateForAnotherHostNameIsRefused() {
        PhpipamApiClient client = new PhpipamApiClient(wrongName.settings(dir,
                PhpipamApiSettings.CA_FILE, wrongNameCert.pem().toString()));

        PhpipamApiUnavailable e = assertThrows(PhpipamApiUnavailable.class,
                () -> client.agentByCode(FakePhpipam.AGENT_CODE));
        assertTrue(e.getMessage().contains("TLS failed"), e.getMessage());
    }
}
