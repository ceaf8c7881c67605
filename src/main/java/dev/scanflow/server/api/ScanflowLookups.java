package dev.scanflow.server.api;

import dev.scanflow.server.history.HistoryUnavailable;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/**
 * The two small reads of ScanFlow's schema the API needs and HistoryQueries does not offer: which sites
 * track a phpIPAM subnet, and which scan made the state a later scan was compared with. Parameterized, read-only.
 */
public class ScanflowLookups {

    /** The scan whose state a later scan was compared with. */
    public record PreviousScan(UUID scanId, long stateVersion, Instant scanStart, String profile) {
    }

    private final DataSource dataSource;
    private final String schema;

    public ScanflowLookups(DataSource dataSource, String scanflowSchema) {
        this.dataSource = Objects.requireNonNull(dataSource, "dataSource");
        if (scanflowSchema == null || !scanflowSchema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("ScanFlow schema name must match [A-Za-z0-9_]{1,64}: " + scanflowSchema);
        }
        this.schema = scanflowSchema;
    }

    /** The sites (scan agents) that hold state for phpIPAM subnet {@code subnetId}, by name. */
    public List<String> sitesTracking(long subnetId) {
        String sql = "SELECT site FROM `" + schema + "`.tracked_subnets WHERE subnet_id = ? ORDER BY site";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, subnetId);
            List<String> sites = new ArrayList<>();
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    sites.add(rows.getString(1));
                }
            }
            return sites;
        } catch (SQLException e) {
            throw new HistoryUnavailable("reading the sites of subnet " + subnetId, e);
        }
    }

    /**
     * The scan applied to the same (site, subnet) just before the one that made {@code stateVersion}; empty
     * for the first scan, which was compared with nothing known.
     */
    public Optional<PreviousScan> scanBefore(String site, long subnetId, long stateVersion) {
        String sql = "SELECT a.scan_id, a.state_version, a.scan_start, a.profile FROM `" + schema + "`.applied_scans a JOIN `"
                + schema + "`.tracked_subnets s ON s.id = a.subnet_ref WHERE s.site = ? AND s.subnet_id = ?"
                + " AND a.state_version < ? ORDER BY a.state_version DESC LIMIT 1";
        try (Connection connection = dataSource.getConnection();
             PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setString(1, site);
            statement.setLong(2, subnetId);
            statement.setLong(3, stateVersion);
            try (ResultSet rows = statement.executeQuery()) {
                if (!rows.next()) {
                    return Optional.empty();
                }
                return Optional.of(new PreviousScan(UUID.fromString(rows.getString("scan_id")), rows.getLong("state_version"),
                        rows.getObject("scan_start", LocalDateTime.class).toInstant(ZoneOffset.UTC), rows.getString("profile")));
            }
        } catch (SQLException e) {
            throw new HistoryUnavailable("reading the scan before version " + stateVersion + " of " + site + "/" + subnetId, e);
        }
    }
}
