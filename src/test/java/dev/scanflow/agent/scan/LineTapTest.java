package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What WatchedExecutor puts between a scanner's output and camel-exec: bytes unchanged, lines to the side. */
class LineTapTest {

    @Test
    void passesEveryByteThroughAndHandsOverLinesEndedByNewlineOrCarriageReturn() throws Exception {
        byte[] stderr = Fixtures.bytes("masscan-ports-lab.stderr");
        List<String> lines = new ArrayList<>();

        byte[] read;
        try (InputStream tap = new WatchedExecutor.LineTap(new ByteArrayInputStream(stderr), lines::add)) {
            read = tap.readAllBytes();
        }

        assertArrayEquals(stderr, read);
        List<String> expected = new String(stderr, java.nio.charset.StandardCharsets.UTF_8).lines()
                .filter(line -> !line.isEmpty()).toList();
        assertEquals(expected, lines);
        assertEquals("Starting masscan 1.3.2 (http://bit.ly/14GZzcT) at 2026-11-22 01:21:42 GMT", lines.get(0));
    }

    @Test
    void aLastLineWithoutEndIsHandedOverAtTheEndOfTheStream() throws Exception {
        List<String> lines = new ArrayList<>();
        try (InputStream tap = new WatchedExecutor.LineTap(new ByteArrayInputStream("one\ntwo".getBytes()), lines::add)) {
            while (tap.read() >= 0) {
                // byte by byte, the other read path
            }
        }

        assertEquals(List.of("one", "two"), lines);
    }

    @Test
    void aFailingConsumerNeverBreaksTheOutput() throws Exception {
        byte[] xml = Fixtures.bytes("nmap-sV-pairs-lab.xml");
        try (InputStream tap = new WatchedExecutor.LineTap(new ByteArrayInputStream(xml), line -> {
            throw new IllegalStateException("progress broke");
        })) {
            assertArrayEquals(xml, tap.readAllBytes());
        }
    }
}
