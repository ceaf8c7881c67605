package dev.scanflow.agent.scan;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.scanflow.agent.TestSettings;
import dev.scanflow.agent.plan.ScanPlanner;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.camel.LoggingLevel;
import org.apache.camel.component.exec.ExecCommand;
import org.apache.camel.component.exec.ExecResult;
import org.junit.jupiter.api.Test;

/**
 * How a scanner's exit is judged. The results are built here around real captured outputs; that camel-exec
 * really produces them (exit 143 and the output so far after a timeout, an exception for a missing binary)
 * is shown by ScanExecHygieneIT.
 */
class ScanExecutionTest {

    private static final Instant START = Instant.parse("2026-11-22T01:00:00Z");

    private final ScanExecution execution = new ScanExecution();

    private static ScanRecord record() {
        return ScanRecord.of(new ScanPlanner(TestSettings.of("scanflow.agent.subnets", "198.18.0.0/24"))
                .plan("198.18.0.0/24").get(0));
    }

    private static WatchedExecResult result(String program, int exit, boolean timedOut, byte[] stdout, byte[] stderr) {
        ExecCommand command = new ExecCommand(program, List.of("-oX", "-", "198.18.0.0/24"), null, 5000L, Set.of(), null,
                null, false, LoggingLevel.OFF);
        return new WatchedExecResult(command, stdout.length == 0 ? null : new ByteArrayInputStream(stdout),
                stderr.length == 0 ? null : new ByteArrayInputStream(stderr), exit, timedOut, START, START.plusSeconds(5));
    }

    private static byte[] text(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void aNormalEndGivesItsOutputAndIsRecorded() throws Exception {
        ScanRecord record = record();
        byte[] xml = Fixtures.bytes("nmap-sV-pairs-lab.xml");

        InputStream out = execution.output(result("/usr/bin/nmap", 0, false, xml, new byte[0]), record);

        assertArrayEquals(xml, out.readAllBytes());
        ScannerRun run = record.runs().get(0);
        assertEquals("nmap", run.tool());
        assertEquals(List.of("/usr/bin/nmap", "-oX", "-", "198.18.0.0/24"), run.command());
        assertEquals(0, run.exitCode());
        assertFalse(run.timedOut());
        assertEquals(START, record.start());
        assertEquals(START.plusSeconds(5), record.end());
        assertFalse(record.anyTimedOut());
    }

    @Test
    void aRunKilledByTheTimeoutGivesWhatItWroteAndMarksTheRecord() throws Exception {
        ScanRecord record = record();
        byte[] partial = Fixtures.bytes("nmap-sV-partial.xml");

        InputStream out = execution.output(result("nmap", 143, true, partial, new byte[0]), record);

        assertArrayEquals(partial, out.readAllBytes());
        assertTrue(record.anyTimedOut());
        assertEquals(143, record.runs().get(0).exitCode());
    }

    @Test
    void aRunKilledBeforeItWroteAnythingFailsTheJob() {
        ScanRecord record = record();

        ScanFailed failed = assertThrows(ScanFailed.class,
                () -> execution.output(result("masscan", 143, true, new byte[0], new byte[0]), record));

        assertTrue(failed.getMessage().contains("killed by the scan timeout"), failed.getMessage());
        assertEquals(1, record.runs().size(), "recorded all the same, for the archive");
    }

    @Test
    void anyOtherNonZeroExitFailsWithTheMeaningfulPartOfStderr() {
        byte[] stderr = text("[-] FAIL: scan range too large, max is 63-bits, requested is 65 bits\n"
                + "    Hint: IPv6 subnet must be at least /66 \n");

        ScanFailed failed = assertThrows(ScanFailed.class,
                () -> execution.output(result("masscan", 1, false, new byte[0], stderr), record()));

        assertEquals("masscan exited with 1 and no output: [-] FAIL: scan range too large, max is 63-bits, requested is"
                + " 65 bits\n    Hint: IPv6 subnet must be at least /66", failed.getMessage());
    }

    @Test
    void theFormWithoutARecordTakesOnlyARunThatExitedZero() throws Exception {
        assertThrows(ScanFailed.class, () -> execution.output(result("nmap", 143, true, text("<nmaprun>"), new byte[0])));
        assertThrows(ScanFailed.class, () -> execution.output(result("nmap", 1, false, text("<nmaprun>"), new byte[0])));

        assertArrayEquals(text("<nmaprun>"), execution.output(result("nmap", 0, false, text("<nmaprun>"), new byte[0]))
                .readAllBytes());
    }

    @Test
    void masscansBannerAndStatusLinesAreNotWorthALogLine() {
        String stderr = new String(Fixtures.bytes("masscan-ports-lab.stderr"), StandardCharsets.UTF_8);

        assertEquals("", ScanExecution.meaningful(stderr).strip());
        assertEquals("WARNING: a real warning", ScanExecution.meaningful(stderr + "\nWARNING: a real warning\n").strip());
    }

    @Test
    void aResultFromPlainCamelExecIsRecordedWithoutTimes() throws Exception {
        ScanRecord record = record();
        ExecCommand command = new ExecCommand("nmap", List.of("-oX", "-", "127.0.0.1"), null, 5000L, Set.of(), null,
                null, false, LoggingLevel.OFF);

        execution.output(new ExecResult(command, new ByteArrayInputStream(text("<x/>")), null, 0), record);

        assertFalse(record.runs().get(0).timedOut());
    }
}
