package dev.scanflow.agent.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.scanflow.net.Cidr;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class AddressRangesTest {

    private static List<Cidr> cidrs(String... texts) {
        return Arrays.stream(texts).map(Cidr::parse).toList();
    }

    private static List<String> texts(List<Cidr> cidrs) {
        return cidrs.stream().map(Cidr::toString).toList();
    }

    @Test
    void nothingExcludedLeavesTheTargetWhole() {
        assertEquals(List.of("198.18.0.0/24"), texts(AddressRanges.subtract(Cidr.parse("198.18.0.0/24"), List.of())));
    }

    @Test
    void oneAddressOutOfASlash24LeavesTheFewestCidrsAroundIt() {
        assertEquals(List.of("198.18.0.0/31", "198.18.0.2/32", "198.18.0.4/30", "198.18.0.8/29", "198.18.0.16/28",
                        "198.18.0.32/27", "198.18.0.64/26", "198.18.0.128/25"),
                texts(AddressRanges.subtract(Cidr.parse("198.18.0.0/24"), cidrs("198.18.0.3"))));
    }

    @Test
    void exclusionsOutsideTheTargetOrOfTheOtherFamilyChangeNothing() {
        Cidr target = Cidr.parse("198.18.0.0/25");

        assertEquals(List.of("198.18.0.0/25"),
                texts(AddressRanges.subtract(target, cidrs("198.18.0.128/25", "10.0.0.0/8", "::1", "2001:db8::/32"))));
        assertEquals(List.of(), AddressRanges.overlapping(target, cidrs("198.18.0.128/25", "::1")));
    }

    @Test
    void anExclusionCoveringTheTargetLeavesNothing() {
        assertEquals(List.of(), AddressRanges.subtract(Cidr.parse("198.18.0.64/26"), cidrs("198.18.0.0/24")));
    }

    @Test
    void severalExclusionsInAnyOrderAndOverlappingEachOther() {
        assertEquals(List.of("198.18.0.0/28", "198.18.0.48/28"),
                texts(AddressRanges.subtract(Cidr.parse("198.18.0.0/26"),
                        cidrs("198.18.0.32/28", "198.18.0.16/28", "198.18.0.16/29"))));
    }

    @Test
    void worksForIpv6() {
        assertEquals(List.of("2001:db8:5f::/124", "2001:db8:5f::10/128", "2001:db8:5f::12/127", "2001:db8:5f::14/126",
                        "2001:db8:5f::18/125", "2001:db8:5f::20/123", "2001:db8:5f::40/122", "2001:db8:5f::80/121"),
                texts(AddressRanges.subtract(Cidr.parse("2001:db8:5f::/120"), cidrs("2001:db8:5f::11"))));
    }
}
