package dev.scanflow.agent.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.scanflow.agent.scan.NmapHost;
import dev.scanflow.agent.scan.NmapRun;
import dev.scanflow.agent.scan.NmapXmlParser;
import dev.scanflow.report.Coverage;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.server.intake.ReportReader;
import java.io.IOException;
import java.io.InputStream;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** From real nmap output to the report the agent sends, and what the server reads of it. */
class ReportAssemblerTest {

    private static final String CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";
    private static final Instant CLOCK = Instant.parse("2030-01-01T00:00:00Z");

    private final ReportAssembler assembler = new ReportAssembler(CODE, Clock.fixed(CLOCK, ZoneOffset.UTC));

    private static NmapRun parse(String file) throws IOException {
        try (InputStream in = ReportAssemblerTest.class.getResourceAsStream("/scans/" + file)) {
            assertNotNull(in, file);
            return new NmapXmlParser().parse(in);
        }
    }

    @Test
    void aFinishedDiscoveryBecomesACompleteVersion2DiscoveryReport() throws IOException {
        NmapRun run = parse("nmap-sn-lab.xml");
        List<String> command = List.of("nmap", "-sn", "-n", "-T4", "198.18.0.0/24");

        ScanReport report = assembler.assemble(run, "198.18.0.0/24", command);

        assertEquals(ScanReport.FORMAT_VERSION, report.formatVersion());
        assertEquals(CODE, report.agentCode());
        assertEquals("198.18.0.0/24", report.subnet());
        assertEquals(command, report.command());
        assertEquals(run.start(), report.scanStart());
        assertEquals(run.end(), report.scanEnd());
        assertEquals("discovery", report.profile());
        assertEquals(Boolean.FALSE, report.partial());
        assertEquals(new Coverage(List.of("198.18.0.0/24"), List.of()), report.coverage());
        assertEquals(run.hosts().stream().map(NmapHost::address).toList(),
                report.hosts().stream().map(ScannedHost::address).toList());
        assertEquals(run.hosts().stream().map(NmapHost::mac).toList(),
                report.hosts().stream().map(ScannedHost::mac).toList());
    }

    @Test
    void aKilledRunIsSentMarkedPartialWithTheHostsItFinished() throws IOException {
        NmapRun run = parse("nmap-sV-partial.xml");

        ScanReport report = assembler.assemble(run, "198.18.0.0/24", List.of("nmap"));

        assertEquals(Boolean.TRUE, report.partial());
        assertEquals(List.of("198.18.0.11"), report.hosts().stream().map(ScannedHost::address).toList());
        assertEquals(run.start(), report.scanStart());
        assertEquals(run.start(), report.scanEnd(), "no <finished>: the end is the start, never the clock");
    }

    @Test
    void theServerReadsBackTheReportTheAgentSends() throws Exception {
        ScanReport sent = assembler.assemble(parse("nmap-sn-mac-vendor.xml"), "198.18.0.0/24",
                List.of("nmap", "-sn", "-n", "-T4", "--host-timeout", "120s", "-oX", "-", "198.18.0.0/24"));

        ScanReport received = new ReportReader().read(ReportJson.mapper().writeValueAsBytes(sent));

        assertEquals(sent, received);
    }

    @Test
    void theServerLearnsThatAKilledRunWasPartial() throws Exception {
        ScanReport sent = assembler.assemble(parse("nmap-sV-partial.xml"), "198.18.0.0/24", List.of("nmap"));

        ScanReport received = new ReportReader().read(ReportJson.mapper().writeValueAsBytes(sent));

        assertEquals(Boolean.TRUE, received.partial());
    }
}
