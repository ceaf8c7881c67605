package dev.scanflow.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {

    @Test
    void readsNetworkAndPrefix() {
        Cidr cidr = Cidr.parse("198.18.0.0/24");

        assertEquals(IpAddress.parse("198.18.0.0"), cidr.network());
        assertEquals(24, cidr.prefix());
        assertEquals(4, cidr.version());
        assertEquals(IpAddress.parse("198.18.0.255"), cidr.last());
    }

    @ParameterizedTest(name = "{0} is written {1}")
    @CsvSource({
        "127.0.0.0/29,                  127.0.0.0/29",
        "127.0.0.1,                     127.0.0.1/32",
        "::1,                           ::1/128",
        "2001:DB8:5F:0:0:0:0:0/64,      2001:db8:5f::/64",
        "' 10.0.0.0/8 ',                10.0.0.0/8",
        "0.0.0.0/0,                     0.0.0.0/0",
        "::/0,                          ::/0",
    })
    void printsTheNormalizedCidr(String written, String printed) {
        assertEquals(printed, Cidr.parse(written).toString());
    }

    @Test
    void theLastAddressOfAnIpv6SubnetIsItsHighest() {
        // RFC 5952: the single zero group stays written out
        assertEquals("2001:db8:5f:0:ffff:ffff:ffff:ffff", Cidr.parse("2001:db8:5f::/64").last().toString());
        assertEquals("127.0.0.7", Cidr.parse("127.0.0.0/29").last().toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.1/29", "198.18.0.11/24", "11.0.0.0/7", "2001:db8:5f::11/64", "::1/127",
        "0.0.0.1/0"})
    void refusesHostBitsSet(String text) {
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
        assertTrue(refused.getMessage().contains("host bits"), refused.getMessage());
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/1000", "10.0.0.0/x",
        "10.0.0.0/24 -oN /tmp/x", "localhost/32", "", "/24"})
    void refusesMalformedSubnets(String text) {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(text));
    }

    @Test
    void refusesNull() {
        assertThrows(IllegalArgumentException.class, () -> Cidr.parse(null));
    }

    @Test
    void containsItsAddressesFromNetworkToBroadcast() {
        Cidr subnet = Cidr.parse("198.18.0.0/24");

        assertTrue(subnet.contains(IpAddress.parse("198.18.0.0")));
        assertTrue(subnet.contains(IpAddress.parse("198.18.0.11")));
        assertTrue(subnet.contains(IpAddress.parse("198.18.0.255")));
        assertFalse(subnet.contains(IpAddress.parse("198.18.1.0")));
        assertFalse(subnet.contains(IpAddress.parse("198.17.255.255")));
    }

    @Test
    void containsSmallerSubnetsInsideItOnly() {
        Cidr slash24 = Cidr.parse("198.18.0.0/24");

        assertTrue(slash24.contains(Cidr.parse("198.18.0.128/25")));
        assertTrue(slash24.contains(slash24));
        assertFalse(slash24.contains(Cidr.parse("198.18.0.0/23")), "a wider subnet is not inside");
        assertFalse(Cidr.parse("198.18.0.0/25").contains(slash24));
        assertFalse(slash24.contains(Cidr.parse("198.18.1.0/24")));
    }

    @Test
    void neverContainsAnAddressOrSubnetOfTheOtherFamily() {
        // ::102:304 has the same number as 1.2.3.4, and ::/96 the same range as 0.0.0.0/0
        assertFalse(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("::102:304")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(IpAddress.parse("::1")));
        assertFalse(Cidr.parse("::/0").contains(IpAddress.parse("1.2.3.4")));
        assertFalse(Cidr.parse("::/0").contains(Cidr.parse("0.0.0.0/0")));
        assertFalse(Cidr.parse("0.0.0.0/0").contains(Cidr.parse("::/96")));
        assertFalse(Cidr.parse("127.0.0.0/8").contains(Cidr.parse("::1/128")));
    }

    @Test
    void networkAndBroadcastAreNotUsableBelowSlash31() {
        Cidr subnet = Cidr.parse("10.0.0.0/24");

        assertFalse(subnet.isUsableHost(IpAddress.parse("10.0.0.0"), false), "network address");
        assertFalse(subnet.isUsableHost(IpAddress.parse("10.0.0.255"), false), "broadcast address");
        assertTrue(subnet.isUsableHost(IpAddress.parse("10.0.0.1"), false));
        assertTrue(subnet.isUsableHost(IpAddress.parse("10.0.0.254"), false));
        Cidr slash30 = Cidr.parse("10.0.0.4/30");
        assertFalse(slash30.isUsableHost(IpAddress.parse("10.0.0.4"), false));
        assertFalse(slash30.isUsableHost(IpAddress.parse("10.0.0.7"), false));
        assertTrue(slash30.isUsableHost(IpAddress.parse("10.0.0.5"), false));
    }

    @Test
    void inAPoolNetworkAndBroadcastAreUsable() {
        Cidr subnet = Cidr.parse("10.0.0.0/24");

        assertTrue(subnet.isUsableHost(IpAddress.parse("10.0.0.0"), true));
        assertTrue(subnet.isUsableHost(IpAddress.parse("10.0.0.255"), true));
    }

    @Test
    void slash31AndSlash32UseEveryAddress() {
        Cidr pointToPoint = Cidr.parse("10.0.0.6/31");
        assertTrue(pointToPoint.isUsableHost(IpAddress.parse("10.0.0.6"), false));
        assertTrue(pointToPoint.isUsableHost(IpAddress.parse("10.0.0.7"), false));

        Cidr single = Cidr.parse("10.0.0.9/32");
        assertTrue(single.isUsableHost(IpAddress.parse("10.0.0.9"), false));
    }

    @Test
    void everyIpv6AddressIsUsableIncludingTheSubnetRouterAnycast() {
        Cidr subnet = Cidr.parse("2001:db8:5f::/64");

        assertTrue(subnet.isUsableHost(IpAddress.parse("2001:db8:5f::"), false));
        assertTrue(subnet.isUsableHost(subnet.last(), false));
        assertTrue(subnet.isUsableHost(IpAddress.parse("2001:db8:5f::11"), false));
    }

    @Test
    void anAddressOutsideTheSubnetIsNeverUsable() {
        assertFalse(Cidr.parse("10.0.0.0/24").isUsableHost(IpAddress.parse("10.0.1.1"), true));
        assertFalse(Cidr.parse("10.0.0.0/24").isUsableHost(IpAddress.parse("::1"), true));
        assertFalse(Cidr.parse("2001:db8:5f::/64").isUsableHost(IpAddress.parse("2001:db8:60::1"), false));
    }
}
