package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.ScanReport;
import dev.scanflow.server.delta.ObservedChunk;
import dev.scanflow.server.delta.Reports;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Which chunk is guessed to complete its scan, so that it is not encoded to be kept: only the one whose scan
 * this server remembers every other chunk of. The rows decide in the end (ApplyPathIT, ApplyCrashIT).
 */
class PendingChunksGuessTest {

    private final PendingChunks pending = new PendingChunks("scanflow");
    private final UUID scan = UUID.randomUUID();

    @Test
    void theLastMissingChunkIsGuessedToComplete() {
        pending.remember(1, 2, ObservedChunk.of(chunk(0, 3)));
        assertFalse(pending.likelyCompletes(1, 2, chunk(1, 3)), "one of three remembered: the second does not complete");
        pending.remember(1, 2, ObservedChunk.of(chunk(2, 3)));
        assertTrue(pending.likelyCompletes(1, 2, chunk(1, 3)), "two of three remembered: the third completes");
    }

    @Test
    void aResentChunkDoesNotCountTwice() {
        pending.remember(1, 2, ObservedChunk.of(chunk(0, 3)));
        pending.remember(1, 2, ObservedChunk.of(chunk(1, 3)));
        assertFalse(pending.likelyCompletes(1, 2, chunk(1, 3)), "chunk 1 again leaves chunk 2 missing");
    }

    @Test
    void anotherSubnetOrAForgottenScanIsNotGuessed() {
        pending.remember(1, 2, ObservedChunk.of(chunk(0, 2)));
        assertFalse(pending.likelyCompletes(1, 3, chunk(1, 2)), "the other chunk was of another subnet");
        assertTrue(pending.likelyCompletes(1, 2, chunk(1, 2)));
        pending.forget(1, 2, scan);
        assertFalse(pending.likelyCompletes(1, 2, chunk(1, 2)), "nothing remembered after the scan was applied");
    }

    private ScanReport chunk(int index, int count) {
        return Reports.v2("10.0.0.0/16").chunk(scan, index, count).build();
    }
}
