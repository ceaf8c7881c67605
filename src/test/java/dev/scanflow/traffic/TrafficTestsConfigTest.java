package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
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
        assertEquals(List.of(new TrafficTestsConfig.AgentTest("site-c-core-to-edge", "site-c-agent-code", "0 0 * * * ?")),
                config.agentTests());
    }

    @Test
    void aTestAnAgentRunsNamesOnlyItsAgentAndScheduleAndNeedsNoHosts() throws Exception {
        TrafficTestsConfig config = TrafficTestsConfig.parse(new ObjectMapper(new YAMLFactory()).readTree(
                "tests:\n  - name: nat-pair\n    runBy: agent-7\n"));
        assertNull(config.knownHosts());
        assertTrue(config.definesAnything());
        assertEquals("agent-7", config.agentTest("nat-pair").runBy());
        assertNull(config.test("nat-pair"));
        IllegalArgumentException full = assertThrows(IllegalArgumentException.class, () -> TrafficTestsConfig.parse(
                new ObjectMapper(new YAMLFactory()).readTree("tests:\n  - name: nat-pair\n    runBy: agent-7\n    client: a\n")));
        assertTrue(full.getMessage().contains("tests.nat-pair: a test with runBy is defined in full in that agent's own"),
                full.getMessage());
        IllegalArgumentException code = assertThrows(IllegalArgumentException.class, () -> TrafficTestsConfig.parse(
                new ObjectMapper(new YAMLFactory()).readTree("tests:\n  - name: nat-pair\n    runBy: \"a b\"\n")));
        assertTrue(code.getMessage().contains("runBy must be an agent code"), code.getMessage());
        IllegalArgumentException twice = assertThrows(IllegalArgumentException.class, () -> TrafficTestsConfig.parse(
                new ObjectMapper(new YAMLFactory()).readTree("tests:\n  - {name: p, runBy: a}\n  - {name: p, runBy: b}\n")));
        assertTrue(twice.getMessage().contains("name used twice"), twice.getMessage());
        assertFalse(TrafficTestsConfig.parse(new ObjectMapper(new YAMLFactory()).readTree("tests: []\n")).definesAnything());
    }

    @Test
    void anUnknownKeyIsNamed() throws Exception {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> TrafficTestsConfig.parse(
                new ObjectMapper(new YAMLFactory()).readTree("knownHosts: /k\nhosts:\n  a:\n    ssh: 192.0.2.1\n    user: u\n    key: /k\n    passwd: x\n")));

        assertTrue(e.getMessage().contains("unknown key hosts.a.passwd"), e.getMessage());
    }
}
