package dev.scanflow.agent.scan;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One scanner process as it ran: what was run, how it ended, and everything it wrote. Kept for the report
 * (command, times, partial) and archived raw under the report id.
 *
 * @param tool     the executable's file name (nmap, masscan)
 * @param command  program first, then the arguments, exactly as run
 * @param exitCode the exit code (143 when the scan timeout killed it with SIGTERM)
 * @param timedOut whether the scan timeout killed it
 */
public record ScannerRun(String tool, List<String> command, int exitCode, boolean timedOut, Instant start,
                         Instant end, byte[] stdout, byte[] stderr) {

    public ScannerRun {
        command = List.copyOf(command);
    }

    public Duration elapsed() {
        return Duration.between(start, end);
    }

    public String stderrText() {
        return new String(stderr, StandardCharsets.UTF_8);
    }

    @Override
    public String toString() {
        return "ScannerRun[" + String.join(" ", command) + ", exit " + exitCode + (timedOut ? ", timed out" : "")
                + ", " + stdout.length + " bytes]";
    }
}
