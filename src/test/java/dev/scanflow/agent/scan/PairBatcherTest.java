package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class PairBatcherTest {

    private static final long MS = 1_000_000L;

    /** masscan's first pass ends 600 ms in (a /24, 24 ports, 10,000 packets/s). */
    private final PairBatcher batcher = new PairBatcher(Duration.ofMillis(250), Duration.ofSeconds(10), 600 * MS);

    private static MasscanPort open(String address, int port) {
        return new MasscanPort(address, "tcp", port, "open", "syn-ack", 0);
    }

    @Test
    void theFirstBatchWaitsForTheEndOfTheFirstPassThenForTheQuietWindow() {
        batcher.offer(open("198.18.0.11", 8080), 0);
        batcher.offer(open("198.18.0.12", 8080), 100 * MS);

        assertEquals(List.of(), batcher.due(500 * MS), "quiet for 400 ms, but the pass goes on: more will come");
        batcher.offer(open("198.18.0.13", 8080), 550 * MS);
        assertEquals(List.of(), batcher.due(700 * MS), "the pass is over, the last port came 150 ms ago");
        assertEquals(List.of(open("198.18.0.11", 8080), open("198.18.0.12", 8080), open("198.18.0.13", 8080)),
                batcher.due(800 * MS), "everything of the pass in one batch");
        assertEquals(List.of(), batcher.due(2000 * MS), "nothing pending any more");
    }

    @Test
    void aPortFoundLaterGoesInALaterBatchAfterTheQuietWindow() {
        batcher.offer(open("198.18.0.11", 8080), 0);
        assertEquals(1, batcher.due(700 * MS).size());

        batcher.offer(open("198.18.0.11", 2222), 1600 * MS); // the retry found it
        assertEquals(List.of(), batcher.due(1800 * MS));
        assertEquals(List.of(open("198.18.0.11", 2222)), batcher.due(1850 * MS));
    }

    @Test
    void aPassTooLongToWaitForStillFeedsNmapOnceAPortWaitedTheLongestDelay() {
        PairBatcher longPass = new PairBatcher(Duration.ofMillis(250), Duration.ofSeconds(10), 600_000 * MS);
        for (int i = 0; i < 100; i++) {
            longPass.offer(open("198.18.0." + (1 + i), 8080), i * 100 * MS);
            assertEquals(List.of(), longPass.due(i * 100 * MS + 50 * MS), "first port waited < 10 s");
        }
        longPass.offer(open("198.18.1.1", 8080), 10_000 * MS);

        assertEquals(101, longPass.due(10_000 * MS).size());
        assertEquals(List.of(), longPass.due(10_100 * MS));
    }

    @Test
    void aPortMasscanRepeatsGoesIntoOneBatchOnly() {
        assertTrue(batcher.offer(open("198.18.0.11", 8080), 0));
        assertEquals(1, batcher.due(900 * MS).size());

        assertFalse(batcher.offer(open("198.18.0.11", 8080), 1000 * MS), "its retry found it again");
        assertTrue(batcher.offer(open("198.18.0.11", 2222), 1000 * MS), "another port of the same address");
        assertEquals(List.of(open("198.18.0.11", 2222)), batcher.due(1300 * MS));
    }

    @Test
    void theRestIsWhatIsPendingPlusWhatTheWholeOutputHoldsThatNoLineBrought() {
        batcher.offer(open("198.18.0.11", 8080), 0);
        batcher.due(900 * MS);
        batcher.offer(open("198.18.0.12", 8080), 1000 * MS);

        List<MasscanPort> rest = batcher.rest(List.of(open("198.18.0.11", 8080), open("198.18.0.12", 8080),
                open("198.18.0.13", 2222)));

        assertEquals(List.of(open("198.18.0.12", 8080), open("198.18.0.13", 2222)), rest);
        assertEquals(List.of(), batcher.rest(List.of(open("198.18.0.13", 2222))));
    }

    @Test
    void refusesAQuietWindowLongerThanTheLongestDelay() {
        assertThrows(IllegalArgumentException.class,
                () -> new PairBatcher(Duration.ofSeconds(2), Duration.ofSeconds(1), 0));
    }
}
