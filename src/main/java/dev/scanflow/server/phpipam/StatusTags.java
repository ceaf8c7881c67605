package dev.scanflow.server.phpipam;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.HashSet;
import java.util.OptionalInt;
import java.util.Set;

/**
 * phpIPAM's status tags, as its pingCheck sets them (docs/phpipam.md §2.3 step 6): only when
 * settings.updateTags=1 and the address's current tag has ipTags.updateTag=1; Offline after pingStatus's
 * offline seconds without being seen; Offline back to Used when seen; never Reserved to Offline; an address
 * never seen is never re-tagged.
 */
public record StatusTags(boolean enabled, Duration offlineAfter, Set<Integer> updatableTags) {

    static final int OFFLINE = 1;
    static final int USED = 2;
    static final int RESERVED = 3;
    private static final Set<String> NEVER_SEEN = Set.of("0000-00-00 00:00:00", "1970-01-01 00:00:01", "1970-01-01 01:00:00");
    private static final DateTimeFormatter PHPIPAM_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    public static StatusTags read(Connection connection) throws SQLException {
        boolean enabled = false;
        Duration offlineAfter = Duration.ofSeconds(3600);
        try (PreparedStatement statement = connection.prepareStatement("SELECT updateTags, pingStatus FROM settings WHERE id = 1");
             ResultSet rows = statement.executeQuery()) {
            if (rows.next()) {
                enabled = rows.getInt("updateTags") == 1;
                offlineAfter = offlineAfter(rows.getString("pingStatus"), offlineAfter);
            }
        }
        Set<Integer> updatable = new HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM ipTags WHERE updateTag = 1");
             ResultSet rows = statement.executeQuery()) {
            while (rows.next()) {
                updatable.add(rows.getInt("id"));
            }
        }
        return new StatusTags(enabled, offlineAfter, Set.copyOf(updatable));
    }

    /** pingStatus is "warning;offline" in seconds; the second decides Offline. */
    static Duration offlineAfter(String pingStatus, Duration fallback) {
        if (pingStatus == null) {
            return fallback;
        }
        String[] parts = pingStatus.split(";");
        try {
            return parts.length == 2 ? Duration.ofSeconds(Long.parseLong(parts[1].strip())) : fallback;
        } catch (NumberFormatException e) {
            return fallback;
        }
    }

    /** The tag for an address the scan saw, if it changes. */
    public OptionalInt whenSeen(int state) {
        return enabled && state == OFFLINE && updatableTags.contains(state) ? OptionalInt.of(USED) : OptionalInt.empty();
    }

    /**
     * The tag for an address a complete scan covered and did not see, if it changes.
     *
     * @param lastSeen phpIPAM's lastSeen text (its local time), or null
     * @param scanTime the scan's time in the same local time
     */
    public OptionalInt whenMissed(int state, String lastSeen, LocalDateTime scanTime) {
        if (!enabled || state == OFFLINE || state == RESERVED || !updatableTags.contains(state)
                || lastSeen == null || NEVER_SEEN.contains(lastSeen)) {
            return OptionalInt.empty();
        }
        try {
            LocalDateTime seen = LocalDateTime.parse(lastSeen.length() > 19 ? lastSeen.substring(0, 19) : lastSeen, PHPIPAM_TIME);
            return seen.plus(offlineAfter).isBefore(scanTime) ? OptionalInt.of(OFFLINE) : OptionalInt.empty();
        } catch (DateTimeParseException e) {
            return OptionalInt.empty();
        }
    }
}
