package dev.scanflow.server.alert;

import java.time.Instant;
import java.util.Objects;

/**
 * One alert and where it is in its life: open → acknowledged → resolved, reopened in place when its thing
 * comes back. {@code id} is null until the history has stored it.
 *
 * @param rule        the rule that raised it, in words ("critical port tcp/23 telnet", "blocked in dmz")
 * @param timesOpened 1, plus one per reopening
 * @param occurrences how often its thing happened while it existed (a MAC changing twice, say)
 * @param resolution  how it was resolved, null while active
 */
public record Alert(Long id, AlertKey key, String rule, Severity severity, AlertStatus status, String message,
                    Instant openedAt, Instant lastEventAt, Instant acknowledgedAt, String acknowledgedBy,
                    Instant resolvedAt, String resolvedBy, Resolution resolution, int timesOpened, int occurrences) {

    /** How an alert came to be resolved. */
    public enum Resolution {
        /** its port was seen closed on the same (site, subnet) */
        AUTO,
        /** a person resolved it */
        MANUAL
    }

    public Alert {
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(status, "status");
        Objects.requireNonNull(severity, "severity");
    }

    static Alert opened(AlertKey key, String rule, Severity severity, String message, Instant at) {
        return new Alert(null, key, rule, severity, AlertStatus.OPEN, message, at, at, null, null, null, null, null, 1, 1);
    }

    Alert reopened(String newRule, Severity newSeverity, String newMessage, Instant at) {
        return new Alert(id, key, newRule, newSeverity, AlertStatus.OPEN, newMessage, at, at, null, null, null, null, null,
                timesOpened + 1, occurrences + 1);
    }

    Alert recurred(String newMessage, Instant at) {
        return new Alert(id, key, rule, severity, status, newMessage, openedAt, at, acknowledgedAt, acknowledgedBy,
                resolvedAt, resolvedBy, resolution, timesOpened, occurrences + 1);
    }

    Alert acknowledged(String actor, Instant at) {
        return new Alert(id, key, rule, severity, AlertStatus.ACKNOWLEDGED, message, openedAt, at, at, actor, null, null,
                null, timesOpened, occurrences);
    }

    Alert resolved(Resolution how, String actor, Instant at) {
        return new Alert(id, key, rule, severity, AlertStatus.RESOLVED, message, openedAt, at, acknowledgedAt,
                acknowledgedBy, at, actor, how, timesOpened, occurrences);
    }

    public Alert withId(long storedId) {
        return new Alert(storedId, key, rule, severity, status, message, openedAt, lastEventAt, acknowledgedAt,
                acknowledgedBy, resolvedAt, resolvedBy, resolution, timesOpened, occurrences);
    }
}
