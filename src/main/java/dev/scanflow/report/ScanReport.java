package dev.scanflow.report;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

/**
 * What an agent saw on one subnet in one scan: the unit that travels from agent to server.
 * Its JSON form and JSON Schema are documented in docs/report-format.md.
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
        List<ScannedHost> hosts) {

    public static final int FORMAT_VERSION = 1;

    public ScanReport {
        command = List.copyOf(command);
        hosts = List.copyOf(hosts);
    }
}
