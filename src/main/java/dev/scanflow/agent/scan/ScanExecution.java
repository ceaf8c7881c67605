package dev.scanflow.agent.scan;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.camel.component.exec.ExecResult;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Judges what camel-exec brought back from a scanner. A run that ended normally gives its stdout; a run the
 * scan timeout killed gives what it wrote up to then (the report will say partial), unless it wrote
 * nothing; any other non-zero exit is a {@link ScanFailed} with the exit code and stderr. Every run's exit
 * code is logged, and its stderr without the progress lines.
 */
public class ScanExecution {

    private static final Logger LOG = LoggerFactory.getLogger(ScanExecution.class);
    private static final int STDERR_LIMIT = 2000;
    /** masscan's banner and status lines, which say nothing a log reader needs. */
    private static final Pattern PROGRESS_NOISE = Pattern.compile(
            "^(rate:\\s.*|Starting masscan .*|Initiating SYN Stealth Scan|Scanning \\d+ hosts? \\[.*\\]|\\s*)$");

    private final Clock clock;

    public ScanExecution() {
        this(Clock.systemUTC());
    }

    public ScanExecution(Clock clock) {
        this.clock = clock;
    }

    /** The stdout of a run that exited 0; a {@link ScanFailed} for any other exit, a timeout included. */
    public InputStream output(ExecResult result) {
        ScannerRun run = run(result);
        if (run.exitCode() != 0 || run.timedOut()) {
            throw failed(run);
        }
        logStderr(run);
        return new ByteArrayInputStream(run.stdout());
    }

    /**
     * Records the run in the job's record (for the report and the archive) and returns its stdout: all of it
     * after a normal end, what was written up to the kill after a timeout.
     */
    public InputStream output(ExecResult result, ScanRecord record) {
        ScannerRun run = run(result);
        record.add(run);
        String what = run.tool() + " on " + ScanProgress.targets(run.command().subList(1, run.command().size()));
        if (run.timedOut()) {
            if (run.stdout().length == 0) {
                throw new ScanFailed(what + " was killed by the scan timeout after " + seconds(run)
                        + " before it wrote any result" + stderrSuffix(run));
            }
            LOG.warn("{} was killed by the scan timeout after {} (exit {}); reading the {} bytes it wrote, the report"
                    + " will be marked partial", what, seconds(run), run.exitCode(), run.stdout().length);
            logStderr(run);
            return new ByteArrayInputStream(run.stdout());
        }
        if (run.exitCode() != 0) {
            throw failed(run);
        }
        LOG.info("{} exited 0 after {}, {} bytes of output", what, seconds(run), run.stdout().length);
        logStderr(run);
        return new ByteArrayInputStream(run.stdout());
    }

    private ScannerRun run(ExecResult result) {
        byte[] stdout = bytes(result.getStdout());
        byte[] stderr = bytes(result.getStderr());
        List<String> command = new ArrayList<>();
        command.add(result.getCommand().getExecutable());
        command.addAll(result.getCommand().getArgs());
        boolean timedOut = false;
        Instant now = clock.instant();
        Instant start = now;
        Instant end = now;
        if (result instanceof WatchedExecResult watched) {
            timedOut = watched.timedOut();
            start = watched.start();
            end = watched.end();
        }
        return new ScannerRun(Path.of(result.getCommand().getExecutable()).getFileName().toString(), command,
                result.getExitValue(), timedOut, start, end, stdout, stderr);
    }

    private static ScanFailed failed(ScannerRun run) {
        return new ScanFailed(run.tool() + (run.timedOut() ? " was killed by the scan timeout after " + seconds(run)
                : " exited with " + run.exitCode()) + (run.stdout().length == 0 ? " and no output" : "")
                + stderrSuffix(run));
    }

    private static String stderrSuffix(ScannerRun run) {
        String stderr = meaningful(run.stderrText());
        return stderr.isBlank() ? "" : ": " + clip(stderr);
    }

    private static void logStderr(ScannerRun run) {
        String stderr = meaningful(run.stderrText());
        if (!stderr.isBlank()) {
            LOG.warn("{} wrote to stderr: {}", run.tool(), clip(stderr));
        }
    }

    /** stderr without masscan's status and banner lines (its status lines end in \r, not \n). */
    static String meaningful(String stderr) {
        return stderr.lines() // splits at \r too
                .filter(line -> !PROGRESS_NOISE.matcher(line).matches())
                .collect(Collectors.joining("\n"));
    }

    private static String seconds(ScannerRun run) {
        return String.format(java.util.Locale.ROOT, "%.1f s", run.elapsed().toMillis() / 1000.0);
    }

    private static String clip(String text) {
        String trimmed = text.strip();
        return trimmed.length() <= STDERR_LIMIT ? trimmed : trimmed.substring(0, STDERR_LIMIT) + "…";
    }

    private static byte[] bytes(InputStream in) {
        if (in == null) {
            return new byte[0];
        }
        try (in) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
