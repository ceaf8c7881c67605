package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The parser on the real nmap outputs in src/test/resources/scans (see its README.md for the lab they
 * were captured in). The only hand-written input is the entity attack at the end.
 */
class NmapXmlParserTest {

    private final NmapXmlParser parser = new NmapXmlParser();

    // ---- discovery (-sn) ----------------------------------------------------------------------------

    @Test
    void readsTheFiveLabHostsThatAreUpWithTheMacsOfTheLab() {
        NmapRun run = parse("nmap-sn-lab.xml");

        assertTrue(run.complete());
        assertEquals(5, run.hosts().size());
        Map<String, NmapHost> byAddress = byAddress(run);
        assertEquals(List.of("198.18.0.1", "198.18.0.11", "198.18.0.12", "198.18.0.13", "198.18.0.3"),
                run.hosts().stream().map(NmapHost::address).toList(), "nmap's order is kept");
        // MACs from the README's lab table; nmap prints them in upper case
        assertEquals("02:5f:00:00:00:01", lower(byAddress.get("198.18.0.1").mac()), "gateway");
        assertEquals("02:5f:00:00:00:0b", lower(byAddress.get("198.18.0.11").mac()), "h11");
        assertEquals("02:5f:00:00:00:0c", lower(byAddress.get("198.18.0.12").mac()), "h12");
        assertEquals("02:5f:00:00:00:0d", lower(byAddress.get("198.18.0.13").mac()), "h13");
        for (String lab : List.of("198.18.0.1", "198.18.0.11", "198.18.0.12", "198.18.0.13")) {
            NmapHost host = byAddress.get(lab);
            assertEquals("up", host.state(), lab);
            assertEquals("arp-response", host.reason(), lab);
            assertEquals(lab, host.ipv4());
            assertNull(host.ipv6(), lab);
            assertNull(host.macVendor(), "locally administered 02:... MACs have no vendor: " + lab);
            assertEquals(List.of(), host.hostnames(), "-n: no names for " + lab);
            assertEquals(List.of(), host.ports(), "-sn: no ports for " + lab);
        }
    }

    @Test
    void theScannersOwnAddressIsUpWithoutAMac() {
        NmapHost scanner = byAddress(parse("nmap-sn-lab.xml")).get("198.18.0.3");

        assertNotNull(scanner);
        assertEquals("up", scanner.state());
        assertEquals("localhost-response", scanner.reason());
        assertNull(scanner.mac());
        assertNull(scanner.macVendor());
    }

    @Test
    void readsTheRunsArgumentsAndItsStartAndEndTimes() {
        NmapRun run = parse("nmap-sn-lab.xml");

        assertEquals("nmap -sn -n -T4 -oX - 198.18.0.0/24", run.args());
        // <nmaprun start="1795307349"> and <finished time="1795307351">
        assertEquals(Instant.ofEpochSecond(1795307349L), run.start());
        assertEquals(Instant.ofEpochSecond(1795307351L), run.end());
    }

    @Test
    void decodesTheCharacterReferenceNmapWritesForADoubleDashInArgs() {
        // nmap writes "--max-hostgroup" as "-&#45;max-hostgroup" in XML
        assertEquals("nmap -sV -n -p 2222,8080 --max-hostgroup 1 -oX - 198.18.0.11-13",
                parse("nmap-sV-partial.xml").args());
        assertEquals("nmap -sn --system-dns -oX - localhost", parse("nmap-sn-hostnames.xml").args());
    }

    @Test
    void readsAllEightLoopbackAddressesOfTheLocalhostDiscovery() {
        NmapRun run = parse("nmap-sn-localhost.xml");

        assertTrue(run.complete());
        assertEquals(List.of("127.0.0.0", "127.0.0.1", "127.0.0.2", "127.0.0.3", "127.0.0.4", "127.0.0.5",
                "127.0.0.6", "127.0.0.7"), run.hosts().stream().map(NmapHost::address).toList());
        for (NmapHost host : run.hosts()) {
            assertEquals("up", host.state(), host.address());
            assertEquals("localhost-response", host.reason(), host.address());
            assertNull(host.mac(), "loopback has no MAC: " + host.address());
            assertNull(host.ipv6());
        }
    }

    @Test
    void keepsTheUserGivenAndThePtrNameOnceEachNameFirstSeenFirst() {
        NmapRun run = parse("nmap-sn-hostnames.xml");

        assertEquals(1, run.hosts().size());
        NmapHost host = run.hosts().get(0);
        assertEquals("127.0.0.1", host.address());
        // <hostname name="localhost" type="user"/> and <hostname name="localhost" type="PTR"/>: the same name
        assertEquals(List.of("localhost"), host.hostnames());
    }

    @Test
    void readsIpv6HostsWithTheirNeighbourDiscoveryMacs() {
        NmapRun run = parse("nmap-sn-ipv6-lab.xml");

        assertTrue(run.complete());
        assertEquals(List.of("2001:db8:5f::11", "2001:db8:5f::12", "2001:db8:5f::13"),
                run.hosts().stream().map(NmapHost::address).toList());
        assertEquals(List.of("02:5f:00:00:00:0b", "02:5f:00:00:00:0c", "02:5f:00:00:00:0d"),
                run.hosts().stream().map(host -> lower(host.mac())).toList());
        for (NmapHost host : run.hosts()) {
            assertNull(host.ipv4(), "an IPv6-only host has no IPv4: " + host.address());
            assertEquals(host.ipv6(), host.address());
            assertEquals("nd-response", host.reason());
            assertEquals("up", host.state());
        }
    }

    @Test
    void readsTheMacVendorFromNmapsOuiTableAndNoneForALocallyAdministeredMac() {
        Map<String, NmapHost> byAddress = byAddress(parse("nmap-sn-mac-vendor.xml"));

        assertEquals(3, byAddress.size());
        assertEquals("02:5f:00:00:00:0b", lower(byAddress.get("198.18.0.11").mac()));
        assertNull(byAddress.get("198.18.0.11").macVendor());
        assertEquals("00:50:56:5f:00:0c", lower(byAddress.get("198.18.0.12").mac()));
        assertEquals("VMware", byAddress.get("198.18.0.12").macVendor());
        assertEquals("52:54:00:5f:00:0d", lower(byAddress.get("198.18.0.13").mac()));
        assertEquals("QEMU virtual NIC", byAddress.get("198.18.0.13").macVendor());
    }

    // ---- service detection (-sV) --------------------------------------------------------------------

    @Test
    void readsOnlyRealHostsAndNotNmapsHostHints() {
        NmapRun run = parse("nmap-sV-lab.xml");

        assertTrue(run.complete());
        // the file also has three <hosthint> elements for the same addresses, in another order
        assertEquals(List.of("198.18.0.11", "198.18.0.12", "198.18.0.13"),
                run.hosts().stream().map(NmapHost::address).toList());
    }

    @Test
    void readsPortsStatesServicesVersionsAndCpes() {
        NmapHost h11 = byAddress(parse("nmap-sV-lab.xml")).get("198.18.0.11");

        assertEquals(2, h11.ports().size());
        NmapPort ssh = port(h11, 2222);
        assertEquals("tcp", ssh.protocol());
        assertEquals("open", ssh.state());
        assertEquals("syn-ack", ssh.reason());
        assertEquals("ssh", ssh.serviceName());
        assertEquals("OpenSSH", ssh.product());
        assertEquals("9.2p1 Debian 2+deb12u10", ssh.version());
        assertEquals("protocol 2.0", ssh.extraInfo());
        assertNull(ssh.tunnel());
        assertEquals(List.of("cpe:/a:openbsd:openssh:9.2p1", "cpe:/o:linux:linux_kernel"), ssh.cpes());
        assertEquals(Map.of(), ssh.scripts());

        NmapPort http = port(h11, 8080);
        assertEquals("open", http.state());
        assertEquals("http", http.serviceName());
        assertEquals("SimpleHTTPServer", http.product());
        assertEquals("0.6", http.version());
        assertEquals("Python 3.11.7", http.extraInfo());
        assertEquals(List.of("cpe:/a:python:simplehttpserver:0.6"), http.cpes());
    }

    @Test
    void tellsApartTheTwoHostsWhoseServiceVersionsDiffer() {
        Map<String, NmapHost> byAddress = byAddress(parse("nmap-sV-lab.xml"));
        NmapHost h11 = byAddress.get("198.18.0.11");
        NmapHost h12 = byAddress.get("198.18.0.12");

        assertEquals("9.2p1 Debian 2+deb12u10", port(h11, 2222).version());
        assertEquals("9.2p1 Debian 2+deb12u10 scanflow-lab", port(h12, 2222).version());
        assertEquals("Python 3.11.7", port(h11, 8080).extraInfo());
        assertEquals("Python 3.11.2", port(h12, 8080).extraInfo());
        assertEquals(port(h11, 8080).version(), port(h12, 8080).version(), "SimpleHTTPServer 0.6 on both");
    }

    @Test
    void aHostWithNothingListeningIsUpWithBothPortsClosedAndNoProductOrCpe() {
        NmapHost h13 = byAddress(parse("nmap-sV-lab.xml")).get("198.18.0.13");

        assertEquals("up", h13.state());
        assertEquals("02:5f:00:00:00:0d", lower(h13.mac()));
        assertEquals(List.of(2222, 8080), h13.ports().stream().map(NmapPort::number).toList());
        assertTrue(h13.ports().stream().noneMatch(p -> "open".equals(p.state())));
        for (NmapPort port : h13.ports()) {
            assertEquals("closed", port.state(), "port " + port.number());
            assertEquals("reset", port.reason(), "port " + port.number());
            assertNull(port.product(), "a table guess has no product: " + port.number());
            assertNull(port.version(), "a table guess has no version: " + port.number());
            assertEquals(List.of(), port.cpes());
        }
        // method="table": the service name is only nmap's guess from the port number
        assertEquals("EtherNetIP-1", port(h13, 2222).serviceName());
        assertEquals("http-proxy", port(h13, 8080).serviceName());
    }

    // ---- cut-short output ---------------------------------------------------------------------------

    @Test
    void aKilledScanYieldsTheHostsCompletedSoFarAndIsNotComplete() {
        NmapRun partial = parse("nmap-sV-partial.xml");
        NmapRun full = parse("nmap-sV-lab.xml");

        assertFalse(partial.complete());
        assertNull(partial.end(), "no <finished> element was written");
        assertEquals(Instant.ofEpochSecond(1795307358L), partial.start());
        assertEquals(1, partial.hosts().size(), "only h11's <host> was finished; the host hints are not hosts");
        // h11 was complete in the killed run: it reads exactly as in the full run
        assertEquals(full.hosts().get(0), partial.hosts().get(0));
    }

    @ParameterizedTest
    @ValueSource(strings = {"nmap-sn-localhost.xml", "nmap-sn-lab.xml", "nmap-sn-ipv6-lab.xml", "nmap-sV-lab.xml",
        "nmap-sn-mac-vendor.xml"})
    void outputCutInHalfKeepsTheHostsFinishedBeforeTheCutAndIsNotComplete(String file) {
        byte[] whole = bytes(file);
        byte[] half = Arrays.copyOf(whole, whole.length / 2);
        int finishedBeforeCut = occurrences(new String(half, StandardCharsets.UTF_8), "</host>");
        NmapRun full = parser.parse(new ByteArrayInputStream(whole));

        NmapRun cut = parser.parse(new ByteArrayInputStream(half));

        assertTrue(full.complete(), "the whole file is complete");
        assertFalse(cut.complete(), "the half is not");
        assertNull(cut.end());
        assertEquals(full.start(), cut.start());
        assertEquals(full.hosts().subList(0, finishedBeforeCut), cut.hosts());
    }

    @Test
    void theHalfOfTheLocalhostDiscoveryStillHasSomeHosts() {
        // guards the test above against passing only with empty host lists
        byte[] whole = bytes("nmap-sn-localhost.xml");
        NmapRun cut = parser.parse(new ByteArrayInputStream(Arrays.copyOf(whole, whole.length / 2)));

        assertFalse(cut.complete());
        assertFalse(cut.hosts().isEmpty());
        assertTrue(cut.hosts().size() < 8);
        assertEquals("127.0.0.0", cut.hosts().get(0).address());
    }

    @Test
    void outputCutBeforeNmaprunIsRejected() {
        byte[] whole = bytes("nmap-sn-lab.xml");
        int nmaprun = new String(whole, StandardCharsets.UTF_8).indexOf("<nmaprun");
        assertTrue(nmaprun > 0);

        assertThrows(ScanOutputRejected.class,
                () -> parser.parse(new ByteArrayInputStream(Arrays.copyOf(whole, nmaprun))));
    }

    // ---- bad input ----------------------------------------------------------------------------------

    @Test
    void rejectsOutputThatIsNotXml() {
        // masscan's -oJ output, a real scanner output that is JSON, not XML
        ScanOutputRejected rejected = assertThrows(ScanOutputRejected.class,
                () -> parser.parse(new ByteArrayInputStream(bytes("masscan-lab.json"))));
        assertTrue(rejected.getMessage().startsWith("not nmap XML output"), rejected.getMessage());
    }

    @Test
    void rejectsEmptyOutput() {
        assertThrows(ScanOutputRejected.class, () -> parser.parse(new ByteArrayInputStream(new byte[0])));
    }

    @Test
    void refusesAnExternalEntityDeclarationWithoutResolvingIt(@TempDir Path dir) throws IOException {
        String secret = "SECRET-" + System.nanoTime();
        Path secretFile = dir.resolve("secret.txt");
        Files.writeString(secretFile, secret);
        // the one hand-written input: nmap's own header with an entity declaration added, the entity used in
        // an attribute nmap reads (args), in a host name and in element text
        String attack = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                + "<!DOCTYPE nmaprun [ <!ENTITY xxe SYSTEM \"" + secretFile.toUri() + "\"> ]>\n"
                + "<nmaprun scanner=\"nmap\" args=\"&xxe;\" start=\"1795307349\">\n"
                + "<host><status state=\"up\" reason=\"localhost-response\"/>\n"
                + "<address addr=\"127.0.0.1\" addrtype=\"ipv4\"/>\n"
                + "<hostnames><hostname name=\"&xxe;\" type=\"PTR\"/></hostnames>\n"
                + "<ports><port protocol=\"tcp\" portid=\"22\"><state state=\"open\"/>"
                + "<service name=\"ssh\"><cpe>&xxe;</cpe></service></port></ports>\n"
                + "</host>\n"
                + "<runstats><finished time=\"1795307349\"/></runstats>\n"
                + "</nmaprun>\n";

        ScanOutputRejected rejected = assertThrows(ScanOutputRejected.class,
                () -> parser.parse(new ByteArrayInputStream(attack.getBytes(StandardCharsets.UTF_8))));

        assertTrue(rejected.getMessage().contains("entities"), rejected.getMessage());
        for (Throwable t = rejected; t != null; t = t.getCause()) {
            assertFalse(String.valueOf(t.getMessage()).contains(secret), "the secret leaked into " + t);
        }
    }

    // ---- helpers ------------------------------------------------------------------------------------

    private NmapRun parse(String file) {
        try (InputStream in = resource(file)) {
            return parser.parse(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static byte[] bytes(String file) {
        try (InputStream in = resource(file)) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static InputStream resource(String file) {
        InputStream in = NmapXmlParserTest.class.getResourceAsStream("/scans/" + file);
        assertNotNull(in, "missing test resource scans/" + file);
        return in;
    }

    private static Map<String, NmapHost> byAddress(NmapRun run) {
        return run.hosts().stream().collect(Collectors.toMap(NmapHost::address, Function.identity()));
    }

    private static NmapPort port(NmapHost host, int number) {
        return host.ports().stream().filter(p -> p.number() == number).findFirst()
                .orElseThrow(() -> new AssertionError("no port " + number + " on " + host.address()));
    }

    private static String lower(String text) {
        return text == null ? null : text.toLowerCase(Locale.ROOT);
    }

    private static int occurrences(String text, String needle) {
        int count = 0;
        for (int at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + needle.length())) {
            count++;
        }
        return count;
    }
}
