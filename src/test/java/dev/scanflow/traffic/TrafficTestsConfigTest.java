package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class TrafficTestsConfigTest {

    @Test
    void theShippedFileLoadsWithNoTests() {
        TrafficTestsConfig config = TrafficTestsConfig.load(Path.of("config/traffic-tests.yaml"));

        assertEquals(List.of(), config.tests());
        assertEquals(5201, config.firstPort());
        assertEquals(5220, config.lastPort());
    }

    /** The commented example of the shipped file, uncommented, is a valid configuration. */
    @Test
    void theShippedExampleIsValidWhenUncommented() throws Exception {
        StringBuilder text = new StringBuilder();
        boolean example = false;
        for (String line : Files.readAllLines(Path.of("config/traffic-tests.yaml"))) {
            if (line.equals("hosts: {}") || line.equals("tests: []")) {
                example = true; // the commented lines right below are the example
                text.append(line, 0, line.indexOf(':') + 1).append('\n');
            } else if (example && line.startsWith("#")) {
                text.append(line.substring(1)).append('\n');
            } else {
                example = false;
                text.append(line).append('\n');
            }
        }
        TrafficTestsConfig config = TrafficTestsConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(text.toString()));

        assertEquals(2, config.tests().size());
        TrafficTestsConfig.Scheduled tcp = config.tests().get(0);
        assertEquals("0 0/15 * * * ?", tcp.cron());
        assertEquals(4, tcp.test().parallel());
        assertEquals(Duration.ofSeconds(40), tcp.test().timeout());
        assertEquals(200_000_000L, tcp.test().thresholds().minThroughputBps());
        TrafficTest udp = config.tests().get(1).test();
        assertEquals(2_000_000L, udp.bandwidthBps());
        assertEquals("192.0.2.21", udp.server().testAddress());
        assertEquals(2222, udp.server().sshPort());
    }

    @Test
    void anUnknownKeyIsNamed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrafficTestsConfig.parse(
                new ObjectMapper(new YAMLFactory()).readTree("knownHosts: /k\nhosts:\n  a:\n    ssh: 192.0.2.1\n    user: u\n    key: /k\n    passwd: x\n")));

        assertTrue(e.getMessage().contains("unknown key hosts.a.passwd"), e.getMessage());
    }
}
