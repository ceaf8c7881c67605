package dev.scanflow.server.phpipam;

import dev.scanflow.net.Cidr;
import dev.scanflow.net.IpAddress;
import dev.scanflow.report.ScanReport;
import dev.scanflow.report.ScannedHost;
import dev.scanflow.server.intake.AuthorizedReport;
import dev.scanflow.server.store.StepHook;
import dev.scanflow.server.store.Transaction;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLIntegrityConstraintViolationException;
import java.sql.Statement;
import java.sql.Types;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;
import javax.sql.DataSource;

/**
 * Writes one authorized report into phpIPAM's tables exactly as phpIPAM's own agents do
 * (docs/phpipam.md §2.6), in one transaction: all of it or none of it.
 *
 * <ul>
 *   <li>existing address (matched by subnetId and decimal ip_addr): lastSeen; mac when the scan saw one;
 *       an empty hostname filled when the subnet has resolveDNS=1; rows with excludePing=1 are left alone,
 *       as phpIPAM's status check does;</li>
 *   <li>new address, only when the subnet has discoverSubnet=1: phpIPAM's autodiscovery row;</li>
 *   <li>status tags as phpIPAM's pingCheck sets them, for subnets with pingSubnet=1 ({@link StatusTags});</li>
 *   <li>subnets.lastScan always, lastDiscovery when discovery is on; scanAgents.last_access.</li>
 * </ul>
 * A report id is applied once: it is recorded in ScanFlow's own schema inside the same transaction.
 */
public class PhpipamWriter {

    static final String AUTODISCOVERED = "-- autodiscovered --";
    private static final int HOSTNAME_LIMIT = 255;

    private final DataSource dataSource;
    private final PhpipamClock clock;
    private final String reportsTable;
    private final boolean writeMac;
    private final boolean fillEmptyHostnamesOnly;

    public PhpipamWriter(DataSource dataSource, PhpipamClock clock, String scanflowSchema, boolean writeMac,
                         boolean fillEmptyHostnamesOnly) {
        if (!scanflowSchema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("ScanFlow schema name must match [A-Za-z0-9_]{1,64}: " + scanflowSchema);
        }
        this.dataSource = dataSource;
        this.clock = clock;
        this.reportsTable = "`" + scanflowSchema + "`.ingested_reports";
        this.writeMac = writeMac;
        this.fillEmptyHostnamesOnly = fillEmptyHostnamesOnly;
    }

    private record Existing(long id, String decimal, boolean excludePing, int state, String lastSeen, String hostname,
                            String mac) {
    }

    /** One row to update: what the scan says about it, the hostname to fill (or null) and a new tag (or null). */
    private record Update(long id, String mac, String hostname, Integer state) {

        /** Whether it writes more than lastSeen. */
        boolean writesMore() {
            return mac != null || hostname != null || state != null;
        }
    }

    private record Plan(List<Update> updates, List<Map.Entry<IpAddress, ScannedHost>> inserts, List<Update> missed,
                        int ignored) {
    }

    /** Writes the report in a transaction of its own (phpIPAM only, no deltas). */
    public WriteOutcome write(AuthorizedReport authorized) {
        ScanReport report = authorized.report();
        try {
            return Transaction.run(dataSource, connection -> writeInTransaction(connection, authorized, StepHook.NONE),
                    outcome -> !outcome.isDuplicate());
        } catch (ReportAppliedConcurrently concurrent) {
            return earlierOutcome(authorized);
        } catch (SQLException e) {
            throw new PhpipamUnavailable("writing report " + report.reportId() + " for subnet "
                    + authorized.subnet().id(), e);
        }
    }

    /**
     * The outcome recorded when the agent's report id was applied (a duplicate); for a caller whose write
     * lost the race against a concurrent copy of the same report ({@link ReportAppliedConcurrently}).
     */
    public WriteOutcome earlierOutcome(AuthorizedReport authorized) {
        try (Connection connection = dataSource.getConnection()) {
            return earlierOutcome(connection, authorized).orElseThrow(() -> new PhpipamUnavailable(
                    "report " + authorized.report().reportId() + " was applied concurrently, but its record is gone", null));
        } catch (SQLException e) {
            throw new PhpipamUnavailable("reading report " + authorized.report().reportId(), e);
        }
    }

    /**
     * Writes the report on {@code connection}, inside a transaction the caller holds (autocommit off) and
     * commits or rolls back: phpIPAM's rows, then the report id. A report id the agent sent before writes
     * nothing and comes back "duplicate". {@code steps} is told after each step (a test hook).
     *
     * @throws ReportAppliedConcurrently when another transaction recorded the same report id meanwhile: the
     *                                   caller rolls back and answers with {@link #earlierOutcome}
     */
    public WriteOutcome writeInTransaction(Connection connection, AuthorizedReport authorized, StepHook steps)
            throws SQLException {
        ScanReport report = authorized.report();
        PhpipamSubnet subnet = authorized.subnet();
        try (Statement statement = connection.createStatement()) {
            // TIMESTAMP columns are converted through the session time zone; phpIPAM's PHP sessions use the
            // server's global zone, so ours must too, or lastScan would read back shifted in phpIPAM.
            statement.execute("SET SESSION time_zone = @@GLOBAL.time_zone");
        }
        lockSubnet(connection, subnet.id());
        Optional<WriteOutcome> earlier = earlierOutcome(connection, authorized);
        if (earlier.isPresent()) {
            return earlier.get();
        }
        String seen = clock.format(report.scanStart());
        StatusTags tags = subnet.pingSubnet() ? StatusTags.read(connection) : new StatusTags(false, null, Set.of());
        Plan plan = plan(report, subnet, existingAddresses(connection, subnet, report), tags,
                LocalDateTime.ofInstant(report.scanStart(), clock.zone()));
        updateSeen(connection, plan.updates(), seen);
        retagMissed(connection, plan.missed());
        insertDiscovered(connection, subnet.id(), plan.inserts(), seen, authorized.agent().name());
        touchSubnet(connection, subnet, seen);
        touchAgent(connection, authorized.agent().id());
        steps.reached("phpipam-written");
        int retagged = plan.missed().size() + (int) plan.updates().stream().filter(u -> u.state() != null).count();
        WriteOutcome outcome = new WriteOutcome(report.reportId(), "applied", subnet.id(), plan.updates().size(),
                plan.inserts().size(), plan.ignored(), retagged);
        recordReport(connection, authorized, outcome);
        steps.reached("report-recorded");
        return outcome;
    }

    /** Serializes writers of one subnet, so two reports cannot both insert the same new address. */
    public static void lockSubnet(Connection connection, long subnetId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT id FROM subnets WHERE id = ? FOR UPDATE")) {
            statement.setLong(1, subnetId);
            statement.executeQuery().close();
        }
    }

    /** Report ids are the agent's: another agent's report with the same id is another report. */
    private Optional<WriteOutcome> earlierOutcome(Connection connection, AuthorizedReport authorized) throws SQLException {
        ScanReport report = authorized.report();
        String sql = "SELECT subnet_id, updated_count, inserted_count, ignored_count, retagged_count FROM "
                + reportsTable + " WHERE agent_id = ? AND report_id = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, authorized.agent().id());
            statement.setString(2, report.reportId().toString());
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new WriteOutcome(report.reportId(), "duplicate", rows.getLong("subnet_id"),
                        rows.getInt("updated_count"), rows.getInt("inserted_count"), rows.getInt("ignored_count"),
                        rows.getInt("retagged_count")));
            }
        }
    }

    /** At most this many host targets or reported addresses outside them narrow the rows read; beyond, all are read. */
    private static final int NARROWING_LIMIT = 1000;

    /**
     * The subnet's rows the report can concern, keyed by phpIPAM's decimal ip_addr (the subnet fixes the
     * version, the decimal the rest): those in the report's host targets and those it reports. A chunk of a
     * large subnet reads its own part, not the whole subnet's rows once per chunk. A report naming no targets
     * (or too many) reads them all. Any row beyond these is harmless, a missing one is not: a reported
     * address whose row was not read would be inserted twice.
     */
    private static Map<String, Existing> existingAddresses(Connection connection, PhpipamSubnet subnet, ScanReport report)
            throws SQLException {
        Map<String, Existing> byDecimal = new HashMap<>();
        // lastSeen as text: phpIPAM's "never" values include the zero date, which JDBC cannot map to a time
        StringBuilder sql = new StringBuilder("SELECT id, ip_addr, excludePing, state, CAST(lastSeen AS CHAR) AS lastSeen,"
                + " hostname, mac FROM ipaddresses WHERE subnetId = ?");
        List<String> parameters = new ArrayList<>();
        List<Cidr> targets = report.coverage() == null ? List.of()
                : report.coverage().hostTargets().stream().map(Cidr::parse).toList();
        if (!targets.isEmpty() && targets.size() <= NARROWING_LIMIT
                && targets.stream().noneMatch(target -> target.contains(subnet.cidr()))) {
            List<String> outside = new ArrayList<>();
            for (ScannedHost host : report.hosts()) {
                IpAddress address = IpAddress.parse(host.address());
                if (targets.stream().noneMatch(target -> target.contains(address))) {
                    outside.add(address.decimal());
                }
            }
            if (outside.size() <= NARROWING_LIMIT) {
                List<String> terms = new ArrayList<>();
                for (Cidr target : targets) {
                    // ip_addr is decimal text: ranges of one length each, so that the unique key's index is used
                    for (DecimalRange range : DecimalRange.of(target.network().value(), target.last().value())) {
                        terms.add("(ip_addr BETWEEN ? AND ? AND CHAR_LENGTH(ip_addr) = " + range.digits() + ")");
                        parameters.add(range.from());
                        parameters.add(range.to());
                    }
                }
                if (!outside.isEmpty()) {
                    terms.add("ip_addr IN (" + String.join(",", java.util.Collections.nCopies(outside.size(), "?")) + ")");
                    parameters.addAll(outside);
                }
                sql.append(" AND (").append(String.join(" OR ", terms)).append(")");
            }
        }
        try (PreparedStatement statement = connection.prepareStatement(sql.toString())) {
            statement.setLong(1, subnet.id());
            for (int i = 0; i < parameters.size(); i++) {
                statement.setString(i + 2, parameters.get(i));
            }
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    Existing row = new Existing(rows.getLong("id"), rows.getString("ip_addr"), rows.getBoolean("excludePing"),
                            rows.getInt("state"), rows.getString("lastSeen"), rows.getString("hostname"), rows.getString("mac"));
                    byDecimal.put(row.decimal(), row);
                }
            }
        }
        return byDecimal;
    }

    private Plan plan(ScanReport report, PhpipamSubnet subnet, Map<String, Existing> existing, StatusTags tags,
                      LocalDateTime scanTime) {
        Cidr cidr = subnet.cidr();
        Map<Long, Update> updates = new LinkedHashMap<>();
        Map<IpAddress, ScannedHost> inserts = new LinkedHashMap<>();
        Set<String> seenDecimals = new HashSet<>();
        int ignored = 0;
        for (ScannedHost host : report.hosts()) {
            IpAddress address = IpAddress.parse(host.address());
            if (!host.isUp() || !cidr.isUsableHost(address, subnet.isPool())) {
                ignored++;
                continue;
            }
            seenDecimals.add(address.decimal());
            Existing row = existing.get(address.decimal());
            if (row != null && !row.excludePing() && !updates.containsKey(row.id())) {
                // a MAC equal to the stored one is not written again: most rows of a rescan change only lastSeen
                String mac = writeMac && host.mac() != null && !host.mac().equals(row.mac()) ? host.mac() : null;
                updates.put(row.id(), new Update(row.id(), mac, hostnameToFill(subnet, row, host),
                        boxed(tags.whenSeen(row.state()))));
            } else if (row == null && subnet.discoverSubnet() && !inserts.containsKey(address)) {
                inserts.put(address, host);
            } else {
                ignored++;
            }
        }
        List<Update> missed = new ArrayList<>();
        Predicate<IpAddress> covered = coveredHosts(report, cidr);
        for (Existing row : existing.values()) {
            if (row.excludePing() || seenDecimals.contains(row.decimal())) {
                continue;
            }
            IpAddress address = new IpAddress(cidr.version(), new java.math.BigInteger(row.decimal()));
            if (covered.test(address)) {
                Integer state = boxed(tags.whenMissed(row.state(), row.lastSeen(), scanTime));
                if (state != null) {
                    missed.add(new Update(row.id(), null, null, state));
                }
            }
        }
        return new Plan(new ArrayList<>(updates.values()), new ArrayList<>(inserts.entrySet()), missed, ignored);
    }

    /** Addresses whose absence from this report means "not seen": none for a partial scan. */
    private static Predicate<IpAddress> coveredHosts(ScanReport report, Cidr subnet) {
        if (report.cutShort()) {
            return address -> false;
        }
        if (report.coverage() == null) {
            return subnet::contains;
        }
        List<Cidr> targets = report.coverage().hostTargets().stream().map(Cidr::parse).toList();
        return address -> targets.stream().anyMatch(target -> target.contains(address));
    }

    private String hostnameToFill(PhpipamSubnet subnet, Existing row, ScannedHost host) {
        if (!subnet.resolveDns() || host.hostnames().isEmpty()) {
            return null;
        }
        String resolved = clip(host.hostnames().get(0));
        boolean empty = row.hostname() == null || row.hostname().isBlank();
        return empty || (!fillEmptyHostnamesOnly && !resolved.equals(row.hostname())) ? resolved : null;
    }

    private static Integer boxed(java.util.OptionalInt value) {
        return value.isPresent() ? value.getAsInt() : null;
    }

    private static String clip(String hostname) {
        return hostname.length() > HOSTNAME_LIMIT ? hostname.substring(0, HOSTNAME_LIMIT) : hostname;
    }

    /** Ids (or bounds of runs of ids) per statement when many rows get the same values. */
    private static final int IDS_PER_STATEMENT = 1000;

    /**
     * Every seen row's lastSeen, set-based (a rescan sees thousands of hosts and changes little else), then
     * row by row what changes more: a new MAC, a hostname to fill, a tag.
     */
    private static void updateSeen(Connection connection, List<Update> updates, String seen) throws SQLException {
        if (updates.isEmpty()) {
            return;
        }
        // lastSeen only moves forward: a late report of an older scan leaves a newer sighting alone
        String lastSeen = "lastSeen = IF(lastSeen IS NULL OR lastSeen < ?, ?, lastSeen)";
        for (IdRuns rows : IdRuns.of(updates.stream().mapToLong(Update::id).toArray(), IDS_PER_STATEMENT)) {
            try (PreparedStatement statement = connection.prepareStatement("UPDATE ipaddresses SET " + lastSeen
                    + " WHERE " + rows.where())) {
                statement.setString(1, seen);
                statement.setString(2, seen);
                for (int i = 0; i < rows.parameters().size(); i++) {
                    statement.setLong(i + 3, rows.parameters().get(i));
                }
                statement.executeUpdate();
            }
        }
        List<Update> more = updates.stream().filter(Update::writesMore).toList();
        if (more.isEmpty()) {
            return;
        }
        // one statement shape for every row, so the whole batch goes as one bulk command
        String sql = "UPDATE ipaddresses SET mac = COALESCE(?, mac), hostname = COALESCE(?, hostname),"
                + " state = COALESCE(?, state) WHERE id = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Update update : more) {
                statement.setString(1, update.mac());
                statement.setString(2, update.hostname());
                if (update.state() == null) {
                    statement.setNull(3, Types.INTEGER);
                } else {
                    statement.setInt(3, update.state());
                }
                statement.setLong(4, update.id());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void retagMissed(Connection connection, List<Update> missed) throws SQLException {
        if (missed.isEmpty()) {
            return;
        }
        try (PreparedStatement statement = connection.prepareStatement("UPDATE ipaddresses SET state = ? WHERE id = ?")) {
            for (Update update : missed) {
                statement.setInt(1, update.state());
                statement.setLong(2, update.id());
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private void insertDiscovered(Connection connection, long subnetId, List<Map.Entry<IpAddress, ScannedHost>> inserts,
                                  String seen, String agentName) throws SQLException {
        if (inserts.isEmpty()) {
            return;
        }
        String sql = "INSERT INTO ipaddresses (subnetId, ip_addr, description, hostname, mac, note, lastSeen, state)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        String note = "This host was autodiscovered on " + seen + " by agent " + agentName;
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            for (Map.Entry<IpAddress, ScannedHost> insert : inserts) {
                ScannedHost host = insert.getValue();
                statement.setLong(1, subnetId);
                statement.setString(2, insert.getKey().decimal());
                statement.setString(3, AUTODISCOVERED);
                // phpipam-agent writes '' for an address without a name (gethostbyaddr failed), not NULL
                statement.setString(4, host.hostnames().isEmpty() ? "" : clip(host.hostnames().get(0)));
                statement.setString(5, writeMac ? host.mac() : null);
                statement.setString(6, note);
                statement.setString(7, seen);
                statement.setInt(8, StatusTags.USED);
                statement.addBatch();
            }
            statement.executeBatch();
        }
    }

    private static void touchSubnet(Connection connection, PhpipamSubnet subnet, String seen) throws SQLException {
        // lastScan and lastDiscovery only move forward: a late report of an older scan leaves them alone
        String sql = subnet.discoverSubnet()
                ? "UPDATE subnets SET lastScan = IF(lastScan IS NULL OR lastScan < ?, ?, lastScan),"
                        + " lastDiscovery = IF(lastDiscovery IS NULL OR lastDiscovery < ?, ?, lastDiscovery) WHERE id = ?"
                : "UPDATE subnets SET lastScan = IF(lastScan IS NULL OR lastScan < ?, ?, lastScan) WHERE id = ?";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            int index = 1;
            statement.setString(index++, seen);
            statement.setString(index++, seen);
            if (subnet.discoverSubnet()) {
                statement.setString(index++, seen);
                statement.setString(index++, seen);
            }
            statement.setLong(index, subnet.id());
            statement.executeUpdate();
        }
    }

    private void touchAgent(Connection connection, long agentId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("UPDATE scanAgents SET last_access = ? WHERE id = ?")) {
            statement.setString(1, clock.now());
            statement.setLong(2, agentId);
            statement.executeUpdate();
        }
    }

    private void recordReport(Connection connection, AuthorizedReport authorized, WriteOutcome outcome)
            throws SQLException {
        String sql = "INSERT INTO " + reportsTable + " (report_id, agent_id, subnet_id, scan_start, received_at,"
                + " updated_count, inserted_count, ignored_count, retagged_count) VALUES (?, ?, ?, ?, UTC_TIMESTAMP(), ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, outcome.reportId().toString());
            statement.setLong(2, authorized.agent().id());
            statement.setLong(3, outcome.subnetId());
            statement.setObject(4, LocalDateTime.ofInstant(authorized.report().scanStart(), ZoneOffset.UTC));
            statement.setInt(5, outcome.updated());
            statement.setInt(6, outcome.inserted());
            statement.setInt(7, outcome.ignored());
            statement.setInt(8, outcome.retagged());
            statement.executeUpdate();
        } catch (SQLIntegrityConstraintViolationException e) {
            // Another transaction (a concurrent copy of the same report) recorded the id between our check
            // and now: it was applied once, by the other; this copy is a duplicate, not a failure.
            throw new ReportAppliedConcurrently(outcome.reportId(), e);
        }
    }
}
