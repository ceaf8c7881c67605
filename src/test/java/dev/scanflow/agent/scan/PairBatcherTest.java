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

    private final PairBatcher batcher = new PairBatcher(Duration.ofMillis(250), Duration.ofSeconds(1));

    private static MasscanPort open(String address, int port) {
        return new MasscanPort(address, "tcp", port, "open", "syn-ack", 0);
    }

    @Test
    void aBatchIsDueOnceNoNewPortCameForTheQuietWindow() {
        batcher.offer(open("198.18.0.11", 8080), 0);
        batcher.offer(open("198.18.0.12", 8080), 100 * MS);

        assertEquals(List.of(), batcher.due(349 * MS), "the last port came 249 ms ago");
        assertEquals(List.of(open("198.18.0.11", 8080), open("198.18.0.12", 8080)), batcher.due(350 * MS));
        assertEquals(List.of(), batcher.due(2000 * MS), "nothing pending any more");
    }

    @Test
    void aSteadyStreamStillGivesABatchOnceItsFirstPortWaitedTheLongestDelay() {
        for (int i = 0; i < 10; i++) {
            batcher.offer(open("198.18.0." + (11 + i), 8080), i * 100 * MS);
            assertEquals(List.of(), batcher.due(i * 100 * MS + 50 * MS), "quiet for 50 ms, first waited < 1 s");
        }
        batcher.offer(open("198.18.0.30", 8080), 1000 * MS);

        List<MasscanPort> batch = batcher.due(1000 * MS);

        assertEquals(11, batch.size());
        assertEquals(List.of(), batcher.due(1100 * MS));
    }

    @Test
    void aPortMasscanRepeatsGoesIntoOneBatchOnly() {
        assertTrue(batcher.offer(open("198.18.0.11", 8080), 0));
        assertEquals(1, batcher.due(300 * MS).size());

        assertFalse(batcher.offer(open("198.18.0.11", 8080), 400 * MS), "its retry found it again");
        assertTrue(batcher.offer(open("198.18.0.11", 2222), 400 * MS), "another port of the same address");
        assertEquals(List.of(open("198.18.0.11", 2222)), batcher.due(700 * MS));
    }

    @Test
    void theRestIsWhatIsPendingPlusWhatTheWholeOutputHoldsThatNoLineBrought() {
        batcher.offer(open("198.18.0.11", 8080), 0);
        batcher.due(300 * MS);
        batcher.offer(open("198.18.0.12", 8080), 400 * MS);

        List<MasscanPort> rest = batcher.rest(List.of(open("198.18.0.11", 8080), open("198.18.0.12", 8080),
                open("198.18.0.13", 2222)));

        assertEquals(List.of(open("198.18.0.12", 8080), open("198.18.0.13", 2222)), rest);
        assertEquals(List.of(), batcher.rest(List.of(open("198.18.0.13", 2222))));
    }

    @Test
    void refusesAQuietWindowLongerThanTheLongestDelay() {
        assertThrows(IllegalArgumentException.class, () -> new PairBatcher(Duration.ofSeconds(2), Duration.ofSeconds(1)));
    }
}
