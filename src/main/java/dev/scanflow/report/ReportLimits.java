package dev.scanflow.report;

/**
 * Limits the server's report schema (src/main/resources/report-format/scan-report-v2.schema.json) applies,
 * named once so the agent can check its settings against them before it scans: a report over any of them
 * is refused with 400 after the whole scan. ReportLimitsTest reads them back from the schema.
 */
public final class ReportLimits {

    /** One argument of {@code command}: the port list of {@code -p} is the one that grows. */
    public static final int MAX_COMMAND_ARGUMENT = 1024;
    /** Arguments in {@code command}, the program included. */
    public static final int MAX_COMMAND_ARGUMENTS = 128;
    /** Hosts in one report. */
    public static final int MAX_HOSTS = 65_536;
    /** {@code coverage.ports[].ports}, nmap's port syntax. */
    public static final int MAX_COVERAGE_PORTS = 8192;
    /** {@code coverage.hostTargets}: CIDRs of the target left once excluded addresses are taken out. */
    public static final int MAX_HOST_TARGETS = 4096;

    private ReportLimits() {
    }
}
