package dev.scanflow.server.apply;

import dev.scanflow.report.ScanReport;
import dev.scanflow.server.intake.ReportRejected;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/**
 * Refuses, with 400 naming the field, a report whose times the server cannot take: a {@code scanStart}
 * further ahead of the server's clock than the allowed skew (it would freeze change tracking of its subnet
 * until that date, since times never move backwards), or a time outside what phpIPAM's TIMESTAMP columns
 * hold. Resending such a report can never help, so it must not be answered "send again".
 */
public class ReportTimes {

    /** MariaDB's TIMESTAMP range, with a day's margin either side for any session time zone. */
    static final Instant EARLIEST = Instant.parse("1970-01-02T00:00:00Z");
    static final Instant LATEST = Instant.parse("2038-01-18T00:00:00Z");

    private final Clock clock;
    private final Duration maxSkew;

    public ReportTimes(Clock clock, Duration maxSkew) {
        this.clock = clock;
        this.maxSkew = maxSkew;
    }

    public void check(ScanReport report) {
        inRange("scanStart", report.scanStart());
        inRange("scanEnd", report.scanEnd());
        Instant now = clock.instant();
        if (report.scanStart().isAfter(now.plus(maxSkew))) {
            throw ReportRejected.invalid("scanStart " + report.scanStart() + " is more than " + maxSkew.toSeconds()
                    + " s ahead of the server's clock (" + now + "); check the agent's clock"
                    + " (scanflow.server.max-clock-skew)");
        }
    }

    private static void inRange(String field, Instant value) {
        if (value.isBefore(EARLIEST) || value.isAfter(LATEST)) {
            throw ReportRejected.invalid(field + " " + value + " is outside the times the database can store ("
                    + EARLIEST + " to " + LATEST + ")");
        }
    }
}
