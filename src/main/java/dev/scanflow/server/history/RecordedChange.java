package dev.scanflow.server.history;

import dev.scanflow.server.delta.Change;
import java.time.Instant;
import java.util.UUID;

/**
 * A change as the change log holds it: where, when and by which scan, with its id (increasing in the order
 * changes were recorded) for paging and for live views that resume.
 */
public record RecordedChange(long id, String site, long subnetId, UUID scanId, Instant observedAt, Change change) {
}
