package dev.scanflow.agent.phpipam;

import java.time.Clock;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.function.Supplier;

/**
 * The phpIPAM user token the agent holds for the user-token modes: obtained on first use, renewed
 * {@code renewBefore} ahead of the {@code expires} phpIPAM gave, and forgotten when phpIPAM refuses it.
 * Its value never leaves this class but as the request header; {@link Issued#toString()} hides it.
 */
final class UserToken {

    private static final DateTimeFormatter PHP_DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");
    /** Renewal when phpIPAM's expires cannot be read or lies in the past (a time zone set wrong). */
    private static final Duration FALLBACK_RENEWAL = Duration.ofSeconds(30);

    record Issued(String token, Instant expires) {

        @Override
        public String toString() {
            return "UserToken[****, expires " + expires + "]";
        }
    }

    private final Duration renewBefore;
    private final Clock clock;
    private Issued current;
    private Instant renewAt;

    UserToken(Duration renewBefore, Clock clock) {
        this.renewBefore = renewBefore;
        this.clock = clock;
    }

    /** The token to send now, logging in first when there is none or it is due for renewal. */
    synchronized Issued current(Supplier<Issued> login) {
        Instant now = clock.instant();
        if (current == null || !now.isBefore(renewAt)) {
            current = login.get();
            renewAt = renewalTime(current.expires(), now);
        }
        return current;
    }

    /** phpIPAM refused this token: the next request logs in again (unless another thread already did). */
    synchronized void forget(Issued refused) {
        if (current == refused) {
            current = null;
        }
    }

    private Instant renewalTime(Instant expires, Instant now) {
        if (expires == null || !expires.isAfter(now)) {
            return now.plus(FALLBACK_RENEWAL);
        }
        Instant planned = expires.minus(renewBefore);
        // a lifetime shorter than renewBefore: halfway, rather than logging in for every request
        return planned.isAfter(now) ? planned : now.plus(Duration.between(now, expires).dividedBy(2));
    }

    /** phpIPAM's "2026-11-30 21:00:00" in its PHP time zone; null when it says nothing readable. */
    static Instant parseExpires(String expires, ZoneId zone) {
        if (expires == null) {
            return null;
        }
        try {
            return LocalDateTime.parse(expires.strip(), PHP_DATE).atZone(zone).toInstant();
        } catch (DateTimeException e) {
            return null;
        }
    }
}
