package dev.scanflow.server.delta;

import dev.scanflow.net.Cidr;
import dev.scanflow.report.ScanReport;
import java.util.ArrayList;
import java.util.Objects;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Collects the chunks of one scan, in whatever order they arrive, until every index 0..count-1 is there.
 * The server's aggregator holds one per scan: {@link #add} each chunk, {@link #isComplete()} is its
 * completion predicate, and {@link #observation()} is what goes to the delta engine, either complete or,
 * after the aggregator's timeout, with the missing chunks' targets left unknown (never gone).
 *
 * <p>A report without chunk is a scan of one chunk, complete at once. Not thread-safe by itself beyond
 * its own methods; Camel's aggregator already serializes the exchanges of one correlation key.
 */
public final class ScanAssembly {

    /** What {@link #add} did with a chunk. */
    public enum Added {
        /** a chunk index not seen before */
        NEW,
        /** the same index again (a retry): ignored, the first copy stays */
        DUPLICATE
    }

    private final UUID scanId;
    private final int chunkCount;
    private final String agentCode;
    private final Cidr subnet;
    private final TreeMap<Integer, ObservedChunk> chunks = new TreeMap<>();

    private ScanAssembly(UUID scanId, int chunkCount, String agentCode, Cidr subnet) {
        this.scanId = scanId;
        this.chunkCount = chunkCount;
        this.agentCode = agentCode;
        this.subnet = subnet;
    }

    /** An assembly started by any chunk of the scan (not necessarily index 0). */
    public static ScanAssembly startWith(ScanReport first) {
        return startWith(ObservedChunk.of(first));
    }

    /** An assembly started by any chunk of the scan, reduced already. */
    public static ScanAssembly startWith(ObservedChunk first) {
        ScanReport header = first.header();
        ScanAssembly assembly = new ScanAssembly(scanIdOf(header), header.chunk() == null ? 1 : header.chunk().count(),
                header.agentCode(), Cidr.parse(header.subnet()));
        assembly.add(first);
        return assembly;
    }

    /** The id chunks of one scan share: chunk.scanId, or the report id of an unchunked report. */
    public static UUID scanIdOf(ScanReport report) {
        return report.chunk() == null ? report.reportId() : report.chunk().scanId();
    }

    /**
     * Adds a chunk of this scan.
     *
     * @throws IllegalArgumentException when the report belongs to another scan, another agent or subnet, or
     *                                  disagrees on the chunk count: it cannot be part of this observation
     */
    public Added add(ScanReport report) {
        return add(ObservedChunk.of(report));
    }

    /** Adds a chunk of this scan, reduced already; as {@link #add(ScanReport)}. */
    public synchronized Added add(ObservedChunk chunk) {
        ScanReport report = chunk.header();
        if (!scanIdOf(report).equals(scanId)) {
            throw new IllegalArgumentException("report " + report.reportId() + " belongs to scan " + scanIdOf(report)
                    + ", not " + scanId);
        }
        int count = report.chunk() == null ? 1 : report.chunk().count();
        int index = report.chunk() == null ? 0 : report.chunk().index();
        if (count != chunkCount) {
            throw new IllegalArgumentException("scan " + scanId + " has " + chunkCount + " chunks, but report "
                    + report.reportId() + " says " + count);
        }
        if (index < 0 || index >= chunkCount) {
            throw new IllegalArgumentException("chunk index " + index + " outside 0.." + (chunkCount - 1));
        }
        if (!Objects.equals(report.agentCode(), agentCode) || !Cidr.parse(report.subnet()).equals(subnet)) {
            throw new IllegalArgumentException("chunk " + index + " of scan " + scanId + " comes from "
                    + report.agentCode() + " for " + report.subnet() + ", the scan from " + agentCode + " for " + subnet);
        }
        return chunks.putIfAbsent(index, chunk) == null ? Added.NEW : Added.DUPLICATE;
    }

    public synchronized boolean isComplete() {
        return chunks.size() == chunkCount;
    }

    public synchronized SortedSet<Integer> missingChunks() {
        SortedSet<Integer> missing = new TreeSet<>();
        for (int i = 0; i < chunkCount; i++) {
            if (!chunks.containsKey(i)) {
                missing.add(i);
            }
        }
        return missing;
    }

    /** The chunks received so far, merged; what is missing is uncovered, not absent. */
    public synchronized Observation observation() {
        return Observation.merge(scanId, chunkCount, new ArrayList<>(chunks.values()));
    }

    public UUID scanId() {
        return scanId;
    }

    public int chunkCount() {
        return chunkCount;
    }

    public synchronized int receivedCount() {
        return chunks.size();
    }

    public String agentCode() {
        return agentCode;
    }

    public Cidr subnet() {
        return subnet;
    }
}
