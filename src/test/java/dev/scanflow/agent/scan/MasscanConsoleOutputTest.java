package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * masscan's console lines, what the ports profile reads (as a whole and line by line while masscan runs), from a
 * real lab capture (src/test/resources/scans/README.md, third session); the cuts are of that file.
 */
class MasscanConsoleOutputTest {

    private static final List<String> CAPTURED = List.of("198.18.0.14:2222", "198.18.0.14:8080", "198.18.0.11:8080",
            "198.18.0.11:8000", "198.18.0.12:8080", "198.18.0.11:2222", "198.18.0.13:8080", "198.18.0.15:8080");

    private final MasscanOutputParser parser = new MasscanOutputParser();

    private static byte[] capture() throws IOException {
        try (InputStream in = MasscanConsoleOutputTest.class.getResourceAsStream("/scans/masscan-ports-console-lab.txt")) {
            return in.readAllBytes();
        }
    }

    private static List<String> pairs(MasscanRun run) {
        return run.ports().stream().map(p -> p.address() + ":" + p.port()).toList();
    }

    @Test
    void readsEveryConsoleLineInArrivalOrder() throws IOException {
        MasscanRun run = parser.parse(new ByteArrayInputStream(capture()));

        assertTrue(run.complete());
        assertEquals(CAPTURED, pairs(run));
        for (MasscanPort port : run.ports()) {
            assertEquals("tcp", port.protocol());
            assertEquals("open", port.status());
            assertEquals("syn-ack", port.reason());
        }
    }

    @Test
    void eachLineAloneNamesTheSamePortAsTheWhole() throws IOException {
        List<String> lines = new String(capture(), StandardCharsets.UTF_8).lines().toList();

        assertEquals(CAPTURED, lines.stream().map(MasscanOutputParser::consoleLine).map(Optional::orElseThrow)
                .map(p -> p.address() + ":" + p.port()).toList());
        assertEquals(Optional.empty(), MasscanOutputParser.consoleLine("rate:  9.96-kpps, 21.92% done, found=29"));
        assertEquals(Optional.empty(), MasscanOutputParser.consoleLine("Discovered open port 8080/tcp on"));
    }

    @Test
    void aRunKilledMidLineDropsTheCutLineThatCouldNameAWrongAddress() throws IOException {
        byte[] whole = capture();
        String text = new String(whole, StandardCharsets.UTF_8);
        // cut inside the address of the last line: "198.18.0.15" would read as "198.18.0.1"
        int cut = text.lastIndexOf("198.18.0.15") + "198.18.0.1".length();

        MasscanRun run = parser.parse(new ByteArrayInputStream(Arrays.copyOf(whole, cut)));

        assertFalse(run.complete());
        assertEquals(CAPTURED.subList(0, CAPTURED.size() - 1), pairs(run));
    }

    @Test
    void refusesALineThatIsNotMasscans() {
        assertThrows(ScanOutputRejected.class, () -> parser.parse(new ByteArrayInputStream(
                "Discovered open port 8080/tcp on 198.18.0.11\nDiscovered something else\n".getBytes(StandardCharsets.UTF_8))));
        assertThrows(ScanOutputRejected.class, () -> parser.parse(new ByteArrayInputStream(
                "Discovered open port 8080/tcp on -oX/tmp/x\n".getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void writesIpv6AddressesInTheFormNmapUses() {
        MasscanRun run = parser.parse(new ByteArrayInputStream(
                "Discovered open port 22/tcp on 2001:0DB8:005F:0000:0000:0000:0000:0011   \n".getBytes(StandardCharsets.UTF_8)));

        assertEquals(List.of("2001:db8:5f::11:22"), pairs(run));
    }
}
