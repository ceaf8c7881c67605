package dev.scanflow.launch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.InvalidSettings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where the command line may send the operator token, and where it takes it from; no call is made. */
class OperatorApiClientTest {

    private static final Map<String, String> TOKEN = Map.of("SCANFLOW_SERVER_API_TOKEN", "operator-token");

    @Test
    void plainHttpOnlyToThisMachine() {
        assertEquals("http://127.0.0.1:8080/", OperatorApiClient.of(OperatorApiClient.DEFAULT_SERVER, TOKEN).server());
        assertEquals("http://localhost:8080/", OperatorApiClient.of("http://localhost:8080/", TOKEN).server());
        assertEquals("http://[::1]:8080/", OperatorApiClient.of("http://[::1]:8080", TOKEN).server());
        assertEquals("http://127.0.0.2:9000/", OperatorApiClient.of("http://127.0.0.2:9000", TOKEN).server());
        assertEquals("https://scanflow.example.org/base/", OperatorApiClient.of("https://scanflow.example.org/base//", TOKEN).server());
        assertRefused("http://scanflow.example.org:8080", "--server: use https:// for scanflow.example.org");
        assertRefused("http://192.0.2.10:8080", "--server: use https:// for 192.0.2.10");
        assertRefused("http://[2001:db8::1]:8080", "--server: use https:// for [2001:db8::1]");
        assertRefused("ftp://127.0.0.1/", "--server: an http(s)://host[:port] URL");
        assertRefused("127.0.0.1:8080", "--server: an http(s)://host[:port] URL");
        assertRefused("http://127.0.0.1:8080/?x=1", "--server: an http(s)://host[:port] URL");
        assertRefused("http://bad host/", "--server: an http(s)://host[:port] URL");
    }

    @Test
    void theTokenComesFromTheEnvironmentOnly() {
        InvalidSettings none = assertThrows(InvalidSettings.class, () -> OperatorApiClient.of(OperatorApiClient.DEFAULT_SERVER, Map.of()));
        assertTrue(none.getMessage().startsWith("set SCANFLOW_SERVER_API_TOKEN, or SCANFLOW_SERVER_API_TOKEN_FILE"), none.getMessage());
        System.setProperty("scanflow.server.api-token", "on-the-command-line");
        try {
            InvalidSettings flag = assertThrows(InvalidSettings.class, () -> OperatorApiClient.of(OperatorApiClient.DEFAULT_SERVER, TOKEN));
            assertTrue(flag.getMessage().contains("was given as a -D system property"), flag.getMessage());
        } finally {
            System.clearProperty("scanflow.server.api-token");
        }
    }

    private static void assertRefused(String url, String start) {
        InvalidSettings refused = assertThrows(InvalidSettings.class, () -> OperatorApiClient.of(url, TOKEN), url);
        assertTrue(refused.getMessage().startsWith(start), refused.getMessage());
    }
}
