package dev.scanflow.server.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.intake.AuthorizedReport;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * The chunks of scans whose other chunks have not all arrived, in ScanFlow's schema (db/scanflow V4): stored
 * in the transaction that writes the chunk's phpIPAM rows, read and deleted in the one that applies the whole
 * scan's deltas. Nothing of a scan waits only in memory.
 */
public class PendingChunks {

    /** One scan with chunks waiting, oldest chunk first. */
    public record PendingScan(long agentId, long subnetId, UUID scanId, Instant firstReceived) {
    }

    private final String table;
    private final ObjectMapper json = ReportJson.mapper();

    public PendingChunks(String scanflowSchema) {
        if (!scanflowSchema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("ScanFlow schema name must match [A-Za-z0-9_]{1,64}: " + scanflowSchema);
        }
        this.table = "`" + scanflowSchema + "`.pending_chunks";
    }

    /** Keeps a chunk; a chunk index kept before (a resent chunk under another report id) keeps its first copy. */
    public void store(Connection connection, AuthorizedReport authorized, Instant receivedAt) throws SQLException {
        ScanReport report = authorized.report();
        String sql = "INSERT IGNORE INTO " + table + " (agent_id, subnet_id, scan_id, chunk_index, chunk_count, report_id,"
                + " received_at, report) VALUES (?, ?, ?, ?, ?, ?, ?, ?)";
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, authorized.agent().id());
            statement.setLong(2, authorized.subnet().id());
            statement.setString(3, report.chunk().scanId().toString());
            statement.setInt(4, report.chunk().index());
            statement.setInt(5, report.chunk().count());
            statement.setString(6, report.reportId().toString());
            statement.setObject(7, LocalDateTime.ofInstant(receivedAt, ZoneOffset.UTC));
            statement.setBytes(8, json.writeValueAsBytes(report));
            statement.executeUpdate();
        } catch (IOException e) {
            throw new IllegalStateException("report " + report.reportId() + " cannot be written as JSON", e);
        }
    }

    /** The kept chunks of one scan, by index. */
    public List<ScanReport> chunksOf(Connection connection, long agentId, long subnetId, UUID scanId) throws SQLException {
        String sql = "SELECT report FROM " + table + " WHERE agent_id = ? AND subnet_id = ? AND scan_id = ? ORDER BY chunk_index";
        List<ScanReport> chunks = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setLong(1, agentId);
            statement.setLong(2, subnetId);
            statement.setString(3, scanId.toString());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    chunks.add(json.readValue(rows.getBytes(1), ScanReport.class));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("a kept chunk of scan " + scanId + " cannot be read back", e);
        }
        return chunks;
    }

    /** Forgets a scan's chunks: its deltas are being stored in the same transaction. */
    public void delete(Connection connection, long agentId, long subnetId, UUID scanId) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("DELETE FROM " + table
                + " WHERE agent_id = ? AND subnet_id = ? AND scan_id = ?")) {
            statement.setLong(1, agentId);
            statement.setLong(2, subnetId);
            statement.setString(3, scanId.toString());
            statement.executeUpdate();
        }
    }

    /** Scans whose first chunk arrived before {@code cutoff}: they are applied with what came. */
    public List<PendingScan> waitingSince(Connection connection, Instant cutoff) throws SQLException {
        String sql = "SELECT agent_id, subnet_id, scan_id, MIN(received_at) AS first_received FROM " + table
                + " GROUP BY agent_id, subnet_id, scan_id HAVING MIN(received_at) < ? ORDER BY first_received";
        List<PendingScan> scans = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
            statement.setObject(1, LocalDateTime.ofInstant(cutoff, ZoneOffset.UTC));
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    scans.add(new PendingScan(rows.getLong("agent_id"), rows.getLong("subnet_id"),
                            UUID.fromString(rows.getString("scan_id")),
                            rows.getObject("first_received", LocalDateTime.class).toInstant(ZoneOffset.UTC)));
                }
            }
        }
        return scans;
    }
}
