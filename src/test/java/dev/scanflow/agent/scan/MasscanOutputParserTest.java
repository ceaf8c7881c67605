package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * masscan's -oJ and -oX output, from real lab captures (src/test/resources/scans/README.md). The only
 * hand-made inputs are cuts of those files (a killed run), a few bytes of invalid output and the entity attack.
 */
class MasscanOutputParserTest {

    private final MasscanOutputParser parser = new MasscanOutputParser();

    private MasscanRun parse(String text) {
        return parser.parse(new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8)));
    }

    private static Set<String> pairs(MasscanRun run) {
        return run.ports().stream().map(p -> p.address() + ":" + p.port()).collect(Collectors.toSet());
    }

    @Test
    void readsEveryOpenPortOfTheJsonWithItsCommasOnLinesOfTheirOwn() {
        MasscanRun run = Fixtures.masscan("masscan-ports-lab.json");

        assertTrue(run.complete());
        assertEquals(Set.of("198.18.0.11:8080", "198.18.0.12:8080", "198.18.0.11:2222", "198.18.0.12:2222"), pairs(run));
        assertEquals(List.of("198.18.0.11:8080", "198.18.0.12:8080", "198.18.0.11:2222", "198.18.0.12:2222"),
                run.ports().stream().map(p -> p.address() + ":" + p.port()).toList(), "masscan's arrival order");
        for (MasscanPort port : run.ports()) {
            assertEquals("tcp", port.protocol());
            assertEquals("open", port.status());
            assertEquals("syn-ack", port.reason());
            assertEquals(64, port.ttl());
        }
    }

    @Test
    void readsTheFirstCaptureOfTheSpineToo() {
        MasscanRun run = Fixtures.masscan("masscan-lab.json");

        assertTrue(run.complete());
        assertEquals(Set.of("198.18.0.11:8080", "198.18.0.12:8080", "198.18.0.11:2222", "198.18.0.12:2222"), pairs(run));
    }

    @Test
    void readsTheXmlFormOneHostElementPerPort() {
        MasscanRun run = Fixtures.masscan("masscan-lab.xml");

        assertTrue(run.complete(), "<finished> was there");
        assertEquals(Set.of("198.18.0.11:8080", "198.18.0.12:8080", "198.18.0.11:2222", "198.18.0.12:2222"), pairs(run));
        assertTrue(run.ports().stream().allMatch(p -> "syn-ack".equals(p.reason()) && p.ttl() == 64));
    }

    @Test
    void theJsonAndTheXmlOfTheSameScanSayTheSame() {
        assertEquals(pairs(Fixtures.masscan("masscan-lab.json")), pairs(Fixtures.masscan("masscan-lab.xml")));
    }

    @Test
    void noOutputAtAllIsWhatMasscanWritesWhenItFindsNothing() {
        byte[] captured = Fixtures.bytes("masscan-nothing-found.json");

        MasscanRun run = parser.parse(new ByteArrayInputStream(captured));

        assertEquals(0, captured.length);
        assertEquals(List.of(), run.ports());
        assertTrue(run.complete());
    }

    @Test
    void readsAnIpv6Port() {
        MasscanRun run = Fixtures.masscan("masscan-ipv6-lab.json");

        assertEquals(List.of(new MasscanPort("2001:db8:5f::11", "tcp", 8081, "open", "syn-ack", 64)), run.ports());
    }

    @Test
    void writesIpv6AddressesInTheFormNmapUses() {
        MasscanRun run = parse("[\n{ \"ip\": \"2001:0DB8:005F:0000:0000:0000:0000:0011\", \"ports\": [ {\"port\": 22,"
                + " \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 0} ] }\n]\n");

        assertEquals("2001:db8:5f::11", run.ports().get(0).address());
    }

    @ParameterizedTest(name = "cut after {0} bytes")
    @ValueSource(ints = {1, 130, 200, 300, 450, 600})
    void jsonCutShortKeepsTheRecordsFinishedBeforeTheCutAndIsIncomplete(int length) {
        byte[] whole = Fixtures.bytes("masscan-ports-lab.json");
        MasscanRun complete = parser.parse(new ByteArrayInputStream(whole));

        MasscanRun cut = parser.parse(new ByteArrayInputStream(Arrays.copyOf(whole, length)));

        assertFalse(cut.complete());
        assertTrue(complete.ports().containsAll(cut.ports()));
        // every record whose closing brace lies before the cut is kept
        String head = new String(whole, 0, length, StandardCharsets.UTF_8);
        long closed = head.chars().filter(c -> c == '}').count() / 2;
        assertEquals(closed, cut.ports().size(), head);
    }

    @Test
    void xmlCutShortKeepsTheHostsFinishedBeforeTheCut() {
        byte[] whole = Fixtures.bytes("masscan-lab.xml");
        String text = new String(whole, StandardCharsets.UTF_8);
        int third = text.indexOf("<host", text.indexOf("<host", text.indexOf("<host") + 1) + 1);

        MasscanRun cut = parser.parse(new ByteArrayInputStream(Arrays.copyOf(whole, third + 20)));

        assertFalse(cut.complete());
        assertEquals(2, cut.ports().size());
    }

    @Test
    void toleratesTheQuirksOfOlderMasscanJson() {
        // masscan 1.0.x ended its -oJ output with an unquoted {finished: 1} and left a comma before ']'
        MasscanRun run = parse("[\n{ \"ip\": \"198.18.0.11\", \"timestamp\": \"1\", \"ports\": [ {\"port\": 8080,"
                + " \"proto\": \"tcp\", \"status\": \"open\", \"reason\": \"syn-ack\", \"ttl\": 64} ] },\n{finished: 1},\n]\n");

        assertTrue(run.complete());
        assertEquals(Set.of("198.18.0.11:8080"), pairs(run));
    }

    @Test
    void keepsOnlyOpenPortsAndEachPairOnce() {
        MasscanRun run = parse("{\"ip\": \"198.18.0.11\", \"ports\": [{\"port\": 22, \"proto\": \"tcp\", \"status\": \"open\"}]}\n"
                + "{\"ip\": \"198.18.0.11\", \"ports\": [{\"port\": 22, \"proto\": \"tcp\", \"status\": \"open\"}]}\n"
                + "{\"ip\": \"198.18.0.11\", \"ports\": [{\"port\": 23, \"proto\": \"tcp\", \"status\": \"closed\"}]}\n"
                + "{\"ip\": \"198.18.0.11\", \"ports\": [{\"port\": 80, \"proto\": \"tcp\", \"service\": {\"name\": \"http\"}}]}\n");

        assertTrue(run.complete(), "one object after another, ended cleanly");
        assertEquals(List.of("198.18.0.11:22"), run.ports().stream().map(p -> p.address() + ":" + p.port()).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"Starting masscan 1.3.2", "FAIL: scan range too large", "\"just a string\""})
    void refusesOutputThatIsNotMasscans(String text) {
        assertThrows(ScanOutputRejected.class, () -> parse(text));
    }

    @Test
    void refusesAnAddressThatIsNotAnIpAddress() {
        assertThrows(ScanOutputRejected.class, () -> parse("[{\"ip\": \"-oX /tmp/x\", \"ports\": [{\"port\": 22,"
                + " \"proto\": \"tcp\", \"status\": \"open\"}]}]"));
    }

    @Test
    void refusesAnExternalEntityDeclarationWithoutResolvingIt(@TempDir Path dir) throws Exception {
        Path secret = dir.resolve("secret.txt");
        Files.writeString(secret, "198.18.0.99");
        String attack = "<?xml version=\"1.0\"?>\n<!DOCTYPE nmaprun [<!ENTITY xxe SYSTEM \"" + secret.toUri() + "\">]>\n"
                + "<nmaprun scanner=\"masscan\"><host><address addr=\"&xxe;\" addrtype=\"ipv4\"/><ports><port protocol=\"tcp\""
                + " portid=\"22\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/></port></ports></host></nmaprun>";

        ScanOutputRejected rejected = assertThrows(ScanOutputRejected.class, () -> parse(attack));

        assertFalse(rejected.getMessage().contains("198.18.0.99"), rejected.getMessage());
    }
}
