package dev.scanflow.agent.plan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.PortList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The port lists of settings, commands and report coverage (nmap syntax). */
class PortListTest {

    @ParameterizedTest(name = "''{0}'' is written back as ''{1}''")
    @CsvSource(delimiter = '|', value = {
        "22,80,443|22,80,443",
        "443, 80 ,22|22,80,443",
        "8000-8100|8000-8100",
        "21,22,23,25|21-23,25",
        "80,80,79-81|79-81",
        "1-65535|1-65535",
        "5|5"})
    void isWrittenSortedWithAdjacentPortsMerged(String text, String written) {
        assertEquals(written, PortList.parse(text).toString());
    }

    @ParameterizedTest
    @ValueSource(strings = {"0", "65536", "80-79", "22;80", "22,,80", "-p22", "http", "22 80", "1-2-3", "U:53", "99999"})
    void refusesAnythingButPortsAndRanges(String text) {
        assertThrows(IllegalArgumentException.class, () -> PortList.parse(text));
    }

    @Test
    void anEmptyTextIsTheEmptyList() {
        assertTrue(PortList.parse("").isEmpty());
        assertTrue(PortList.parse("  ").isEmpty());
        assertEquals("", PortList.parse(null).toString());
    }

    @Test
    void takingPortsOutSplitsRanges() {
        PortList ports = PortList.parse("20-30,80").minus(PortList.parse("25,80,9999"));

        assertEquals("20-24,26-30", ports.toString());
        assertEquals(10, ports.size());
        assertFalse(ports.contains(25));
        assertTrue(ports.contains(26));
    }

    @Test
    void isBuiltFromNumbersAndComparedByContent() {
        PortList fromNumbers = PortList.of(List.of(8080, 2222, 2223));

        assertEquals(PortList.parse("2222-2223,8080"), fromNumbers);
        assertEquals(PortList.parse("2222,2223,8080").hashCode(), fromNumbers.hashCode());
        assertEquals(List.of(2222, 2223, 8080), fromNumbers.numbers());
        assertThrows(IllegalArgumentException.class, () -> PortList.of(List.of(0)));
    }
}
