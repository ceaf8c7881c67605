package dev.scanflow.server.apply;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.report.ScanReport;
import dev.scanflow.server.delta.ObservedChunk;
import dev.scanflow.server.delta.Reports;
import dev.scanflow.server.store.ScanflowSchema;
import dev.scanflow.testing.TestPhpipam;
import java.sql.Connection;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * What a server remembers of waiting chunks follows the rows on a real MariaDB: a scan another server completed
 * (its rows gone) is forgotten, a scan still waiting is kept.
 */
class PendingChunksMemoryIT {

    @Test
    void aScanWhoseRowsAreGoneIsForgottenOneStillWaitingIsNot() throws Exception {
        try (TestPhpipam phpipam = TestPhpipam.create()) {
            ScanflowSchema.migrate(phpipam.admin(), phpipam.scanflowSchema);
            PendingChunks pending = new PendingChunks(phpipam.scanflowSchema);
            UUID completedElsewhere = UUID.randomUUID();
            UUID stillWaiting = UUID.randomUUID();
            pending.remember(1, 2, ObservedChunk.of(chunk(completedElsewhere, 0)));
            pending.remember(1, 2, ObservedChunk.of(chunk(stillWaiting, 0)));
            // the row of the scan still waiting; the other scan's row was deleted by the server that completed it
            phpipam.execute("INSERT INTO " + phpipam.scanflowSchema + ".pending_chunks (agent_id, subnet_id, scan_id,"
                    + " chunk_index, chunk_count, report_id, received_at, report) VALUES (1, 2, ?, 0, 2, ?, NOW(3), ?)",
                    stillWaiting.toString(), UUID.randomUUID().toString(), pending.encode(ObservedChunk.of(chunk(stillWaiting, 0))));
            assertTrue(pending.likelyCompletes(1, 2, chunk(completedElsewhere, 1)), "remembered before the sweep");
            try (Connection connection = phpipam.admin().getConnection()) {
                pending.forgetAllBut(pending.waiting(connection));
            }
            assertFalse(pending.likelyCompletes(1, 2, chunk(completedElsewhere, 1)), "forgotten: its rows are gone");
            assertTrue(pending.likelyCompletes(1, 2, chunk(stillWaiting, 1)), "kept: its row is still there");
        }
    }

    private static ScanReport chunk(UUID scan, int index) {
        return Reports.v2("10.0.0.0/16").chunk(scan, index, 2).build();
    }
}
