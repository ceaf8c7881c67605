package dev.scanflow.server.traffic;

import dev.scanflow.traffic.TrafficFigures;
import dev.scanflow.traffic.TrafficResult;
import dev.scanflow.traffic.TrafficTest;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.sql.DataSource;

/** Traffic test runs in ScanFlow's schema (traffic_tests, V200): asked for, then completed. Parameterized SQL only. */
public final class TrafficTestStore {

    private static final int QUERY_TIMEOUT_SECONDS = 10;

    private final DataSource dataSource;
    private final String table;

    public TrafficTestStore(DataSource dataSource, String schema) {
        if (!schema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("schema name: " + schema);
        }
        this.dataSource = dataSource;
        this.table = "`" + schema + "`.traffic_tests";
    }

    public void requested(String id, TrafficTest test, String by, Instant at) {
        update("INSERT INTO " + table + " (test_id, name, protocol, client_host, server_host, requested_by, status,"
                + " requested_at) VALUES (?, ?, ?, ?, ?, ?, 'running', ?)", id, test.name(),
                test.protocol().name().toLowerCase(Locale.ROOT), test.client().identity(), test.server().identity(), by,
                utc(at));
    }

    /** A run of a test an agent runs, queued as that agent's work (V401). */
    public void queued(String id, String name, String runBy, String by, Instant at) {
        update("INSERT INTO " + table + " (test_id, name, requested_by, run_by, status, requested_at)"
                + " VALUES (?, ?, ?, ?, 'queued', ?)", id, name, by, runBy, utc(at));
    }

    /** Whether a run of this test still waits for its agent. */
    public boolean isQueued(String name) {
        return !query("SELECT test_id FROM " + table + " WHERE name = ? AND status = 'queued' LIMIT 1", List.of(name)).isEmpty();
    }

    /** The agent's oldest queued run, now running (claimed in one transaction); null when none waits. */
    public Map<String, Object> claim(String agent, Instant at) {
        try (Connection c = dataSource.getConnection()) {
            c.setAutoCommit(false);
            try {
                Map<String, Object> next = null;
                try (PreparedStatement s = c.prepareStatement("SELECT test_id, name FROM " + table
                        + " WHERE run_by = ? AND status = 'queued' ORDER BY requested_at, test_id LIMIT 1 FOR UPDATE")) {
                    s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
                    s.setString(1, agent);
                    try (ResultSet rs = s.executeQuery()) {
                        if (rs.next()) {
                            next = new LinkedHashMap<>();
                            next.put("id", rs.getString("test_id"));
                            next.put("name", rs.getString("name"));
                        }
                    }
                }
                if (next != null) {
                    update(c, "UPDATE " + table + " SET status = 'running', started_at = ? WHERE test_id = ?", utc(at),
                            next.get("id"));
                }
                c.commit();
                return next;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new IllegalStateException("traffic_tests: " + e.getMessage(), e);
        }
    }

    /**
     * Stores a run's result on the caller's transaction; false when no run has that id or it is no longer
     * running (a result never overwrites another).
     */
    public boolean completed(Connection connection, TrafficResult r) throws SQLException {
        TrafficFigures f = r.figures();
        return update(connection, "UPDATE " + table + " SET status = ?, protocol = COALESCE(protocol, ?),"
                        + " client_host = COALESCE(client_host, ?), server_host = COALESCE(server_host, ?), started_at = ?, finished_at = ?, sent_bps = ?, received_bps = ?,"
                        + " retransmits = ?, jitter_ms = ?, lost_percent = ?, client_cpu_percent = ?, server_cpu_percent = ?,"
                        + " breaches = ?, failure = ?, error = ?, server_port = ?, cleaned_up = ? WHERE test_id = ? AND status = 'running'",
                r.status().name().toLowerCase(Locale.ROOT),
                r.protocol() == null ? null : r.protocol().name().toLowerCase(Locale.ROOT), r.clientHost(), r.serverHost(),
                utc(r.startedAt()), utc(r.finishedAt()),
                f == null ? null : f.sentBps(), f == null ? null : f.receivedBps(), f == null ? null : f.retransmits(),
                f == null ? null : f.jitterMs(), f == null ? null : f.lostPercent(),
                f == null ? null : f.clientCpuPercent(), f == null ? null : f.serverCpuPercent(),
                r.breaches().isEmpty() ? null : String.join("\n", r.breaches()),
                r.failure() == null ? null : r.failure().name().toLowerCase(Locale.ROOT), r.error(),
                r.serverPort() == 0 ? null : r.serverPort(), r.cleanedUp(), r.id()) == 1;
    }

    /** One run as a row (column name to value), or null. */
    public Map<String, Object> find(String id) {
        List<Map<String, Object>> rows = query("SELECT * FROM " + table + " WHERE test_id = ?", List.of(id));
        return rows.isEmpty() ? null : rows.get(0);
    }

    /**
     * Newest first, by (requested_at, test_id) keyset: {@code before} is the last row's cursor of the previous
     * page ("epochMillis:testId"), null for the first page.
     */
    public List<Map<String, Object>> list(String name, String status, Instant before, String beforeId, int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM " + table + " WHERE 1 = 1");
        List<Object> args = new ArrayList<>();
        if (name != null) {
            sql.append(" AND name = ?");
            args.add(name);
        }
        if (status != null) {
            sql.append(" AND status = ?");
            args.add(status);
        }
        if (before != null) {
            sql.append(" AND (requested_at < ? OR (requested_at = ? AND test_id < ?))");
            args.add(utc(before));
            args.add(utc(before));
            args.add(beforeId);
        }
        sql.append(" ORDER BY requested_at DESC, test_id DESC LIMIT ?");
        args.add(limit);
        return query(sql.toString(), args);
    }

    /** Stored as UTC wall time, like the rest of ScanFlow's schema (DATETIME has no zone). */
    private static java.time.LocalDateTime utc(Instant instant) {
        return instant == null ? null : java.time.LocalDateTime.ofInstant(instant, java.time.ZoneOffset.UTC);
    }

    private void update(String sql, Object... args) {
        try (Connection c = dataSource.getConnection()) {
            update(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException("traffic_tests: " + e.getMessage(), e);
        }
    }

    private static int update(Connection c, String sql, Object... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            bind(s, java.util.Arrays.asList(args));
            return s.executeUpdate();
        }
    }

    private List<Map<String, Object>> query(String sql, List<Object> args) {
        try (Connection c = dataSource.getConnection(); PreparedStatement s = c.prepareStatement(sql)) {
            s.setQueryTimeout(QUERY_TIMEOUT_SECONDS);
            bind(s, args);
            List<Map<String, Object>> rows = new ArrayList<>();
            try (ResultSet rs = s.executeQuery()) {
                int columns = rs.getMetaData().getColumnCount();
                while (rs.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= columns; i++) {
                        Object value = rs.getObject(i);
                        if (value instanceof Timestamp t) {
                            value = t.toLocalDateTime().toInstant(java.time.ZoneOffset.UTC).toString();
                        } else if (value instanceof java.time.LocalDateTime t) {
                            value = t.toInstant(java.time.ZoneOffset.UTC).toString();
                        }
                        row.put(rs.getMetaData().getColumnLabel(i), value);
                    }
                    rows.add(row);
                }
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException("traffic_tests: " + e.getMessage(), e);
        }
    }

    private static void bind(PreparedStatement s, List<Object> args) throws SQLException {
        for (int i = 0; i < args.size(); i++) {
            Object a = args.get(i);
            if (a == null) {
                s.setNull(i + 1, Types.NULL);
            } else {
                s.setObject(i + 1, a);
            }
        }
    }
}
