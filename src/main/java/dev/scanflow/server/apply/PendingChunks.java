package dev.scanflow.server.apply;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.scanflow.report.ReportJson;
import dev.scanflow.report.ScanReport;
import dev.scanflow.server.delta.ObservedChunk;
import dev.scanflow.server.delta.ObservedChunkFormat;
import dev.scanflow.server.intake.AuthorizedReport;
import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.io.ByteArrayInputStream;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chunks of scans whose other chunks have not all arrived, in ScanFlow's schema (db/scanflow V4): stored
 * in the transaction that writes the chunk's phpIPAM rows, read and deleted in the one that applies the whole
 * scan's deltas, that of the chunk that completes the scan (which is itself never stored). Nothing of a scan waits
 * only in memory.
 *
 * <p>The rows are the truth; chunks this server kept are also remembered reduced ({@link ObservedChunk}, after their
 * commit), so the chunk that completes a large scan does not read, parse and reduce every other chunk again. A chunk
 * another server kept, or one kept before a restart, is read from its row.
 */
public class PendingChunks {

    private static final Logger LOG = LoggerFactory.getLogger(PendingChunks.class);

    /** One scan with chunks waiting, oldest chunk first. */
    public record PendingScan(long agentId, long subnetId, UUID scanId, Instant firstReceived) {
    }

    private record ScanRef(long agentId, long subnetId, UUID scanId) {
    }

    private final String table;
    private final ObjectMapper json = ReportJson.mapper();
    private final ObjectMapper smile = ReportJson.binary();
    private final Map<ScanRef, Map<Integer, ObservedChunk>> remembered = new ConcurrentHashMap<>();
    /** Threads that prepare chunks; idle ones end after a while, so an idle server holds none. */
    private final ThreadPoolExecutor preparers = preparerThreads();

    public PendingChunks(String scanflowSchema) {
        if (!scanflowSchema.matches("[A-Za-z0-9_]{1,64}")) {
            throw new IllegalArgumentException("ScanFlow schema name must match [A-Za-z0-9_]{1,64}: " + scanflowSchema);
        }
        this.table = "`" + scanflowSchema + "`.pending_chunks";
    }

    /**
     * A report prepared on the side: reduced for the delta, and encoded to be kept (null when it was not to be kept).
     */
    public record Prepared(ObservedChunk observed, byte[] encoded) {
    }

    /**
     * Starts preparing a report on a thread of its own while the caller writes its phpIPAM rows: reducing it for the
     * delta ({@link ObservedChunk}), and, when {@code toKeep} (a chunk likely to wait for others), encoding that
     * ({@link ObservedChunkFormat}). The two need different cores (Java, the database), and the write is the longer
     * (bench/delta: about 27 ms to write the phpIPAM rows of a chunk of 62,500 ports, 10 ms to reduce it, 1 ms to
     * encode it), so the chunk seldom waits for its preparation.
     */
    public Future<Prepared> prepareAside(ScanReport report, boolean toKeep) {
        return preparers.submit(() -> {
            ObservedChunk observed = ObservedChunk.of(report);
            return new Prepared(observed, toKeep ? encode(observed) : null);
        });
    }

    /**
     * Keeps a chunk as {@link #prepareAside} encoded it, or encodes it here when it was not (it was guessed to complete
     * its scan). A chunk index kept before (a resent chunk under another report id) keeps its first
     * copy: then this returns false, and the chunk must not be {@linkplain #remember remembered}.
     */
    public boolean store(Connection connection, AuthorizedReport authorized, Instant receivedAt, Prepared prepared)
            throws SQLException {
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
            statement.setBytes(8, prepared.encoded() == null ? encode(prepared.observed()) : prepared.encoded());
            return statement.executeUpdate() == 1;
        }
    }

    /** The kept chunks of one scan, by index. */
    public List<ObservedChunk> chunksOf(Connection connection, long agentId, long subnetId, UUID scanId) throws SQLException {
        return chunks(connection, agentId, subnetId, scanId, keptIndexes(connection, agentId, subnetId, scanId), null);
    }

    /** The indexes of the chunks of {@code report}'s scan there are with it: those kept, and its own. */
    public SortedSet<Integer> indexesWith(Connection connection, long agentId, long subnetId, ScanReport report)
            throws SQLException {
        SortedSet<Integer> indexes = keptIndexes(connection, agentId, subnetId, report.chunk().scanId());
        indexes.add(report.chunk().index());
        return indexes;
    }

    /**
     * The chunks of {@code current}'s scan at {@code indexes} (from {@link #indexesWith}): {@code current} as it is,
     * chunks remembered after their commit too, the others read from their rows.
     */
    public List<ObservedChunk> chunksWith(Connection connection, long agentId, long subnetId, ObservedChunk current,
                                          SortedSet<Integer> indexes) throws SQLException {
        return chunks(connection, agentId, subnetId, current.header().chunk().scanId(), indexes, current);
    }

    private List<ObservedChunk> chunks(Connection connection, long agentId, long subnetId, UUID scanId,
                                       SortedSet<Integer> indexes, ObservedChunk current) throws SQLException {
        Map<Integer, ObservedChunk> known = remembered.getOrDefault(new ScanRef(agentId, subnetId, scanId), Map.of());
        List<ObservedChunk> chunks = new ArrayList<>();
        for (int index : indexes) {
            if (current != null && current.header().chunk().index() == index) {
                chunks.add(current);
            } else if (known.containsKey(index)) {
                chunks.add(known.get(index));
            } else {
                ObservedChunk read = read(connection, agentId, subnetId, scanId, index);
                if (read != null) {
                    chunks.add(read);
                }
            }
        }
        return chunks;
    }

    /**
     * Whether, as far as this server remembers, {@code report} is the chunk that completes its scan: then it is not
     * encoded ahead, since it will not be kept. A guess only (another server or a restart may know better): the
     * rows decide, and a chunk guessed wrong is encoded when it is kept.
     */
    public boolean likelyCompletes(long agentId, long subnetId, ScanReport report) {
        Map<Integer, ObservedChunk> known = remembered.getOrDefault(new ScanRef(agentId, subnetId, report.chunk().scanId()),
                Map.of());
        return known.size() - (known.containsKey(report.chunk().index()) ? 1 : 0) == report.chunk().count() - 1;
    }

    private SortedSet<Integer> keptIndexes(Connection connection, long agentId, long subnetId, UUID scanId)
            throws SQLException {
        SortedSet<Integer> indexes = new TreeSet<>();
        try (PreparedStatement statement = connection.prepareStatement("SELECT chunk_index FROM " + table
                + " WHERE agent_id = ? AND subnet_id = ? AND scan_id = ?")) {
            statement.setLong(1, agentId);
            statement.setLong(2, subnetId);
            statement.setString(3, scanId.toString());
            try (ResultSet rows = statement.executeQuery()) {
                while (rows.next()) {
                    indexes.add(rows.getInt(1));
                }
            }
        }
        return indexes;
    }

    /**
     * A kept chunk read back; null when its row cannot be read (damaged, or kept in a format this server does not
     * know): the scan is then applied without it, as without a chunk that never came (its addresses stay unknown,
     * never gone), rather than failing the scan's last chunk and every later attempt at the scan for good.
     */
    private ObservedChunk read(Connection connection, long agentId, long subnetId, UUID scanId, int index) throws SQLException {
        try (PreparedStatement statement = connection.prepareStatement("SELECT report FROM " + table
                + " WHERE agent_id = ? AND subnet_id = ? AND scan_id = ? AND chunk_index = ?")) {
            statement.setLong(1, agentId);
            statement.setLong(2, subnetId);
            statement.setString(3, scanId.toString());
            statement.setInt(4, index);
            byte[] kept;
            try (ResultSet rows = statement.executeQuery()) {
                rows.next();
                kept = rows.getBytes(1);
            }
            try {
                return decode(kept);
            } catch (IOException | RuntimeException e) {
                LOG.error("chunk {} of scan {} (agent {}, subnet {}) was kept but cannot be read back ({}): the scan is"
                        + " applied without it", index, scanId, agentId, subnetId, e.toString());
                return null;
            }
        }
    }

    /** After the commit that kept {@code chunk}: it is remembered reduced. */
    public void remember(long agentId, long subnetId, ObservedChunk chunk) {
        ScanReport.Chunk position = chunk.header().chunk();
        remembered.computeIfAbsent(new ScanRef(agentId, subnetId, position.scanId()), k -> new ConcurrentSkipListMap<>())
                .putIfAbsent(position.index(), chunk);
    }

    /**
     * Forgets the remembered chunks of every scan not among {@code waiting} (from {@link #waiting}): another server
     * completed it, or applied it as overdue. Without this a server behind a load balancer would hold, for good, the
     * reduced chunks of every scan whose last chunk went to another server.
     * The rows are the truth; a scan forgotten while its next chunk commits is only read back from its rows.
     */
    public void forgetAllBut(List<PendingScan> waiting) {
        Set<ScanRef> kept = new HashSet<>();
        for (PendingScan scan : waiting) {
            kept.add(new ScanRef(scan.agentId(), scan.subnetId(), scan.scanId()));
        }
        remembered.keySet().retainAll(kept);
    }

    /** After the commit that applied the scan: nothing of it is remembered. */
    public void forget(long agentId, long subnetId, UUID scanId) {
        remembered.remove(new ScanRef(agentId, subnetId, scanId));
    }

    /** A kept chunk: {@link ObservedChunkFormat}. */
    byte[] encode(ObservedChunk chunk) {
        return ObservedChunkFormat.encode(chunk);
    }

    /**
     * A kept chunk read back: {@link ObservedChunkFormat}, or the whole report as an older server kept it (gzipped
     * Smile or JSON), reduced here.
     */
    ObservedChunk decode(byte[] kept) throws IOException {
        if (ObservedChunkFormat.isThisFormat(kept)) {
            return ObservedChunkFormat.decode(kept);
        }
        byte[] content = gunzip(kept);
        // Smile's header is ":)\n", JSON starts with '{'
        return ObservedChunk.of(content.length > 0 && content[0] == ':' ? smile.readValue(content, ScanReport.class)
                : json.readValue(content, ScanReport.class));
    }

    private static ThreadPoolExecutor preparerThreads() {
        int threads = Runtime.getRuntime().availableProcessors();
        AtomicInteger count = new AtomicInteger();
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                runnable -> {
                    Thread thread = new Thread(runnable, "report-preparer-" + count.incrementAndGet());
                    thread.setDaemon(true);
                    return thread;
                });
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    private static byte[] gunzip(byte[] bytes) throws IOException {
        try (GZIPInputStream zip = new GZIPInputStream(new ByteArrayInputStream(bytes))) {
            return zip.readAllBytes();
        }
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

    /** Every scan with chunks kept, the one whose first chunk arrived earliest first. */
    public List<PendingScan> waiting(Connection connection) throws SQLException {
        String sql = "SELECT agent_id, subnet_id, scan_id, MIN(received_at) AS first_received FROM " + table
                + " GROUP BY agent_id, subnet_id, scan_id ORDER BY first_received";
        List<PendingScan> scans = new ArrayList<>();
        try (PreparedStatement statement = connection.prepareStatement(sql)) {
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
