package dev.scanflow.server.history;

import static dev.scanflow.server.history.Sql.setTime;
import static dev.scanflow.server.history.Sql.time;

import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.alert.Alert;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertStatus;
import dev.scanflow.server.alert.Severity;
import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.ChangeType;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.phpipam.Vlan;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * What the REST API reads from the history: tracked subnets, hosts and their history, the change log
 * (by subnet, address, time range and type, paged by cursor), scans and alerts. Read-only, parameterized.
 * A malformed cursor or limit is an {@link IllegalArgumentException} (the API answers 400).
 */
public final class HistoryQueries {

    private final DataSource dataSource;
    private final String schema;

    public HistoryQueries(DataSource dataSource, String scanflowSchema) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Sql.requireSchema(scanflowSchema);
    }

    private String t(String table) {
        return Sql.table(schema, table);
    }

    /** A statement with the parameters collected while its text is built. */
    private static final class Query {
        private final StringBuilder sql = new StringBuilder();
        private final List<Object> values = new ArrayList<>();

        Query sql(String text, Object... parameters) {
            sql.append(text);
            values.addAll(Arrays.asList(parameters));
            return this;
        }

        PreparedStatement prepare(Connection connection) throws SQLException {
            PreparedStatement statement = connection.prepareStatement(sql.toString());
            for (int i = 0; i < values.size(); i++) {
                Object value = values.get(i);
                if (value instanceof Instant instant) {
                    setTime(statement, i + 1, instant);
                } else {
                    statement.setObject(i + 1, value);
                }
            }
            return statement;
        }
    }

    private interface Reader<T> {
        T read(ResultSet rows) throws SQLException;
    }

    private <T> List<T> list(String what, Query query, Reader<T> reader) {
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = query.prepare(connection);
             ResultSet rows = statement.executeQuery()) {
            List<T> items = new ArrayList<>();
            while (rows.next()) {
                items.add(reader.read(rows));
            }
            return items;
        } catch (SQLException e) {
            throw new HistoryUnavailable("reading " + what, e);
        }
    }

    // --- subnets ---------------------------------------------------------------------------------------

    /** Every tracked (site, subnet), of one site when {@code site} is not null. */
    public List<SubnetView> subnets(String site) {
        return subnets(site, null);
    }

    /**
     * Every tracked (site, subnet), of one site when {@code site} is not null, on phpIPAM VLAN number {@code vlan}
     * when it is not null; each with its phpIPAM VLAN (read from phpIPAM now, not from when it was scanned).
     */
    public List<SubnetView> subnets(String site, Integer vlan) {
        Query query = new Query().sql("SELECT s.site, s.subnet_id, s.cidr, pv.number AS vlan_number, pv.name AS vlan_name,"
                + " s.version, s.last_scan_id, s.last_scan_start, s.updated_at,"
                // kept with the state (db/scanflow V502): counting them here read a million rows per call
                + " s.hosts_up, s.hosts_gone, s.open_ports,"
                + " (SELECT COUNT(*) FROM " + t("alerts") + " a WHERE a.subnet_ref = s.id AND a.status <> 'resolved') AS active_alerts"
                + " FROM " + t("tracked_subnets") + " s" + Vlan.joinBySubnetId("s.subnet_id", "ps", "pv") + " WHERE 1 = 1");
        if (site != null) {
            query.sql(" AND s.site = ?", site);
        }
        if (vlan != null) {
            query.sql(" AND pv.number = ?", vlan);
        }
        query.sql(" ORDER BY s.site, s.subnet_id");
        return list("subnets", query, rows -> {
            String scan = rows.getString("last_scan_id");
            return new SubnetView(rows.getString("site"), rows.getLong("subnet_id"), rows.getString("cidr"),
                    Vlan.read(rows, "vlan_number", "vlan_name"), rows.getLong("version"), scan == null ? null : UUID.fromString(scan), time(rows, "last_scan_start"),
                    time(rows, "updated_at"), rows.getLong("hosts_up"), rows.getLong("hosts_gone"),
                    rows.getLong("open_ports"), rows.getLong("active_alerts"));
        });
    }

    public Optional<SubnetView> subnet(String site, long subnetId) {
        return subnets(site).stream().filter(view -> view.subnetId() == subnetId).findFirst();
    }

    // --- hosts -----------------------------------------------------------------------------------------

    /** From hosts_seen (db/scanflow V109), where a host's last_seen and times_seen are derived from its run of sightings. */
    private static final String HOST_COLUMNS = "s.site, s.subnet_id, h.address, h.status, h.misses, h.mac, h.mac_vendor,"
            + " h.hostname, h.first_seen, h.last_seen, h.times_seen, h.status_since,"
            + " (SELECT COUNT(*) FROM %s p WHERE p.subnet_ref = h.subnet_ref AND p.address = h.address"
            + " AND p.status = 'open') AS open_ports";

    private static HostView host(ResultSet rows) throws SQLException {
        return new HostView(rows.getString("site"), rows.getLong("subnet_id"), HostAddress.fromBytes(rows.getBytes("address")),
                rows.getString("status"), rows.getInt("misses"), rows.getString("mac"), rows.getString("mac_vendor"),
                rows.getString("hostname"), time(rows, "first_seen"), time(rows, "last_seen"), rows.getLong("times_seen"),
                time(rows, "status_since"), rows.getInt("open_ports"));
    }

    /**
     * The hosts of one (site, subnet) in address order, "up" or "gone" ones only when {@code status} says so.
     */
    public Page<HostView> hosts(String site, long subnetId, String status, String after, int limit) {
        Page.checkLimit(limit);
        Query query = new Query().sql("SELECT " + String.format(HOST_COLUMNS, t("port_state")) + " FROM " + t("hosts_seen")
                + " h JOIN " + t("tracked_subnets") + " s ON s.id = h.subnet_ref WHERE s.site = ? AND s.subnet_id = ?", site, subnetId);
        if (status != null) {
            if (!status.equals("up") && !status.equals("gone")) {
                throw new IllegalArgumentException("status must be up or gone, not " + status);
            }
            query.sql(" AND h.status = ?", status);
        }
        if (after != null) {
            query.sql(" AND h.address > ?", addressCursor(after));
        }
        query.sql(" ORDER BY h.address LIMIT ?", limit + 1);
        List<HostView> hosts = list("hosts", query, HistoryQueries::host);
        return page(hosts, limit, last -> HexFormat.of().formatHex(last.address().bytes()));
    }

    private static byte[] addressCursor(String cursor) {
        try {
            byte[] bytes = HexFormat.of().parseHex(cursor);
            if (bytes.length != 4 && bytes.length != 16) {
                throw new IllegalArgumentException();
            }
            return bytes;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("malformed cursor '" + cursor + "'");
        }
    }

    /** One host with every port ever open on it, its MACs and names over time and its services over time. */
    public Optional<HostHistory> host(String site, long subnetId, HostAddress address) {
        byte[] bytes = address.bytes();
        List<HostView> found = list("host " + address, new Query().sql("SELECT "
                + String.format(HOST_COLUMNS, t("port_state")) + " FROM " + t("hosts_seen") + " h JOIN " + t("tracked_subnets")
                + " s ON s.id = h.subnet_ref WHERE s.site = ? AND s.subnet_id = ? AND h.address = ?", site, subnetId, bytes),
                HistoryQueries::host);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        String ref = "(SELECT id FROM " + t("tracked_subnets") + " WHERE site = ? AND subnet_id = ?)";
        List<PortView> ports = list("ports of " + address, new Query().sql("SELECT protocol, port, status, misses,"
                + " service_name, service_product, service_version, service_extra_info, service_tunnel, service_cpes,"
                + " first_seen, last_seen, times_seen, status_since FROM " + t("port_state") + " WHERE subnet_ref = " + ref
                + " AND address = ? ORDER BY protocol, port", site, subnetId, bytes), rows -> new PortView(
                rows.getString("protocol"), rows.getInt("port"), rows.getString("status"), rows.getInt("misses"),
                service(rows, "service_"), time(rows, "first_seen"), time(rows, "last_seen"), rows.getLong("times_seen"),
                time(rows, "status_since")));
        List<HostHistory.IdentityPeriod> identities = list("identities of " + address, new Query().sql(
                "SELECT kind, value, valid_from, valid_until FROM " + t("host_identity_history") + " WHERE subnet_ref = " + ref
                        + " AND address = ? ORDER BY kind, valid_from, id", site, subnetId, bytes),
                rows -> new HostHistory.IdentityPeriod(rows.getString("kind"), rows.getString("value"),
                        time(rows, "valid_from"), time(rows, "valid_until")));
        List<HostHistory.ServicePeriod> services = list("services of " + address, new Query().sql(
                "SELECT protocol, port, name, product, version, extra_info, tunnel, cpes, valid_from, valid_until FROM "
                        + t("port_service_history") + " WHERE subnet_ref = " + ref + " AND address = ?"
                        + " ORDER BY protocol, port, valid_from, id", site, subnetId, bytes),
                rows -> new HostHistory.ServicePeriod(rows.getString("protocol"), rows.getInt("port"), service(rows, ""),
                        time(rows, "valid_from"), time(rows, "valid_until")));
        return Optional.of(new HostHistory(found.get(0), ports, identities, services));
    }

    private static Service service(ResultSet rows, String prefix) throws SQLException {
        String name = rows.getString(prefix + "name");
        String product = rows.getString(prefix + "product");
        String version = rows.getString(prefix + "version");
        String extra = rows.getString(prefix + "extra_info");
        String tunnel = rows.getString(prefix + "tunnel");
        String cpes = rows.getString(prefix + "cpes");
        if (name == null && product == null && version == null && extra == null && tunnel == null && cpes == null) {
            return null;
        }
        return new Service(name, product, version, extra, tunnel, Sql.strings(cpes));
    }

    // --- changes ---------------------------------------------------------------------------------------

    private static final String CHANGE_COLUMNS = "c.id, c.scan_id, c.observed_at, c.change_type, c.detail, s.site, s.subnet_id";

    private static RecordedChange change(ResultSet rows) throws SQLException {
        ChangeType type = ChangeType.valueOf(rows.getString("change_type"));
        Class<? extends Change> shape = switch (type) {
            case HOST_NEW, HOST_RETURNED -> Change.HostUp.class;
            case HOST_GONE -> Change.HostGone.class;
            case MAC_CHANGED -> Change.MacChanged.class;
            case HOSTNAME_CHANGED -> Change.HostnameChanged.class;
            case PORT_OPENED -> Change.PortOpened.class;
            case PORT_CLOSED -> Change.PortClosed.class;
            case SERVICE_CHANGED -> Change.ServiceChanged.class;
        };
        return new RecordedChange(rows.getLong("id"), rows.getString("site"), rows.getLong("subnet_id"),
                UUID.fromString(rows.getString("scan_id")), time(rows, "observed_at"),
                Sql.fromJson(rows.getString("detail"), shape));
    }

    /** A page of the change log. */
    public Page<RecordedChange> changes(ChangeQuery request) {
        Query query = new Query().sql("SELECT " + CHANGE_COLUMNS + " FROM " + t("change_log") + " c JOIN "
                + t("tracked_subnets") + " s ON s.id = c.subnet_ref WHERE 1 = 1");
        if (request.site() != null) {
            query.sql(" AND s.site = ?", request.site());
        }
        if (request.subnetId() != null) {
            query.sql(" AND s.subnet_id = ?", request.subnetId());
        }
        if (request.vlan() != null) {
            query.sql(" AND s.subnet_id IN (" + Vlan.SUBNETS_ON_NUMBER + ")", request.vlan());
        }
        if (request.address() != null) {
            query.sql(" AND c.address = ?", (Object) request.address().bytes());
        }
        if (request.from() != null) {
            query.sql(" AND c.observed_at >= ?", request.from());
        }
        if (request.until() != null) {
            query.sql(" AND c.observed_at < ?", request.until());
        }
        if (!request.types().isEmpty()) {
            List<String> types = request.types().stream().map(Enum::name).sorted().toList();
            query.sql(" AND c.change_type IN (" + types.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")",
                    types.toArray());
        }
        String direction = request.newestFirst() ? "DESC" : "ASC";
        String beyond = request.newestFirst() ? "<" : ">";
        if (request.after() != null) {
            ChangeCursor cursor = ChangeCursor.parse(request.after());
            query.sql(" AND (c.observed_at " + beyond + " ? OR (c.observed_at = ? AND c.id " + beyond + " ?))",
                    cursor.observedAt(), cursor.observedAt(), cursor.id());
        }
        query.sql(" ORDER BY c.observed_at " + direction + ", c.id " + direction + " LIMIT ?", request.limit() + 1);
        List<RecordedChange> changes = list("changes", query, HistoryQueries::change);
        return page(changes, request.limit(), last -> new ChangeCursor(last.observedAt(), last.id()).token());
    }

    /** Every change one scan made, in the order the engine emitted them: what a scan-to-scan export shows. */
    public List<RecordedChange> changesOfScan(UUID scanId) {
        return list("changes of scan " + scanId, new Query().sql("SELECT " + CHANGE_COLUMNS + " FROM " + t("change_log")
                + " c JOIN " + t("tracked_subnets") + " s ON s.id = c.subnet_ref WHERE c.scan_id = ? ORDER BY c.id",
                scanId.toString()), HistoryQueries::change);
    }

    /** Where a page of changes ended: observation time and id. */
    record ChangeCursor(Instant observedAt, long id) {

        String token() {
            return observedAt.toEpochMilli() + "-" + id;
        }

        static ChangeCursor parse(String token) {
            int dash = token.indexOf('-', 1);
            try {
                return new ChangeCursor(Instant.ofEpochMilli(Long.parseLong(token.substring(0, dash))),
                        Long.parseLong(token.substring(dash + 1)));
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("malformed cursor '" + token + "'");
            }
        }
    }

    // --- scans -----------------------------------------------------------------------------------------

    public Optional<AppliedScan> scan(UUID scanId) {
        List<UUID> reports = list("reports of scan " + scanId, new Query().sql("SELECT report_id FROM "
                + t("applied_scan_reports") + " WHERE scan_id = ? ORDER BY report_id", scanId.toString()),
                rows -> UUID.fromString(rows.getString("report_id")));
        List<AppliedScan> scans = list("scan " + scanId, new Query().sql("SELECT a.*, s.site, s.subnet_id FROM "
                + t("applied_scans") + " a JOIN " + t("tracked_subnets") + " s ON s.id = a.subnet_ref WHERE a.scan_id = ?",
                scanId.toString()), rows -> {
                    String missing = rows.getString("missing_chunks");
                    return new AppliedScan(scanId, rows.getString("site"), rows.getLong("subnet_id"),
                            rows.getLong("state_version"), rows.getString("profile"), time(rows, "scan_start"),
                            time(rows, "scan_end"), time(rows, "applied_at"), rows.getInt("chunk_count"),
                            missing == null ? List.of() : Arrays.stream(missing.split(",")).map(Integer::valueOf).toList(),
                            rows.getBoolean("is_partial"), rows.getInt("hosts_reported"), rows.getInt("change_count"), reports);
                });
        return scans.stream().findFirst();
    }

    // --- alerts ----------------------------------------------------------------------------------------

    /** A page of alerts, newest first. */
    public Page<Alert> alerts(AlertQuery request) {
        Query query = new Query().sql("SELECT " + AlertRows.COLUMNS + ", s.site, s.subnet_id FROM " + t("alerts") + " a LEFT JOIN "
                + t("tracked_subnets") + " s ON s.id = a.subnet_ref WHERE 1 = 1");
        if (request.site() != null) {
            query.sql(" AND s.site = ?", request.site());
        }
        if (request.subnetId() != null) {
            query.sql(" AND s.subnet_id = ?", request.subnetId());
        }
        if (request.vlan() != null) {
            query.sql(" AND s.subnet_id IN (" + Vlan.SUBNETS_ON_NUMBER + ")", request.vlan());
        }
        if (!request.statuses().isEmpty()) {
            List<String> statuses = request.statuses().stream().map(AlertStatus::label).sorted().toList();
            query.sql(" AND a.status IN (" + statuses.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")",
                    statuses.toArray());
        }
        if (request.minSeverity() != null) {
            // an ENUM compared with text compares as text: list the severities instead
            List<String> severities = Arrays.stream(Severity.values()).filter(s -> s.compareTo(request.minSeverity()) >= 0)
                    .map(Severity::label).toList();
            query.sql(" AND a.severity IN (" + severities.stream().map(x -> "?").collect(Collectors.joining(", ")) + ")",
                    severities.toArray());
        }
        if (request.after() != null) {
            long id;
            try {
                id = Long.parseLong(request.after());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("malformed cursor '" + request.after() + "'");
            }
            query.sql(" AND a.id < ?", id);
        }
        query.sql(" ORDER BY a.id DESC LIMIT ?", request.limit() + 1);
        List<Alert> alerts = list("alerts", query, AlertRows::readJoined);
        return page(alerts, request.limit(), last -> String.valueOf(last.id()));
    }

    public Optional<Alert> alert(long id) {
        return list("alert " + id, new Query().sql("SELECT " + AlertRows.COLUMNS + ", s.site, s.subnet_id FROM " + t("alerts")
                + " a LEFT JOIN " + t("tracked_subnets") + " s ON s.id = a.subnet_ref WHERE a.id = ?", id),
                AlertRows::readJoined)
                .stream().findFirst();
    }

    /** An alert's life, oldest step first. */
    public List<AlertEventRecord> alertEvents(long alertId) {
        return list("events of alert " + alertId, new Query().sql("SELECT id, alert_id, event, at, status, scan_id, actor, note"
                + " FROM " + t("alert_events") + " WHERE alert_id = ? ORDER BY id", alertId), rows -> {
                    String scan = rows.getString("scan_id");
                    return new AlertEventRecord(rows.getLong("id"), rows.getLong("alert_id"),
                            AlertEvent.Type.valueOf(rows.getString("event").toUpperCase(Locale.ROOT)), time(rows, "at"),
                            AlertStatus.parse(rows.getString("status")), scan == null ? null : UUID.fromString(scan),
                            rows.getString("actor"), rows.getString("note"));
                });
    }

    private static <T> Page<T> page(List<T> fetched, int limit, java.util.function.Function<T, String> cursorOf) {
        if (fetched.size() <= limit) {
            return new Page<>(fetched, null);
        }
        List<T> items = fetched.subList(0, limit);
        return new Page<>(items, cursorOf.apply(items.get(limit - 1)));
    }
}
