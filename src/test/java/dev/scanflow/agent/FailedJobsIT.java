package dev.scanflow.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.agent.archive.RawOutputArchive;
import dev.scanflow.lab.LabNetwork;
import dev.scanflow.report.ScanReport;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Failing scanners through the real agent routes: a job whose scanner fails sends no report, keeps what the
 * scanner said in the archive, says why in one log line, and the next job is scanned as usual. Real
 * processes, loopback only (THE ADDRESS RULE): no lab needed, only nmap.
 */
class FailedJobsIT {

    @TempDir
    Path archive;

    private Properties agent(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.archive.dir", archive.toString());
        properties.setProperty("scanflow.agent.spool.dir", archive.resolveSibling(archive.getFileName() + "-spool").toString());
        properties.setProperty("scanflow.agent.scan-timeout", "60s");
        properties.setProperty("scanflow.agent.host-timeout", "30s");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return properties;
    }

    private List<JsonNode> manifests() throws Exception {
        try (Stream<Path> files = Files.walk(archive)) {
            List<Path> found = files.filter(p -> p.getFileName().toString().equals(RawOutputArchive.MANIFEST)).toList();
            ObjectMapper json = new ObjectMapper();
            return found.stream().map(p -> {
                try {
                    return json.readTree(p.toFile());
                } catch (java.io.IOException e) {
                    throw new AssertionError(e);
                }
            }).toList();
        }
    }

    @Test
    void aScannerThatFailsSendsNothingKeepsWhatItSaidAndTheNextSubnetGoesOn() throws Exception {
        if (LabNetwork.Tool.NMAP.locate().isEmpty()) {
            LabNetwork.assumeAvailable(LabNetwork.Tool.NMAP);
        }
        // the ports profile's scanner is "false": it exits 1 and writes nothing
        try (CapturedLogs logs = new CapturedLogs();
             AgentUnderTest agent = AgentUnderTest.start(agent("scanflow.agent.subnets", "127.0.1.0/30,127.0.0.0/30",
                     "scanflow.agent.subnet-profiles", "127.0.1.0/30=ports", "scanflow.agent.ports", "22",
                     "scanflow.agent.masscan", "false", "scanflow.agent.masscan.min-addresses", "1"))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(List.of("127.0.0.0/30"), reports.stream().map(ScanReport::subnet).toList(),
                    "only the discovery of the second subnet is reported");
            assertEquals(4, reports.get(0).hosts().size(), "nmap -sn found the four loopback addresses");
            assertEquals(1, logs.matching("WARN", "scan of 127.0.1.0/30 [ports]", "failed, no report sent",
                    "false exited with 1 and no output").size(), String.join("\n", logs.lines()));
            List<JsonNode> manifests = manifests();
            assertEquals(2, manifests.size(), "the failed job is archived too");
            JsonNode failed = manifests.stream().filter(m -> !m.get("reportSent").asBoolean()).findFirst().orElseThrow();
            assertEquals("127.0.1.0/30", failed.get("subnet").asText());
            assertEquals("false exited with 1 and no output", failed.get("failure").asText());
            assertEquals("false", failed.get("runs").get(0).get("command").get(0).asText());
            assertEquals(1, failed.get("runs").get(0).get("exitCode").asInt());
        }
    }

    @Test
    void aMissingScannerIsOneLogLineNamingItAndNoReport() throws Exception {
        try (CapturedLogs logs = new CapturedLogs();
             AgentUnderTest agent = AgentUnderTest.start(agent("scanflow.agent.subnets", "127.0.0.0/30",
                     "scanflow.agent.nmap", "/nonexistent/scanflow/nmap"))) {
            List<ScanReport> reports = agent.scanCycle();

            assertEquals(List.of(), reports);
            List<String> lines = logs.matching("WARN", "failed, no report sent", "cannot run nmap (/nonexistent/scanflow/nmap)");
            assertEquals(1, lines.size(), String.join("\n", logs.lines()));
            assertFalse(lines.get(0).contains("\tat "), "a sentence, not a stack trace");
            assertTrue(manifests().isEmpty(), "nothing ran, nothing to archive");
        }
    }
}
