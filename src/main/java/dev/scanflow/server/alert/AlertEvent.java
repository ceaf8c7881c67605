package dev.scanflow.server.alert;

import java.time.Instant;
import java.util.UUID;

/**
 * Something that happened to an alert: what the server publishes and the alert's history records.
 *
 * @param alert  the alert as it is after the event
 * @param actor  who acknowledged or resolved it; null for what a scan did
 * @param scanId the scan that caused it; null for what a person did
 */
public record AlertEvent(Type type, Alert alert, Instant at, String actor, String note, UUID scanId) {

    public enum Type {
        OPENED,
        /** a resolved alert whose thing came back: the same alert, open again */
        REOPENED,
        /** its thing happened again while it was open or acknowledged: message and count updated */
        UPDATED,
        ACKNOWLEDGED,
        RESOLVED,
        /** its port was seen closed on the same (site, subnet) */
        AUTO_RESOLVED
    }
}
