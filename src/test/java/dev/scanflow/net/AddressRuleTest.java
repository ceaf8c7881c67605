package dev.scanflow.net;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AddressRuleTest {

    @ParameterizedTest
    @ValueSource(strings = {"127.0.0.0/29", "127.0.0.0/8", "127.255.255.255/32", "::1/128"})
    void allowsLoopbackWithoutALab(String subnet) {
        Cidr target = Cidr.parse(subnet);

        assertTrue(AddressRule.allowsWithoutLab(target));
        assertEquals(target, AddressRule.requireLoopback(target));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0.0.0.0/0", "126.0.0.0/7", "128.0.0.0/8", "198.18.0.0/24", "::/0", "::/127",
        "::2/128", "2001:db8:5f::/64"})
    void refusesEverythingElseWithoutALab(String subnet) {
        Cidr target = Cidr.parse(subnet);

        assertFalse(AddressRule.allowsWithoutLab(target));
        IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
                () -> AddressRule.requireLoopback(target));
        assertTrue(refused.getMessage().startsWith(target.toString()), refused.getMessage());
    }
}
