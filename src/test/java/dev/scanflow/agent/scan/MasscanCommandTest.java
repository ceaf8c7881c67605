package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanJob;
import dev.scanflow.agent.plan.ScanPlanner;
import dev.scanflow.config.AgentSettings;
import java.util.List;
import org.junit.jupiter.api.Test;

class MasscanCommandTest {

    private static ScanJob job(AgentSettings settings, String subnet) {
        return new ScanPlanner(settings).plan(subnet).get(0);
    }

    @Test
    void alwaysPassesTheRateAndPutsTheTargetLast() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "127.0.0.0/29", "scanflow.agent.ports", "22,80");

        List<String> args = new MasscanCommand(settings).ports(job(settings, "127.0.0.0/29"));

        assertEquals(List.of("-p", "22,80", "--rate", "1000", "--wait", "5", "--range", "127.0.0.0/29"), args,
                "no -o option: masscan's console lines on stdout, flushed one by one");
    }

    @Test
    void passesEveryMasscanSettingThatIsSet() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24",
                "scanflow.agent.ports", "2222,8080", "scanflow.agent.masscan.rate", "10000",
                "scanflow.agent.masscan.wait", "2s", "scanflow.agent.masscan.retries", "1",
                "scanflow.agent.masscan.interface", "sfl1f247s", "scanflow.agent.masscan.router-ip", "198.18.0.1",
                "scanflow.agent.masscan.router-mac", "02:5f:00:00:00:01", "scanflow.agent.masscan.source-ip", "198.18.0.3",
                "scanflow.agent.exclude-addresses", "198.18.0.3,198.18.0.128/25,127.0.0.1");

        List<String> args = new MasscanCommand(settings).ports(job(settings, "198.18.0.0/24"));

        assertEquals(List.of("-p", "2222,8080", "--rate", "10000", "--wait", "2", "--retries", "1", "-e", "sfl1f247s",
                "--router-ip", "198.18.0.1", "--router-mac", "02-5f-00-00-00-01", "--source-ip", "198.18.0.3",
                "--exclude", "198.18.0.3/32", "--exclude", "198.18.0.128/25",
                "--range", "198.18.0.0/24"), args);
    }

    @Test
    void scansOneChunkAtATime() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "198.18.0.0/23");

        List<String> args = new MasscanCommand(settings).ports(new ScanPlanner(settings).plan("198.18.0.0/23").get(1));

        assertEquals("198.18.1.0/24", args.get(args.size() - 1));
    }

    @Test
    void refusesAnIpv6RangeBeyondMasscansLimitWithASentence() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "2001:db8:5f::/64",
                "scanflow.agent.chunk-prefix.ipv6", "64", "scanflow.agent.ports", "22");

        ScanFailed refused = assertThrows(ScanFailed.class,
                () -> new MasscanCommand(settings).ports(job(settings, "2001:db8:5f::/64")));

        assertTrue(refused.getMessage().contains("masscan cannot scan 2001:db8:5f::/64 on 1 port"), refused.getMessage());
        assertTrue(refused.getMessage().contains("at most 2^63"), refused.getMessage());
        assertTrue(refused.getMessage().contains("scanflow.agent.chunk-prefix.ipv6"), refused.getMessage());
    }

    @Test
    void takesTheLargestIpv6RangeMasscanDoes() {
        // /66 with one port is 2^62 pairs; with two ports 2^63, one too many
        AgentSettings one = TestSettings.of("scanflow.agent.subnets", "2001:db8:5f::/66",
                "scanflow.agent.chunk-prefix.ipv6", "66", "scanflow.agent.ports", "22");
        AgentSettings two = TestSettings.of("scanflow.agent.subnets", "2001:db8:5f::/66",
                "scanflow.agent.chunk-prefix.ipv6", "66", "scanflow.agent.ports", "22,80");

        List<String> args = new MasscanCommand(one).ports(job(one, "2001:db8:5f::/66"));
        assertEquals("2001:db8:5f::/66", args.get(args.size() - 1));
        assertThrows(ScanFailed.class, () -> new MasscanCommand(two).ports(job(two, "2001:db8:5f::/66")));
    }

    @Test
    void noArgumentContainsWhitespaceAndTheCommandLineStartsWithTheProgram() {
        AgentSettings settings = TestSettings.of("scanflow.agent.subnets", "127.0.0.0/29", "scanflow.agent.masscan",
                "/usr/bin/masscan");
        MasscanCommand command = new MasscanCommand(settings);
        List<String> args = command.ports(job(settings, "127.0.0.0/29"));

        for (String arg : args) {
            assertFalse(arg.isEmpty() || arg.chars().anyMatch(Character::isWhitespace), args.toString());
        }
        assertEquals("/usr/bin/masscan", command.commandLine(args).get(0));
        assertEquals(args, command.commandLine(args).subList(1, args.size() + 1));
    }
}
