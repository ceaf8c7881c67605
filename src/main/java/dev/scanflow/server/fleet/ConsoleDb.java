package dev.scanflow.server.fleet;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import javax.sql.DataSource;

/** Small JDBC helpers for the console's tables in ScanFlow's schema: UTC times, the schema name checked once. */
public final class ConsoleDb {

    private ConsoleDb() {
    }

    public static String table(String schema, String name) {
        if (schema == null || !schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("ScanFlow schema name must match [A-Za-z0-9_]{1,64}: " + schema);
        }
        return "`" + schema + "`." + name;
    }

    public static void setTime(PreparedStatement statement, int index, Instant instant) throws SQLException {
        if (instant == null) {
            statement.setNull(index, Types.TIMESTAMP);
        } else {
            statement.setObject(index, LocalDateTime.ofInstant(instant, ZoneOffset.UTC));
        }
    }

    public static Instant time(ResultSet rows, String column) throws SQLException {
        LocalDateTime value = rows.getObject(column, LocalDateTime.class);
        return value == null ? null : value.toInstant(ZoneOffset.UTC);
    }

    /** Binds the values in order; an Instant as a UTC TIMESTAMP. */
    public static void bind(PreparedStatement statement, Object... values) throws SQLException {
        for (int i = 0; i < values.length; i++) {
            if (values[i] instanceof Instant instant) {
                setTime(statement, i + 1, instant);
            } else {
                statement.setObject(i + 1, values[i]);
            }
        }
    }

    /** One statement on its own connection (autocommit): the rows it changed. {@code what} names the table for errors. */
    public static int update(DataSource dataSource, String what, String sql, Object... values) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement update = connection.prepareStatement(sql)) {
            bind(update, values);
            return update.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    /** A {@code SELECT COUNT(*)} on its own connection. */
    public static long count(DataSource dataSource, String what, String sql, Object... values) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement select = connection.prepareStatement(sql)) {
            bind(select, values);
            try (ResultSet rows = select.executeQuery()) {
                rows.next();
                return rows.getLong(1);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(what + ": " + e.getMessage(), e);
        }
    }

    public static String fit(String value, int length) {
        return value == null || value.length() <= length ? value : value.substring(0, length);
    }
}
