package dev.scanflow.report;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What an agent saw on one subnet (or one chunk of it) in one scan: the unit that travels from agent to
 * server. Its JSON form and JSON Schemas (versions 1 and 2) are documented in docs/report-format.md.
 *
 * <p>Version 2 adds {@code profile}, {@code chunk}, {@code partial}, {@code coverage} and per-host ports;
 * in a version 1 report they are null (read as: discovery of the whole subnet, complete, one chunk).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ScanReport(
        int formatVersion,
        UUID reportId,
        String agentCode,
        String subnet,
        Instant scanStart,
        Instant scanEnd,
        List<String> command,
        List<ScannedHost> hosts,
        String profile,
        Chunk chunk,
        Boolean partial,
        Coverage coverage) {

    public static final int FORMAT_VERSION = 2;

    public ScanReport {
        command = List.copyOf(command);
        hosts = List.copyOf(hosts);
    }

    /** A version 1 report: discovery only. */
    public ScanReport(int formatVersion, UUID reportId, String agentCode, String subnet, Instant scanStart,
                      Instant scanEnd, List<String> command, List<ScannedHost> hosts) {
        this(formatVersion, reportId, agentCode, subnet, scanStart, scanEnd, command, hosts, null, null, null, null);
    }

    /** Whether the scanner stopped before it finished: what it did not reach stays unknown, never "gone". */
    @JsonIgnore
    public boolean cutShort() {
        return Boolean.TRUE.equals(partial);
    }

    /** Which part of a scan split into chunks this report is: index from 0, count of chunks of the scan. */
    public record Chunk(UUID scanId, int index, int count) {
    }
}
