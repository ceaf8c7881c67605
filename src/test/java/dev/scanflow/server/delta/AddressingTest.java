package dev.scanflow.server.delta;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The compact address, port and range forms the state and coverage are built on. */
class AddressingTest {

    @Test
    void hostAddressParsesAndPrintsLikeIpAddress() {
        for (String text : List.of("0.0.0.0", "10.0.0.1", "255.255.255.255", "::1", "2001:db8:5f::11", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")) {
            HostAddress address = HostAddress.parse(text);
            assertEquals(IpAddress.parse(text), address.toIpAddress(), text);
            assertEquals(IpAddress.parse(text).toString(), address.toString(), text);
            assertEquals(address, HostAddress.fromBytes(address.bytes()), text);
        }
        assertEquals(4, HostAddress.parse("10.0.0.1").version());
        assertEquals(6, HostAddress.parse("::1").version(), "::1 is IPv6 although its value fits in 32 bits");
    }

    @Test
    void hostAddressRefusesWhatIsNotAnAddress() {
        for (String text : List.of("10.0.0", "10.0.0.256", "10.0.0.1.2", "1..2.3", "a.b.c.d", "10.0.0.0001", "")) {
            assertThrows(IllegalArgumentException.class, () -> HostAddress.parse(text), text);
        }
    }

    @Test
    void addressesOrderAsUnsignedNumbers() {
        assertTrue(HostAddress.parse("10.0.0.2").compareTo(HostAddress.parse("200.0.0.1")) < 0);
        assertTrue(HostAddress.parse("::1").compareTo(HostAddress.parse("ff00::1")) < 0);
    }

    @Test
    void macAddressesCompareByValue() {
        assertEquals(MacAddress.parse("aa:bb:cc:dd:ee:ff"), MacAddress.parse("AA-BB-CC-DD-EE-FF"));
        assertEquals("AA:BB:CC:DD:EE:0F", MacAddress.format(MacAddress.parse("aa:bb:cc:dd:ee:0f")));
        assertEquals(MacAddress.NONE, MacAddress.parse(null));
        assertEquals(MacAddress.NONE, MacAddress.parse("not a mac at all"));
    }

    @Test
    void portRangesParseNmapListsAcrossProtocols() {
        PortRanges tcp = PortRanges.parse("tcp", "22,80-90,85-100,443");
        assertTrue(tcp.contains(PortKey.of("tcp", 22)));
        assertTrue(tcp.contains(PortKey.of("tcp", 100)));
        assertFalse(tcp.contains(PortKey.of("tcp", 101)));
        assertFalse(tcp.contains(PortKey.of("udp", 22)), "tcp/22 covers nothing of udp");
        assertTrue(PortRanges.parse("udp", "0-65535").contains(PortKey.of("udp", 65535)));
        assertThrows(IllegalArgumentException.class, () -> PortRanges.parse("tcp", "90-80"));
        assertThrows(IllegalArgumentException.class, () -> PortRanges.parse("tcp", "70000"));
        assertThrows(IllegalArgumentException.class, () -> PortRanges.parse("icmp", "1"));
    }

    @Test
    void addressRangesMergeAndAnswerContainment() {
        AddressRanges ranges = AddressRanges.of(4, List.of(Cidr.parse("10.0.0.0/25"), Cidr.parse("10.0.0.128/25"),
                Cidr.parse("10.0.2.7"), Cidr.parse("2001:db8::/64")));
        assertTrue(ranges.contains(HostAddress.parse("10.0.0.255")));
        assertTrue(ranges.contains(HostAddress.parse("10.0.2.7")));
        assertFalse(ranges.contains(HostAddress.parse("10.0.2.8")));
        assertFalse(ranges.contains(HostAddress.parse("10.0.1.0")));
        AddressRanges v6 = AddressRanges.of(6, List.of(Cidr.parse("2001:db8::/64"), Cidr.parse("10.0.0.0/8")));
        assertTrue(v6.contains(HostAddress.parse("2001:db8::ffff:1")));
        assertFalse(v6.contains(HostAddress.parse("2001:db8:0:1::1")));
        assertTrue(AddressRanges.of(6, List.of(Cidr.parse("::/0"))).contains(HostAddress.parse("ffff::1")));
    }
}
