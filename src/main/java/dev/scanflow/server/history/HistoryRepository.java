package dev.scanflow.server.history;

import static dev.scanflow.server.history.Sql.fit;
import static dev.scanflow.server.history.Sql.json;
import static dev.scanflow.server.history.Sql.setString;
import static dev.scanflow.server.history.Sql.setTime;
import static dev.scanflow.server.history.Sql.time;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScannedPort.Service;
import dev.scanflow.server.alert.Alert;
import dev.scanflow.server.alert.AlertEngine;
import dev.scanflow.server.alert.AlertEvent;
import dev.scanflow.server.alert.AlertKey;
import dev.scanflow.server.delta.Change;
import dev.scanflow.server.delta.DeltaResult;
import dev.scanflow.server.delta.HostAddress;
import dev.scanflow.server.delta.HostDelta;
import dev.scanflow.server.delta.HostRecord;
import dev.scanflow.server.delta.HostStatus;
import dev.scanflow.server.delta.Observation;
import dev.scanflow.server.delta.ObservedHost;
import dev.scanflow.server.delta.PortKey;
import dev.scanflow.server.delta.SubnetKey;
import dev.scanflow.server.delta.SubnetState;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Types;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import javax.sql.DataSource;

/**
 * ScanFlow's memory of its subnets, in its own schema (db/scanflow V2, V3): the delta engine's state per
 * (site, subnet), the device and port history, the change log and the alerts.
 *
 * <ul>
 *   <li>{@link #load} rebuilds the engine's state of one (site, subnet).</li>
 *   <li>{@link #begin}, {@link #storeDelta}, {@link #lockAlerts}, {@link #storeAlertEvents} and {@link #advance}
 *       store what one observation did (state, history, changes, alert events) on the transaction of the apply
 *       path (dev.scanflow.server.apply.ObservationStore, the one caller): {@code begin} refuses a delta
 *       computed from another version of the state than the stored one ({@link StaleState}).</li>
 *   <li>{@link #acknowledge} and {@link #resolve} move an alert on, for the API.</li>
 * </ul>
 * Parameterized statements only; rows are written in batches.
 */
public final class HistoryRepository {

    private static final int BATCH = 1000;

    private final DataSource dataSource;
    private final String schema;
    private final Clock clock;

    public HistoryRepository(DataSource dataSource, String scanflowSchema, Clock clock) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        this.schema = Sql.requireSchema(scanflowSchema);
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    private String t(String table) {
        return Sql.table(schema, table);
    }

    // --- load ------------------------------------------------------------------------------------------

    /** The stored state of one (site, subnet), or an empty one if nothing was ever applied to it. */
    public SubnetState load(SubnetKey key, Cidr cidr) {
        try (Connection connection = dataSource.getConnection()) {
            return load(connection, key, cidr);
        } catch (SQLException e) {
            throw new HistoryUnavailable("loading the state of " + key, e);
        }
    }

    /**
     * The same on the caller's connection: the apply path loads inside its own transaction, so a report never
     * holds one pooled connection while it waits for a second (eight concurrent reports would starve a pool of eight).
     */
    public SubnetState load(Connection connection, SubnetKey key, Cidr cidr) {
        try {
            Long ref = null;
            long version = 0;
            UUID lastScan = null;
            Instant lastStart = null;
            try (PreparedStatement statement = connection.prepareStatement("SELECT id, version, last_scan_id, last_scan_start FROM "
                    + t("tracked_subnets") + " WHERE site = ? AND subnet_id = ?")) {
                statement.setString(1, key.site());
                statement.setLong(2, key.subnetId());
                try (ResultSet rows = statement.executeQuery()) {
                    if (rows.next()) {
                        ref = rows.getLong("id");
                        version = rows.getLong("version");
                        String scan = rows.getString("last_scan_id");
                        lastScan = scan == null ? null : UUID.fromString(scan);
                        lastStart = time(rows, "last_scan_start");
                    }
                }
            }
            if (ref == null || version == 0) {
                return SubnetState.empty(key, cidr);
            }
            return SubnetState.restore(key, cidr, version, lastScan, lastStart, records(connection, ref));
        } catch (SQLException e) {
            throw new HistoryUnavailable("loading the state of " + key, e);
        }
    }

    private List<HostRecord> records(Connection connection, long ref) throws SQLException {
        Map<Service, Service> services = new HashMap<>();
        Map<HostAddressBytes, List<PortRow>> ports = new HashMap<>();
        String portSql = "SELECT address, protocol, port, misses, service_name, service_product, service_version,"
                + " service_extra_info, service_tunnel, service_cpes FROM " + t("port_state")
                + " WHERE subnet_ref = ? AND status = 'open'";
        try (PreparedStatement statement = connection.prepareStatement(portSql)) {
            statement.setLong(1, ref);
            statement.setFetchSize(BATCH);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Service service = null;
                    if (rows.getString("service_name") != null || rows.getString("service_product") != null
                            || rows.getString("service_version") != null || rows.getString("service_extra_info") != null
                            || rows.getString("service_tunnel") != null || rows.getString("service_cpes") != null) {
                        Service read = new Service(rows.getString("service_name"), rows.getString("service_product"),
                                rows.getString("service_version"), rows.getString("service_extra_info"),
                                rows.getString("service_tunnel"), Sql.strings(rows.getString("service_cpes")));
                        service = services.computeIfAbsent(read, s -> s);
                    }
                    ports.computeIfAbsent(new HostAddressBytes(rows.getBytes("address")), a -> new ArrayList<>())
                            .add(new PortRow(PortKey.of(rows.getString("protocol"), rows.getInt("port")), rows.getInt("misses"), service));
                }
            }
        }
        List<HostRecord> records = new ArrayList<>();
        String hostSql = "SELECT address, status, misses, mac, hostname FROM " + t("host_state") + " WHERE subnet_ref = ?";
        try (PreparedStatement statement = connection.prepareStatement(hostSql)) {
            statement.setLong(1, ref);
            statement.setFetchSize(BATCH);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    byte[] address = rows.getBytes("address");
                    List<PortRow> open = ports.getOrDefault(new HostAddressBytes(address), List.of());
                    int[] keys = new int[open.size()];
                    int[] misses = new int[open.size()];
                    Service[] portServices = new Service[open.size()];
                    for (int i = 0; i < open.size(); i++) {
                        keys[i] = open.get(i).key();
                        misses[i] = open.get(i).misses();
                        portServices[i] = open.get(i).service();
                    }
                    records.add(HostRecord.restore(HostAddress.fromBytes(address),
                            HostStatus.valueOf(rows.getString("status").toUpperCase()), rows.getInt("misses"),
                            rows.getString("mac"), rows.getString("hostname"), keys, misses, portServices));
                }
            }
        }
        return records;
    }

    private record PortRow(int key, int misses, Service service) {
    }

    /** A byte[] that can key a map. */
    private record HostAddressBytes(byte[] bytes) {
        @Override
        public boolean equals(Object other) {
            return other instanceof HostAddressBytes o && Arrays.equals(bytes, o.bytes);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(bytes);
        }
    }

    // --- apply -----------------------------------------------------------------------------------------

    /**
     * Locks the tracked subnet's row (created if new) until the transaction ends and returns its id; empty
     * when this scan was stored before (nothing to write).
     *
     * @throws StaleState when the stored state is not the one the delta was computed from
     */
    public java.util.OptionalLong begin(Connection connection, DeltaResult result) throws SQLException {
        long[] locked = lockSubnet(connection, result.key(), result.after().cidr());
        long ref = locked[0];
        if (scanApplied(connection, ref, result.observation().scanId())) {
            return java.util.OptionalLong.empty();
        }
        if (locked[1] != result.before().version()) {
            throw new StaleState(result.key(), result.before().version(), locked[1]);
        }
        return java.util.OptionalLong.of(ref);
    }

    /** The scan, the hosts' and ports' state and history, and the change log; after {@link #begin}. */
    public List<RecordedChange> storeDelta(Connection connection, long ref, DeltaResult result) throws SQLException {
        Instant at = result.observation().scanStart();
        recordScan(connection, ref, result);
        writeHosts(connection, ref, result, at);
        writePorts(connection, ref, result, at);
        return writeChanges(connection, ref, result, at);
    }

    /** The alerts of the given things on the tracked subnet, locked until the transaction ends. */
    public Map<AlertKey, Alert> lockAlerts(Connection connection, long ref, SubnetKey key, Set<AlertKey> keys)
            throws SQLException {
        return AlertRows.lockByKeys(connection, t("alerts"), ref, key, keys);
    }

    /** Stores what the alert engine decided; returns the events as stored (with ids). */
    public List<AlertEvent> storeAlertEvents(Connection connection, long ref, List<AlertEvent> events) throws SQLException {
        return events.isEmpty() ? List.of() : AlertRows.store(connection, t("alerts"), t("alert_events"), ref, events);
    }

    /**
     * Makes the delta's new state the stored one: the last write of an observation. The subnet's counts of
     * hosts and open ports (db/scanflow V502) are those of that state, which holds every host_state row and
     * every open port_state row of the subnet.
     */
    public void advance(Connection connection, long ref, DeltaResult result) throws SQLException {
        long up = 0;
        long gone = 0;
        long openPorts = 0;
        for (HostRecord host : result.after().hosts()) {
            if (host.status() == HostStatus.UP) {
                up++;
            } else {
                gone++;
            }
            openPorts += host.portCount();
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE " + t("tracked_subnets")
                + " SET version = ?, cidr = ?, last_scan_id = ?, last_scan_start = ?, updated_at = ?,"
                + " hosts_up = ?, hosts_gone = ?, open_ports = ? WHERE id = ?")) {
            statement.setLong(1, result.after().version());
            statement.setString(2, result.after().cidr().toString());
            setString(statement, 3, result.after().lastScanId() == null ? null : result.after().lastScanId().toString());
            setTime(statement, 4, result.after().lastScanStart());
            setTime(statement, 5, clock.instant());
            statement.setLong(6, up);
            statement.setLong(7, gone);
            statement.setLong(8, openPorts);
            statement.setLong(9, ref);
            statement.executeUpdate();
        }
    }

    /**
     * The subnet's row, created if new, locked until the transaction ends: writers of one (site, subnet)
     * queue here, so that versions cannot interleave. Returns {id, version}.
     */
    private long[] lockSubnet(Connection connection, SubnetKey key, Cidr cidr) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("INSERT IGNORE INTO " + t("tracked_subnets")
                + " (site, subnet_id, cidr, version, updated_at) VALUES (?, ?, ?, 0, ?)")) {
            statement.setString(1, key.site());
            statement.setLong(2, key.subnetId());
            statement.setString(3, cidr.toString());
            setTime(statement, 4, clock.instant());
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT id, version FROM " + t("tracked_subnets")
                + " WHERE site = ? AND subnet_id = ? FOR UPDATE")) {
            statement.setString(1, key.site());
            statement.setLong(2, key.subnetId());
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                return new long[] {rows.getLong("id"), rows.getLong("version")};
            }
        }
    }

    /** Scan ids are unique per tracked subnet: another site's scan with the same id is another scan. */
    private boolean scanApplied(Connection connection, long ref, UUID scanId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT 1 FROM " + t("applied_scans")
                + " WHERE scan_id = ? AND subnet_ref = ?")) {
            statement.setString(1, scanId.toString());
            statement.setLong(2, ref);
            try (ResultSet rows = statement.executeQuery()) {
                return rows.next();
            }
        }
    }

    private void recordScan(Connection connection, long ref, DeltaResult result) throws SQLException {
        Observation observation = result.observation();
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + t("applied_scans")
                + " (scan_id, subnet_ref, state_version, profile, scan_start, scan_end, applied_at, chunk_count,"
                + " missing_chunks, is_partial, hosts_reported, change_count) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
            statement.setString(1, observation.scanId().toString());
            statement.setLong(2, ref);
            statement.setLong(3, result.after().version());
            setString(statement, 4, observation.profile());
            setTime(statement, 5, observation.scanStart());
            setTime(statement, 6, observation.scanEnd());
            setTime(statement, 7, clock.instant());
            statement.setInt(8, observation.chunkCount());
            setString(statement, 9, observation.missingChunks().isEmpty() ? null
                    : fit(observation.missingChunks().stream().map(String::valueOf).collect(Collectors.joining(",")), 2048));
            statement.setBoolean(10, observation.isPartial());
            statement.setInt(11, observation.hostCount());
            statement.setInt(12, result.changes().size());
            statement.executeUpdate();
        }
        try (PreparedStatement statement = connection.prepareStatement("INSERT INTO " + t("applied_scan_reports")
                + " (subnet_ref, report_id, scan_id) VALUES (?, ?, ?)")) {
            for (UUID reportId : observation.reportIds()) {
                statement.setLong(1, ref);
                statement.setString(2, reportId.toString());
                statement.setString(3, observation.scanId().toString());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    // --- hosts -----------------------------------------------------------------------------------------

    /**
     * The tracked subnet's count of scans that count for host sightings (db/scanflow V109), read under the
     * subnet's lock: the last counted scan's number and start, and this scan's number.
     */
    private record Sightings(long previous, Instant previousStart, long current, boolean counted) {
    }

    private Sightings sightings(Connection connection, long ref, DeltaResult result, Instant at) throws SQLException {
        long previous;
        Instant previousStart;
        try (PreparedStatement statement = connection.prepareStatement("SELECT sighting_seq, sighting_start FROM "
                + t("tracked_subnets") + " WHERE id = ?")) {
            statement.setLong(1, ref);
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                previous = rows.getLong("sighting_seq");
                previousStart = time(rows, "sighting_start");
            }
        }
        // an out-of-order observation changes nothing and sees nobody: it neither counts nor ends a run
        boolean counted = !result.outOfOrder();
        return new Sightings(previous, previousStart, counted ? previous + 1 : previous, counted);
    }

    /** Ends the runs of sightings of the given hosts (all of the subnet's when null): their derived values are written. */
    private void endRuns(Connection connection, long ref, Sightings sightings, List<byte[]> addresses) throws SQLException {
        if (sightings.previousStart() == null) {
            return; // no scan counted yet: nobody is in a run
        }
        String sql = "UPDATE " + t("host_state") + " SET last_seen = GREATEST(last_seen, ?),"
                + " times_seen = times_seen + ? - seen_since, seen_since = NULL"
                + " WHERE subnet_ref = ? AND seen_since IS NOT NULL";
        if (addresses == null) {
            try (PreparedStatement statement = connection.prepareStatement(sql)) {
                setTime(statement, 1, sightings.previousStart());
                statement.setLong(2, sightings.previous());
                statement.setLong(3, ref);
                statement.executeUpdate();
            }
            return;
        }
        for (int from = 0; from < addresses.size(); from += BATCH) {
            List<byte[]> part = addresses.subList(from, Math.min(addresses.size(), from + BATCH));
            try (PreparedStatement statement = connection.prepareStatement(sql + " AND address IN ("
                    + String.join(",", java.util.Collections.nCopies(part.size(), "?")) + ")")) {
                setTime(statement, 1, sightings.previousStart());
                statement.setLong(2, sightings.previous());
                statement.setLong(3, ref);
                int index = 4;
                for (byte[] address : part) {
                    statement.setBytes(index++, address);
                }
                statement.executeUpdate();
            }
        }
    }

    /**
     * Hosts are written in proportion to what changed: a host seen again with nothing new stays in its run of
     * sightings (db/scanflow V109) and is not written; its last_seen and times_seen are derived from the
     * subnet's count of scans. A host written for another reason has its run's values written in; a host in
     * a run that this scan did not see has its run ended.
     */
    private void writeHosts(Connection connection, long ref, DeltaResult result, Instant at) throws SQLException {
        Sightings sightings = sightings(connection, ref, result, at);
        if (!sightings.counted()) {
            return; // out of order: nothing touched
        }
        if (sightings.previousStart() != null && at.isBefore(sightings.previousStart())) {
            // within a run the counted scans' starts only move forward, so that its last sighting is its latest:
            // a scan that started before the last counted one (a long scan overlapping a later one) ends them all
            endRuns(connection, ref, sightings, null);
            sightings = new Sightings(sightings.previous(), null, sightings.current(), true);
        }
        int version = result.after().ipVersion();
        String upsert = "INSERT INTO " + t("host_state") + " (subnet_ref, address, ip, status, misses, mac, mac_vendor,"
                + " hostname, first_seen, last_seen, times_seen, status_since, seen_since) VALUES ";
        String upsertRow = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?, ?)";
        // left to right, as MariaDB assigns: status_since must see the old status, last_seen and times_seen the
        // old run (its values written in), seen_since last. A row is a sighting when it starts or continues a run
        // (its seen_since is given); the run's values before this scan are the tail's two parameters.
        String upsertTail = " ON DUPLICATE KEY UPDATE status_since = IF(status = VALUES(status), status_since, VALUES(status_since)),"
                + " status = VALUES(status), misses = VALUES(misses), mac_vendor = %s,"
                + " mac = VALUES(mac), hostname = VALUES(hostname),"
                + " last_seen = GREATEST(IF(seen_since IS NULL, last_seen, GREATEST(last_seen, COALESCE(?, last_seen))),"
                + " IF(VALUES(seen_since) IS NOT NULL, VALUES(last_seen), last_seen)),"
                + " times_seen = IF(seen_since IS NULL, times_seen, times_seen + ? - seen_since)"
                + " + IF(VALUES(seen_since) IS NOT NULL, 1, 0),"
                + " seen_since = VALUES(seen_since)";
        Sightings run = sightings;
        ValuesBatch.Row runValues = (statement, first) -> {
            setTime(statement, first, run.previousStart());
            statement.setLong(first + 1, run.previous());
        };
        String closeIdentity = "UPDATE " + t("host_identity_history") + " SET valid_until = ?"
                + " WHERE subnet_ref = ? AND address = ? AND kind = ? AND valid_until IS NULL";
        String openIdentity = "INSERT INTO " + t("host_identity_history")
                + " (subnet_ref, address, kind, value, valid_from, from_scan) VALUES (?, ?, ?, ?, ?, ?)";
        // a host seen again with nothing else new: only a host not yet in a run is written, set-based below
        Map<String, List<byte[]>> sightedByVendor = new HashMap<>();
        java.util.Set<HostRecord> touchedBefore = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        String scanId = result.observation().scanId().toString();
        // one multi-row statement per few hundred hosts written (ValuesBatch): the MAC vendor is taken from the
        // sighting when the scan saw a MAC, and kept otherwise
        try (ValuesBatch vendorSeen = new ValuesBatch(connection, upsert, upsertRow, 12,
                     upsertTail.formatted("VALUES(mac_vendor)"), runValues);
             ValuesBatch vendorKept = new ValuesBatch(connection, upsert, upsertRow, 12,
                     upsertTail.formatted("mac_vendor"), runValues);
             Batch close = new Batch(connection.prepareStatement(closeIdentity));
             Batch open = new Batch(connection.prepareStatement(openIdentity))) {
            for (HostDelta delta : result.touched()) {
                HostRecord after = delta.after();
                HostRecord before = delta.before();
                if (before != null) {
                    touchedBefore.add(before);
                }
                HostAddress address = after.address(version);
                byte[] bytes = address.bytes();
                ObservedHost sighting = delta.sighting();
                boolean seen = delta.seenUp();
                boolean macSeen = seen && sighting.mac() != null;
                String vendor = macSeen ? fit(sighting.macVendor(), 128) : null;
                if (seen && before != null && before.status() == after.status() && before.misses() == after.misses()
                        && Objects.equals(before.mac(), after.mac()) && Objects.equals(before.hostname(), after.hostname())) {
                    sightedByVendor.computeIfAbsent(vendor == null ? "" : vendor, v -> new ArrayList<>()).add(bytes);
                    continue;
                }
                (macSeen ? vendorSeen : vendorKept).add((hosts, first) -> {
                    hosts.setLong(first, ref);
                    hosts.setBytes(first + 1, bytes);
                    hosts.setString(first + 2, address.toString());
                    hosts.setString(first + 3, after.status() == HostStatus.UP ? "up" : "gone");
                    hosts.setInt(first + 4, Math.min(after.misses(), 255));
                    setString(hosts, first + 5, after.mac());
                    setString(hosts, first + 6, vendor);
                    setString(hosts, first + 7, fit(after.hostname(), 255));
                    setTime(hosts, first + 8, at);
                    setTime(hosts, first + 9, at);
                    setTime(hosts, first + 10, at);
                    if (seen) {
                        hosts.setLong(first + 11, run.current());
                    } else {
                        hosts.setNull(first + 11, Types.BIGINT);
                    }
                });
                String beforeName = before == null ? null : fit(before.hostname(), 255);
                String afterName = fit(after.hostname(), 255);
                String beforeMac = before == null ? null : before.mac();
                if (beforeMac != null && !beforeMac.equals(after.mac())) {
                    endIdentity(close, ref, bytes, "mac", at);
                }
                if (beforeName != null && !beforeName.equals(afterName)) {
                    endIdentity(close, ref, bytes, "hostname", at);
                }
            }
            vendorSeen.flush();
            vendorKept.flush();
            writeSightings(connection, ref, sightedByVendor, at, sightings);
            endRuns(connection, ref, sightings, unseenInRun(result, touchedBefore, version));
            close.flush();
            // Every period that ends is closed before any new one starts: "valid_until IS NULL" must not
            // catch a period this same observation opened.
            for (HostDelta delta : result.touched()) {
                HostRecord before = delta.before();
                HostRecord after = delta.after();
                byte[] bytes = after.address(version).bytes();
                startIdentity(open, ref, bytes, "mac", before == null ? null : before.mac(), after.mac(), at, scanId);
                startIdentity(open, ref, bytes, "hostname", before == null ? null : fit(before.hostname(), 255),
                        fit(after.hostname(), 255), at, scanId);
            }
            open.flush();
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE " + t("tracked_subnets")
                + " SET sighting_seq = ?, sighting_start = ? WHERE id = ?")) {
            statement.setLong(1, sightings.current());
            setTime(statement, 2, at);
            statement.setLong(3, ref);
            statement.executeUpdate();
        }
    }

    /**
     * Hosts that may be in a run (up and not missed in the state before: the last counted scan saw them) that
     * this scan neither saw nor wrote: outside what it covered, say a chunk that never came. A scan of the
     * whole subnet leaves none (a host it missed counts a miss, and is written).
     */
    private static List<byte[]> unseenInRun(DeltaResult result, java.util.Set<HostRecord> touchedBefore, int version) {
        List<byte[]> addresses = new ArrayList<>();
        for (HostRecord host : result.before().hosts()) {
            if (host.status() == HostStatus.UP && host.misses() == 0 && !touchedBefore.contains(host)) {
                addresses.add(host.address(version).bytes());
            }
        }
        return addresses;
    }

    /**
     * Hosts seen again with nothing new: only those not yet in a run of sightings are written (their run starts
     * here), plus those whose MAC vendor is new; one statement per {@link #BATCH} addresses (per MAC vendor
     * seen), not one per host. The hosts not in a run are read first (index not_in_run): in the steady state
     * they are few, so a rescan of hosts without MACs sends nothing per host. last_seen only moves forward.
     */
    private void writeSightings(Connection connection, long ref, Map<String, List<byte[]>> byVendor, Instant at,
                                Sightings sightings) throws SQLException {
        if (byVendor.isEmpty()) {
            return;
        }
        java.util.Set<HostAddressBytes> notInRun = new java.util.HashSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT address FROM " + t("host_state")
                + " WHERE subnet_ref = ? AND seen_since IS NULL AND status = 'up'")) {
            statement.setLong(1, ref);
            statement.setFetchSize(BATCH);
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    notInRun.add(new HostAddressBytes(rows.getBytes(1)));
                }
            }
        }
        for (Map.Entry<String, List<byte[]>> group : byVendor.entrySet()) {
            String vendor = group.getKey().isEmpty() ? null : group.getKey();
            List<byte[]> addresses = vendor != null ? group.getValue()
                    : group.getValue().stream().filter(a -> notInRun.contains(new HostAddressBytes(a))).toList();
            for (int from = 0; from < addresses.size(); from += BATCH) {
                List<byte[]> part = addresses.subList(from, Math.min(addresses.size(), from + BATCH));
                String sql = "UPDATE " + t("host_state") + " SET last_seen = IF(seen_since IS NULL, GREATEST(last_seen, ?), last_seen),"
                        + " times_seen = IF(seen_since IS NULL, times_seen + 1, times_seen), mac_vendor = COALESCE(?, mac_vendor),"
                        + " seen_since = COALESCE(seen_since, ?) WHERE subnet_ref = ? AND address IN ("
                        + String.join(",", java.util.Collections.nCopies(part.size(), "?")) + ")"
                        + (vendor == null ? " AND seen_since IS NULL" : " AND (seen_since IS NULL OR NOT (mac_vendor <=> ?))");
                try (PreparedStatement statement = connection.prepareStatement(sql)) {
                    setTime(statement, 1, at);
                    setString(statement, 2, vendor);
                    statement.setLong(3, sightings.current());
                    statement.setLong(4, ref);
                    int index = 5;
                    for (byte[] address : part) {
                        statement.setBytes(index++, address);
                    }
                    if (vendor != null) {
                        statement.setString(index, vendor);
                    }
                    statement.executeUpdate();
                }
            }
        }
    }

    private static void endIdentity(Batch close, long ref, byte[] address, String kind, Instant at) throws SQLException {
        PreparedStatement statement = close.statement();
        setTime(statement, 1, at);
        statement.setLong(2, ref);
        statement.setBytes(3, address);
        statement.setString(4, kind);
        close.add();
    }

    /** A MAC or name period starts when the value changes to a known one. */
    private static void startIdentity(Batch open, long ref, byte[] address, String kind, String before, String after,
                                      Instant at, String scanId) throws SQLException {
        if (after == null || after.equals(before)) {
            return;
        }
        PreparedStatement statement = open.statement();
        statement.setLong(1, ref);
        statement.setBytes(2, address);
        statement.setString(3, kind);
        statement.setString(4, after);
        setTime(statement, 5, at);
        statement.setString(6, scanId);
        open.add();
    }

    // --- ports -----------------------------------------------------------------------------------------

    private void writePorts(Connection connection, long ref, DeltaResult result, Instant at) throws SQLException {
        int version = result.after().ipVersion();
        String upsert = "INSERT INTO " + t("port_state") + " (subnet_ref, address, protocol, port, status, misses,"
                + " service_name, service_product, service_version, service_extra_info, service_tunnel, service_cpes,"
                + " first_seen, last_seen, times_seen, status_since) VALUES ";
        String upsertRow = "(?, ?, ?, ?, 'open', ?, ?, ?, ?, ?, ?, ?, ?, ?, 1, ?)";
        // left to right, as MariaDB assigns: status_since must see the old status
        String upsertChanged = " ON DUPLICATE KEY UPDATE status_since = IF(status = 'open', status_since, VALUES(status_since)),"
                + " status = 'open', misses = VALUES(misses), service_name = VALUES(service_name),"
                + " service_product = VALUES(service_product), service_version = VALUES(service_version),"
                + " service_extra_info = VALUES(service_extra_info), service_tunnel = VALUES(service_tunnel),"
                + " service_cpes = VALUES(service_cpes)";
        // a port the scan saw open counts a sighting; one kept open while unseen (a miss) does not
        String sighted = ", last_seen = GREATEST(last_seen, VALUES(last_seen)), times_seen = times_seen + 1";
        String openService = "INSERT INTO " + t("port_service_history") + " (subnet_ref, address, protocol, port, name,"
                + " product, version, extra_info, tunnel, cpes, valid_from, from_scan) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)";
        String scanId = result.observation().scanId().toString();
        List<PortRef> closed = new ArrayList<>();
        List<PortRef> serviceEnds = new ArrayList<>();
        try (ValuesBatch openSeen = new ValuesBatch(connection, upsert, upsertRow, 14, upsertChanged + sighted);
             ValuesBatch openUnseen = new ValuesBatch(connection, upsert, upsertRow, 14, upsertChanged);
             Batch serviceStarts = new Batch(connection.prepareStatement(openService))) {
            for (HostDelta delta : result.touched()) {
                HostRecord before = delta.before();
                HostRecord after = delta.after();
                byte[] address = after.address(version).bytes();
                boolean seen = delta.seenUp();
                int a = 0;
                int b = 0;
                int beforeCount = before == null ? 0 : before.portCount();
                while (a < after.portCount() || b < beforeCount) {
                    int afterKey = a < after.portCount() ? after.portKey(a) : Integer.MAX_VALUE;
                    int beforeKey = b < beforeCount ? before.portKey(b) : Integer.MAX_VALUE;
                    if (beforeKey < afterKey) {
                        // open before, gone from the state: confirmed closed
                        closed.add(new PortRef(address, beforeKey));
                        if (before.service(b) != null) {
                            serviceEnds.add(new PortRef(address, beforeKey));
                        }
                        b++;
                        continue;
                    }
                    boolean isNew = beforeKey != afterKey;
                    Service service = after.service(a);
                    Service previous = isNew ? null : before.service(b);
                    boolean sawOpen = seen && delta.sighting().sawOpen(afterKey);
                    boolean changed = isNew || after.portMisses(a) != before.portMisses(b) || !Objects.equals(service, previous);
                    // an open port seen open again with nothing new is not written: its host's last_seen says
                    // when it was last seen, so a rescan writes in proportion to what changed
                    if (changed) {
                        int misses = Math.min(after.portMisses(a), 255);
                        (sawOpen ? openSeen : openUnseen).add((statement, first) -> {
                            portKey(statement, first, ref, address, afterKey);
                            statement.setInt(first + 4, misses);
                            serviceColumns(statement, first + 5, service);
                            setTime(statement, first + 11, at);
                            setTime(statement, first + 12, at);
                            setTime(statement, first + 13, at);
                        });
                    }
                    if (previous != null && !previous.equals(service)) {
                        serviceEnds.add(new PortRef(address, afterKey));
                    }
                    a++;
                    if (!isNew) {
                        b++;
                    }
                }
            }
            openSeen.flush();
            openUnseen.flush();
            updateByPort(connection, t("port_state"), "t.status_since = ?, t.status = 'closed', t.misses = 0", "",
                    ref, closed, at);
            updateByPort(connection, t("port_service_history"), "t.valid_until = ?", " WHERE t.valid_until IS NULL",
                    ref, serviceEnds, at);
            // Every service period that ends is closed before any new one starts: "valid_until IS NULL" must
            // not catch a period this same observation opened.
            for (HostDelta delta : result.touched()) {
                HostRecord before = delta.before();
                HostRecord after = delta.after();
                byte[] address = after.address(version).bytes();
                for (int a = 0; a < after.portCount(); a++) {
                    Service service = after.service(a);
                    if (service == null) {
                        continue;
                    }
                    int index = before == null ? -1 : before.indexOf(after.portKey(a));
                    if (index >= 0 && service.equals(before.service(index))) {
                        continue;
                    }
                    PreparedStatement statement = serviceStarts.statement();
                    portKey(statement, 1, ref, address, after.portKey(a));
                    serviceColumns(statement, 5, service);
                    setTime(statement, 11, at);
                    statement.setString(12, scanId);
                    serviceStarts.add();
                }
            }
            serviceStarts.flush();
        }
    }

    private static void portKey(PreparedStatement statement, int first, long ref, byte[] address, int key) throws SQLException {
        statement.setLong(first, ref);
        statement.setBytes(first + 1, address);
        statement.setString(first + 2, PortKey.protocol(key));
        statement.setInt(first + 3, PortKey.port(key));
    }

    private static void serviceColumns(PreparedStatement statement, int first, Service service) throws SQLException {
        setString(statement, first, service == null ? null : fit(service.name(), 128));
        setString(statement, first + 1, service == null ? null : fit(service.product(), 256));
        setString(statement, first + 2, service == null ? null : fit(service.version(), 256));
        setString(statement, first + 3, service == null ? null : fit(service.extraInfo(), 512));
        setString(statement, first + 4, service == null ? null : fit(service.tunnel(), 32));
        setString(statement, first + 5, service == null || service.cpes().isEmpty() ? null : json(service.cpes()));
    }

    /** One port of a host of the tracked subnet. */
    private record PortRef(byte[] address, int key) {
    }

    /**
     * The same change to many ports, set-based: {@code set} (taking the time) on the rows of {@code table} of
     * the tracked subnet that match one of the given ports by (address, protocol, port) and {@code where}. The
     * ports come as a derived table joined on the table's port key, so MariaDB looks each one up in the key:
     * in bench/delta (2026-12-01) that took about half the time of the row-constructor IN list it replaced.
     */
    private static void updateByPort(Connection connection, String table, String set, String where, long ref,
                                     List<PortRef> ports, Instant at) throws SQLException {
        for (int from = 0; from < ports.size(); from += ValuesBatch.ROWS_PER_STATEMENT) {
            List<PortRef> part = ports.subList(from, Math.min(ports.size(), from + ValuesBatch.ROWS_PER_STATEMENT));
            String keys = "SELECT ? AS address, ? AS protocol, ? AS port"
                    + " UNION ALL SELECT ?, ?, ?".repeat(part.size() - 1);
            try (PreparedStatement statement = connection.prepareStatement("UPDATE " + table + " t JOIN (" + keys
                    + ") k ON t.subnet_ref = ? AND t.address = k.address AND t.protocol = k.protocol AND t.port = k.port"
                    + " SET " + set + where)) {
                int index = 1;
                for (PortRef port : part) {
                    statement.setBytes(index++, port.address());
                    statement.setString(index++, PortKey.protocol(port.key()));
                    statement.setInt(index++, PortKey.port(port.key()));
                }
                statement.setLong(index++, ref);
                setTime(statement, index, at);
                statement.executeUpdate();
            }
        }
    }

    // --- changes ---------------------------------------------------------------------------------------

    private List<RecordedChange> writeChanges(Connection connection, long ref, DeltaResult result, Instant at)
            throws SQLException {
        List<RecordedChange> recorded = new ArrayList<>(result.changes().size());
        if (result.changes().isEmpty()) {
            return recorded;
        }
        SubnetKey key = result.key();
        UUID scanId = result.observation().scanId();
        String head = "INSERT INTO " + t("change_log") + " (subnet_ref, scan_id, observed_at, change_type, address, ip,"
                + " protocol, port, detail) VALUES ";
        // Generated keys would make the driver send the rows one by one; the ids are read back by scan instead:
        // a scan id is stored once, and rows inserted one after another (also within one statement) get
        // ascending ids.
        String scan = scanId.toString();
        try (ValuesBatch batch = new ValuesBatch(connection, head, "(?, ?, ?, ?, ?, ?, ?, ?, ?)", 9, "")) {
            for (Change change : result.changes()) {
                batch.add((statement, first) -> {
                    statement.setLong(first, ref);
                    statement.setString(first + 1, scan);
                    setTime(statement, first + 2, at);
                    statement.setString(first + 3, change.type().name());
                    statement.setBytes(first + 4, change.address().bytes());
                    statement.setString(first + 5, change.address().toString());
                    if (change instanceof Change.PortChange port) {
                        statement.setString(first + 6, port.protocol());
                        statement.setInt(first + 7, port.port());
                    } else {
                        statement.setNull(first + 6, Types.VARCHAR);
                        statement.setNull(first + 7, Types.INTEGER);
                    }
                    statement.setString(first + 8, json(change));
                });
            }
            batch.flush();
        }
        try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM " + t("change_log")
                + " WHERE scan_id = ? AND subnet_ref = ? ORDER BY id")) {
            statement.setString(1, scanId.toString());
            statement.setLong(2, ref);
            statement.setFetchSize(BATCH);
            try (ResultSet ids = statement.executeQuery()) {
                for (Change change : result.changes()) {
                    if (!ids.next()) {
                        throw new SQLException("fewer change_log rows than changes for scan " + scanId);
                    }
                    recorded.add(new RecordedChange(ids.getLong(1), key.site(), key.subnetId(), scanId, at, change));
                }
            }
        }
        return recorded;
    }

    // --- alerts ----------------------------------------------------------------------------------------

    /**
     * The alert event a measured traffic test run causes (see {@link AlertEngine#evaluateTraffic}), stored on
     * the caller's transaction with the test's alert locked; empty when it causes none.
     */
    public List<AlertEvent> trafficAlertInTransaction(Connection connection, AlertEngine engine, String pair,
                                                      List<String> breaches, Instant at, UUID testId) throws SQLException {
        Alert existing = AlertRows.lockTraffic(connection, t("alerts"), pair);
        Optional<AlertEvent> event = engine.evaluateTraffic(pair, breaches, at, testId, existing);
        return event.isEmpty() ? List.of() : AlertRows.store(connection, t("alerts"), t("alert_events"), -1, List.of(event.get()));
    }

    /** Acknowledges an open alert; null when there is no alert with that id. */
    public AlertEvent acknowledge(long alertId, String actor, String note, AlertEngine engine) {
        return transition(alertId, alert -> engine.acknowledge(alert, actor, note, clock.instant()));
    }

    /** Resolves an open or acknowledged alert by hand; null when there is no alert with that id. */
    public AlertEvent resolve(long alertId, String actor, String note, AlertEngine engine) {
        return transition(alertId, alert -> engine.resolve(alert, actor, note, clock.instant()));
    }

    private AlertEvent transition(long alertId, java.util.function.Function<Alert, AlertEvent> step) {
        try (Connection connection = dataSource.getConnection()) {
            connection.setAutoCommit(false);
            try {
                Alert alert = AlertRows.lockById(connection, t("alerts"), t("tracked_subnets"), alertId);
                if (alert == null) {
                    connection.rollback();
                    return null;
                }
                AlertEvent event = step.apply(alert);
                AlertRows.store(connection, t("alerts"), t("alert_events"), -1, List.of(event));
                connection.commit();
                return event;
            } catch (SQLException | RuntimeException e) {
                connection.rollback();
                throw e;
            } finally {
                connection.setAutoCommit(true);
            }
        } catch (SQLException e) {
            throw new HistoryUnavailable("changing alert " + alertId, e);
        }
    }

    /** A prepared statement whose rows go out every {@link #BATCH} rows and at the end. */
    static final class Batch implements AutoCloseable {
        private final PreparedStatement statement;
        private int pending;

        Batch(PreparedStatement statement) {
            this.statement = statement;
        }

        PreparedStatement statement() {
            return statement;
        }

        void add() throws SQLException {
            statement.addBatch();
            if (++pending == BATCH) {
                flush();
            }
        }

        void flush() throws SQLException {
            if (pending > 0) {
                statement.executeBatch();
                pending = 0;
            }
        }

        @Override
        public void close() throws SQLException {
            statement.close();
        }
    }
}
