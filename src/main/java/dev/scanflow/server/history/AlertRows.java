package dev.scanflow.server.history;

import static dev.scanflow.server.history.Sql.fit;
import static dev.scanflow.server.history.Sql.setString;
import static dev.scanflow.server.history.Sql.setTime;
import static dev.scanflow.server.history.Sql.time;

import dev.scanflow.server.alert.Alert;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertKey;
import dev.scanflow.server.alert.AlertKind;
import dev.scanflow.server.alert.AlertStatus;
import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.SubnetKey;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** Reading and writing alerts rows, inside a transaction the caller holds. */
final class AlertRows {

    private static final int IN_LIST = 500;
    static final String COLUMNS = "a.id, a.traffic_pair, a.alert_key, a.kind, a.address, a.protocol, a.port, a.rule_name, a.severity,"
            + " a.status, a.message, a.opened_at, a.last_event_at, a.acknowledged_at, a.acknowledged_by, a.resolved_at,"
            + " a.resolved_by, a.resolution, a.times_opened, a.occurrences";

    private AlertRows() {
    }

    /** The stored alerts among {@code keys}, locked for this transaction. */
    static Map<AlertKey, Alert> lockByKeys(Connection connection, String alerts, long ref, SubnetKey subnet,
                                           Collection<AlertKey> keys) throws SQLException {
        Map<String, AlertKey> byThing = new LinkedHashMap<>();
        keys.forEach(key -> byThing.put(key.thing(), key));
        List<String> things = new ArrayList<>(byThing.keySet());
        Map<AlertKey, Alert> found = new HashMap<>();
        for (int from = 0; from < things.size(); from += IN_LIST) {
            List<String> part = things.subList(from, Math.min(things.size(), from + IN_LIST));
            String sql = "SELECT " + COLUMNS + " FROM " + alerts + " a WHERE a.subnet_ref = ? AND a.alert_key IN ("
                    + part.stream().map(x -> "?").collect(Collectors.joining(", ")) + ") FOR UPDATE";
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                statement.setLong(1, ref);
                for (int i = 0; i < part.size(); i++) {
                    statement.setString(i + 2, part.get(i));
                }
                try (ResultSet rows = statement.executeQuery()) {
                    while (rows.next()) {
                        Alert alert = read(rows, subnet);
                        found.put(alert.key(), alert);
                    }
                }
            }
        }
        return found;
    }

    /** The alert of a traffic test (pair), locked for this transaction; null when it has none yet. */
    static Alert lockTraffic(Connection connection, String alerts, String pair) throws SQLException {
        AlertKey key = AlertKey.traffic(pair);
        String sql = "SELECT " + COLUMNS + " FROM " + alerts + " a WHERE a.traffic_pair = ? AND a.alert_key = ? FOR UPDATE";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, pair);
            statement.setString(2, key.thing());
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? read(rows, null) : null;
            }
        }
    }

    /** One alert by id, locked for this transaction; null when there is none. */
    static Alert lockById(Connection connection, String alerts, String subnets, long id) throws SQLException {
        String sql = "SELECT " + COLUMNS + ", s.site, s.subnet_id FROM " + alerts + " a LEFT JOIN " + subnets
                + " s ON s.id = a.subnet_ref WHERE a.id = ? FOR UPDATE";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, id);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next() ? readJoined(rows) : null;
            }
        }
    }

    /** An alert selected with {@link #COLUMNS} and its tracked subnet's site and subnet_id (null for traffic alerts). */
    static Alert readJoined(ResultSet rows) throws SQLException {
        return read(rows, rows.getString("traffic_pair") != null ? null
                : new SubnetKey(rows.getString("site"), rows.getLong("subnet_id")));
    }

    static Alert read(ResultSet rows, SubnetKey subnet) throws SQLException {
        String pair = rows.getString("traffic_pair");
        String protocol = rows.getString("protocol");
        int port = protocol == null ? -1 : rows.getInt("port");
        AlertKey key = pair != null ? AlertKey.traffic(pair) : new AlertKey(subnet, AlertKind.parse(rows.getString("kind")),
                HostAddress.fromBytes(rows.getBytes("address")), protocol, port);
        String resolution = rows.getString("resolution");
        return new Alert(rows.getLong("id"), key, rows.getString("rule_name"), Severity.parse(rows.getString("severity")),
                AlertStatus.parse(rows.getString("status")), rows.getString("message"), time(rows, "opened_at"),
                time(rows, "last_event_at"), time(rows, "acknowledged_at"), rows.getString("acknowledged_by"),
                time(rows, "resolved_at"), rows.getString("resolved_by"),
                resolution == null ? null : Alert.Resolution.valueOf(resolution.toUpperCase(Locale.ROOT)),
                rows.getInt("times_opened"), rows.getInt("occurrences"));
    }

    /**
     * Writes the alerts after {@code events} (new ones inserted, known ones updated by id) and the events
     * themselves. Returns the events with every alert's id.
     *
     * @param ref the tracked subnet of new subnet alerts; unused when every alert has an id or is a traffic alert
     */
    static List<AlertEvent> store(Connection connection, String alerts, String events, long ref, List<AlertEvent> happened)
            throws SQLException {
        // the last state of each alert is what the row must hold; several events may touch one alert
        Map<AlertKey, Alert> last = new LinkedHashMap<>();
        happened.forEach(event -> last.put(event.alert().key(), event.alert()));
        List<Alert> inserts = last.values().stream().filter(alert -> alert.id() == null).toList();
        List<Alert> subnetInserts = inserts.stream().filter(alert -> !alert.key().isTraffic()).toList();
        List<Alert> updates = last.values().stream().filter(alert -> alert.id() != null).toList();
        Map<AlertKey, Long> ids = new HashMap<>();
        updates.forEach(alert -> ids.put(alert.key(), alert.id()));
        if (!inserts.isEmpty()) {
            String head = "INSERT INTO " + alerts + " (subnet_ref, traffic_pair, alert_key, kind, address, ip, protocol, port,"
                    + " rule_name, severity, status, message, opened_at, last_event_at, acknowledged_at, acknowledged_by,"
                    + " resolved_at, resolved_by, resolution, times_opened, occurrences) VALUES ";
            // a few hundred rows per statement (a first scan of a big subnet opens thousands of alerts)
            try (ValuesBatch batch = new ValuesBatch(connection, head,
                    "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", 21, "")) {
                for (Alert alert : inserts) {
                    batch.add((statement, first) -> {
                        AlertKey key = alert.key();
                        if (key.isTraffic()) {
                            statement.setNull(first, Types.INTEGER);
                            statement.setString(first + 1, key.pair());
                            statement.setNull(first + 4, Types.VARBINARY);
                            statement.setNull(first + 5, Types.VARCHAR);
                        } else {
                            statement.setLong(first, ref);
                            statement.setNull(first + 1, Types.VARCHAR);
                            statement.setBytes(first + 4, key.address().bytes());
                            statement.setString(first + 5, key.address().toString());
                        }
                        statement.setString(first + 2, key.thing());
                        statement.setString(first + 3, key.kind().label());
                        setString(statement, first + 6, key.protocol());
                        if (key.port() < 0) {
                            statement.setNull(first + 7, Types.INTEGER);
                        } else {
                            statement.setInt(first + 7, key.port());
                        }
                        fill(statement, first + 8, alert);
                    });
                }
                batch.flush();
            }
            for (Alert alert : inserts) {
                if (alert.key().isTraffic()) {
                    ids.put(alert.key(), lockTraffic(connection, alerts, alert.key().pair()).id());
                }
            }
            List<String> things = subnetInserts.stream().map(alert -> alert.key().thing()).toList();
            Map<String, AlertKey> byThing = new HashMap<>();
            subnetInserts.forEach(alert -> byThing.put(alert.key().thing(), alert.key()));
            for (int from = 0; from < things.size(); from += IN_LIST) {
                List<String> part = things.subList(from, Math.min(things.size(), from + IN_LIST));
                String sql2 = "SELECT id, alert_key FROM " + alerts + " WHERE subnet_ref = ? AND alert_key IN ("
                        + part.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")";
                try (PreparedStatement statement = connection.prepareStatement(sql2)) {
                    statement.setLong(1, ref);
                    for (int i = 0; i < part.size(); i++) {
                        statement.setString(i + 2, part.get(i));
                    }
                    try (ResultSet rows = statement.executeQuery()) {
                        while (rows.next()) {
                            ids.put(byThing.get(rows.getString("alert_key")), rows.getLong("id"));
                        }
                    }
                }
            }
        }
        if (!updates.isEmpty()) {
            String sql = "UPDATE " + alerts + " SET rule_name = ?, severity = ?, status = ?, message = ?, opened_at = ?,"
                    + " last_event_at = ?, acknowledged_at = ?, acknowledged_by = ?, resolved_at = ?, resolved_by = ?,"
                    + " resolution = ?, times_opened = ?, occurrences = ? WHERE id = ?";
            try (HistoryRepository.Batch batch = new HistoryRepository.Batch(connection.prepareStatement(sql))) {
                for (Alert alert : updates) {
                    PreparedStatement statement = batch.statement();
                    fill(statement, 1, alert);
                    statement.setLong(14, alert.id());
                    batch.add();
                }
                batch.flush();
            }
        }
        List<AlertEvent> stored = new ArrayList<>();
        String head = "INSERT INTO " + events + " (alert_id, event, at, status, scan_id, actor, note) VALUES ";
        try (ValuesBatch batch = new ValuesBatch(connection, head, "(?, ?, ?, ?, ?, ?, ?)", 7, "")) {
            for (AlertEvent event : happened) {
                long id = ids.get(event.alert().key());
                Alert alert = event.alert().id() == null ? event.alert().withId(id) : event.alert();
                batch.add((statement, first) -> {
                    statement.setLong(first, id);
                    statement.setString(first + 1, event.type().name().toLowerCase(Locale.ROOT));
                    setTime(statement, first + 2, event.at());
                    statement.setString(first + 3, alert.status().label());
                    setString(statement, first + 4, event.scanId() == null ? null : event.scanId().toString());
                    setString(statement, first + 5, fit(event.actor(), 128));
                    setString(statement, first + 6, fit(event.note(), 1024));
                });
                stored.add(new AlertEvent(event.type(), alert, event.at(), event.actor(), event.note(), event.scanId()));
            }
            batch.flush();
        }
        return stored;
    }

    /** rule_name .. occurrences: thirteen columns from {@code first}. */
    private static void fill(PreparedStatement statement, int first, Alert alert) throws SQLException {
        statement.setString(first, fit(alert.rule(), 255));
        statement.setString(first + 1, alert.severity().label());
        statement.setString(first + 2, alert.status().label());
        statement.setString(first + 3, fit(alert.message(), 1024));
        setTime(statement, first + 4, alert.openedAt());
        setTime(statement, first + 5, alert.lastEventAt());
        setTime(statement, first + 6, alert.acknowledgedAt());
        setString(statement, first + 7, fit(alert.acknowledgedBy(), 128));
        setTime(statement, first + 8, alert.resolvedAt());
        setString(statement, first + 9, fit(alert.resolvedBy(), 128));
        setString(statement, first + 10, alert.resolution() == null ? null : alert.resolution().name().toLowerCase(Locale.ROOT));
        statement.setInt(first + 11, alert.timesOpened());
        statement.setInt(first + 12, alert.occurrences());
    }
}
