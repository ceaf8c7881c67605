package dev.scanflow.server.phpipam;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * phpIPAM has no time zone of its own: PHP writes and reads local wall-clock time in its date.timezone.
 * Every timestamp ScanFlow writes is that wall-clock text, in the zone configured for phpIPAM.
 */
public record PhpipamClock(ZoneId zone, Clock clock) {

    private static final DateTimeFormatter FORMAT = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public String format(Instant instant) {
        return FORMAT.format(instant.atZone(zone));
    }

    public String now() {
        return format(clock.instant());
    }
}
