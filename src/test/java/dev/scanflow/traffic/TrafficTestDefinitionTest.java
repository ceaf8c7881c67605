package dev.scanflow.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Nothing from a definition or request reaches a command line unchecked. */
class TrafficTestDefinitionTest {

    private static SshHost host(String sshHost, String address) {
        return new SshHost(sshHost, 22, "root", Path.of("/etc/scanflow/id_ecdsa"), address, "/usr/bin/iperf3");
    }

    @Test
    void shellMetacharactersAreRefusedInEveryField() {
        assertThrows(IllegalArgumentException.class, () -> host("198.51.100.1;reboot", "198.51.100.1"));
        assertThrows(IllegalArgumentException.class, () -> host("198.51.100.1", "198.51.100.1 -D"));
        assertThrows(IllegalArgumentException.class, () -> new SshHost("198.51.100.1", 22, "root$(id)",
                Path.of("/k"), "198.51.100.1", "/usr/bin/iperf3"));
        assertThrows(IllegalArgumentException.class, () -> new SshHost("198.51.100.1", 22, "root",
                Path.of("/k"), "198.51.100.1", "/usr/bin/iperf3 -s"));
        assertThrows(IllegalArgumentException.class, () -> new SshHost("198.51.100.1", 22, "root",
                Path.of("/k&x=1"), "198.51.100.1", "/usr/bin/iperf3"));
        assertThrows(IllegalArgumentException.class, () -> new TrafficTest("a b", host("198.51.100.1", "198.51.100.1"),
                host("198.51.100.2", "198.51.100.2"), TrafficProtocol.TCP, Duration.ofSeconds(5), null, 1,
                Duration.ofSeconds(30), null));
    }

    @Test
    void theTimeoutMustLeaveRoomForTheTestAndBandwidthIsForUdp() {
        SshHost a = host("198.51.100.1", "198.51.100.1");
        SshHost b = host("198.51.100.2", "198.51.100.2");
        assertThrows(IllegalArgumentException.class, () -> new TrafficTest("ab", a, b, TrafficProtocol.TCP,
                Duration.ofSeconds(10), null, 1, Duration.ofSeconds(12), null));
        assertThrows(IllegalArgumentException.class, () -> new TrafficTest("ab", a, b, TrafficProtocol.TCP,
                Duration.ofSeconds(10), 1_000_000L, 1, Duration.ofSeconds(30), null));
        assertEquals(1_000_000L, new TrafficTest("ab", a, b, TrafficProtocol.UDP, Duration.ofSeconds(10), null, 1,
                Duration.ofSeconds(30), null).bandwidthBps());
    }

    @Test
    void theCommandLinesCarryOnlyQuotedValidatedValues() {
        TrafficTest test = new TrafficTest("ab", host("198.51.100.1", "198.51.100.1"), host("198.51.100.2", "198.51.100.2"),
                TrafficProtocol.UDP, Duration.ofSeconds(10), 50_000_000L, 4, Duration.ofSeconds(40), null);

        String server = Iperf3Commands.startServer(test, 5201, 40);
        String client = Iperf3Commands.runClient(test, 5201, 40);

        assertTrue(server.contains("'timeout' '-k' '5' '40' '/usr/bin/iperf3' '-s' '-1' '-B' '198.51.100.2' '-p' '5201'"), server);
        assertTrue(client.contains("'/usr/bin/iperf3' '-c' '198.51.100.2' '-B' '198.51.100.1' '-p' '5201' '-t' '10' '-P' '4' '-J' '-u' '-b' '50000000'"), client);
    }

    @Test
    void aPairIsOneWhicheverWayItRuns() {
        SshHost a = host("198.51.100.1", "198.51.100.1");
        SshHost b = host("198.51.100.2", "198.51.100.2");
        TrafficTest ab = new TrafficTest("ab", a, b, TrafficProtocol.TCP, Duration.ofSeconds(5), null, 1, Duration.ofSeconds(20), null);
        TrafficTest ba = new TrafficTest("ba", b, a, TrafficProtocol.TCP, Duration.ofSeconds(5), null, 1, Duration.ofSeconds(20), null);
        TestSlots slots = new TestSlots(5201, 5202);

        slots.claimPair(ab.pairKey());

        TrafficTestFailed busy = assertThrows(TrafficTestFailed.class, () -> slots.claimPair(ba.pairKey()));
        assertEquals(TrafficTestFailed.Reason.PAIR_BUSY, busy.reason());
        assertEquals(5201, slots.claimPort());
        assertEquals(5202, slots.claimPort());
        assertThrows(TrafficTestFailed.class, slots::claimPort);
    }
}
