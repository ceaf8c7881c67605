package dev.scanflow.server.events;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import javax.sql.DataSource;

/** The SSE stream's durable numbering (db/scanflow V300): an event is journalled before it is sent. */
public class EventJournal {

    /** One journalled event: its SSE id and its JSON. */
    public record Entry(long id, String json) {
    }

    private final DataSource dataSource;
    private final String table;
    private final Clock clock;

    public EventJournal(DataSource dataSource, String schema, Clock clock) {
        if (schema == null || !schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("ScanFlow schema name must match [A-Za-z0-9_]{1,64}: " + schema);
        }
        this.dataSource = dataSource;
        this.table = "`" + schema + "`.event_journal";
        this.clock = clock;
    }

    public long append(String json) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement insert = connection.prepareStatement(
                     "INSERT INTO " + table + " (published_at, body) VALUES (?, ?)", Statement.RETURN_GENERATED_KEYS)) {
            insert.setObject(1, LocalDateTime.ofInstant(clock.instant(), ZoneOffset.UTC));
            insert.setString(2, json);
            insert.executeUpdate();
            try (ResultSet keys = insert.getGeneratedKeys()) {
                keys.next();
                return keys.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("event journal: " + e.getMessage(), e);
        }
    }

    /** Up to {@code limit} entries after {@code afterId}, oldest first. */
    public List<Entry> after(long afterId, int limit) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(
                     "SELECT id, body FROM " + table + " WHERE id > ? ORDER BY id LIMIT ?")) {
            select.setLong(1, afterId);
            select.setInt(2, limit);
            List<Entry> entries = new ArrayList<>();
            try (ResultSet rows = select.executeQuery()) {
                while (rows.next()) {
                    entries.add(new Entry(rows.getLong(1), rows.getString(2)));
                }
            }
            return entries;
        } catch (SQLException e) {
            throw new IllegalStateException("event journal: " + e.getMessage(), e);
        }
    }

    public int prune(Duration retention) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement delete = connection.prepareStatement("DELETE FROM " + table + " WHERE published_at < ?")) {
            delete.setObject(1, LocalDateTime.ofInstant(clock.instant().minus(retention), ZoneOffset.UTC));
            return delete.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("event journal: " + e.getMessage(), e);
        }
    }
}
