package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.agent.report.ReportAssembler;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedPort;
import dev.scanflow.server.intake.ReportReader;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** NSE script output, from a real lab capture, is kept raw by script id all the way into the report. */
class NmapScriptOutputTest {

    @Test
    void theParserKeepsEachScriptsOutputRawByItsId() {
        NmapHost host = Fixtures.nmap("nmap-sV-scripts-lab.xml").hosts().get(0);
        Map<Integer, NmapPort> ports = Map.of(host.ports().get(0).number(), host.ports().get(0),
                host.ports().get(1).number(), host.ports().get(1));

        Map<String, String> ssh = ports.get(2222).scripts();
        assertEquals(List.of("ssh-hostkey"), List.copyOf(ssh.keySet()));
        assertTrue(ssh.get("ssh-hostkey").startsWith("\n  256 "), "the &#xa; is a newline: " + ssh.get("ssh-hostkey"));
        assertTrue(ssh.get("ssh-hostkey").contains("(ED25519)"), ssh.get("ssh-hostkey"));
        Map<String, String> http = ports.get(8080).scripts();
        assertEquals(Map.of("http-server-header", "SimpleHTTP/0.6 Python/3.11.7", "http-title", "Directory listing for /"),
                http);
    }

    @Test
    void theScriptOutputReachesTheReportAndTheServerReadsItBack() throws Exception {
        var settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24", "scanflow.agent.profile", "services-nmap",
                "scanflow.agent.ports", "2222,8080");
        ScanRecord record = ScanRecord.of(new ScanPlanner(settings).plan("198.18.0.0/24").get(0));
        NmapRun run = Fixtures.nmap("nmap-sV-scripts-lab.xml");
        record.add(new ScannerRun("nmap", List.of("nmap", "-sV", "--script", "ssh-hostkey,http-title", "198.18.0.11"), 0,
                false, run.start(), run.end(), Fixtures.bytes("nmap-sV-scripts-lab.xml"), new byte[0]));

        ScanReport report = new ReportAssembler(TestSettings.CODE, Clock.systemUTC())
                .services(run, record);
        ScanReport read = new ReportReader().read(ReportJson.mapper().writeValueAsBytes(report));

        ScannedPort http = read.hosts().get(0).portList().stream().filter(p -> p.port() == 8080).findFirst().orElseThrow();
        assertEquals("Directory listing for /", http.scripts().get("http-title"));
        assertEquals(report, read);
    }
}
