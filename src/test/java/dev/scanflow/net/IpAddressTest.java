package dev.scanflow.net;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class IpAddressTest {

    @Test
    void storesIpv4AsPhpipamsDecimal() {
        // docs: phpipam.md §1.1, verified against a real phpIPAM
        IpAddress address = IpAddress.parse("10.10.1.3");

        assertEquals(4, address.version());
        assertEquals("168427779", address.decimal());
    }

    @Test
    void storesIpv6AsPhpipamsDecimal() {
        IpAddress address = IpAddress.parse("fd13:6d20:29dc:cf27::");

        assertEquals(6, address.version());
        assertEquals("336395549904799703390415618052362076160", address.decimal());
    }

    @Test
    void readsPhpipamsDecimalBackIntoTheSameAddress() {
        assertEquals("10.10.1.3", IpAddress.fromDecimal(4, "168427779").toString());
        assertEquals("fd13:6d20:29dc:cf27::",
                IpAddress.fromDecimal(6, "336395549904799703390415618052362076160").toString());
        assertEquals(IpAddress.parse("10.10.1.3"), IpAddress.fromDecimal(4, "168427779"));
    }

    @Test
    void loopbackIpv6StaysIpv6WithDecimalOne() {
        // phpIPAM itself would mistake the decimal 1 for IPv4 0.0.0.1; the explicit version keeps it IPv6
        IpAddress loopback = IpAddress.parse("::1");

        assertEquals(6, loopback.version());
        assertEquals("1", loopback.decimal());
        assertEquals("::1", loopback.toString());
        assertEquals("::1", IpAddress.fromDecimal(6, "1").toString());
        assertEquals("0.0.0.1", IpAddress.fromDecimal(4, "1").toString());
        assertTrue(IpAddress.fromDecimal(4, "1").compareTo(loopback) < 0, "IPv4 sorts before IPv6");
        assertTrue(!IpAddress.fromDecimal(4, "1").equals(loopback), "same number, other family");
    }

    @ParameterizedTest(name = "{0} prints as {1}")
    @CsvSource({
        "2001:0db8:0000:0000:0000:ff00:0042:8329, 2001:db8::ff00:42:8329",
        "2001:DB8::1,                             2001:db8::1",
        "0:0:0:0:0:0:0:1,                         ::1",
        "0:0:0:0:0:0:0:0,                         ::",
        "1:0:0:0:0:0:0:0,                         1::",
        "2001:db8:0:1:1:1:1:1,                    2001:db8:0:1:1:1:1:1",
        "2001:0:0:1:0:0:0:1,                      2001:0:0:1::1",
        "2001:db8:0:0:1:0:0:1,                    2001:db8::1:0:0:1",
        "fe80:0:0:0:0200:5eff:fe00:5301,          fe80::200:5eff:fe00:5301",
    })
    void printsIpv6CompressedAsRfc5952Says(String written, String printed) {
        // longest zero run becomes ::, the first one on a tie, never a single zero group, lower case
        assertEquals(printed, IpAddress.parse(written).toString());
    }

    @Test
    void printsIpv4Dotted() {
        assertEquals("198.18.0.11", IpAddress.parse("198.18.0.11").toString());
        assertEquals("0.0.0.0", IpAddress.parse("0.0.0.0").toString());
        assertEquals("255.255.255.255", IpAddress.parse("255.255.255.255").toString());
        assertEquals("4294967295", IpAddress.parse("255.255.255.255").decimal());
    }

    @Test
    void givesTheNetworkOrderBytesOfTheFamilysWidth() {
        assertArrayEquals(new byte[] {10, 10, 1, 3}, IpAddress.parse("10.10.1.3").bytes());
        byte[] loopback = new byte[16];
        loopback[15] = 1;
        assertArrayEquals(loopback, IpAddress.parse("::1").bytes());
        byte[] top = IpAddress.parse("255.255.255.255").bytes();
        assertEquals(4, top.length, "no sign byte from BigInteger");
        assertEquals((byte) 0xff, top[0]);
    }

    @Test
    void ordersByFamilyThenNumber() {
        List<IpAddress> sorted = new ArrayList<>(List.of(IpAddress.parse("::1"), IpAddress.parse("10.0.0.2"),
                IpAddress.parse("9.255.255.255"), IpAddress.parse("10.0.0.10")));
        sorted.sort(null);

        assertEquals(List.of("9.255.255.255", "10.0.0.2", "10.0.0.10", "::1"),
                sorted.stream().map(IpAddress::toString).toList());
    }

    @ParameterizedTest
    @ValueSource(strings = {"localhost", "example.com", "scanflow.invalid", "h11", "1.2.3", "1.2.3.4.5",
        "0x7f.0.0.1", "1.2.3.4/32", "[::1]", "fe80::1%eth0", " ", "::ffff:10.0.0.1", "1:2", "1::2::3"})
    void refusesWhatIsNotAnIpLiteral(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @ParameterizedTest
    @ValueSource(strings = {"01.2.3.4", "1.2.3.04", "00.0.0.0", "1..2.3", ".1.2.3.4", "1.2.3.4.", "1.2.3.-4", "1.2.3.4 5",
        "1.2.3.4a", "1234.1.1.1", "+1.2.3.4"})
    void refusesDottedQuadsTheLiteralPatternRefuses(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @Test
    void everyOctetValueReadsAsItsNumber() {
        for (int octet = 0; octet < 256; octet++) {
            IpAddress address = IpAddress.parse("10." + octet + ".255." + octet);
            assertEquals(4, address.version());
            assertEquals((10L << 24) | ((long) octet << 16) | (255L << 8) | octet, address.value().longValue());
            assertEquals("10." + octet + ".255." + octet, address.toString());
        }
        assertEquals(BigInteger.ZERO, IpAddress.parse(" 0.0.0.0 ").value());
        assertEquals(BigInteger.valueOf(0xFFFFFFFFL), IpAddress.parse("255.255.255.255").value());
    }

    @Test
    void refusesNull() {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(null));
    }

    @ParameterizedTest
    @ValueSource(strings = {"256.0.0.1", "999.1.1.1", "1.2.3.300"})
    void refusesAnOctetAbove255(String text) {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.parse(text));
    }

    @Test
    void refusesAValueWiderThanItsFamily() {
        assertThrows(IllegalArgumentException.class, () -> IpAddress.fromDecimal(4, "4294967296"));
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(4, BigInteger.valueOf(-1)));
        assertThrows(IllegalArgumentException.class, () -> new IpAddress(5, BigInteger.ONE));
        assertEquals("::1:0:0", IpAddress.fromDecimal(6, "4294967296").toString());
    }

    /**
     * No input ever reaches a name resolver. A child JVM gets a hosts file (jdk.net.hosts.file replaces the
     * system resolver, so nothing leaves the machine) that maps every input below to 192.0.2.7; if
     * {@link IpAddress#parse} handed any of them to a resolver, the child prints 192.0.2.7 instead of a refusal.
     */
    @Test
    void neverAsksANameResolver(@TempDir Path dir) throws Exception {
        List<String> inputs = List.of("localhost", "scanflow-probe.invalid", "999.1.1.1", "256.256.256.256",
                "1.2.3.999");
        Path hosts = dir.resolve("hosts");
        Files.writeString(hosts, "192.0.2.7 " + String.join(" ", inputs) + "\n");
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djdk.net.hosts.file=" + hosts,
                "-cp", Path.of("target/classes").toAbsolutePath() + java.io.File.pathSeparator
                        + Path.of("target/test-classes").toAbsolutePath(),
                ResolverProbe.class.getName()));
        command.addAll(inputs);

        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        assertTrue(child.waitFor(60, TimeUnit.SECONDS), "probe JVM did not finish");
        List<String> lines = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

        assertEquals(0, child.exitValue(), String.join("\n", lines));
        assertEquals(inputs.size(), lines.size(), String.join("\n", lines));
        List<String> resolved = new ArrayList<>();
        for (int i = 0; i < inputs.size(); i++) {
            if (!lines.get(i).startsWith(inputs.get(i) + " refused")) {
                resolved.add(lines.get(i));
            }
        }
        assertEquals(List.of(), resolved, "IpAddress.parse handed these to the name resolver");
    }

    /** Runs in the child JVM of {@link #neverAsksANameResolver}. */
    public static final class ResolverProbe {
        public static void main(String[] args) {
            for (String arg : args) {
                try {
                    System.out.println(arg + " parsed as " + IpAddress.parse(arg));
                } catch (IllegalArgumentException e) {
                    System.out.println(arg + " refused: " + e.getMessage());
                }
            }
        }
    }
}
