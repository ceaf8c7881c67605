package dev.scanflow.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.agent.scan.NmapCommand;
import dev.scanflow.agent.scan.TopPorts;
import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.report.PortList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Settings whose reports the server would refuse after every scan are refused at start, with one line that
 * says which limit; nmap's --top-ports N is a setting, resolved by the real nmap.
 */
class ReportLimitSettingsTest {

    @Test
    void nmapsTopThousandAsAPortListIsRefusedAtStartNamingTheLimit() {
        String top1000 = TopPorts.resolve("nmap", 1000).toString();
        assertEquals(1000, PortList.parse(top1000).size());
        InvalidSettings refused = assertThrows(InvalidSettings.class,
                () -> TestSettings.of("scanflow.agent.profile", "services-nmap", "scanflow.agent.ports", top1000));
        assertEquals("scanflow.agent.ports: the port list is " + top1000.length() + " characters in nmap's syntax, and the"
                + " server refuses a report whose command has an argument over 1024 characters (profile services-nmap);"
                + " use scanflow.agent.top-ports=N, which nmap takes as --top-ports N", refused.getMessage());
    }

    @Test
    void topPortsIsNmapsOwnListForCoverageAndStaysShortOnTheCommandLine() {
        AgentSettings settings = TestSettings.of("scanflow.agent.profile", "services-nmap", "scanflow.agent.top-ports", "1000",
                "scanflow.agent.exclude-ports", "23", "scanflow.agent.subnets", "127.0.0.0/30");
        assertEquals(999, settings.ports().size());
        assertTrue(settings.ports().contains(80) && !settings.ports().contains(23));
        dev.scanflow.net.Cidr target = dev.scanflow.net.Cidr.parse("127.0.0.0/30");
        List<String> args = new NmapCommand(settings).services(new ScanJob(target.toString(), target, List.of(), List.of(target),
                dev.scanflow.report.ScanProfile.SERVICES_NMAP, settings.ports(), null));
        int top = args.indexOf("--top-ports");
        assertEquals(List.of("--top-ports", "1000", "--exclude-ports", "23"), args.subList(top, top + 4), args.toString());
        assertTrue(args.stream().allMatch(arg -> arg.length() <= 1024), args.toString());
    }

    @Test
    void otherLimitsOfTheReportAreCheckedAtStartToo() {
        assertTrue(assertThrows(InvalidSettings.class, () -> TestSettings.of("scanflow.agent.profile", "ports",
                "scanflow.agent.top-ports", "1000")).getMessage().contains("masscan's -p"));
        assertTrue(assertThrows(InvalidSettings.class, () -> TestSettings.of("scanflow.agent.top-ports", "100",
                "scanflow.agent.ports", "22")).getMessage().contains("given both"));
        assertTrue(assertThrows(InvalidSettings.class, () -> TestSettings.of("scanflow.agent.chunk-prefix.ipv4", "15"))
                .getMessage().startsWith("scanflow.agent.chunk-prefix.ipv4=15: a chunk of 131072 addresses"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            many.append(many.length() == 0 ? "" : ",").append("127.1.").append(i).append(".0/24");
        }
        assertTrue(assertThrows(InvalidSettings.class, () -> TestSettings.of("scanflow.agent.exclude-addresses", many.toString()))
                .getMessage().contains("over the 128 the server accepts"));
    }
}
