package dev.scanflow.server.api;

import dev.scanflow.server.alert.Alert;
import dev.scanflow.server.alert.AlertKey;
import dev.scanflow.server.history.AlertEventRecord;
import java.time.Instant;
import java.util.Locale;
import java.util.UUID;

/**
 * An alert as the API shows it: flat, with the lower-case words the query parameters take (status "open",
 * severity "high", kind "port"); {@code protocol} and {@code port} only for port alerts. A traffic alert
 * (kind "traffic") names its {@code pair} (the traffic test) and has no site, subnet or address.
 */
public record AlertView(long id, String site, Long subnetId, String pair, String kind, String address, String protocol, Integer port,
                        String rule, String severity, String status, String message, Instant openedAt,
                        Instant lastEventAt, Instant acknowledgedAt, String acknowledgedBy, Instant resolvedAt,
                        String resolvedBy, String resolution, int timesOpened, int occurrences) {

    public static AlertView of(Alert alert) {
        AlertKey key = alert.key();
        return new AlertView(alert.id(), key.subnet() == null ? null : key.subnet().site(),
                key.subnet() == null ? null : key.subnet().subnetId(), key.pair(), key.kind().label(),
                key.address() == null ? null : key.address().toString(), alert.key().protocol(), alert.key().port() < 0 ? null : alert.key().port(),
                alert.rule(), alert.severity().label(), alert.status().label(), alert.message(), alert.openedAt(),
                alert.lastEventAt(), alert.acknowledgedAt(), alert.acknowledgedBy(), alert.resolvedAt(), alert.resolvedBy(),
                alert.resolution() == null ? null : alert.resolution().name().toLowerCase(Locale.ROOT), alert.timesOpened(),
                alert.occurrences());
    }

    /** One step of an alert's life: "opened", "acknowledged", "auto_resolved", ...; the status after it. */
    public record Event(long id, String type, Instant at, String status, UUID scanId, String actor, String note) {

        public static Event of(AlertEventRecord record) {
            return new Event(record.id(), record.type().name().toLowerCase(Locale.ROOT), record.at(), record.status().label(),
                    record.scanId(), record.actor(), record.note());
        }
    }

    /** An alert with its whole life, oldest step first. */
    public record Detail(AlertView alert, java.util.List<Event> events) {
    }
}
