package dev.scanflow.server.history;

import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertStatus;
import java.time.Instant;
import java.util.UUID;

/** One step of an alert's life as stored: what happened, when, the status after, and who or which scan. */
public record AlertEventRecord(long id, long alertId, AlertEvent.Type type, Instant at, AlertStatus status, UUID scanId,
                               String actor, String note) {
}
