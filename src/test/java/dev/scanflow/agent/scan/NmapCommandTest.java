package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.config.AgentSettings;
import dev.scanflow.config.InvalidSettings;
import dev.scanflow.config.SettingsSource;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class NmapCommandTest {

    private static final String CODE = "KP1FAJc0Ld9XvS2_mQe7rT4uYw8zBn-a";

    private static AgentSettings settings(String... keyValues) {
        Properties properties = new Properties();
        properties.setProperty("scanflow.agent.code", CODE);
        properties.setProperty("scanflow.agent.token", "token-for-tests");
        for (int i = 0; i < keyValues.length; i += 2) {
            properties.setProperty(keyValues[i], keyValues[i + 1]);
        }
        return AgentSettings.from(SettingsSource.of(properties));
    }

    private static NmapCommand command(String... keyValues) {
        return new NmapCommand(settings(keyValues));
    }

    @Test
    void discoversAnIpv4SubnetWithoutNamesAndWithTheDefaultHostTimeout() {
        assertEquals(List.of("-sn", "-n", "-T4", "--host-timeout", "120s", "-oX", "-", "127.0.0.0/29"),
                command().discovery("127.0.0.0/29"));
    }

    @Test
    void discoversAnIpv6SubnetWithDashSixFirst() {
        List<String> args = command().discovery("2001:db8:5f::/64");

        assertEquals("-6", args.get(0));
        assertEquals(List.of("-6", "-sn", "-n", "-T4", "--host-timeout", "120s", "-oX", "-", "2001:db8:5f::/64"),
                args);
        assertFalse(command().discovery("198.18.0.0/24").contains("-6"), "no -6 for IPv4");
    }

    @Test
    void resolvesNamesWithDashROnlyWhenReverseDnsIsOn() {
        List<String> withDns = command("scanflow.agent.reverse-dns", "true").discovery("127.0.0.0/29");
        List<String> withoutDns = command("scanflow.agent.reverse-dns", "false").discovery("127.0.0.0/29");

        assertTrue(withDns.contains("-R"));
        assertFalse(withDns.contains("-n"));
        assertTrue(withoutDns.contains("-n"));
        assertFalse(withoutDns.contains("-R"));
    }

    @ParameterizedTest(name = "host-timeout {0} is passed as {1}")
    @CsvSource({"90s, 90s", "2m, 120s", "PT1H, 3600s", "PT2M30S, 150s"})
    void passesTheHostTimeoutInSeconds(String setting, String argument) {
        List<String> args = command("scanflow.agent.host-timeout", setting, "scanflow.agent.scan-timeout", "2h")
                .discovery("127.0.0.0/29");

        int option = args.indexOf("--host-timeout");
        assertTrue(option >= 0);
        assertEquals(argument, args.get(option + 1));
    }

    /**
     * nmap reads "--host-timeout 0" as "no timeout" (man nmap). A sub-second setting must not turn into that:
     * either the settings refuse it or the argument is not zero.
     */
    @Test
    void aSubSecondHostTimeoutNeverBecomesNmapsNoTimeout() {
        AgentSettings subSecond;
        try {
            subSecond = settings("scanflow.agent.host-timeout", "PT0.5S");
        } catch (InvalidSettings refused) {
            assertTrue(refused.getMessage().contains("scanflow.agent.host-timeout"), refused.getMessage());
            return;
        }
        assertEquals(Duration.ofMillis(500), subSecond.hostTimeout());
        List<String> args = new NmapCommand(subSecond).discovery("127.0.0.0/29");
        String timeout = args.get(args.indexOf("--host-timeout") + 1);

        assertNotEquals(0L, Long.parseLong(timeout.replaceAll("[a-z]+$", "")),
                "--host-timeout " + timeout + " disables nmap's host timeout");
    }

    @ParameterizedTest(name = "{0} is scanned as {1}")
    @CsvSource({
        "127.0.0.0/29,                 127.0.0.0/29",
        "' 127.0.0.0/29 ',             127.0.0.0/29",
        "127.0.0.1,                    127.0.0.1/32",
        "2001:DB8:5F:0:0:0:0:0/64,     2001:db8:5f::/64",
        "::1,                          ::1/128",
    })
    void theTargetIsLastAndIsTheNormalizedCidr(String subnet, String target) {
        List<String> args = command().discovery(subnet);

        assertEquals(target, args.get(args.size() - 1));
        assertEquals(1, args.stream().filter(target::equals).count(), "the target appears once");
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.0/29", " 127.0.0.0/29 ", "2001:db8:5f::/64", "::1"})
    void noArgumentContainsWhitespace(String subnet) {
        List<String> args = command("scanflow.agent.reverse-dns", "true").discovery(subnet);

        for (String arg : args) {
            assertFalse(arg.isEmpty(), "empty argument in " + args);
            assertFalse(arg.chars().anyMatch(Character::isWhitespace), "'" + arg + "' in " + args);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1/29", "198.18.0.11/24", "2001:db8:5f::11/64", "localhost", "scanme.nmap.org",
        "127.0.0.0/29 -oN /tmp/out", "-iL /etc/passwd", "--script=http-title", "127.0.0.0/29;id", ""})
    void refusesATargetThatIsNotANetworkAddress(String subnet) {
        assertThrows(IllegalArgumentException.class, () -> command().discovery(subnet));
    }

    @Test
    void theCommandLineIsTheProgramThenTheArguments() {
        NmapCommand command = command("scanflow.agent.nmap", "/usr/bin/nmap");
        List<String> args = command.discovery("127.0.0.0/29");

        List<String> line = command.commandLine(args);

        assertEquals("/usr/bin/nmap", line.get(0));
        assertEquals(args, line.subList(1, line.size()));
        assertEquals("nmap", command().commandLine(args).get(0), "default: nmap from PATH");
    }
}
