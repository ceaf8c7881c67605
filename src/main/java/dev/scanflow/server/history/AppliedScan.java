package dev.scanflow.server.history;

import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * One observation as stored: which scan, of which subnet, how complete, how many changes, and the reports
 * it was made of. Its changes: {@link HistoryQueries#changesOfScan}.
 */
public record AppliedScan(UUID scanId, String site, long subnetId, long stateVersion, String profile, Instant scanStart,
                          Instant scanEnd, Instant appliedAt, int chunkCount, List<Integer> missingChunks,
                          boolean partial, int hostsReported, int changeCount, List<UUID> reportIds) {

    public AppliedScan {
        missingChunks = List.copyOf(missingChunks);
        reportIds = List.copyOf(reportIds);
    }
}
